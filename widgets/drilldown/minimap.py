"""A small map of where a case is, drawn with QPainter: its community, the unit grids, the case point.

No web engine: the unit geometry (GeoJSON, WGS-84) comes from the
application through :class:`UnitShapes`, projected equirectangularly around
the community (fine at this size), with a scale bar and north arrow.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from widgets.theme import (
    ACCENT,
    CLOSED,
    DUE_SOON,
    OVERDUE,
    PANEL_EDGE,
    TEXT,
    TEXT_BRIGHT,
    TEXT_DIM,
    TRACK,
    Scale,
    colour,
)

M_PER_DEG = 111_320.0
NICE_M = (10, 20, 50, 100, 200, 500, 1000, 2000, 5000)
STATUS_COLOURS = {"overdue": OVERDUE, "due_soon": DUE_SOON, "closed": CLOSED}


class UnitShapes(Protocol):
    """Where the small map gets unit outlines (the application passes its unit registry)."""

    def geometry(self, code: str) -> Mapping[str, Any] | None:
        """GeoJSON geometry (Polygon/MultiPolygon, WGS-84) of a unit, or ``None`` if unknown."""
        ...

    def children(self, code: str) -> Sequence[str]:
        """Codes of a unit's children (the grids of a community)."""
        ...

    def generated(self, code: str) -> bool:
        """Whether the unit's outline is a generated placeholder."""
        ...


def rings(geometry: Mapping[str, Any] | None) -> list[list[tuple[float, float]]]:
    """Every ring (outer and holes) of a Polygon or MultiPolygon."""
    if not geometry:
        return []
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    return [[(float(x), float(y)) for x, y, *_ in ring] for poly in polygons for ring in poly]


class CaseMiniMap(QWidget):
    """Community outline, its unit grids (the case's grid highlighted) and the case point."""

    def __init__(self, scale: Scale, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scale = scale
        self.community: list[list[tuple[float, float]]] = []
        self.grid: list[list[tuple[float, float]]] = []
        self.siblings: list[list[tuple[float, float]]] = []
        self.point: tuple[float, float] | None = None
        self.status = "open"
        self.generated = False
        self.point_inside = False
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.retranslate()

    def retranslate(self) -> None:
        """UI strings from the translator."""
        self.words = {
            "generated": self.tr("generated grid outlines"),
            "none": self.tr("No map for this place"),
            "outside": self.tr("reported position lies outside this community"),
        }
        self.update()

    def changeEvent(self, event: QEvent) -> None:
        """Retranslate on a language change (the wall switches language after the map is built)."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def sizeHint(self) -> QSize:
        """About square."""
        return QSize(self.scale.px(14), self.scale.px(11))

    def set_place(
        self,
        grid: Mapping[str, Any] | None,
        community: Mapping[str, Any] | None,
        siblings: Iterable[Mapping[str, Any] | None] = (),
        point: tuple[float, float] | None = None,
        status: str = "open",
        generated: bool = False,
    ) -> None:
        """Show a case's grid inside its community, the other grids, and its reported position."""
        self.grid, self.community = rings(grid), rings(community)
        self.siblings = [r for g in siblings for r in rings(g)]
        self.point, self.status, self.generated = point, status, generated
        self.update()

    def clear(self) -> None:
        """Show nothing."""
        self.set_place(None, None)

    # ------------------------------------------------------------------ paint
    def _frame(self) -> tuple[float, float, float, float] | None:
        pts = [p for ring in (self.community or self.grid) for p in ring]
        if not pts:
            return None
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        return min(xs), min(ys), max(xs), max(ys)

    def paintEvent(self, event: QPaintEvent) -> None:
        """Outlines, point, scale bar, north arrow, notes."""
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        s = self.scale
        area = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        p.setPen(QPen(colour(PANEL_EDGE), s.line))
        p.setBrush(colour(TRACK, 0.45))
        p.drawRoundedRect(area, s.radius, s.radius)
        frame = self._frame()
        if frame is None:
            p.setFont(s.font(0.7))
            p.setPen(colour(TEXT_DIM))
            p.drawText(area, Qt.AlignmentFlag.AlignCenter, self.words["none"])
            return
        x0, y0, x1, y1 = frame
        kx = math.cos(math.radians((y0 + y1) / 2))
        inner = area.adjusted(s.pad, s.pad, -s.pad, -s.pad * 2.2)
        span_x, span_y = max((x1 - x0) * kx, 1e-9), max(y1 - y0, 1e-9)
        k = min(inner.width() / span_x, inner.height() / span_y)
        ox = inner.center().x() - (x0 + x1) / 2 * kx * k
        oy = inner.center().y() + (y0 + y1) / 2 * k

        def to_px(lon: float, lat: float) -> QPointF:
            return QPointF(ox + lon * kx * k, oy - lat * k)

        def path(rs: list[list[tuple[float, float]]]) -> QPainterPath:
            out = QPainterPath()
            out.setFillRule(Qt.FillRule.OddEvenFill)
            for ring in rs:
                if ring:
                    out.moveTo(to_px(*ring[0]))
                    for pt in ring[1:]:
                        out.lineTo(to_px(*pt))
                    out.closeSubpath()
            return out

        p.setPen(QPen(colour(TEXT_DIM, 0.8), s.line * 1.5, Qt.PenStyle.DashLine))
        p.setBrush(colour(ACCENT, 0.05))
        p.drawPath(path(self.community))
        p.setPen(QPen(colour(PANEL_EDGE, 1.0), s.line))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(path(self.siblings))
        p.setPen(QPen(colour(ACCENT), s.line * 2.5))
        p.setBrush(colour(ACCENT, 0.22))
        p.drawPath(path(self.grid))
        self.point_inside = False
        if self.point is not None:
            at = to_px(*self.point)
            if area.contains(at):
                self.point_inside = True
                tone = colour(STATUS_COLOURS.get(self.status, TEXT_BRIGHT))
                r = s.base * 0.42
                p.setPen(QPen(tone, s.line * 2))
                p.setBrush(colour(STATUS_COLOURS.get(self.status, ACCENT), 0.25))
                p.drawEllipse(at, r * 1.9, r * 1.9)
                p.setBrush(tone)
                p.setPen(QPen(colour("#0b1220"), s.line * 1.5))
                p.drawEllipse(at, r, r)
        self._paint_furniture(p, area, k / M_PER_DEG)

    def _paint_furniture(self, p: QPainter, area: QRectF, px_per_m: float) -> None:
        s = self.scale
        p.setFont(s.font(0.62))
        # scale bar: the largest nice length up to a quarter of the width
        target = area.width() * 0.28 / max(px_per_m, 1e-9)
        metres = max((m for m in NICE_M if m <= target), default=NICE_M[0])
        length = metres * px_per_m
        y = area.bottom() - s.pad * 0.9
        x = area.left() + s.pad
        p.setPen(QPen(colour(TEXT), s.line * 2))
        p.drawLine(QPointF(x, y), QPointF(x + length, y))
        p.drawLine(QPointF(x, y - s.gap), QPointF(x, y))
        p.drawLine(QPointF(x + length, y - s.gap), QPointF(x + length, y))
        label = f"{metres / 1000:g} km" if metres >= 1000 else f"{metres} m"
        p.drawText(QRectF(x + length + s.gap, y - s.base * 0.6, s.px(4), s.base * 0.8),
                   Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, label)  # fmt: skip
        # north arrow
        nx, ny = area.right() - s.pad * 1.2, area.top() + s.pad * 0.6
        arrow = QPainterPath(QPointF(nx, ny))
        arrow.lineTo(nx + s.base * 0.3, ny + s.base * 0.75)
        arrow.lineTo(nx - s.base * 0.3, ny + s.base * 0.75)
        arrow.closeSubpath()
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour(TEXT_DIM))
        p.drawPath(arrow)
        p.setPen(colour(TEXT_DIM))
        p.drawText(QRectF(nx - s.base, ny + s.base * 0.75, s.base * 2, s.base * 0.9), Qt.AlignmentFlag.AlignCenter, "N")
        notes = []
        if self.point is not None and not self.point_inside:
            notes.append(self.words["outside"])
        if self.generated:
            notes.append(self.words["generated"])
        if notes:
            p.setPen(colour(TEXT_DIM))
            p.drawText(area.adjusted(s.pad, 0, -s.pad, -s.pad * 0.45),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom, " · ".join(notes))  # fmt: skip
