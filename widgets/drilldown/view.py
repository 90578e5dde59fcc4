"""DrillDownView: district → subdistrict → community → unit grid → case list → case, with a breadcrumb.

The view does no I/O. It asks for data with ``sigRequest(request_id, name,
params)`` and takes answers with :meth:`DrillDownView.show_result` /
:meth:`DrillDownView.show_error`; an answer to a superseded request is
dropped. A thin bar shows when an answer is slow; errors read in one line
with *Retry*. Operator actions (workstation only) go out as ``sigAction``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

from feeds.live import NameLookup
from feeds.protocol.alarm_answers import AlarmMetricsAnswer, UrgeRankingAnswer
from feeds.protocol.answers import CaseDetailAnswer, CaseListAnswer, DrillAnswer, RankingAnswer, ResponseAnswer
from feeds.protocol.supervision_answers import SupervisorDetail, SupervisorRanking
from widgets.drilldown.alarm_page import AlarmMetricsPage
from widgets.drilldown.breadcrumb import Breadcrumb
from widgets.drilldown.busy import BusyBar
from widgets.drilldown.case_detail import CaseDetailView
from widgets.drilldown.case_list import CaseListView
from widgets.drilldown.crumbs import chip_text, crumb_text
from widgets.drilldown.filters import FilterChoices
from widgets.drilldown.minimap import UnitShapes
from widgets.drilldown.path import DrillPath, RangeSpec, alarm_period
from widgets.drilldown.range_bar import RangeBar
from widgets.drilldown.requests import RequestBook
from widgets.drilldown.status import LoadStatus
from widgets.drilldown.style import drill_qss
from widgets.drilldown.supervisor_pages import SupervisorPage, SupervisorRankingPage
from widgets.drilldown.text import load_failed
from widgets.drilldown.unit_page import UnitPage
from widgets.theme import Scale


class DrillDownView(QWidget):
    """The drill-down: breadcrumb, range, and one page (unit figures, case list or case detail).

    Signals:
        sigRequest(int, str, object): ask the server ``query`` ``name`` with ``params`` (a dict).
        sigAction(int, str, str, str): ``(request_id, action, case_id, text)``: an operator action.
        sigExport(object): export every case matching these ``cases`` params (no ``offset``/``limit``).
        sigNavigated(object): the :class:`Crumb` now shown (e.g. to outline the unit on a map).
        sigClosed(): the user closed the drill-down (wall: back to the overview).
        sigActivity(): someone used the view (navigated, scrolled, sorted, paged, acted); not on refresh.
    """

    sigRequest = Signal(int, str, object)
    sigAction = Signal(int, str, str, str)
    sigExport = Signal(object)
    sigNavigated = Signal(object)
    sigClosed = Signal()
    sigActivity = Signal()

    def __init__(
        self,
        names: NameLookup,
        scale: Scale,
        *,
        shapes: UnitShapes | None = None,
        choices: FilterChoices | None = None,
        operator: bool = False,
        closable: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("DrillView")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(drill_qss(scale))
        self.names, self.scale, self.operator = names, scale, operator
        self.lang = "zh"
        self.path = DrillPath()
        self.book = RequestBook()
        box = QVBoxLayout(self)
        box.setContentsMargins(scale.pad, round(scale.pad * 0.7), scale.pad, scale.pad)
        box.setSpacing(scale.gap)
        self.breadcrumb = Breadcrumb(scale, closable, self)
        box.addWidget(self.breadcrumb)
        top = QHBoxLayout()
        self.range_bar = RangeBar(scale, self)
        top.addWidget(self.range_bar)
        top.addStretch(1)
        self.status = LoadStatus(self)
        top.addWidget(self.status)
        box.addLayout(top)
        self.busy = BusyBar(scale, parent=self)
        box.addWidget(self.busy)
        self.pages = QStackedWidget(self)
        self.unit_page = UnitPage(names, scale, self)
        self.case_list = CaseListView(
            names, scale, choices=choices, exportable=operator, compact=not operator, parent=self
        )
        self.case_detail = CaseDetailView(names, scale, shapes=shapes, actions=operator, parent=self)
        self.alarm_page = AlarmMetricsPage(names, scale, self)
        self.supervisors_page = SupervisorRankingPage(names, scale, self)
        self.supervisor_page = SupervisorPage(names, scale, self)
        for page in self._pages():
            self.pages.addWidget(page)
        box.addWidget(self.pages, 1)
        self._connect()
        self._update_crumbs()
        self._navigate(ask=False)  # nothing is connected yet: the first open or refresh asks

    def _pages(self) -> tuple[Any, ...]:
        return (
            self.unit_page,
            self.case_list,
            self.case_detail,
            self.alarm_page,
            self.supervisors_page,
            self.supervisor_page,
        )

    def _connect(self) -> None:
        self.breadcrumb.sigGo.connect(self.go)
        self.breadcrumb.sigBack.connect(self.back)
        self.breadcrumb.sigClose.connect(self.sigClosed)
        self.breadcrumb.sigClearFilter.connect(self._on_clear_filter)
        self.range_bar.sigRangeChanged.connect(self._on_range)
        self.status.sigRetry.connect(self.refresh)
        self.unit_page.sigUnitActivated.connect(self.open_unit)
        self.unit_page.sigDepartmentActivated.connect(self._on_department)
        self.unit_page.sigCasesWanted.connect(lambda: self.open_cases(self.path.unit))
        self.unit_page.sigCaseActivated.connect(self.open_case)
        self.unit_page.sigSupervisorsWanted.connect(lambda: self.open_supervisors(self.path.unit))
        self.supervisors_page.sigSupervisorActivated.connect(self.open_supervisor)
        self.supervisor_page.sigUnitActivated.connect(self.open_unit)
        self.case_list.sigPageWanted.connect(self._on_page_wanted)
        self.case_list.sigCaseActivated.connect(self.open_case)
        self.case_list.sigExportRequested.connect(lambda: self.sigExport.emit(self.export_params()))
        self.case_detail.sigAction.connect(self._on_action)
        tables = (self.unit_page.children_table, self.unit_page.departments_table, self.unit_page.grid_cases)
        for table in (*tables, self.case_list.table):
            table.verticalScrollBar().valueChanged.connect(self.sigActivity)
            table.clicked.connect(self.sigActivity)
        QShortcut(QKeySequence("Alt+Left"), self, self.back, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("F5"), self, self.refresh, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

    @property
    def last_error(self) -> str:
        """The error line shown ('' when none)."""
        return self.status.text

    def changeEvent(self, event: QEvent) -> None:
        """Crumb names on a language change ("Cases")."""
        if event.type() == QEvent.Type.LanguageChange:
            self._update_crumbs()
        super().changeEvent(event)

    def set_language(self, lang: str) -> None:
        """Domain names in ``lang`` on every page."""
        self.lang = "en" if lang == "en" else "zh"
        for page in self._pages():
            page.set_language(self.lang)
        self._update_crumbs()

    # ------------------------------------------------------------ navigation
    @property
    def page_name(self) -> str:
        """``unit``, ``cases``, ``case``, ``alarms``, ``supervisors`` or ``supervisor``."""
        return self.path.current.kind

    def open_unit(self, code: str, filters: Mapping[str, Any] | None = None, range: RangeSpec | None = None) -> None:
        """Show a unit's figures (optionally with new filters / range)."""
        self._select(filters, range)
        self.path.open_unit(code)
        self._navigate()

    def open_cases(self, unit: str, filters: Mapping[str, Any] | None = None, range: RangeSpec | None = None) -> None:
        """Show the case list of ``unit``."""
        self._select(filters, range)
        self.path.open_cases(unit)
        self.case_list.reset(self.path.filters)
        self._navigate()

    def open_alarms(self) -> None:
        """Show the alarm figures (ISA-18.2 / EEMUA 191) and the departments by urges."""
        self.path.open_alarms()
        self._navigate()

    def open_supervisors(self, unit: str) -> None:
        """Show the supervisors whose beat lies (partly) in ``unit``, ranked."""
        self.path.open_supervisors(unit)
        self._navigate()

    def open_supervisor(self, staff_id: str) -> None:
        """Show one supervisor's figures and beat (below the ranking shown, else the district's)."""
        self.path.open_supervisor(staff_id)
        self._navigate()

    def open_case(self, case_id: str) -> None:
        """Show one case."""
        self.path.open_case(case_id)
        self._navigate()

    def go(self, index: int) -> None:
        """Back to breadcrumb step ``index``."""
        if self.path.go(index):
            self._navigate()

    def back(self) -> None:
        """One step up."""
        if self.path.back():
            self._navigate()

    def reset(self) -> None:
        """The district today, no filters (idle return)."""
        self.path.reset()
        self.range_bar.set_range(self.path.range)
        self.case_list.reset({})
        self._navigate()

    def refresh(self) -> None:
        """Ask again for what is shown (figures stay until the answer comes)."""
        self._request_page()

    def _select(self, filters: Mapping[str, Any] | None, range: RangeSpec | None) -> None:
        if filters is not None:
            self.path.filters = dict(filters)
        if range is not None:
            self.path.range = range
            self.range_bar.set_range(range)

    def _navigate(self, ask: bool = True) -> None:
        crumb = self.path.current
        for slot in [s for s in self.book.pending if s != "action"]:
            self.book.forget(slot)
        self._idle_check()
        self.status.set_error("")
        if crumb.kind == "unit":
            self.unit_page.show_unit(crumb.key, crumb_text(crumb, self.names, self.lang))
            self.pages.setCurrentWidget(self.unit_page)
        elif crumb.kind == "cases":
            self.pages.setCurrentWidget(self.case_list)
        elif crumb.kind == "alarms":
            self.pages.setCurrentWidget(self.alarm_page)
        elif crumb.kind == "supervisors":
            self.supervisors_page.show_unit(crumb.key)
            self.pages.setCurrentWidget(self.supervisors_page)
        elif crumb.kind == "supervisor":
            self.supervisor_page.show_staff(crumb.key)
            self.pages.setCurrentWidget(self.supervisor_page)
        else:
            if crumb.key != self.case_detail.case_id:
                self.case_detail.clear()
            self.pages.setCurrentWidget(self.case_detail)
        self.range_bar.setVisible(crumb.kind != "case")
        self._update_crumbs()
        if ask:
            self._request_page()
            self.sigNavigated.emit(crumb)
            self.sigActivity.emit()

    def _update_crumbs(self) -> None:
        self.breadcrumb.set_path([crumb_text(c, self.names, self.lang) for c in self.path.crumbs])
        self.breadcrumb.set_chips([(k, chip_text(k, v, self.names, self.lang)) for k, v in self.path.filters.items()])

    # -------------------------------------------------------------- requests
    def _request(self, slot: str, name: str, params: dict[str, Any]) -> None:
        request_id = self.book.start(slot)
        self.busy.start()
        self.sigRequest.emit(request_id, name, params)

    def _request_page(self) -> None:
        crumb = self.path.current
        if crumb.kind == "unit":
            for slot, name, params in self.path.unit_queries(crumb.key):
                self._request(slot, name, params)
        elif crumb.kind == "cases":
            self._request("cases", "cases", self.list_params())
        elif crumb.kind == "alarms":
            period = alarm_period(self.path.range)
            self._request("alarm_metrics", "alarm_metrics", dict(period))
            self._request("urge_ranking", "urge_ranking", dict(period))
        elif crumb.kind == "supervisors":
            self._request("supervisors", "supervisors", {"unit": crumb.key, **self.path.supervisor_range().params()})
        elif crumb.kind == "supervisor":
            self._request("supervisor", "supervisor", {"staff_id": crumb.key, **self.path.supervisor_range().params()})
        else:
            self._request("case", "case", {"id": crumb.key})

    def list_params(self) -> dict[str, Any]:
        """The ``cases`` parameters of the list page: selection, the bar's filters, search, sort, page."""
        if self.case_list.filter_bar is not None:
            self.path.filters = self.case_list.merged_filters(self.path.filters)
            self._update_crumbs()
        return {**self.path.selection(), **self.case_list.page_params()}

    def export_params(self) -> dict[str, Any]:
        """The list's parameters without paging (the exporter pages)."""
        return {k: v for k, v in self.list_params().items() if k not in ("offset", "limit")}

    def show_result(self, request_id: int, data: Any) -> None:
        """An answer; dropped unless it answers a current request of this view."""
        slot = self.book.accept(request_id)
        if slot is None:
            return
        self._idle_check()
        if slot == "drill" and isinstance(data, DrillAnswer):
            self.unit_page.show_drill(data)
        elif slot == "ranking" and isinstance(data, RankingAnswer):
            self.unit_page.show_departments(data)
        elif slot == "response" and isinstance(data, ResponseAnswer):
            self.unit_page.show_response(data)
        elif slot == "grid_cases" and isinstance(data, CaseListAnswer):
            self.unit_page.show_grid_cases(data)
        elif slot == "cases" and isinstance(data, CaseListAnswer):
            self.case_list.show_page(data)
        elif slot == "case" and isinstance(data, CaseDetailAnswer):
            self.case_detail.show_case(data)
            grid = data.case.grid
            if grid and self.path.current.kind == "case":
                self.path.place_case(self.path.current.key, grid)
                self._update_crumbs()
        elif slot == "alarm_metrics" and isinstance(data, dict):
            self.alarm_page.show_metrics(AlarmMetricsAnswer.from_wire(data))
        elif slot == "urge_ranking" and isinstance(data, dict):
            self.alarm_page.show_ranking(UrgeRankingAnswer.from_wire(data))
        elif slot == "supervisors" and isinstance(data, dict):
            self.supervisors_page.show_ranking(SupervisorRanking.from_wire(data))
        elif slot == "supervisor" and isinstance(data, dict):
            self.supervisor_page.show_detail(SupervisorDetail.from_wire(data))
        elif slot == "action":
            self.case_detail.show_action_result(True)
            if self.path.current.kind == "case":  # show the urge/mark/note in the record
                self._request("case", "case", {"id": self.path.current.key})

    def show_error(self, request_id: int, message: str) -> None:
        """A failed request: inline, plain text, with *Retry* (actions: next to their buttons)."""
        slot = self.book.accept(request_id)
        if slot is None:
            return
        self._idle_check()
        if slot == "action":
            self.case_detail.show_action_result(False, message)
            return
        self.status.set_error(load_failed(message))

    def forbid_actions(self, request_id: int) -> None:
        """The server refused our action for this connection's role: no more action buttons."""
        if self.book.pending.get("action") == request_id:
            self.case_detail.forbid_actions()

    def _idle_check(self) -> None:
        if not self.book.busy:
            self.busy.stop()

    # -------------------------------------------------------------- handlers
    def _on_range(self, spec: RangeSpec) -> None:
        self.sigActivity.emit()
        self.path.range = spec
        if self.path.current.kind == "cases":
            self.case_list.offset = 0
        self._request_page()
        self._update_crumbs()

    def _on_clear_filter(self, key: str) -> None:
        self.sigActivity.emit()
        self.path.set_filter(key, None)
        if self.case_list.filter_bar is not None:
            self.case_list.filter_bar.set_filters(self.path.filters, self.case_list.filter_bar.query_text())
        self._update_crumbs()
        self._request_page()

    def _on_department(self, code: str) -> None:
        self.open_cases(self.path.unit, {**self.path.filters, "department": code})

    def _on_page_wanted(self) -> None:
        self.sigActivity.emit()
        if self.path.current.kind == "cases":
            self._request("cases", "cases", self.list_params())

    def _on_action(self, action: str, case_id: str, text: str) -> None:
        if not self.operator:
            return
        self.sigActivity.emit()
        request_id = self.book.start("action")
        self.case_detail.set_action_busy(True)
        self.sigAction.emit(request_id, action, case_id, text)
