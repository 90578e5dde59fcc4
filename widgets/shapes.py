"""Cached antialiased rounded rectangles for painted rows that repaint many times a second.

An antialiased ``QPainter.drawRoundedRect`` goes through the path rasteriser: on a wall-sized
feed row it costs ~0.1 ms, three per row, a dozen rows per repaint, dozens of repaints a second
under a flood. The same shape drawn once into a pixmap and blitted after is a plain image copy.
Shapes are keyed by size (quarter pixels), radius, colours, pen width and device pixel ratio.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap

_Key = tuple[int, int, int, int, int, int, float]


class RoundedRects:
    """Draws rounded rectangles from a bounded pixmap cache.

    Args:
        capacity: Shapes kept at most.
        max_bytes: Pixels kept at most (4 bytes each): a wall-sized feed row is ~0.4 MB.
            The cache is emptied when either bound would be passed (a resize or a new
            scale makes every old shape useless at once).
    """

    def __init__(self, capacity: int = 512, max_bytes: int = 24 << 20) -> None:
        self.capacity = capacity
        self.max_bytes = max_bytes
        self._cache: dict[_Key, QPixmap] = {}
        self._bytes = 0
        self.drawn = 0
        """Shapes rendered into a pixmap (cache misses); tests read it."""

    @property
    def bytes(self) -> int:
        """Bytes of the pixmaps kept."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._cache)

    def draw(
        self,
        p: QPainter,
        rect: QRectF,
        radius: float,
        fill: QColor,
        pen: QColor | None = None,
        pen_width: float = 0.0,
    ) -> None:
        """Paint ``rect`` with rounded corners, filled with ``fill``, outlined by ``pen`` if given."""
        if rect.width() <= 0 or rect.height() <= 0:
            return
        dpr = p.device().devicePixelRatioF() if p.device() is not None else 1.0
        key = (
            round(rect.width() * 4),
            round(rect.height() * 4),
            round(radius * 4),
            fill.rgba(),
            pen.rgba() if pen is not None else -1,
            round(pen_width * 4) if pen is not None else 0,
            dpr,
        )
        pm = self._cache.get(key)
        if pm is None:
            pm = self._render(rect.width(), rect.height(), radius, fill, pen, pen_width, dpr)
            size = pm.width() * pm.height() * 4
            if len(self._cache) >= self.capacity or self._bytes + size > self.max_bytes:
                self._cache.clear()
                self._bytes = 0
            self._cache[key] = pm
            self._bytes += size
        pad = pen_width / 2 if pen is not None else 0.0  # the pen's outer half lies outside the rect
        p.drawPixmap(QPointF(rect.left() - pad, rect.top() - pad), pm)

    def _render(
        self, w: float, h: float, radius: float, fill: QColor, pen: QColor | None, pen_width: float, dpr: float
    ) -> QPixmap:
        self.drawn += 1
        pad = pen_width / 2 if pen is not None else 0.0
        pm = QPixmap(max(1, round((w + 2 * pad) * dpr + 0.499)), max(1, round((h + 2 * pad) * dpr + 0.499)))
        pm.setDevicePixelRatio(dpr)
        pm.fill(Qt.GlobalColor.transparent)
        q = QPainter(pm)
        q.setRenderHint(QPainter.RenderHint.Antialiasing)
        q.setPen(QPen(pen, pen_width) if pen is not None else Qt.PenStyle.NoPen)
        q.setBrush(fill)
        q.drawRoundedRect(QRectF(pad, pad, w, h), radius, radius)
        q.end()
        return pm
