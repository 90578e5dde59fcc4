"""A duty leader's click path and an operator's urge, end to end against a real case server on loopback."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from drill_fixtures import SHOWCASE_GRID, seed_store, showcase_id
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView
from waiting import WAIT_MS

from desktop.app import WallOptions
from desktop.i18n import Translations
from desktop.session import WallSession
from feeds.analytics.server_queries import AnalyticsQueries
from feeds.client import ClientThread
from feeds.client.status import backoff
from feeds.protocol import ProtocolError
from feeds.server import ServerConfig, ServerThread, TokenBook
from feeds.store import open_store

WALL, OPERATOR = "live-wall", "live-operator"
SUB, COMM = SHOWCASE_GRID[:9], SHOWCASE_GRID[:12]
NOW = int(time.time())
CASE_ID = showcase_id(NOW)
FAST = {"reconnect_delays": backoff(initial=0.2, maximum=0.5)}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerThread]:
    """A case server with the analytics queries over 60 days of placed cases (ending now) and the showcase case."""
    store = open_store(str(tmp_path_factory.mktemp("live") / "drill.db"))
    seed_store(store, 6000, NOW, days=60)
    book = TokenBook()
    book.add(WALL, "wall", "lobby wall")
    book.add(OPERATOR, "operator", "operator 1")
    config = ServerConfig(
        host="127.0.0.1", port=0, store=store, tokens=book, heartbeat_s=0.5, kpi_interval_s=0.5,
        queries=AnalyticsQueries().handlers(),
    )  # fmt: skip
    srv = ServerThread(config).start()
    yield srv
    srv.stop()
    store.close()


def _session(qtbot: Any, server: ServerThread, token: str, **options: Any) -> WallSession:
    session = WallSession(
        server.url, token, WallOptions(language="en", size=(1920, 1080), **options), Translations(), client_options=FAST
    )
    session.show()
    qtbot.waitUntil(lambda: session.bridge.status.state == "live", timeout=WAIT_MS)
    return session


def _click_row(qtbot: Any, table: QTableView, code: str, column: int = 0) -> None:
    """Click the row whose code (or case id) is ``code``, like a person would."""
    model = table.model()
    keys = [getattr(model, "code", getattr(model, "case_id", None))(r) for r in range(model.rowCount())]  # type: ignore[misc]
    row = keys.index(code)
    table.scrollTo(model.index(row, column))
    rect = table.visualRect(model.index(row, column))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _settled(view: Any) -> bool:
    return not view.book.busy


def test_duty_leader_drills_from_the_map_to_a_case(qtbot: Any, server: ServerThread) -> None:
    """Map click on a subdistrict → its figures → community → grid → case list → the case with its workflow."""
    wall = _session(qtbot, server, WALL, windowed=True)
    try:
        gmap = wall.wall_windows[0].panels["map"]
        qtbot.waitUntil(lambda: gmap.is_ready, timeout=30_000)  # type: ignore[attr-defined]
        view = wall.drill.view
        assert not view.isVisible()
        gmap.run_js(f"gridwall.clickUnit('{SUB}')")  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: view.isVisible() and view.path.unit == SUB, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: _settled(view) and bool(view.unit_page.indicators.values), timeout=WAIT_MS)
        qtbot.mouseClick(view.range_bar.buttons["7d"], Qt.MouseButton.LeftButton)  # the case came in yesterday
        qtbot.waitUntil(lambda: _settled(view) and view.unit_page.drill.period.label == "7d")
        page = view.unit_page
        assert page.drill.unit.code == SUB and (page.indicators.values.reported or 0) > 0
        assert page.indicators.tile_texts("reported")[2] != "—"  # 环比: the previous period is in the store
        assert COMM in page.children_table.codes() and page.departments_table.codes()
        _click_row(qtbot, page.children_table, COMM)
        qtbot.waitUntil(lambda: view.path.unit == COMM and _settled(view), timeout=WAIT_MS)
        assert page.drill.unit.code == COMM and SHOWCASE_GRID in page.children_table.codes()
        _click_row(qtbot, page.children_table, SHOWCASE_GRID)
        qtbot.waitUntil(lambda: view.path.unit == SHOWCASE_GRID and _settled(view), timeout=WAIT_MS)
        assert page.drill.child_level == "" and page.drill.children == ()
        qtbot.mouseClick(page.cases_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: view.page_name == "cases" and _settled(view), timeout=WAIT_MS)
        assert view.case_list.total >= 1
        _click_row(qtbot, view.case_list.table, CASE_ID)
        qtbot.waitUntil(lambda: view.case_detail.case_id == CASE_ID and _settled(view), timeout=WAIT_MS)
        detail = view.case_detail
        assert view.breadcrumb.texts() == ["Xicheng District", "Xichang'anjie", "Fuyoujienan Community",
                                           "Grid 10", "Cases", CASE_ID]  # fmt: skip
        actions = [e.step.action for e in detail.timeline.entries]
        assert actions[:4] == ["reported", "filed", "dispatched", "handling"] and "urge" in actions
        assert detail.badges["overdue"].isVisibleTo(detail) and detail.action_bar is None  # a wall cannot act
        assert view.book.dropped == 0 and not view.last_error
        view.breadcrumb.sigClose.emit()
        assert not view.isVisible() and view.path.unit == "110102"
    finally:
        wall.close()


def test_operator_urges_and_the_wall_sees_it(qtbot: Any, server: ServerThread) -> None:
    """The workstation's Urge reaches every wall as case.urged; a wall token's action is refused."""
    wall = _session(qtbot, server, WALL, windowed=True)
    desk = _session(qtbot, server, OPERATOR, workstation=True)
    try:
        qtbot.waitUntil(lambda: wall.state.case(CASE_ID) is not None, timeout=WAIT_MS)
        before = wall.state.case(CASE_ID).urges  # type: ignore[union-attr]
        browser = desk.drill.extra["browser"]
        browser.open_case(CASE_ID)
        qtbot.waitUntil(lambda: browser.case_detail.case_id == CASE_ID and not browser.book.busy, timeout=WAIT_MS)
        actions = browser.case_detail.action_bar
        assert actions is not None and actions.urge_button.isEnabled()
        qtbot.mouseClick(actions.urge_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: actions.status_text() == "Urge sent ✓", timeout=WAIT_MS)
        qtbot.waitUntil(lambda: wall.state.case(CASE_ID).urges == before + 1, timeout=WAIT_MS)  # type: ignore[union-attr]
        qtbot.waitUntil(lambda: not browser.book.busy, timeout=WAIT_MS)  # the detail reloads with the urge
        urges = [e for e in browser.case_detail.timeline.entries if e.kind == "urge"]
        assert urges[-1].step.actor == "operator 1"
        wall_client = ClientThread(server.url, WALL, **FAST).start()
        try:
            qtbot.waitUntil(lambda: wall_client.status.state == "live", timeout=WAIT_MS)
            with pytest.raises(ProtocolError) as refused:
                wall_client.act("urge", CASE_ID)
            assert refused.value.code == "forbidden"
        finally:
            wall_client.stop()
        assert wall.state.case(CASE_ID).urges == before + 1  # type: ignore[union-attr]
    finally:
        desk.close()
        wall.close()


def test_workstation_export_writes_the_list(qtbot: Any, server: ServerThread, tmp_path: Path) -> None:
    """The workstation's case list exports every matching case through the server, with a BOM."""
    desk = _session(qtbot, server, OPERATOR, workstation=True)
    try:
        browser = desk.drill.extra["browser"]
        browser.unit_combo.setCurrentIndex(browser.unit_combo.findData(SUB))
        qtbot.waitUntil(lambda: browser.case_list.total > 0 and not browser.book.busy, timeout=WAIT_MS)
        target = tmp_path / "sub.csv"
        desk.drill.extra["export"].start(browser.export_params(), target, browser.case_list, "en")
        qtbot.waitUntil(lambda: target.exists(), timeout=WAIT_MS)
        lines = target.read_bytes().decode("utf-8-sig").splitlines()
        assert len(lines) == browser.case_list.total + 1 and lines[0].startswith("Case ID,")
    finally:
        desk.close()


def test_workstation_lists_the_default_filter_at_start(qtbot: Any, server: ServerThread) -> None:
    """The case list fills as soon as the connection is live, no filter touched, with the first case beside it."""
    desk = _session(qtbot, server, OPERATOR, workstation=True)
    try:
        browser = desk.drill.extra["browser"]
        model = browser.case_list.table.case_model
        qtbot.waitUntil(lambda: browser.case_list.total > 0 and not browser.book.busy, timeout=15_000)
        assert browser.unit == "110102" and browser.range.params() == {"range": "7d"}
        assert model.rowCount() == min(browser.case_list.total, browser.case_list.page_size)
        assert browser.case_detail.case_id == model.case_id(0)
        assert browser.case_detail.badges["stage"].isVisibleTo(browser.case_detail)
    finally:
        desk.close()
