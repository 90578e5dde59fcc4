"""RoundedRects: the cached shapes look like the painter's own and the cache stays bounded."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from pytestqt.qtbot import QtBot

from widgets.shapes import RoundedRects


def _canvas() -> QImage:
    img = QImage(120, 60, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(QColor("#0b1a2a"))
    return img


def _direct(rect: QRectF, radius: float, fill: QColor, pen: QColor | None, width: float) -> QImage:
    img = _canvas()
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QPen(pen, width) if pen is not None else Qt.PenStyle.NoPen)
    p.setBrush(fill)
    p.drawRoundedRect(rect, radius, radius)
    p.end()
    return img


def _cached(
    shapes: RoundedRects, rect: QRectF, radius: float, fill: QColor, pen: QColor | None, width: float
) -> QImage:
    img = _canvas()
    p = QPainter(img)
    shapes.draw(p, rect, radius, fill, pen, width)
    p.end()
    return img


def _worst_channel_diff(a: QImage, b: QImage) -> int:
    worst = 0
    for y in range(a.height()):
        for x in range(a.width()):
            ca, cb = a.pixelColor(x, y), b.pixelColor(x, y)
            worst = max(worst, abs(ca.red() - cb.red()), abs(ca.green() - cb.green()), abs(ca.blue() - cb.blue()))
    return worst


def test_cached_shape_matches_the_painters_and_is_drawn_once(qtbot: QtBot) -> None:
    """Fill and outline land where drawRoundedRect puts them; the second draw is a cache hit."""
    shapes = RoundedRects()
    cases = [
        (QRectF(10, 10, 90, 36), 6.0, QColor(79, 209, 197, 90), None, 0.0),
        (QRectF(20, 12, 70, 30), 5.0, QColor(239, 68, 68, 36), QColor(239, 68, 68, 230), 2.0),
    ]
    for rect, radius, fill, pen, width in cases:
        before = shapes.drawn
        cached = _cached(shapes, rect, radius, fill, pen, width)
        assert shapes.drawn == before + 1
        assert _worst_channel_diff(cached, _direct(rect, radius, fill, pen, width)) <= 40  # edge pixels only
        assert _worst_channel_diff(cached, _canvas()) > 40  # and it did paint
        again = _cached(shapes, rect, radius, fill, pen, width)
        assert shapes.drawn == before + 1 and again == cached
    # inside the shape, well away from its edges, the colours are the same
    rect, radius, fill, pen, width = cases[1]
    a, b = _cached(shapes, rect, radius, fill, pen, width), _direct(rect, radius, fill, pen, width)
    assert a.pixelColor(55, 27) == b.pixelColor(55, 27)


def test_cache_is_bounded_and_skips_empty_rects(qtbot: QtBot) -> None:
    """New shapes beyond the capacity or the byte budget empty the cache instead of growing it; an
    empty rect draws nothing."""
    shapes = RoundedRects(capacity=8)
    img = _canvas()
    p = QPainter(img)
    for w in range(20, 60):
        shapes.draw(p, QRectF(0, 0, w, 20), 4.0, QColor("#4fd1c5"))
        assert len(shapes) <= 8
    shapes.draw(p, QRectF(5, 5, 0, 20), 4.0, QColor("#4fd1c5"))
    assert shapes.drawn == 40
    big = RoundedRects(max_bytes=100 * 20 * 4 * 3)  # room for three 100x20 shapes
    for alpha in range(10, 200, 10):
        big.draw(p, QRectF(0, 0, 100, 20), 4.0, QColor(79, 209, 197, alpha))
        assert 0 < big.bytes <= big.max_bytes and len(big) <= 3
    p.end()
