"""The wall's alarm panel: unacknowledged alarms stand out by priority, acknowledged ones calm down.

Fed with :class:`feeds.live.AlarmView` (``LiveState.alarms()``). An unacknowledged alarm is a
row tinted in its priority's colour (high red, medium amber, low blue) with a solid bar and
bright bold text; an acknowledged one keeps only a small dot of that colour, in dim text, with
who acknowledged it. Shelved alarms are counted in the note, never listed. A flood collapses
into one band at the top: "Alarm flood · 23 new in 10 min · high 3 · medium 8 · low 12".
All text from the feed is drawn as plain text.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QFontMetrics, QPainter
from PySide6.QtWidgets import QWidget

from feeds.live import AlarmRow, AlarmView, FloodLine
from feeds.protocol.vocab import SEEDED_OPERATOR
from widgets.alerts import _AlertPanel
from widgets.panel import crowd_level_name, format_age, format_countdown, hazard_name, translate, warning_level_name
from widgets.theme import DUE_SOON, OVERDUE, TEXT, TEXT_BRIGHT, TEXT_DIM, Scale, colour

PRIORITY_COLOURS = {"high": OVERDUE, "medium": DUE_SOON, "low": "#60a5fa"}
"""Priority colours: the overdue red and due-soon amber of the whole wall, and a calm blue for low."""
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def operator_name(name: str) -> str:
    """Who acted on an alarm as shown: the seeded history's duty officer in the view's language
    (stored as 值班员), any other operator's name as given."""
    return translate("Alarms", "duty officer") if name == SEEDED_OPERATOR else name


def priority_name(priority: str) -> str:
    """Translated one-character priority (高 / 中 / 低; High / Med / Low)."""
    names = {
        "high": translate("Alarms", "High"),
        "medium": translate("Alarms", "Med"),
        "low": translate("Alarms", "Low"),
    }
    return names.get(priority, priority)


def alarm_title(row: AlarmRow, lang: str, now: float) -> str:
    """What the alarm is about, in the interface language."""
    subject = row.subject.get(lang)
    if row.kind == "weather":
        return f"{hazard_name(row.hazard)} · {warning_level_name(row.level)}"
    if row.kind == "crowd":
        return f"{subject} · {crowd_level_name(row.level)}"
    if row.kind == "sensor":
        return translate("Alarms", "%1 · over threshold").replace("%1", subject)
    if row.kind == "due_soon":
        left = format_countdown(row.deadline - now) if row.deadline is not None else ""
        return translate("Alarms", "Due soon · %1 · %2").replace("%1", subject).replace("%2", left)
    if row.kind == "overdue":
        return translate("Alarms", "Overdue, urged · %1").replace("%1", subject)
    if row.kind == "anomaly":
        return translate("Alarms", "Unusual rise · %1").replace("%1", subject)
    return subject or row.kind


def flood_text(flood: FloodLine, window_min: int) -> str:
    """The flood band's words: how many were raised in the window, and of the unacknowledged ones
    in the band ("3 unacknowledged" when some of the window's alarms were acknowledged) how many per priority."""
    raised = max(flood.raised, flood.count)
    head = translate("Alarms", "Alarm flood · %1 new in %2 min").replace("%1", str(raised))
    parts = [head.replace("%2", str(window_min))]
    if flood.count < raised:
        parts.append(translate("AlarmPanel", "%1 unacknowledged").replace("%1", str(flood.count)))
    for priority, n in (("high", flood.high), ("medium", flood.medium), ("low", flood.low)):
        if n:
            parts.append(f"{priority_name(priority)} {n}")
    return " · ".join(parts)


class AlarmPanel(_AlertPanel):
    """Alarms by priority, a flood band, counts of unacknowledged, acknowledged and shelved alarms.

    Signals:
        sigAlarmClicked(str, str): An alarm row was clicked: its kind and source (a case id for
            case alarms, the spot or sensor id otherwise). The flood band gives ``("flood", "")``.
    """

    sigAlarmClicked = Signal(str, str)

    def __init__(self, scale: Scale | None = None, parent: QWidget | None = None) -> None:
        super().__init__(scale, parent)
        self.view = AlarmView()
        self.now = 0.0
        self.retranslate()

    def retranslate(self) -> None:
        """UI strings from the translator."""
        self.title_label.setText(self.tr("Alarms"))
        self.empty_text = self.tr("No alarms")
        self._update_note()
        self.canvas.update()

    def update_alarms(self, view: AlarmView, now: float) -> None:
        """Alarms to show (as :meth:`feeds.live.LiveState.alarms` gives them)."""
        self.view, self.now = view, now
        self._update_note()
        self.canvas.update()

    def tick(self, now: float) -> None:
        """Ages and countdowns move on."""
        self.now = now
        self.canvas.update()

    def note_text(self) -> str:
        """ "8 unacknowledged · 3 acknowledged · 2 shelved" (parts with zero left out)."""
        v = self.view
        parts = []
        for n, text in (
            (sum(v.unacked), self.tr("%1 unacknowledged")),
            (v.acked, self.tr("%1 acknowledged")),
            (v.shelved, self.tr("%1 shelved")),
        ):
            if n:
                parts.append(text.replace("%1", str(n)))
        return " · ".join(parts)

    def _update_note(self) -> None:
        self.set_note(self.note_text() if self.has_data else "")

    def rows_shown(self) -> list[AlarmRow]:
        """The rows that fit below the flood band."""
        h = self.canvas.height() - (self.row_h() * 1.3 if self.view.flood else 0)
        return list(self.view.rows[: max(0, int(h // self.row_h()))])

    def paint_content(self, p: QPainter, rect: QRectF) -> None:
        """Flood band, then one row per alarm."""
        s = self.scale
        if self.paint_no_data(p, rect):
            return
        v = self.view
        if not v.rows and v.flood is None:
            p.setFont(s.font(0.9))
            p.setPen(colour(TEXT_DIM))
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.empty_text)
            return
        y = rect.top()
        if v.flood is not None:
            band = QRectF(rect.left(), y, rect.width(), self.row_h() * 1.2)
            worst = "high" if v.flood.high else ("medium" if v.flood.medium else "low")
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(colour(PRIORITY_COLOURS[worst], 0.9))
            p.drawRoundedRect(band, s.radius, s.radius)
            font = s.font(0.9, bold=True)
            p.setFont(font)
            p.setPen(colour(TEXT_BRIGHT))
            text = QFontMetrics(font).elidedText(
                "⚠ " + flood_text(v.flood, round(v.flood_window_s / 60)),
                Qt.TextElideMode.ElideRight,
                round(band.width() - s.pad),
            )
            p.drawText(band.adjusted(s.pad / 2, 0, 0, 0), _LEFT, text)
            y = band.bottom() + self.row_h() * 0.1
        for row in self.rows_shown():
            self._paint_row(p, QRectF(rect.left(), y, rect.width(), self.row_h()), row)
            y += self.row_h()

    def _paint_row(self, p: QPainter, r: QRectF, row: AlarmRow) -> None:
        s = self.scale
        tone = PRIORITY_COLOURS.get(row.priority, TEXT_DIM)
        fresh = row.state == "active"
        inner = r.adjusted(0, r.height() * 0.06, 0, -r.height() * 0.06)
        p.setPen(Qt.PenStyle.NoPen)
        if fresh:
            p.setBrush(colour(tone, 0.22))
            p.drawRoundedRect(inner, s.radius / 2, s.radius / 2)
            p.setBrush(colour(tone))
            p.drawRect(QRectF(inner.left(), inner.top(), max(3.0, s.base * 0.22), inner.height()))
        else:
            d = s.base * 0.42
            p.setBrush(colour(tone, 0.7))
            p.drawEllipse(QRectF(inner.left() + s.base * 0.1, inner.center().y() - d / 2, d, d))
        x = inner.left() + s.base * 0.75
        tag_font = s.font(0.72, bold=True)
        p.setFont(tag_font)
        p.setPen(colour(tone if fresh else TEXT_DIM))
        tag_w = QFontMetrics(tag_font).horizontalAdvance(priority_name("medium") + "  ")
        p.drawText(QRectF(x, inner.top(), tag_w, inner.height()), _LEFT, priority_name(row.priority))
        x += tag_w
        small = s.font(0.7, numeric=True)
        right = format_age(self.now - row.raised_at)
        if not fresh and row.acked_by:
            right = f"✓ {operator_name(row.acked_by)} · {right}"
        right_w = min(QFontMetrics(small).horizontalAdvance(right) + s.gap, inner.width() * 0.4)
        font = s.font(0.8, bold=fresh)
        p.setFont(font)
        p.setPen(colour(TEXT_BRIGHT if fresh else TEXT_DIM))
        title = alarm_title(row, self.lang, self.now)
        width = inner.right() - x - right_w - s.gap
        p.drawText(QRectF(x, inner.top(), width, inner.height()), _LEFT,
                   QFontMetrics(font).elidedText(title, Qt.TextElideMode.ElideRight, round(width)))  # fmt: skip
        p.setFont(small)
        p.setPen(colour(TEXT if fresh else TEXT_DIM))
        p.drawText(QRectF(inner.right() - right_w, inner.top(), right_w - s.gap / 2, inner.height()), _RIGHT,
                   QFontMetrics(small).elidedText(right, Qt.TextElideMode.ElideLeft, round(right_w)))  # fmt: skip

    def clicked_at(self, x: float, y: float) -> None:
        """Emit the clicked row's kind and source (the flood band: ``flood``)."""
        top = 0.0
        if self.view.flood is not None:
            band = self.row_h() * 1.3
            if y < band:
                self.sigAlarmClicked.emit("flood", "")
                return
            top = band
        i = int((y - top) // self.row_h())
        rows = self.rows_shown()
        if 0 <= i < len(rows):
            self.sigAlarmClicked.emit(rows[i].kind, rows[i].source)
