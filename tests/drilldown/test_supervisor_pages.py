"""Per-supervisor figures in the drill-down: a unit's supervisors ranked, one supervisor's page, back to a grid."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from feeds.live import TableNames
from feeds.protocol import CaseCreated, CaseInfo
from feeds.store import Store, open_store
from feeds.supervision import roster
from feeds.supervision.queries import make_queries
from widgets.drilldown import DrillDownView
from widgets.drilldown.path import DrillPath, RangeSpec
from widgets.theme import Scale

NOW = 1_790_000_000.0  # 2026-09-21 22:13 (Beijing)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The roster's 420 supervisors, three patrol cases in S001's first beat grid and a week of stored tracks."""
    s = open_store(str(tmp_path_factory.mktemp("sup") / "s.db"))
    team = roster.roster()
    roster.write_supervisors(s.engine, roster.supervisor_rows(team))
    roster.seed_tracks(s.engine, team, NOW - 7 * 86_400, NOW - 60, 600)
    grid = team.supervisors[0].grid_codes[0]
    lon, lat = 116.36, 39.91  # the store checks the grid, not the point
    patrol = [
        CaseInfo(f"P{i}", "event", "1201", "patrol", grid, lon, lat, "reported", NOW - 3600 * (i + 1), "D01")
        for i in range(3)
    ]
    s.append([CaseCreated(c) for c in patrol], now=NOW)
    yield s
    s.close()


def _answer(view: DrillDownView, store: Store, asked: list[tuple[int, str, Any]], name: str) -> dict[str, Any]:
    """Answer the latest request ``name`` of the view with the real query over the store."""
    rid, _, params = next(a for a in reversed(asked) if a[1] == name)
    data = make_queries(lambda: NOW)[name](store, dict(params))
    view.show_result(rid, data)
    return dict(data)


def test_a_unit_ranks_its_supervisors_and_a_row_opens_one(qtbot: QtBot, store: Store) -> None:
    """Unit page → Supervisors (only those with beat grids in the unit) → S001's figures and beat → a beat grid."""
    first = roster.roster().supervisors[0]
    subdistrict = first.grid_codes[0][:9]
    view = DrillDownView(TableNames(), Scale(1080))
    view.set_language("en")
    qtbot.addWidget(view)
    asked: list[tuple[int, str, Any]] = []
    view.sigRequest.connect(lambda rid, name, params: asked.append((rid, name, params)))
    view.open_unit(subdistrict)
    view.range_bar.sigRangeChanged.emit(RangeSpec("7d"))
    qtbot.mouseClick(view.unit_page.supervisors_button, Qt.MouseButton.LeftButton)
    assert view.page_name == "supervisors" and asked[-1][1:] == ("supervisors", {"unit": subdistrict, "range": "7d"})
    ranking = _answer(view, store, asked, "supervisors")
    ids = [r["staff_id"] for r in ranking["rows"]]
    assert "S001" in ids and 0 < len(ids) < 420  # the subdistrict's, not the whole district's
    model = view.supervisors_page.table.rank_model
    row = [model.code(i) for i in range(model.rowCount())].index("S001")
    assert model.data(model.index(row, 0)).endswith(" S001")
    assert model.data(model.index(row, 1)) == "3"  # its three patrol reports
    view.supervisors_page.table.sigActivated.emit("S001")
    assert view.page_name == "supervisor" and asked[-1][1:] == ("supervisor", {"staff_id": "S001", "range": "7d"})
    detail = _answer(view, store, asked, "supervisor")
    page = view.supervisor_page
    assert page.title.text().endswith("S001") and detail["figures"]["name_en"] in page.title.text()
    assert page.values["reports"][0].text() == "3"
    assert page.values["grids_covered"][0].text() == f"{detail['figures']['grids_covered']}/{len(first.grid_codes)}"
    assert float(page.values["distance_km"][0].text()) == pytest.approx(
        detail["figures"]["distance_m"] / 1000, abs=0.05
    )
    assert detail["figures"]["distance_m"] > 0  # the stored track was walked
    assert page.beat.rank_model.rowCount() == len(first.grid_codes)
    assert [c.kind for c in view.path.crumbs] == ["unit", "unit", "supervisors", "supervisor"]
    page.beat.sigActivated.emit(first.grid_codes[0])
    assert view.page_name == "unit" and view.path.unit == first.grid_codes[0]


def test_supervisor_pages_never_ask_for_more_than_31_days() -> None:
    """A year's range asks the supervisor pages for 30 days; a supervisor opened from elsewhere sits below the
    district's ranking."""
    path = DrillPath()
    path.range = RangeSpec("year")
    assert path.supervisor_range() == RangeSpec("30d")
    path.range = RangeSpec("custom", 1_790_000_000, 1_790_000_000 + 40 * 86_400)
    assert path.supervisor_range() == RangeSpec("30d")
    path.range = RangeSpec("7d")
    assert path.supervisor_range() == RangeSpec("7d")
    path.open_case("XC1")
    path.open_supervisor("S007")
    assert [(c.kind, c.key) for c in path.crumbs] == [
        ("unit", "110102"),
        ("supervisors", "110102"),
        ("supervisor", "S007"),
    ]
    path.open_supervisor("S008")
    assert path.crumbs[-1] == path.current and path.current.key == "S008" and len(path.crumbs) == 3
    assert path.unit == "110102"
