"""The 全响应 (12345) side of a unit page: the three rates with 同比/环比 and rankings by subdistrict and department.

Fed with a ``response`` answer (:class:`~feeds.protocol.answers.ResponseAnswer`). Rates
change in percentage points; a row click drills into the subdistrict or department.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from feeds.protocol.answers import ResponseAnswer, ResponseComparison
from widgets.drilldown.style import plain_label
from widgets.drilldown.tables import Column, RankTable
from widgets.drilldown.text import count_text, format_value
from widgets.theme import Scale

translate = QCoreApplication.translate
RATE_KEYS = ("response_rate", "resolution_rate", "satisfaction_rate")
COLUMNS = (
    Column("name", lambda: translate("ResponseSection", "Name")),
    Column("reported", lambda: translate("ResponseSection", "Requests"), bar=True),
    Column("response_rate", lambda: translate("ResponseSection", "Response")),
    Column("resolution_rate", lambda: translate("ResponseSection", "Resolution")),
    Column("satisfaction_rate", lambda: translate("ResponseSection", "Satisfaction")),
)


def _delta(comparison: ResponseComparison, key: str) -> str:
    """``+1.2 pt`` for a rate's change (``—`` when either side is undefined)."""
    d = comparison.delta.get(key)
    return "—" if d is None else f"{100 * d:+.1f} pt"


class ResponseSection(QWidget):
    """Three rate tiles (value, 同比, 环比), counts, and two ranked tables.

    Signals:
        sigUnitActivated(str): a subdistrict row was clicked.
        sigDepartmentActivated(str): a department row was clicked.
    """

    sigUnitActivated = Signal(str)
    sigDepartmentActivated = Signal(str)

    def __init__(self, scale: Scale, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.answer: ResponseAnswer | None = None
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(scale.gap)
        tiles = QGridLayout()
        tiles.setHorizontalSpacing(scale.pad)
        self.values: dict[str, QLabel] = {}
        self.captions: dict[str, QLabel] = {}
        self.changes: dict[str, QLabel] = {}
        for i, key in enumerate(RATE_KEYS):
            self.values[key] = plain_label(self, "RateValue")
            self.captions[key] = plain_label(self, "RateCaption")
            self.changes[key] = plain_label(self, "RateCaption")
            tiles.addWidget(self.values[key], 0, i)
            tiles.addWidget(self.captions[key], 1, i)
            tiles.addWidget(self.changes[key], 2, i)
        box.addLayout(tiles)
        self.counts = plain_label(self, "DrillSub")
        box.addWidget(self.counts)
        tables = QHBoxLayout()
        tables.setSpacing(scale.pad)
        self.titles = {k: plain_label(self, "SectionTitle") for k in ("subdistrict", "department")}
        self.tables = {k: RankTable(COLUMNS, scale, self) for k in ("subdistrict", "department")}
        for key in ("subdistrict", "department"):
            column = QVBoxLayout()
            column.addWidget(self.titles[key])
            column.addWidget(self.tables[key], 1)
            tables.addLayout(column, 1)
        box.addLayout(tables, 1)
        self.tables["subdistrict"].sigActivated.connect(self.sigUnitActivated)
        self.tables["department"].sigActivated.connect(self.sigDepartmentActivated)
        for label in self.values.values():
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.retranslate()

    def retranslate(self) -> None:
        """UI strings from the translator."""
        names = {
            "response_rate": translate("ResponseSection", "Response rate"),
            "resolution_rate": translate("ResponseSection", "Resolution rate"),
            "satisfaction_rate": translate("ResponseSection", "Satisfaction rate"),
        }
        for key, label in self.captions.items():
            label.setText(names[key])
        self.titles["subdistrict"].setText(translate("ResponseSection", "Subdistricts"))
        self.titles["department"].setText(translate("ResponseSection", "Departments"))
        self._show()

    def set_language(self, lang: str) -> None:
        """Domain names in ``lang``."""
        for table in self.tables.values():
            table.rank_model.set_language(lang)

    def clear(self) -> None:
        """No figures (before the answer)."""
        self.answer = None
        for table in self.tables.values():
            table.set_rows([])
        self._show()

    def show_answer(self, answer: ResponseAnswer) -> None:
        """Show a ``response`` answer."""
        self.answer = answer
        self.tables["subdistrict"].set_rows(answer.by_subdistrict, "satisfaction_rate")
        self.tables["department"].set_rows(answer.by_department, "satisfaction_rate")
        self._show()

    def texts(self) -> list[str]:
        """The tiles and counts as shown (tests)."""
        return [
            *(self.values[k].text() for k in RATE_KEYS),
            *(self.changes[k].text() for k in RATE_KEYS),
            self.counts.text(),
        ]

    def _show(self) -> None:
        a = self.answer
        yoy, pop = translate("ResponseSection", "YoY"), translate("ResponseSection", "MoM")
        for key in RATE_KEYS:
            self.values[key].setText(format_value(key, a.figures.value(key)) if a else "—")
            self.changes[key].setText(f"{yoy} {_delta(a.yoy, key)} · {pop} {_delta(a.pop, key)}" if a else "")
        if a is None:
            self.counts.setText("")
            return
        f = a.figures
        words = (
            translate("ResponseSection", "Requests"),
            translate("ResponseSection", "Answered on the line"),
            translate("ResponseSection", "evaluated"),
            translate("ResponseSection", "Overdue"),
        )
        counts = (f.reported, f.answered, f.evaluated, f.overdue)
        self.counts.setText(" · ".join(f"{w} {count_text(n)}" for w, n in zip(words, counts, strict=True)))
