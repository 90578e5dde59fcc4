"""Early warnings on the wall: unusual rises today, recurring hot spots, and the 7-day forecast of top types.

Fed with the ``warnings`` and ``forecast`` query answers (refreshed by the
application about once a minute). When the panel is too short for all
three sections it shows one at a time, turning every ``ROTATE_MS``. A click
on a row emits ``sigDrillDown`` so the duty leader can see why it is there.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics, QPainter
from PySide6.QtWidgets import QWidget

from feeds.protocol.answers import ForecastAnswer, Hotspot, Named, WarningsAnswer
from widgets.panel import PaintedArea, Panel, clock, no_data_text
from widgets.theme import ACCENT, ACCENT_DIM, DUE_SOON, PANEL_EDGE, TEXT, TEXT_BRIGHT, TEXT_DIM, TRACK, Scale, colour

ROTATE_MS = 10_000
SECTIONS = ("anomalies", "hotspots", "forecast")
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class WarningRow:
    """One line: what to drill into (``kind``, ``key``), the type, the place, a figure, forecast bars."""

    kind: str
    key: str
    type_name: Named
    place: Named | None
    figure: str
    bars: tuple[float, ...] = ()


def _name(named: Named | None, lang: str) -> str:
    return named.name(lang) if named is not None else ""


class WarningsPanel(Panel):
    """Anomalies, hot spots and forecast, one row each, newest answer in place.

    Signals:
        sigDrillDown(str, str): ``("anomaly", "<unit>/<subclass>")``,
            ``("hotspot", "<grid>/<subclass>")`` or ``("forecast", "<subclass>")``.
    """

    sigDrillDown = Signal(str, str)

    def __init__(self, scale: Scale | None = None, parent: QWidget | None = None) -> None:
        super().__init__(scale, parent)
        self.rows: dict[str, list[WarningRow]] = {name: [] for name in SECTIONS}
        self.totals: dict[str, int] = {name: 0 for name in SECTIONS}
        self.answers: dict[str, WarningsAnswer | ForecastAnswer] = {}  # the last of each, for a language switch
        self.updated_at: float | None = None
        self.stale = ""
        self.page = 0
        self.rotating = False
        self._hits: list[tuple[QRectF, WarningRow]] = []
        self.canvas = PaintedArea(self, clickable=True)
        self.canvas.setCursor(Qt.CursorShape.PointingHandCursor)
        self.body.addWidget(self.canvas)
        self._rotate = QTimer(self)
        self._rotate.setInterval(ROTATE_MS)
        self._rotate.timeout.connect(self._on_rotate)
        self.retranslate()

    def retranslate(self) -> None:
        """UI strings from the translator."""
        self.title_label.setText(self.tr("Early warnings"))
        self.words = {
            "anomalies": self.tr("Unusual today"),
            "hotspots": self.tr("Recurring hot spots · 30 days"),
            "forecast": self.tr("Next 7 days · top types"),
            "none_anomalies": self.tr("No unusual rise today"),
            "none_hotspots": self.tr("No recurring hot spot"),
            "none_forecast": self.tr("No forecast yet"),
            "vs": self.tr("%1 vs ~%2"),
            "times": self.tr("%1× in %2 days"),
            "week": self.tr("≈%1 this week"),
            "updated": self.tr("updated %1"),
            "waiting": self.tr("waiting for data"),
        }
        stale, at = self.stale, self.updated_at
        for answer in self.answers.values():  # rows hold translated figures: write them again
            self._take(answer, at)
        self.stale = stale
        self._update_note()
        self.canvas.update()

    # ------------------------------------------------------------------ data
    def update_warnings(self, answer: WarningsAnswer, now: float | None = None) -> None:
        """Take a ``warnings`` answer."""
        self.answers["warnings"] = answer
        self.rows["anomalies"] = [
            WarningRow(
                "anomaly",
                f"{r.unit.code}/{r.subclass.code}",
                r.subclass,
                r.unit,
                self._figure("vs", r.observed, f"{r.baseline:.1f}"),
            )
            for r in answer.anomalies
        ]
        self.rows["hotspots"] = [
            WarningRow(
                "hotspot",
                f"{r.grid.code}/{r.subclass.code}",
                r.subclass,
                _grid_place(r),
                self._figure("times", r.count, r.days),
            )
            for r in answer.hotspots
        ]
        self.totals["anomalies"] = answer.anomalies_total
        self.totals["hotspots"] = answer.hotspots_total
        self._fresh(now)

    def _take(self, answer: WarningsAnswer | ForecastAnswer, now: float | None) -> None:
        if isinstance(answer, WarningsAnswer):
            self.update_warnings(answer, now)
        else:
            self.update_forecast(answer, now)

    def _figure(self, word: str, a: object, b: object) -> str:
        return self.words[word].replace("%1", str(a)).replace("%2", str(b))

    def update_forecast(self, answer: ForecastAnswer, now: float | None = None) -> None:
        """Take a ``forecast`` answer (today first)."""
        self.answers["forecast"] = answer
        rows = []
        for s in answer.series:
            week = self.words["week"].replace("%1", f"{sum(s.forecast):,.0f}")
            rows.append(WarningRow("forecast", s.subclass.code, s.subclass, None, week, s.forecast))
        self.rows["forecast"] = rows
        self.totals["forecast"] = len(rows)
        self._fresh(now)

    def show_stale(self, message: str) -> None:
        """The last refresh failed: keep the rows, say it in the note."""
        self.stale = message
        self._update_note()

    def refresh_names(self) -> None:
        """Repaint in the new language."""
        self.canvas.update()

    def freshness_changed(self) -> None:
        """Repaint (empty sections say "no data" until an answer arrives)."""
        self.canvas.update()

    def stop_animations(self) -> None:
        """Stop the section rotation (window closing)."""
        self._rotate.stop()

    def _fresh(self, now: float | None) -> None:
        import time

        self.updated_at = time.time() if now is None else now
        self.stale = ""
        self._update_note()
        self.canvas.update()

    def _update_note(self) -> None:
        if self.updated_at is None:
            text = self.stale or self.words["waiting"]
        else:
            text = self.words["updated"].replace("%1", clock(self.updated_at))
            if self.stale:
                text = f"{text} · {self.stale}"
        self.set_note(text)

    # ---------------------------------------------------------------- layout
    def _row_h(self) -> float:
        return self.scale.base * 1.45

    def _head_h(self) -> float:
        return self.scale.base * 1.15

    def sections_shown(self, height: float) -> list[str]:
        """All three sections when each fits with two rows, else the current page's one."""
        need = 3 * (self._head_h() + 2 * self._row_h())
        self.rotating = height < need
        if self.rotating and not self._rotate.isActive():
            self._rotate.start()
        elif not self.rotating:
            self._rotate.stop()
        return [SECTIONS[self.page % 3]] if self.rotating else list(SECTIONS)

    def _on_rotate(self) -> None:
        self.page = (self.page + 1) % 3
        self.canvas.update()

    # ----------------------------------------------------------------- paint
    def paint_content(self, p: QPainter, rect: QRectF) -> None:
        """Each shown section: a header, then its rows."""
        s = self.scale
        self._hits = []
        shown = self.sections_shown(rect.height())
        per = (rect.height() - len(shown) * self._head_h()) / max(1, len(shown))
        y = rect.top()
        for name in shown:
            y = self._paint_section(p, QRectF(rect.left(), y, rect.width(), self._head_h() + per), name)
        if self.rotating:
            p.setPen(colour(TEXT_DIM))
            p.setFont(s.font(0.6))
            dots = "  ".join("●" if i == self.page % 3 else "○" for i in range(3))
            p.drawText(QRectF(rect.left(), rect.top(), rect.width(), self._head_h()), _RIGHT, dots)

    def _paint_section(self, p: QPainter, rect: QRectF, name: str) -> float:
        s = self.scale
        head = QRectF(rect.left(), rect.top(), rect.width(), self._head_h())
        p.setFont(s.font(0.7, bold=True))
        p.setPen(colour(TEXT_DIM))
        total = self.totals[name] if name == "anomalies" else 0  # hot spots: a long tail, only the top matter
        title = self.words[name] + (f"  ({total})" if total else "")
        p.drawText(head, _LEFT, title)
        y = head.bottom()
        rows = self.rows[name]
        if not rows:
            p.setFont(s.font(0.75))
            p.drawText(QRectF(rect.left(), y, rect.width(), self._row_h()), _LEFT, self.empty_text(name))
            return rect.bottom()
        for row in rows:
            if y + self._row_h() > rect.bottom() + 1:
                break
            box = QRectF(rect.left(), y, rect.width(), self._row_h())
            self._paint_row(p, box, row)
            self._hits.append((box, row))
            y += self._row_h()
        return rect.bottom()

    def _paint_row(self, p: QPainter, box: QRectF, row: WarningRow) -> None:
        s = self.scale
        p.setPen(colour(PANEL_EDGE))
        p.drawLine(box.bottomLeft(), box.bottomRight())
        dot = s.base * 0.22
        tone = DUE_SOON if row.kind == "anomaly" else ACCENT
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour(tone))
        p.drawEllipse(QRectF(box.left() + dot, box.center().y() - dot, dot * 2, dot * 2))
        figure_font, name_font, place_font = s.font(0.78, bold=True, numeric=True), s.font(0.85), s.font(0.7)
        right_w = box.width() * (0.42 if row.bars else 0.32)
        text_left = box.left() + dot * 3.5
        text_w = box.width() - right_w - dot * 3.5 - s.gap
        name = _name(row.type_name, self.lang)
        place = _short_place(row.place, self.lang)
        p.setFont(name_font)
        p.setPen(colour(TEXT_BRIGHT))
        fm = QFontMetrics(name_font)
        name = fm.elidedText(name, Qt.TextElideMode.ElideRight, int(text_w))
        p.drawText(QRectF(text_left, box.top(), text_w, box.height()), _LEFT, name)
        used = fm.horizontalAdvance(name) + s.gap
        if place and used < text_w - s.px(2):
            p.setFont(place_font)
            p.setPen(colour(TEXT_DIM))
            rest = QFontMetrics(place_font).elidedText(place, Qt.TextElideMode.ElideRight, int(text_w - used))
            p.drawText(QRectF(text_left + used, box.top(), text_w - used, box.height()), _LEFT, rest)
        right = QRectF(box.right() - right_w, box.top(), right_w, box.height())
        if row.bars:
            self._paint_bars(p, right, row)
            return
        p.setFont(figure_font)
        p.setPen(colour(tone if row.kind == "anomaly" else TEXT))
        p.drawText(right, _RIGHT, row.figure)

    def forecast_label_width(self, right_w: float, figure: str) -> float:
        """Room for a forecast row's figure: 42 % of its part of the row, more (up to 70 %, the bars
        narrower) when the words need it (``≈2,592 this week`` is longer than ``本周约 2,592``)."""
        need = QFontMetrics(self.scale.font(0.68, numeric=True)).horizontalAdvance(figure) + self.scale.gap
        return min(max(right_w * 0.42, need), right_w * 0.7)

    def _paint_bars(self, p: QPainter, right: QRectF, row: WarningRow) -> None:
        s = self.scale
        label_w = self.forecast_label_width(right.width(), row.figure)
        peak = max(max(row.bars), 1.0)
        n = len(row.bars)
        area = QRectF(right.left(), right.top() + right.height() * 0.2, right.width() - label_w, right.height() * 0.6)
        w = area.width() / n
        for i, value in enumerate(row.bars):
            h = max(1.0, area.height() * value / peak)
            bar = QRectF(area.left() + i * w + w * 0.15, area.bottom() - h, w * 0.7, h)
            p.fillRect(QRectF(bar.left(), area.top(), bar.width(), area.height()), colour(TRACK))
            p.fillRect(bar, colour(ACCENT if i == 0 else ACCENT_DIM))
        p.setFont(s.font(0.68, numeric=True))
        p.setPen(colour(TEXT))
        p.drawText(QRectF(area.right(), right.top(), label_w, right.height()), _RIGHT, row.figure)

    def empty_text(self, section: str) -> str:
        """What an empty section says: "no unusual rise" is a finding only an answer can give, else "no data"."""
        return self.words["none_" + section] if self.updated_at is not None and self.has_data else no_data_text()

    def clicked_at(self, x: float, y: float) -> None:
        """Drill into the row under a click."""
        for box, row in self._hits:
            if box.contains(x, y):
                self.sigDrillDown.emit(row.kind, row.key)
                return

    def row_keys(self, section: str) -> list[str]:
        """The drill keys of a section's rows (for tests)."""
        return [r.key for r in self.rows[section]]


def _short_place(place: Named | None, lang: str) -> str:
    """A unit's name (a subdistrict without its 街道 suffix in Chinese)."""
    if not place:
        return ""
    name = _name(place, lang)
    return name[:-2] if lang == "zh" and name.endswith("街道") and len(name) > 3 else name


def _grid_place(row: Hotspot) -> Named:
    """A hot spot's grid named with its community in English (the grid's own English name is only "Grid n")."""
    en = " · ".join(x for x in (row.community.name_en, row.grid.name_en) if x)
    return Named(row.grid.code, row.grid.name_zh, en)
