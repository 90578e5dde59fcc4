"""Drill-down without widgets: the path, request ids, workflow steps from a case answer, CSV bytes."""

from __future__ import annotations

import csv
import io

import pytest

from feeds.analytics import QueryService
from feeds.live import TableNames
from feeds.protocol.answers import CaseDetailAnswer, CaseRow
from widgets.drilldown.export import BOM, case_cells, case_header, csv_bytes, safe_cell
from widgets.drilldown.path import Crumb, DrillPath, RangeSpec, unit_chain
from widgets.drilldown.requests import RequestBook
from widgets.drilldown.steps import steps_from_detail

GRID = "110102001004010"


def test_unit_chain_from_code() -> None:
    """A grid code expands to district, subdistrict, community, grid."""
    assert unit_chain(GRID) == ["110102", "110102001", "110102001004", GRID]
    assert unit_chain("110102") == ["110102"]
    assert unit_chain("990000001002003") == ["110102", "990000001", "990000001002", "990000001002003"]  # imported city


def test_path_down_and_back() -> None:
    """Opening a grid builds its chain; cases and a case go below; back and go cut the path."""
    path = DrillPath()
    path.open_unit(GRID)
    assert [c.key for c in path.crumbs] == unit_chain(GRID)
    path.open_cases(GRID)
    path.open_case("C1")
    assert path.current == Crumb("case", "C1") and path.unit == GRID
    path.open_case("C2")  # another case replaces the one shown
    assert [c.kind for c in path.crumbs][-2:] == ["cases", "case"] and path.current.key == "C2"
    assert path.back() and path.current == Crumb("cases", GRID)
    assert path.go(1) and path.current == Crumb("unit", "110102001")
    assert not path.go(1)  # already there
    path.reset()
    assert path.crumbs == [Crumb("unit", "110102")] and not path.back()


def test_case_from_a_map_click_is_placed_under_its_grid() -> None:
    """A case opened from the district gets its grid's chain and case list once its grid is known."""
    path = DrillPath()
    path.open_case("C9")
    path.place_case("C9", GRID)
    assert [c.kind for c in path.crumbs] == ["unit"] * 4 + ["cases", "case"]
    path.open_cases("110102001")
    path.open_case("C8")
    path.place_case("C8", GRID)  # opened from a list: the list explains it, the path stays
    assert path.crumbs[-2] == Crumb("cases", "110102001")


def test_selection_params_and_ranges() -> None:
    """Selection parameters carry unit, range (custom bounds) and filters only when set."""
    path = DrillPath()
    assert path.selection() == {"unit": "110102", "range": "today"}
    path.range = RangeSpec("custom", 100, 200)
    path.set_filter("subclass", "1201")
    path.set_filter("overdue", True)
    assert path.selection(GRID) == {
        "unit": GRID, "range": "custom", "start": 100, "end": 200, "filters": {"subclass": "1201", "overdue": True}
    }  # fmt: skip
    path.set_filter("overdue", None)
    assert path.filters == {"subclass": "1201"}
    with pytest.raises(ValueError):
        RangeSpec("custom", 200, 100)
    with pytest.raises(ValueError):
        path.set_filter("colour", "red")


def test_request_book_drops_superseded_answers() -> None:
    """A newer request in a slot makes the older one's answer stale; foreign ids are ignored."""
    book = RequestBook()
    first = book.start("drill")
    second = book.start("drill")
    other = book.start("ranking")
    assert book.accept(first) is None and book.dropped == 1
    assert book.accept(999_999) is None and book.dropped == 1  # never ours
    assert book.accept(second) == "drill"
    assert book.busy and book.accept(other) == "ranking" and not book.busy
    book.start("cases")
    book.forget()
    assert not book.busy


def test_steps_from_history_rows(service: QueryService) -> None:
    """The showcase case's history becomes its steps: stages, the rework's second handling and an urge."""
    from drill_fixtures import SHOWCASE_ID

    steps = steps_from_detail(CaseDetailAnswer.from_wire(service.handle("case", {"id": SHOWCASE_ID})))
    actions = [s.action for s in steps]
    assert actions == ["reported", "filed", "dispatched", "handling", "closure_requested", "handling", "urge"]
    assert steps[0].deadline is not None and steps[-1].note == "请尽快处置"


def test_steps_rebuilt_without_history(service: QueryService) -> None:
    """A seeded case without history rows gets its steps from the stage times, with stage deadlines."""
    rows = service.handle("cases", {"range": "30d", "filters": {"stage": "closed"}, "limit": 1})["rows"]
    detail = CaseDetailAnswer.from_wire(service.handle("case", {"id": rows[0]["id"]}))
    assert detail.history == ()
    steps = steps_from_detail(detail)
    assert [s.action for s in steps][:2] == ["reported", "filed"] and steps[-1].action == "closed"
    reported, allowed_h = detail.case.reported_at, detail.stages[0].allowed_h
    assert reported is not None and allowed_h is not None
    assert steps[0].deadline == pytest.approx(reported + 3600 * allowed_h)


def test_csv_cells_keep_citizen_text_as_data() -> None:
    """Cells that a spreadsheet would evaluate get a leading apostrophe; numbers stay numbers."""
    assert safe_cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    for text in ("+1", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(text) == "'" + text
    assert safe_cell("路面破损 =") == "路面破损 =" and safe_cell(-3) == -3 and safe_cell(None) == ""


def test_csv_bytes_have_bom_and_parse_back(names: TableNames) -> None:
    """The file starts with the UTF-8 BOM, reads back as CSV, and keeps Chinese intact."""
    row = {
        "id": "C1", "subclass": "1201", "subclass_name": {"name_zh": "非法小广告", "name_en": "illegal small ads"},
        "source": "app", "grid": GRID, "department": "D01", "stage": "handling",
        "reported_at": "2025-12-20T08:00:00+08:00", "handle_deadline_at": None, "overdue": True,
        "difficult": False, "urges": 2, "reworks": 0, "address": "@西单, \"北口\"", "description": "=cmd|' /C calc'!A0",
    }  # fmt: skip
    data = csv_bytes(case_header(), [case_cells(CaseRow.from_wire(row), "zh", names)])
    assert data.startswith(BOM.encode("utf-8"))
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert parsed[0] == case_header() and len(parsed) == 2
    cells = dict(zip(parsed[0], parsed[1], strict=True))
    assert cells["Type"] == "非法小广告" and cells["Address"] == '\'@西单, "北口"'
    assert cells["Description"].startswith("'=cmd") and cells["Urges"] == "2"
    assert cells["Reported at"] == "2025-12-20 08:00"
