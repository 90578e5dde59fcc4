"""Wall views mask callers' names, phone numbers and house numbers; the operator's views show them."""

from __future__ import annotations

import dataclasses
import time

from drill_fixtures import SHOWCASE_ID
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.map_feed import MapFeed
from feeds.analytics import QueryService
from feeds.geo.units import load_units
from feeds.live import LiveState, TableNames
from feeds.live.names import load_names
from feeds.privacy import has_personal_data
from feeds.protocol import CaseInfo, Snapshot
from feeds.protocol.answers import CaseDetailAnswer, CaseListAnswer
from widgets.drilldown import CaseDetailView, CaseListView
from widgets.drilldown.case_table import COLUMNS
from widgets.drilldown.minimap import UnitShapes
from widgets.theme import Scale

SCALE = Scale(1.0)
DESCRIPTION = "市民李女士来电（13612345678）反映：胡同12号院门口垃圾堆放"
ADDRESS = "西四北三条5号2单元301室"
NOTE = "已回访来电人赵大伟，电话6512 3456"
PERSONAL = ("李女士", "13612345678", "12号", "5号", "2单元", "301室", "赵大伟", "6512 3456")


def _leaks(*texts: str) -> list[str]:
    joined = "\n".join(texts)
    return [p for p in PERSONAL if p in joined]


def _detail(service: QueryService) -> CaseDetailAnswer:
    data = CaseDetailAnswer.from_wire(service.handle("case", {"id": SHOWCASE_ID}))
    case = dataclasses.replace(data.case, description=DESCRIPTION, address=ADDRESS)
    history = tuple(dataclasses.replace(h, note=NOTE) for h in data.history)
    assert history, "the showcase case has a recorded history"
    return dataclasses.replace(data, case=case, history=history)


def _detail_texts(view: CaseDetailView) -> list[str]:
    steps = [e.step.note for e in view.timeline.entries]
    return [view.description.text(), *(v.text() for v in view.field_values.values()), *steps]


def test_case_detail_masked_on_the_wall_whole_for_the_operator(
    qtbot: QtBot, names: TableNames, service: QueryService, shapes: UnitShapes
) -> None:
    """The wall's case detail (no actions) masks description, address and notes; the workstation's does not."""
    data = _detail(service)
    wall = CaseDetailView(names, SCALE, shapes=shapes)
    operator = CaseDetailView(names, SCALE, shapes=shapes, actions=True)
    for view in (wall, operator):
        qtbot.addWidget(view)
        view.show_case(data)
    wall_texts = _detail_texts(wall)
    assert not _leaks(*wall_texts) and not any(has_personal_data(t) for t in wall_texts)
    assert wall.description.text() == "市民*来电（1**********）反映：胡同*号院门口垃圾堆放"
    assert wall.field_values["address"].text() == "西四北三条*号*单元*室"
    assert set(_leaks(*_detail_texts(operator))) == set(PERSONAL)


def test_case_list_tool_tips_masked_on_the_wall(qtbot: QtBot, names: TableNames, service: QueryService) -> None:
    """The tool tip of a case row shows the address and description: masked on the wall's list only."""
    page = CaseListAnswer.from_wire(service.handle("cases", {"range": "year", "limit": 5}))
    page = dataclasses.replace(page, rows=tuple(dataclasses.replace(r, description=DESCRIPTION) for r in page.rows))
    tips = []
    for exportable in (False, True):
        view = CaseListView(names, SCALE, exportable=exportable)
        qtbot.addWidget(view)
        view.show_page(page)
        model = view.table.case_model
        column = [c.key for c in COLUMNS].index("type")
        tips.append(str(model.data(model.index(0, column), Qt.ItemDataRole.ToolTipRole)))
    assert "李女士" not in tips[0] and "1**********" in tips[0]
    assert "李女士" in tips[1] and "13612345678" in tips[1]


def test_map_popups_never_carry_personal_data() -> None:
    """What the map page receives for a marker (its popup text) is masked whatever the connection's role."""
    pushed: list[dict[str, object]] = []

    class Map:
        def push_cases(self, added: object = (), updated: object = (), removed: object = ()) -> None:
            pushed.extend([*added, *updated])  # type: ignore[misc]

        def __getattr__(self, name: str) -> object:
            return lambda *a, **k: None

    grid = load_units().grids[0]
    now = time.time()
    case = CaseInfo(
        "PV1", "event", "0101", "hotline_12345", grid.code, grid.centroid[0], grid.centroid[1],
        "handling", now - 60, "D01", description=DESCRIPTION, address=ADDRESS,
    )  # fmt: skip
    state = LiveState(load_names())
    feed = MapFeed(Map(), state, "density")  # type: ignore[arg-type]
    feed.update(state.apply([Snapshot(1, "store", (case,))], now))
    marker = next(m for m in pushed if m["id"] == "PV1")
    assert not _leaks(str(marker["description"]), str(marker["address"]))
    assert marker["address"] == "西四北三条*号*单元*室"
