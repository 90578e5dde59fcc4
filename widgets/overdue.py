"""OverdueCounter: overdue (超期) and due-soon (即将超期) totals, loads by unit, ticking countdowns.

Red means overdue and amber means due soon, nothing else. Loads and
countdowns are painted rows (no child widgets per row), updated in place.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QFontMetrics, QFontMetricsF, QMouseEvent, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

from feeds.live import Countdown, OverdueView, UnitLoad
from widgets.panel import Panel, draw_bar, format_count, format_countdown, short_unit_name
from widgets.theme import DUE_SOON, OVERDUE, TEXT, TEXT_BRIGHT, TEXT_DIM, TRACK, Scale, colour

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
QWIDGETSIZE_MAX = (1 << 24) - 1
REFERENCE_HEIGHT = 1080
"""Screen height at which the load columns measure their text (see :meth:`LoadBars.natural_width`)."""
DEPARTMENT_NAME_SHARE = 0.5
"""The department column is shown if its longest name keeps at least this share of its width."""


class LoadBars(QWidget):
    """Painted rows ``name ▇▇▇▇░░ 12  5``: overdue (red) stacked with due soon (amber).

    Signals:
        sigClicked(str): A row was clicked; carries its unit code.
    """

    sigClicked = Signal(str)

    def __init__(self, scale: Scale, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scale = scale
        self.heading = ""
        self.lang = "zh"
        self.loads: tuple[UnitLoad, ...] = ()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def set_loads(self, loads: Sequence[UnitLoad]) -> None:
        """Rows to show (already sorted, worst first)."""
        self.loads = tuple(loads)
        self.update()

    def _row_h(self) -> float:
        return self.scale.base * 1.25

    def visible_rows(self) -> int:
        """How many rows fit under the heading."""
        return max(0, int((self.height() - self.scale.base * 1.1) // self._row_h()))

    def short_name(self, load: UnitLoad) -> str:
        """A row's name: subdistricts drop 街道 in Chinese (西长安街街道 → 西长安街)."""
        return short_unit_name(load.name.get(self.lang), self.lang)

    def _columns(self) -> tuple[list[str], float, float]:
        """Names of the rows shown, the width of one number cell and the width the widest name needs."""
        s = self.scale
        rows = self.loads[: self.visible_rows()]
        small, body = QFontMetrics(s.font(0.72)), QFontMetrics(s.font(0.8))
        digit = max((small.horizontalAdvance(str(max(u.overdue, u.due_soon))) for u in rows), default=0)
        names = [self.short_name(u) for u in rows]
        name_need = max((body.horizontalAdvance(n) for n in names), default=0) + s.gap + 2  # 2 px: rounding
        return names, digit + s.gap, name_need

    def natural_width(self, name_share: float = 1.0, reference: bool = True) -> float:
        """Width for ``name_share`` of the widest name, both numbers and a short bar.

        With ``reference``, text is measured at the 1080p font size and scaled, so what
        the panel chooses to show is the same at every wall size despite font hinting.
        """
        s = self.scale
        ref = Scale(REFERENCE_HEIGHT) if reference else s
        factor = s.base / ref.base
        small, body = QFontMetricsF(ref.font(0.72)), QFontMetricsF(ref.font(0.8))
        rows = self.loads[: self.visible_rows()]
        digit = max((small.horizontalAdvance(str(max(u.overdue, u.due_soon))) for u in rows), default=0.0) * factor
        names = max((body.horizontalAdvance(self.short_name(u)) for u in rows), default=0.0) * factor
        return (names + s.gap) * name_share + 2 * (digit + s.gap) + s.gap + s.base * 2

    def row_layout(self) -> list[tuple[QRectF, str, QRectF | None, QRectF, QRectF]]:
        """Per shown row: name rect and text, bar rect (None when there is no room), the two number rects.

        Numbers get the width of the widest number shown, names the width of the
        widest name; the bar takes what is left and is dropped below two text
        heights. A name is elided only when it alone does not fit beside the numbers.
        """
        s = self.scale
        body = QFontMetrics(s.font(0.8))
        names, half, name_need = self._columns()
        room = self.width() - 2 * half
        name_w = min(name_need, room)
        bar_w = room - name_w - s.gap
        out = []
        y = s.base * 1.1
        for name in names:
            h = self._row_h()
            shown = body.elidedText(name, Qt.TextElideMode.ElideRight, round(name_w - s.gap))
            bar = QRectF(name_w, y + h * 0.3, bar_w, h * 0.4) if bar_w >= s.base * 2 else None
            num = self.width() - 2 * half
            out.append((QRectF(0, y, name_w, h), shown, bar, QRectF(num, y, half, h), QRectF(num + half, y, half, h)))
            y += h
        return out

    def paintEvent(self, event: QPaintEvent) -> None:
        """Heading, then one bar per unit."""
        s = self.scale
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        small = s.font(0.72)
        p.setFont(small)
        p.setPen(colour(TEXT_DIM))
        p.drawText(QRectF(0, 0, self.width(), s.base), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   self.heading)  # fmt: skip
        if not self.loads:
            return
        body = s.font(0.8)
        peak = max((u.overdue + u.due_soon for u in self.loads), default=1) or 1
        for u, (name_r, name, bar, over_r, soon_r) in zip(self.loads, self.row_layout(), strict=False):
            p.setFont(body)
            p.setPen(colour(TEXT))
            p.drawText(name_r, Qt.AlignmentFlag.AlignVCenter, name)
            if bar is not None:
                draw_bar(p, bar, [(u.overdue, colour(OVERDUE)), (u.due_soon, colour(DUE_SOON))], peak, colour(TRACK),
                         bar.height() / 2)  # fmt: skip
            p.setFont(small)
            p.setPen(colour(OVERDUE if u.overdue else TEXT_DIM))
            p.drawText(over_r, _RIGHT, str(u.overdue))
            p.setPen(colour(DUE_SOON if u.due_soon else TEXT_DIM))
            p.drawText(soon_r, _RIGHT, str(u.due_soon))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """Emit the code of the clicked row."""
        i = int((event.position().y() - self.scale.base * 1.1) // self._row_h())
        if 0 <= i < min(len(self.loads), self.visible_rows()):
            self.sigClicked.emit(self.loads[i].code)


class CountdownList(QWidget):
    """Painted rows ``in 2 h 31 min  type · place · department`` for the nearest deadlines, ticking each second.

    Signals:
        sigClicked(str): A row was clicked; carries the case id.
    """

    sigClicked = Signal(str)

    def __init__(self, scale: Scale, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scale = scale
        self.lang = "zh"
        self.now = 0.0
        self.heading = ""
        self.items: tuple[Countdown, ...] = ()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def _row_h(self) -> float:
        return self.scale.base * 1.3

    def texts(self) -> list[str]:
        """The countdown strings as shown (for tests and accessibility)."""
        return [format_countdown(c.deadline - self.now) for c in self.items]

    def paintEvent(self, event: QPaintEvent) -> None:
        """Heading, then one row per countdown."""
        s = self.scale
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setFont(s.font(0.72))
        p.setPen(colour(TEXT_DIM))
        p.drawText(QRectF(0, 0, self.width(), s.base), Qt.AlignmentFlag.AlignVCenter, self.heading)
        big = s.font(1.0, bold=True, numeric=True)
        body = s.font(0.8)
        fm = QFontMetrics(body)
        texts = self.texts()
        widest = max((QFontMetrics(big).horizontalAdvance(t) for t in texts), default=0)
        time_w = min(widest + s.gap * 2, self.width() * 0.5)
        y = s.base * 1.1
        for c, left_text in zip(self.items, texts, strict=True):
            if y + self._row_h() > self.height() + 1:
                break
            left = c.deadline - self.now
            col = OVERDUE if left <= 0 else DUE_SOON if left < 3600 else TEXT
            p.setFont(big)
            p.setPen(colour(col))
            p.drawText(QRectF(0, y, time_w, self._row_h()), Qt.AlignmentFlag.AlignVCenter, left_text)
            p.setFont(body)
            p.setPen(colour(TEXT))
            text = f"{c.type.get(self.lang)} · {c.place.get(self.lang)} · {c.department.get(self.lang)}"
            text = fm.elidedText(text, Qt.TextElideMode.ElideRight, round(self.width() - time_w))
            p.drawText(QRectF(time_w, y, self.width() - time_w, self._row_h()), Qt.AlignmentFlag.AlignVCenter, text)
            y += self._row_h()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """Emit the id of the clicked case."""
        i = int((event.position().y() - self.scale.base * 1.1) // self._row_h())
        if 0 <= i < len(self.items):
            self.sigClicked.emit(self.items[i].case_id)


class OverdueCounter(Panel):
    """Big overdue / due-soon numbers, bars by subdistrict and department, nearest countdowns.

    Signals:
        sigDrillDown(str, str): ``("subdistrict", code)``, ``("department", code)`` or ``("case", id)``.
    """

    sigDrillDown = Signal(str, str)

    def __init__(self, scale: Scale | None = None, parent: QWidget | None = None) -> None:
        super().__init__(scale, parent)
        self.view: OverdueView | None = None
        self.overdue_caption, self.overdue_value = QLabel(self), QLabel(format_count(None), self)
        self.soon_caption, self.soon_value = QLabel(self), QLabel(format_count(None), self)
        numbers = QHBoxLayout()
        for cap, val in ((self.overdue_caption, self.overdue_value), (self.soon_caption, self.soon_value)):
            cap.setTextFormat(Qt.TextFormat.PlainText)
            val.setTextFormat(Qt.TextFormat.PlainText)
            cap.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            numbers.addWidget(val)
            numbers.addWidget(cap)
            numbers.addStretch(1)
        self._numbers = numbers
        self.by_subdistrict = LoadBars(self.scale, self)
        self.by_department = LoadBars(self.scale, self)
        bars = QHBoxLayout()
        bars.addWidget(self.by_subdistrict)
        bars.addWidget(self.by_department)
        self._bars = bars
        self.countdowns = CountdownList(self.scale, self)
        self.body.addLayout(numbers)
        self.body.addLayout(bars, 3)
        self.body.addWidget(self.countdowns, 2)
        self.by_subdistrict.sigClicked.connect(self._on_subdistrict_clicked)
        self.by_department.sigClicked.connect(self._on_department_clicked)
        self.countdowns.sigClicked.connect(self._on_countdown_clicked)
        self.rescale()
        self.retranslate()

    def retranslate(self) -> None:
        """UI strings from the translator."""
        self.title_label.setText(self.tr("Overdue cases"))
        self.overdue_caption.setText(self.tr("Overdue"))
        self.soon_caption.setText(self.tr("Due soon"))
        self.by_subdistrict.heading = self.tr("By subdistrict")
        self.by_department.heading = self.tr("By department")
        self.countdowns.heading = self.tr("Nearest deadlines")
        self._show_open()
        self.update()

    def rescale(self) -> None:
        """Fonts for the new scale."""
        s = self.scale
        for val in (self.overdue_value, self.soon_value):
            val.setFont(s.font(2.4, bold=True, numeric=True))
        for cap in (self.overdue_caption, self.soon_caption):
            cap.setFont(s.font(0.9))
        self._numbers.setSpacing(s.gap)
        self._bars.setSpacing(s.pad)
        for w in (self.by_subdistrict, self.by_department, self.countdowns):
            w.scale = s
            w.update()

    def refresh_names(self) -> None:
        """Repaint names in the new language."""
        for w in (self.by_subdistrict, self.by_department, self.countdowns):
            w.lang = self.lang
            w.update()

    def update_overdue(self, view: OverdueView) -> None:
        """Show a new :class:`~feeds.live.OverdueView` (labels and painted rows updated in place)."""
        self.view = view
        self.overdue_value.setText(format_count(view.overdue))
        self.soon_value.setText(format_count(view.due_soon))
        self.overdue_value.setStyleSheet(f"color: {OVERDUE if view.overdue else TEXT_BRIGHT};")
        self.soon_value.setStyleSheet(f"color: {DUE_SOON if view.due_soon else TEXT_BRIGHT};")
        self.by_subdistrict.set_loads(view.by_subdistrict)
        self.by_department.set_loads(view.by_department)
        self._choose_columns()
        self.countdowns.items = view.urgent
        if view.as_of > self.countdowns.now:
            self.countdowns.now = view.as_of
        self.countdowns.update()
        self._show_open()

    def freshness_changed(self) -> None:
        """No data: dashes and empty lists, never "0 overdue"."""
        if self.has_data:
            return
        self.view = None
        for val in (self.overdue_value, self.soon_value):
            val.setText(format_count(None))
            val.setStyleSheet(f"color: {TEXT_DIM};")
        self.by_subdistrict.set_loads(())
        self.by_department.set_loads(())
        self.countdowns.items = ()
        self.countdowns.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Show both load columns only where both fit."""
        super().resizeEvent(event)
        self._choose_columns()

    def _choose_columns(self) -> None:
        """Subdistricts take the width their names need; departments the rest, if their names keep at
        least :data:`DEPARTMENT_NAME_SHARE` of their width, else subdistricts alone take the full width."""
        room = self.contentsRect().width() - 2 * self.scale.pad - self._bars.spacing()
        sub, dep = self.by_subdistrict, self.by_department
        both = sub.natural_width() + dep.natural_width(DEPARTMENT_NAME_SHARE) <= room
        dep.setVisible(both)
        sub.setMaximumWidth(math.ceil(sub.natural_width(reference=False)) + 1 if both else QWIDGETSIZE_MAX)

    def tick(self, now: float) -> None:
        """Advance the countdowns to ``now`` (call once a second)."""
        self.countdowns.now = now
        self.countdowns.update()

    def _on_subdistrict_clicked(self, code: str) -> None:
        self.sigDrillDown.emit("subdistrict", code)

    def _on_department_clicked(self, code: str) -> None:
        self.sigDrillDown.emit("department", code)

    def _on_countdown_clicked(self, case_id: str) -> None:
        self.sigDrillDown.emit("case", case_id)

    def _show_open(self) -> None:
        if self.view is not None:
            count = format_count(self.view.open)
            self.set_note(lambda: self.tr("%1 open").replace("%1", count))
