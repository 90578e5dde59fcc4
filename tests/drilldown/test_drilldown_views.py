"""Drill-down widgets fed with query answers: breadcrumb, indicators with deltas, rankings, case list, detail."""

from __future__ import annotations

from typing import Any

from conftest import FakeRunner
from drill_fixtures import NOW, SHOWCASE_ID
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from feeds.analytics import QueryService
from feeds.live import Label, TableNames
from feeds.protocol.answers import CaseDetailAnswer, CaseListAnswer, DrillAnswer, Indicators
from widgets.drilldown import CaseDetailView, CaseListView, DrillDownView, FilterChoices
from widgets.drilldown.shapes import RegistryShapes
from widgets.drilldown.text import format_change
from widgets.theme import Scale

SCALE = Scale(1080)
SUB, COMM, GRID = "110102001", "110102001004", "110102001004010"


def make_view(qtbot: QtBot, names: TableNames, runner: FakeRunner, **kw: Any) -> DrillDownView:
    """A drill-down view wired to the fake runner, English names, panel-sized."""
    view = DrillDownView(names, SCALE, **kw)
    view.set_language("en")
    view.sigRequest.connect(runner.submit)
    view.sigAction.connect(runner.act)
    runner.sigResult.connect(view.show_result)
    runner.sigError.connect(view.show_error)
    qtbot.addWidget(view)
    view.resize(944, 700)
    view.show()
    return view


def test_district_page_shows_figures_deltas_and_children(qtbot: QtBot, names: TableNames, runner: FakeRunner) -> None:
    """The district page asks drill + ranking; tiles show values with 同比/环比; children rows are all subdistricts."""
    view = make_view(qtbot, names, runner)
    assert runner.calls == []  # nothing asked before anyone listens
    view.refresh()
    assert {n for _, n, _ in runner.calls} == {"drill", "ranking", "response"}  # response: the 全响应 side
    assert runner.params("ranking")["by"] == "department"
    view.open_unit("110102", {}, view.path.range.__class__("30d"))
    runner.answer_all()
    drill = DrillAnswer.from_wire(runner.service.handle("drill", {"range": "30d"}))  # type: ignore[union-attr]
    tiles = view.unit_page.indicators
    value, yoy, pop = tiles.tile_texts("reported")
    assert value == f"{drill.indicators.reported:,.0f}"
    assert yoy == format_change("reported", drill.yoy.change["reported"])[0] and yoy.startswith(("▲", "▼", "±"))
    assert pop == format_change("reported", drill.pop.change["reported"])[0]
    assert tiles.tile_texts("closure_rate")[1].endswith("pp") or tiles.tile_texts("closure_rate")[1] == "±0"
    table = view.unit_page.children_table
    assert (
        len(table.codes()) == 15
        and table.codes()[0] == max(drill.children, key=lambda c: c.indicators.reported or 0).who.code
    )
    assert view.unit_page.departments_table.codes()  # departments ranked
    assert view.breadcrumb.texts() == ["Xicheng District"] and not view.book.busy


def test_click_path_down_to_a_case_and_back(qtbot: QtBot, names: TableNames, runner: FakeRunner) -> None:
    """Row clicks drill subdistrict → community → grid → case list → case; crumbs follow; back goes up."""
    view = make_view(qtbot, names, runner)
    view.refresh()
    runner.answer_all()
    view.unit_page.children_table.sigActivated.emit(SUB)
    runner.answer_all()
    assert view.path.unit == SUB and view.unit_page.children_table.codes()[0].startswith(SUB)
    view.unit_page.children_table.sigActivated.emit(COMM)
    runner.answer_all()
    view.unit_page.children_table.sigActivated.emit(GRID)
    runner.answer_all()
    assert view.unit_page.left_stack.currentWidget() is view.unit_page.grid_cases  # a grid lists its cases
    view.unit_page.sigCasesWanted.emit()
    assert runner.params("cases")["unit"] == GRID
    runner.answer_all()
    assert view.page_name == "cases" and view.case_list.total >= 1
    view.case_list.sigCaseActivated.emit(SHOWCASE_ID)
    runner.answer_all()
    assert view.page_name == "case" and view.case_detail.case_id == SHOWCASE_ID
    crumbs = view.breadcrumb.texts()
    assert crumbs[0] == "Xicheng District" and crumbs[3] == "Grid 10" and crumbs[-2:] == ["Cases", SHOWCASE_ID]
    view.back()
    assert view.page_name == "cases"
    view.breadcrumb.sigGo.emit(1)
    assert view.path.unit == SUB and view.page_name == "unit"


def test_stale_answers_are_dropped_and_errors_read_clearly(
    qtbot: QtBot, names: TableNames, runner: FakeRunner, service: QueryService
) -> None:
    """An answer to a superseded request never shows; a failed one shows its message with Retry."""
    view = make_view(qtbot, names, runner)
    runner.calls.clear()
    view.open_unit(SUB)
    old = runner.calls[:]
    view.open_unit("110102002")
    for request_id, name, params in old:  # the subdistrict's late answers
        runner.sigResult.emit(request_id, service.handle(name, params))
    assert view.book.dropped == len(old) and view.unit_page.indicators.values == Indicators()
    runner.calls = [c for c in runner.calls if c not in old]
    runner.answer_all()
    assert view.unit_page.drill.unit.code == "110102002"
    runner.calls.clear()
    view.refresh()
    request_id = runner.calls[0][0]
    runner.sigError.emit(request_id, "the case server did not answer in time")
    assert view.last_error == "Could not load: the case server did not answer in time"
    assert view.status.retry_button.isVisibleTo(view)


def test_filters_from_clicks_show_as_chips(qtbot: QtBot, names: TableNames, runner: FakeRunner) -> None:
    """A department row opens its case list filtered; the chip names it; clearing it asks again."""
    view = make_view(qtbot, names, runner)
    view.refresh()
    runner.answer_all()
    view.unit_page.departments_table.sigActivated.emit("D03")
    assert runner.params("cases")["filters"] == {"department": "D03"}
    assert view.breadcrumb.chip_texts() == ["Department: District sanitation centre  ✕"]
    view.breadcrumb.sigClearFilter.emit("department")
    assert "filters" not in runner.params("cases") and view.breadcrumb.chip_texts() == []


def test_case_list_sorting_paging_and_filter_params(
    qtbot: QtBot, names: TableNames, runner: FakeRunner, service: QueryService
) -> None:
    """Header clicks sort on the server, the pager pages, the filter bar's choices become query filters."""
    choices = FilterChoices(
        types=[("1201", Label("非法小广告", "illegal small ads"))], sources=[("app", Label("随手拍", "app"))],
        departments=[("D01", Label("街道", "Subdistrict offices"))],
    )  # fmt: skip
    view = make_view(qtbot, names, runner, choices=choices, operator=True)
    view.open_cases("110102", {}, view.path.range.__class__("year"))
    runner.answer_all()
    lst = view.case_list
    model = lst.table.case_model
    assert lst.total > 50 and model.rowCount() == 50
    times = [r.reported_at for r in model.rows]
    assert times == sorted(times, reverse=True)
    lst.table.click_header("urges")
    assert runner.params("cases")["sort"] == "urges" and runner.params("cases")["order"] == "desc"
    lst.table.click_header("urges")
    assert runner.params("cases")["order"] == "asc"
    runner.answer_all()
    urges = [r.urges for r in model.rows]
    assert urges == sorted(urges)
    lst.turn(1)
    assert runner.params("cases")["offset"] == 50
    bar = lst.filter_bar
    assert bar is not None
    bar.combos["subclass"].setCurrentIndex(1)
    bar.combos["department"].setCurrentIndex(1)
    bar.overdue.setChecked(True)
    bar.search.setText("号")
    bar.search.returnPressed.emit()
    params = runner.params("cases")
    assert params["filters"] == {"subclass": "1201", "department": "D01", "overdue": True}
    assert params["q"] == "号" and params["offset"] == 0
    runner.answer_all()
    assert all(r.subclass == "1201" and r.overdue for r in model.rows)
    exported = view.export_params()
    assert set(exported) >= {"unit", "range", "filters", "q", "sort"} and "offset" not in exported


def test_case_detail_timeline_map_and_plain_text(
    qtbot: QtBot, names: TableNames, service: QueryService, shapes: RegistryShapes
) -> None:
    """The showcase case shows type, overdue badge, the timeline with rework and urge, its grid on the small map."""
    detail = CaseDetailView(names, SCALE, shapes=shapes)
    qtbot.addWidget(detail)
    detail.set_language("en")
    detail.resize(944, 640)
    detail.show()
    data = CaseDetailAnswer.from_wire(service.handle("case", {"id": SHOWCASE_ID}))
    detail.show_case(data)
    assert detail.title.text() == "exposed garbage"
    assert detail.badges["overdue"].isVisibleTo(detail) and detail.badges["stage"].text() == "Handling"
    assert detail.field_values["source"].text() == "12345 citizen hotline"
    assert "overdue" in detail.field_values["deadline"].text()
    desc = data.case.description
    assert "<b>" in desc and detail.description.text() == desc
    assert detail.description.textFormat() == Qt.TextFormat.PlainText
    entries = detail.timeline.entries
    assert [e.kind for e in entries].count("urge") == 1 and sum(e.rework for e in entries) == 1
    reported = entries[0]
    assert reported.step.action == "reported" and reported.late  # filed 15 minutes late
    assert detail.timeline.margin_text(reported) == "15 min late"
    assert detail.timeline.now == NOW
    detail.grab()  # paints the map
    assert detail.minimap.point_inside and detail.minimap.grid and detail.minimap.siblings


def test_operator_actions_inline(qtbot: QtBot, names: TableNames, runner: FakeRunner) -> None:
    """Urge goes out as an action with its own request id; success and refusal show inline, never a dialog."""
    view = make_view(qtbot, names, runner, operator=True)
    view.open_case(SHOWCASE_ID)
    runner.answer_all()
    actions = view.case_detail.action_bar
    assert actions is not None and actions.urge_button.isEnabled()
    actions.urge_button.click()
    request_id, action, case_id, _ = runner.acted[-1]
    assert (action, case_id) == ("urge", SHOWCASE_ID) and not actions.urge_button.isEnabled()
    runner.sigResult.emit(request_id, {"ok": True, "event_seq": 5})
    assert actions.status_text() == "Urge sent ✓" and runner.params("case") == {"id": SHOWCASE_ID}
    actions.note_edit.setText("已电话联系")
    actions.note_button.click()
    request_id, action, _, text = runner.acted[-1]
    assert (action, text) == ("note", "已电话联系")
    view.forbid_actions(request_id)  # the runner says: refused for the role
    runner.sigError.emit(request_id, "not allowed for this connection (role 'wall' may not send 'action')")
    assert actions.status_text().startswith("Refused: not allowed") and actions.note_edit.text() == "已电话联系"
    assert not actions.urge_button.isEnabled() and not actions.note_button.isEnabled()


def test_wall_view_has_no_actions(qtbot: QtBot, names: TableNames, runner: FakeRunner) -> None:
    """A wall's drill-down has no action bar and no export; its case list hides the id column."""
    view = make_view(qtbot, names, runner)
    assert view.case_detail.action_bar is None and not view.case_list.export_button.isVisibleTo(view)
    assert view.case_list.filter_bar is None
    assert view.case_list.table.isColumnHidden(1)


def test_case_list_view_alone(qtbot: QtBot, names: TableNames, service: QueryService) -> None:
    """A page answer fills the table and the pager text."""
    lst = CaseListView(names, SCALE)
    qtbot.addWidget(lst)
    lst.set_language("en")
    lst.show_page(CaseListAnswer.from_wire(service.handle("cases", {"unit": SUB, "range": "year", "limit": 50})))
    assert lst.table.case_model.rowCount() == 50 and lst.count_label.text().startswith("1–50 of ")
    assert lst.next_button.isEnabled() and not lst.prev_button.isEnabled()
    assert lst.table.case_model.text(0, "place").startswith(names.unit(lst.table.case_model.rows[0].grid[:12]).en)


def test_case_list_pages_past_a_capped_total(qtbot: QtBot, names: TableNames, service: QueryService) -> None:
    """A total the server stopped counting reads "of 60+" and the pager still turns to the next page."""
    lst = CaseListView(names, SCALE)
    qtbot.addWidget(lst)
    lst.set_language("en")
    params = {"unit": SUB, "range": "year", "limit": 50, "count_limit": 60}
    page = CaseListAnswer.from_wire(service.handle("cases", params))
    assert (page.total, page.total_exact) == (60, False)
    lst.show_page(page)
    assert lst.count_label.text() == "1–50 of 60+" and lst.next_button.isEnabled()
    with qtbot.waitSignal(lst.sigPageWanted):
        lst.turn(1)
    lst.show_page(CaseListAnswer.from_wire(service.handle("cases", {**params, "offset": lst.offset})))
    assert lst.offset == 50 and lst.count_label.text() == "51–100 of 100+" and lst.next_button.isEnabled()


def test_breadcrumb_fits_long_paths_without_clipping(qtbot: QtBot) -> None:
    """A long path elides its earlier crumbs in the middle and keeps the current one whole."""
    from widgets.drilldown.breadcrumb import Breadcrumb
    from widgets.drilldown.style import drill_qss

    host = QWidget()
    host.setStyleSheet(drill_qss(SCALE))
    crumb = Breadcrumb(SCALE, parent=host)
    qtbot.addWidget(host)
    host.resize(760, 60)
    crumb.resize(760, 40)
    host.show()
    texts = ["Xicheng District", "Xichang'anjie", "Fuyoujienan Community", "Grid 10", "Cases", SHOWCASE_ID]
    crumb.set_path(texts)
    shown = [b for b in crumb._crumbs if not b.isHidden()]
    assert shown[-1].text() == SHOWCASE_ID and any("…" in b.text() for b in shown[:-1])
    assert crumb._needed() <= crumb.width()
    for button in shown:
        assert button.sizeHint().width() >= button.fontMetrics().horizontalAdvance(button.text())
    assert crumb.texts() == texts  # the full names stay available (tool tips, tests)
