"""One unit of the drill-down: its indicators with 同比/环比, its children ranked, its departments ranked.

Fed with a ``drill`` answer (indicators, comparisons, children), a
``ranking`` answer by department and, for a unit grid (which has no
children), a first page of its cases.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from feeds.live import NameLookup
from feeds.protocol.answers import CaseListAnswer, DrillAnswer, PeriodRef, RankingAnswer, ResponseAnswer, UnitRef
from widgets.drilldown.case_table import CaseTable
from widgets.drilldown.indicators import IndicatorGrid
from widgets.drilldown.path import unit_level
from widgets.drilldown.response_section import ResponseSection
from widgets.drilldown.style import plain_label
from widgets.drilldown.tables import Column, RankTable
from widgets.drilldown.text import count_text, format_period, level_name
from widgets.theme import Scale

translate = QCoreApplication.translate


CHILD_COLUMNS = (
    Column("name", lambda: translate("UnitPage", "Name")),
    Column("reported", lambda: translate("UnitPage", "Reported"), bar=True),
    Column("closure_rate", lambda: translate("UnitPage", "Closure")),
    Column("ontime_handling_rate", lambda: translate("UnitPage", "On-time")),
    Column("overdue_unhandled", lambda: translate("UnitPage", "Overdue")),
)
DEPARTMENT_COLUMNS = (
    Column("name", lambda: translate("UnitPage", "Department")),
    Column("reported", lambda: translate("UnitPage", "Cases"), bar=True),
    Column("ontime_handling_rate", lambda: translate("UnitPage", "On-time")),
    Column("overdue_unhandled", lambda: translate("UnitPage", "Overdue")),
)


class UnitPage(QWidget):
    """Header, indicator tiles, children (or the grid's cases) and departments side by side.

    Signals:
        sigUnitActivated(str): a child unit row was clicked.
        sigDepartmentActivated(str): a department row was clicked.
        sigCasesWanted(): the case-list button was clicked.
        sigCaseActivated(str): a case of a grid's list was clicked.
        sigSupervisorsWanted(): the supervisors button was clicked (the unit's supervisors ranked).
    """

    sigUnitActivated = Signal(str)
    sigDepartmentActivated = Signal(str)
    sigCasesWanted = Signal()
    sigCaseActivated = Signal(str)
    sigSupervisorsWanted = Signal()

    def __init__(self, names: NameLookup, scale: Scale, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = "zh"
        self.drill = DrillAnswer(UnitRef(), PeriodRef())
        """The figures shown (the last ``drill`` answer, or just the unit's name before it)."""
        self.child_level = "subdistrict"
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(scale.gap)
        head = QHBoxLayout()
        self.title = plain_label(self, "DrillTitle")
        self.subtitle = plain_label(self, "DrillSub")
        head.addWidget(self.title)
        head.addSpacing(scale.gap)
        head.addWidget(self.subtitle)
        head.addStretch(1)
        self.platform_group = QButtonGroup(self)
        self.platform_buttons: dict[str, QPushButton] = {}
        for key in ("city", "response"):  # 城市管理 | 全响应: which platform's figures the page shows
            button = QPushButton(self)
            button.setCheckable(True)
            self.platform_group.addButton(button)
            self.platform_buttons[key] = button
            head.addWidget(button)
            button.clicked.connect(lambda _=False, k=key: self.show_platform(k))
        self.platform_buttons["city"].setChecked(True)
        head.addSpacing(scale.gap)
        self.cases_button = QPushButton(self)
        self.cases_button.setObjectName("Primary")
        self.cases_button.clicked.connect(self.sigCasesWanted)
        head.addWidget(self.cases_button)
        self.supervisors_button = QPushButton(self)
        self.supervisors_button.clicked.connect(self.sigSupervisorsWanted)
        head.addWidget(self.supervisors_button)
        box.addLayout(head)
        self.platform_stack = QStackedWidget(self)
        city = QWidget(self)
        city_box = QVBoxLayout(city)
        city_box.setContentsMargins(0, 0, 0, 0)
        city_box.setSpacing(scale.gap)
        self.response_section = ResponseSection(scale, self)
        self.platform_stack.addWidget(city)
        self.platform_stack.addWidget(self.response_section)
        box.addWidget(self.platform_stack, 1)
        self.indicators = IndicatorGrid(scale, parent=self)
        city_box.addWidget(self.indicators)
        tables = QHBoxLayout()
        tables.setSpacing(scale.pad)
        left, right = QVBoxLayout(), QVBoxLayout()
        self.children_title = plain_label(self, "SectionTitle")
        self.departments_title = plain_label(self, "SectionTitle")
        self.left_stack = QStackedWidget(self)
        self.children_table = RankTable(CHILD_COLUMNS, scale, self)
        self.grid_cases = CaseTable(names, scale, self)
        self.grid_cases.hide_columns("id", "place", "department", "urges", "flags")
        self.left_stack.addWidget(self.children_table)
        self.left_stack.addWidget(self.grid_cases)
        self.departments_table = RankTable(DEPARTMENT_COLUMNS, scale, self)
        left.addWidget(self.children_title)
        left.addWidget(self.left_stack, 1)
        right.addWidget(self.departments_title)
        right.addWidget(self.departments_table, 1)
        tables.addLayout(left, 1)
        tables.addLayout(right, 1)
        city_box.addLayout(tables, 1)
        self.response_section.sigUnitActivated.connect(self.sigUnitActivated)
        self.response_section.sigDepartmentActivated.connect(self.sigDepartmentActivated)
        self.children_table.sigActivated.connect(self.sigUnitActivated)
        self.departments_table.sigActivated.connect(self.sigDepartmentActivated)
        self.grid_cases.sigCaseActivated.connect(self.sigCaseActivated)
        self.grid_cases.sigSortChanged.connect(lambda _k, _o: self.sigCasesWanted.emit())
        self.retranslate()

    def retranslate(self) -> None:
        """UI strings from the translator."""
        self.platform_buttons["city"].setText(translate("UnitPage", "City management"))
        self.platform_buttons["response"].setText(translate("UnitPage", "全响应 (12345)"))
        self.supervisors_button.setText(translate("UnitPage", "Supervisors") + "  ›")
        self._titles()

    @property
    def platform(self) -> str:
        """The platform whose figures are shown: ``city`` or ``response``."""
        return "response" if self.platform_stack.currentWidget() is self.response_section else "city"

    def show_platform(self, platform: str) -> None:
        """Show city-management figures (``city``) or the 全响应 rates and rankings (``response``)."""
        self.platform_buttons[platform].setChecked(True)
        self.platform_stack.setCurrentIndex(1 if platform == "response" else 0)
        self.cases_button.setVisible(platform == "city")

    def show_response(self, answer: ResponseAnswer) -> None:
        """Show a ``response`` answer (the 全响应 side)."""
        self.response_section.show_answer(answer)

    def changeEvent(self, event: QEvent) -> None:
        """Retranslate on a language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_language(self, lang: str) -> None:
        """Domain names in ``lang``."""
        self.lang = lang
        self.children_table.rank_model.set_language(lang)
        self.departments_table.rank_model.set_language(lang)
        self.grid_cases.case_model.set_language(lang)
        self.response_section.set_language(lang)
        self._titles()

    def show_unit(self, code: str, name: str) -> None:
        """Before the figures arrive: the unit's name and empty figures."""
        self.drill = DrillAnswer(UnitRef(code, name, name, unit_level(code)), PeriodRef())
        self.child_level = {"district": "subdistrict", "subdistrict": "community", "community": "grid"}.get(
            unit_level(code), ""
        )
        self.left_stack.setCurrentWidget(self.grid_cases if not self.child_level else self.children_table)
        self.indicators.clear()
        self.children_table.set_rows([])
        self.departments_table.set_rows([])
        self.grid_cases.case_model.set_rows([])
        self.response_section.clear()
        self._titles()

    def show_drill(self, answer: DrillAnswer) -> None:
        """Show a ``drill`` answer."""
        self.drill = answer
        self.child_level = answer.child_level
        self.indicators.set_data(answer.indicators, answer.yoy, answer.pop)
        self.children_table.rank_model.parent_name = answer.unit.name_en
        self.children_table.set_rows(answer.children)
        self.left_stack.setCurrentWidget(self.children_table if self.child_level else self.grid_cases)
        self._titles()

    def show_departments(self, answer: RankingAnswer) -> None:
        """Show a ``ranking`` answer by department."""
        self.departments_table.set_rows([r for r in answer.rows if (r.value or 0) > 0])

    def show_grid_cases(self, answer: CaseListAnswer) -> None:
        """Show a ``cases`` answer in place of the children (a unit grid has none)."""
        self.grid_cases.case_model.set_rows(answer.rows)

    def _titles(self) -> None:
        unit = self.drill.unit
        self.title.setText(unit.name(self.lang))
        level = level_name(unit.level)
        period = format_period(self.drill.period)
        self.subtitle.setText(" · ".join(t for t in (level, period) if t))
        reported = self.drill.indicators.reported
        text = translate("UnitPage", "Case list") + (f" · {count_text(int(reported))}" if reported is not None else "")
        self.cases_button.setText(text + "  ›")
        n = len(self.drill.children)
        if self.child_level:
            self.children_title.setText(f"{level_name(self.child_level, plural=True)} ({n})")
        else:
            self.children_title.setText(translate("UnitPage", "Latest cases in this grid"))
        self.departments_title.setText(level_name("department", plural=True))
