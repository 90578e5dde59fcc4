"""CaseBrowser: the operator's searchable case list beside the chosen case's detail and actions.

Same contract as :class:`~widgets.drilldown.view.DrillDownView`: no I/O,
``sigRequest``/``sigAction``/``sigExport`` out, :meth:`CaseBrowser.show_result`
and :meth:`CaseBrowser.show_error` in, stale answers dropped.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QSplitter, QVBoxLayout, QWidget

from feeds.live import NameLookup
from feeds.protocol.answers import CaseDetailAnswer, CaseListAnswer
from widgets.drilldown.busy import BusyBar
from widgets.drilldown.case_detail import CaseDetailView
from widgets.drilldown.case_list import CaseListView
from widgets.drilldown.filters import FilterChoices
from widgets.drilldown.minimap import UnitShapes
from widgets.drilldown.path import DISTRICT, RangeSpec
from widgets.drilldown.range_bar import RangeBar
from widgets.drilldown.requests import RequestBook
from widgets.drilldown.status import LoadStatus
from widgets.drilldown.style import drill_qss
from widgets.drilldown.text import load_failed
from widgets.theme import Scale

WIDE_FROM = 90
"""From this width (in base font sizes) the list and the detail sit side by side."""


class CaseBrowser(QWidget):
    """Unit, range, filters and search over a sortable, paged case list; detail and actions on the right.

    Signals:
        sigRequest(int, str, object): ask ``query`` ``name`` with ``params``.
        sigAction(int, str, str, str): ``(request_id, action, case_id, text)``.
        sigExport(object): export every case matching these ``cases`` params.
    """

    sigRequest = Signal(int, str, object)
    sigAction = Signal(int, str, str, str)
    sigExport = Signal(object)

    def __init__(
        self,
        names: NameLookup,
        scale: Scale,
        choices: FilterChoices,
        *,
        shapes: UnitShapes | None = None,
        operator: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("CaseBrowser")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(drill_qss(scale))
        self.choices, self.operator = choices, operator
        self.lang = "zh"
        self.book = RequestBook()
        self.range = RangeSpec("7d")
        self._live = False
        box = QVBoxLayout(self)
        box.setContentsMargins(scale.pad, round(scale.pad * 0.7), scale.pad, scale.pad)
        box.setSpacing(scale.gap)
        top = QHBoxLayout()
        self.unit_combo = QComboBox(self)
        self.unit_combo.currentIndexChanged.connect(self._on_unit)
        top.addWidget(self.unit_combo)
        self.range_bar = RangeBar(scale, self)
        self.range_bar.set_range(self.range)
        self.range_bar.sigRangeChanged.connect(self._on_range)
        top.addWidget(self.range_bar)
        top.addStretch(1)
        self.status = LoadStatus(self)
        self.status.sigRetry.connect(self.refresh)
        top.addWidget(self.status)
        box.addLayout(top)
        self.busy = BusyBar(scale, parent=self)
        box.addWidget(self.busy)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.case_list = CaseListView(names, scale, choices=choices, exportable=operator, parent=self.splitter)
        self.case_detail = CaseDetailView(names, scale, shapes=shapes, actions=operator, parent=self.splitter)
        self.splitter.addWidget(self.case_list)
        self.splitter.addWidget(self.case_detail)
        self.splitter.setChildrenCollapsible(False)
        self._wide_from = scale.px(WIDE_FROM)
        self._side_by_side: bool | None = None
        self._arrange(False)
        box.addWidget(self.splitter, 1)
        self.case_list.sigPageWanted.connect(self.refresh)
        self.case_list.sigCaseActivated.connect(self.open_case)
        self.case_list.sigExportRequested.connect(lambda: self.sigExport.emit(self.export_params()))
        self.case_detail.sigAction.connect(self._on_action)
        shortcut = Qt.ShortcutContext.WidgetWithChildrenShortcut
        QShortcut(QKeySequence.StandardKey.Find, self, self._focus_search, context=shortcut)
        QShortcut(QKeySequence("Ctrl+E"), self, self.case_list.sigExportRequested.emit, context=shortcut)
        QShortcut(QKeySequence("F5"), self, self.refresh, context=shortcut)
        self.retranslate()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """List beside the detail when wide, above it when not."""
        super().resizeEvent(event)
        self._arrange(self.width() >= self._wide_from)

    def _arrange(self, side_by_side: bool) -> None:
        if side_by_side == self._side_by_side:
            return
        self._side_by_side = side_by_side
        if side_by_side:  # list | detail: fewer list columns, the detail stacks its workflow below
            self.splitter.setOrientation(Qt.Orientation.Horizontal)
            self.case_list.table.hide_columns("place", "urges")
            self.case_detail.set_wide(False)
            self.splitter.setSizes([self.width() * 11 // 20, self.width() * 9 // 20])
        else:  # list over detail: every column; facts, map and workflow in one row below
            self.splitter.setOrientation(Qt.Orientation.Vertical)
            self.case_list.table.hide_columns()
            self.case_detail.set_wide(True)
            self.splitter.setSizes([self.height() * 11 // 20, self.height() * 9 // 20])

    def retranslate(self) -> None:
        """UI strings (and the unit choices) from the translator."""
        self._fill_units()

    def changeEvent(self, event: QEvent) -> None:
        """Retranslate on a language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_language(self, lang: str) -> None:
        """Domain names in ``lang``."""
        self.lang = "en" if lang == "en" else "zh"
        self.case_list.set_language(self.lang)
        self.case_detail.set_language(self.lang)
        self._fill_units()

    def _fill_units(self) -> None:
        current = self.unit_combo.currentData() or DISTRICT
        self.unit_combo.blockSignals(True)
        self.unit_combo.clear()
        self.unit_combo.addItem(self.tr("Whole district"), DISTRICT)
        for code, label in self.choices.units:
            self.unit_combo.addItem(label.get(self.lang), code)
        self.unit_combo.setCurrentIndex(max(0, self.unit_combo.findData(current)))
        self.unit_combo.blockSignals(False)

    # ---------------------------------------------------------------- params
    @property
    def unit(self) -> str:
        """The unit the list covers."""
        return str(self.unit_combo.currentData() or DISTRICT)

    def list_params(self) -> dict[str, Any]:
        """The ``cases`` parameters: unit, range, filters, search, sort, page."""
        out: dict[str, Any] = {"unit": self.unit, **self.range.params(), **self.case_list.page_params()}
        filters = self.case_list.bar_filters()
        if filters:
            out["filters"] = filters
        return out

    def export_params(self) -> dict[str, Any]:
        """:meth:`list_params` without paging."""
        return {k: v for k, v in self.list_params().items() if k not in ("offset", "limit")}

    # ------------------------------------------------------------- requests
    def refresh(self) -> None:
        """Ask for the list page again."""
        self._request("cases", "cases", self.list_params())

    def on_connection(self, state: str) -> None:
        """Load the list when the connection becomes live (at start, and again after a reconnect)."""
        live = state == "live"
        if live and not self._live:
            self.refresh()
        self._live = live

    def open_case(self, case_id: str) -> None:
        """Show a case on the right."""
        self._request("case", "case", {"id": case_id})

    def _request(self, slot: str, name: str, params: dict[str, Any]) -> None:
        request_id = self.book.start(slot)
        self.busy.start()
        self.sigRequest.emit(request_id, name, params)

    def show_result(self, request_id: int, data: Any) -> None:
        """An answer; dropped unless current."""
        slot = self.book.accept(request_id)
        if slot is None:
            return
        if not self.book.busy:
            self.busy.stop()
        self.status.set_error("")
        if slot == "cases" and isinstance(data, CaseListAnswer):
            self.case_list.show_page(data)
            model = self.case_list.table.case_model
            if not self.case_detail.case_id and not self.book.is_pending("case") and model.rowCount():
                self.open_case(model.case_id(0))  # never an empty detail beside a full list
        elif slot == "case" and isinstance(data, CaseDetailAnswer):
            self.case_detail.show_case(data)
        elif slot == "action":
            self.case_detail.show_action_result(True)
            if self.case_detail.case_id:
                self.open_case(self.case_detail.case_id)
            self.refresh()

    def show_error(self, request_id: int, message: str) -> None:
        """A failed request, inline."""
        slot = self.book.accept(request_id)
        if slot is None:
            return
        if not self.book.busy:
            self.busy.stop()
        if slot == "action":
            self.case_detail.show_action_result(False, message)
        else:
            self.status.set_error(load_failed(message))

    def forbid_actions(self, request_id: int) -> None:
        """The server refused our action for this connection's role: no more action buttons."""
        if self.book.pending.get("action") == request_id:
            self.case_detail.forbid_actions()

    # -------------------------------------------------------------- handlers
    def _on_unit(self, _index: int) -> None:
        self.case_list.offset = 0
        self.refresh()

    def _on_range(self, spec: RangeSpec) -> None:
        self.range = spec
        self.case_list.offset = 0
        self.refresh()

    def _focus_search(self) -> None:
        if self.case_list.filter_bar is not None:
            self.case_list.filter_bar.focus_search()

    def _on_action(self, action: str, case_id: str, text: str) -> None:
        if not self.operator:
            return
        request_id = self.book.start("action")
        self.case_detail.set_action_busy(True)
        self.sigAction.emit(request_id, action, case_id, text)
