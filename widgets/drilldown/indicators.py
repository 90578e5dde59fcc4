"""The ten indicators of a selection as tiles, each with its 同比 (year on year) and 环比 (period on period)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from feeds.protocol.answers import INDICATORS, Change, Comparison, Indicators
from widgets.drilldown.text import format_change, format_value, indicator_name
from widgets.theme import CLOSED, OVERDUE, PANEL_EDGE, TEXT, TEXT_BRIGHT, TEXT_DIM, TRACK, Scale, colour

TONES = {"good": CLOSED, "bad": OVERDUE, "neutral": TEXT, "none": TEXT_DIM}
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


class IndicatorGrid(QWidget):
    """Ten tiles in ``columns`` columns: name, value, 同比 and 环比 (green better, red worse).

    Rates change in percentage points, counts and hours by ratio; counts
    (reported, filed...) have no better direction and stay neutral.
    """

    def __init__(self, scale: Scale, columns: int = 5, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scale = scale
        self.columns = columns
        self.values = Indicators()
        self.yoy: dict[str, Change] = {}
        self.pop: dict[str, Change] = {}
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.retranslate()

    def retranslate(self) -> None:
        """UI strings from the translator."""
        self.words = {"yoy": self.tr("YoY"), "pop": self.tr("PoP")}
        self.setToolTip(self.tr("YoY: same period last year · PoP: previous period of the same length"))
        self.update()

    def changeEvent(self, event: QEvent) -> None:
        """Retranslate on a language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_data(self, indicators: Indicators, yoy: Comparison | None = None, pop: Comparison | None = None) -> None:
        """Show ``indicators`` with the changes of the ``yoy`` and ``pop`` comparisons."""
        self.values = indicators
        self.yoy = dict(yoy.change) if yoy else {}
        self.pop = dict(pop.change) if pop else {}
        self.update()

    def clear(self) -> None:
        """Show dashes."""
        self.set_data(Indicators())

    def tile_texts(self, key: str) -> tuple[str, str, str]:
        """``(value, yoy text, pop text)`` of one indicator, as drawn."""
        return (
            format_value(key, self.values.value(key)),
            format_change(key, self.yoy.get(key))[0],
            format_change(key, self.pop.get(key))[0],
        )

    def _tile_h(self) -> float:
        return self.scale.base * 5.0

    def sizeHint(self) -> QSize:
        """Two rows of tiles."""
        rows = -(-len(INDICATORS) // self.columns)
        return QSize(self.scale.px(30), round(rows * (self._tile_h() + self.scale.gap)))

    def minimumSizeHint(self) -> QSize:
        """As tall as :meth:`sizeHint`."""
        return QSize(self.scale.px(16), self.sizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        """Draw every tile."""
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        s = self.scale
        gap = s.gap
        w = (self.width() - gap * (self.columns - 1)) / self.columns
        h = self._tile_h()
        for i, key in enumerate(INDICATORS):
            r, c = divmod(i, self.columns)
            self._paint_tile(p, QRectF(c * (w + gap), r * (h + gap), w, h), key)

    def _paint_tile(self, p: QPainter, rect: QRectF, key: str) -> None:
        s = self.scale
        p.setPen(colour(PANEL_EDGE))
        p.setBrush(colour(TRACK, 0.55))
        p.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), s.radius, s.radius)
        inner = rect.adjusted(s.pad * 0.8, s.pad * 0.45, -s.pad * 0.6, -s.pad * 0.4)
        name_font, value_font, small = s.font(0.72), s.font(1.55, bold=True, numeric=True), s.font(0.66)
        y = inner.top()
        p.setFont(name_font)
        p.setPen(colour(TEXT_DIM))
        name = QFontMetrics(name_font).elidedText(indicator_name(key), Qt.TextElideMode.ElideRight, int(inner.width()))
        p.drawText(QRectF(inner.left(), y, inner.width(), s.base * 1.0), _LEFT, name)
        y += s.base * 1.0
        value = self.values.value(key)
        hot = key == "overdue_unhandled" and isinstance(value, (int, float)) and value > 0
        p.setFont(value_font)
        p.setPen(colour(OVERDUE if hot else TEXT_BRIGHT))
        p.drawText(QRectF(inner.left(), y, inner.width(), s.base * 1.9), _LEFT, format_value(key, value))
        y += s.base * 1.95
        fm = QFontMetrics(small)
        label_w = max(fm.horizontalAdvance(self.words["yoy"]), fm.horizontalAdvance(self.words["pop"])) + s.gap
        for which, changes in (("yoy", self.yoy), ("pop", self.pop)):
            text, tone = format_change(key, changes.get(key))
            p.setFont(small)
            p.setPen(colour(TEXT_DIM))
            line = QRectF(inner.left(), y, inner.width(), s.base * 0.95)
            p.drawText(line, _LEFT, self.words[which])
            p.setPen(colour(TONES[tone]))
            p.drawText(line.adjusted(label_w, 0, 0, 0), _LEFT, fm.elidedText(text, Qt.TextElideMode.ElideRight,
                                                                              int(line.width() - label_w)))  # fmt: skip
            y += s.base * 0.95
