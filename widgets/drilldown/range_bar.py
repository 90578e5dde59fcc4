"""Time range buttons: today, 7 days, 30 days, this year, custom (two dates, Beijing days)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import cast

from PySide6.QtCore import QDate, QEvent, Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QDateEdit, QHBoxLayout, QLabel, QPushButton, QWidget

from feeds.protocol import BEIJING
from widgets.drilldown.path import RANGES, RangeSpec
from widgets.drilldown.text import range_name
from widgets.theme import Scale


def day_start(d: date) -> int:
    """Epoch seconds of local midnight (Beijing) starting ``d``."""
    return int(datetime.combine(d, time(0), BEIJING).timestamp())


class RangeBar(QWidget):
    """A segmented range selector; ``Custom`` shows *from*/*to* dates (both included) and *Apply*.

    Signals:
        sigRangeChanged(object): the user chose a :class:`RangeSpec`.
    """

    sigRangeChanged = Signal(object)

    def __init__(self, scale: Scale, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = RangeSpec()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[str, QPushButton] = {}
        for name in RANGES:
            button = QPushButton(self)
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            self.group.addButton(button)
            self.buttons[name] = button
            row.addWidget(button)
            button.clicked.connect(lambda _=False, n=name: self._on_clicked(n))
        self.buttons["today"].setChecked(True)
        row.addSpacing(scale.gap)
        today = QDate.currentDate()
        self.start_edit = QDateEdit(today.addDays(-6), self)
        self.end_edit = QDateEdit(today, self)
        self.dash = QLabel("–", self)
        self.apply_button = QPushButton(self)
        for edit in (self.start_edit, self.end_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        for widget in (self.start_edit, self.dash, self.end_edit, self.apply_button):
            row.addWidget(widget)
            widget.setVisible(False)
        row.addSpacing(scale.gap)
        self.apply_button.clicked.connect(self._on_apply)
        self.retranslate()

    def retranslate(self) -> None:
        """UI strings from the translator."""
        for name, button in self.buttons.items():
            button.setText(range_name(name))
        self.apply_button.setText(self.tr("Apply"))

    def changeEvent(self, event: QEvent) -> None:
        """Retranslate on a language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_range(self, spec: RangeSpec) -> None:
        """Show ``spec`` as chosen (no signal)."""
        self.spec = spec
        self.buttons[spec.name].setChecked(True)
        custom = spec.name == "custom"
        if custom and spec.start is not None and spec.end is not None:
            start = datetime.fromtimestamp(spec.start, BEIJING).date()
            last = datetime.fromtimestamp(spec.end - 1, BEIJING).date()
            self.start_edit.setDate(QDate(start.year, start.month, start.day))
            self.end_edit.setDate(QDate(last.year, last.month, last.day))
        self._show_dates(custom)

    def custom_spec(self) -> RangeSpec:
        """The custom range of the two dates: from the first's midnight to the day after the second."""
        a, b = cast(date, self.start_edit.date().toPython()), cast(date, self.end_edit.date().toPython())
        if b < a:
            a, b = b, a
        return RangeSpec("custom", day_start(a), day_start(b + timedelta(days=1)))

    def _show_dates(self, shown: bool) -> None:
        for w in (self.start_edit, self.dash, self.end_edit, self.apply_button):
            w.setVisible(shown)

    def _on_clicked(self, name: str) -> None:
        if name == "custom":
            self._show_dates(True)
            return
        self._show_dates(False)
        self.spec = RangeSpec(name)
        self.sigRangeChanged.emit(self.spec)

    def _on_apply(self) -> None:
        self.spec = self.custom_spec()
        self.sigRangeChanged.emit(self.spec)
