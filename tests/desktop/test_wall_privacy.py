"""Privacy end to end: a hotline case with a caller's personal data goes through a real server to a wall
(case feed, map popup, drill-down case detail) and to an operator's workstation (case detail)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from waiting import WAIT_MS, WAIT_S, wait_until

from desktop.app import WallOptions
from desktop.i18n import Translations
from desktop.session import WallSession
from feeds.analytics.server_queries import AnalyticsQueries
from feeds.client import ClientThread
from feeds.client.status import backoff
from feeds.geo.units import load_units
from feeds.protocol import CaseCreated, CaseInfo
from feeds.server import ServerConfig, ServerThread, TokenBook
from feeds.store import open_store
from feeds.taxonomy import load_taxonomy

WALL, OPERATOR, PRODUCER = "p-wall", "p-operator", "p-producer"
FAST = {"reconnect_delays": backoff(initial=0.2, maximum=0.5)}
CASE_ID = "XCPRIV000001"
DESCRIPTION = (
    "诉求人张三反映：王先生家门口垃圾堆放，张女士来电称已多日，姓名：王五，联系人李四，"
    "身份证110101199003074512，电话13812345678，座机010-12345678，住幸福里3单元401"
)
ADDRESS = "西四北大街107号院3号楼2单元502室"
NOTE = "已回访来电人赵大伟，电话6512 3456"
PERSONAL = (
    "张三", "王先生", "张女士", "王五", "李四", "110101199003074512", "13812345678", "12345678",
    "401", "107号", "3号楼", "2单元", "502室", "赵大伟", "6512 3456",
)  # fmt: skip
KEPT = ("垃圾堆放", "幸福里", "西四北大街")
"""Places and the problem stay visible on the wall."""


def _leaks(*texts: object) -> list[str]:
    joined = "\n".join(str(t) for t in texts)
    return [p for p in PERSONAL if p in joined]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerThread]:
    """A case server with the drill-down's queries and a wall, an operator and a producer token."""
    store = open_store(str(tmp_path / "privacy.db"))
    book = TokenBook()
    book.add(WALL, "wall", "lobby wall")
    book.add(OPERATOR, "operator", "operator 1")
    book.add(PRODUCER, "producer", "hotline")
    config = ServerConfig(
        host="127.0.0.1", port=0, store=store, tokens=book, heartbeat_s=0.5, kpi_interval_s=0.5,
        queries=AnalyticsQueries().handlers(),
    )  # fmt: skip
    srv = ServerThread(config).start()
    yield srv
    srv.stop()
    store.close()


def _session(qtbot: Any, server: ServerThread, token: str, translations: Translations, **options: Any) -> WallSession:
    session = WallSession(
        server.url, token, WallOptions(language="zh", size=(1600, 900), **options), translations, client_options=FAST
    )
    session.show()
    qtbot.waitUntil(lambda: session.bridge.status.state == "live", timeout=WAIT_MS)
    return session


def _publish(server: ServerThread) -> None:
    grid = load_units().grids[123]
    sub = next(s for s in load_taxonomy().subclasses if s.name_zh == "暴露垃圾")
    now = float(int(time.time()))
    case = CaseInfo(
        id=CASE_ID, kind=sub.kind, subclass=sub.code, source="hotline_12345", grid=grid.code,
        lon=grid.centroid[0], lat=grid.centroid[1], stage="handling", reported_at=now - 600,
        department=sub.department, description=DESCRIPTION, address=ADDRESS, deadline=now + 7200,
    )  # fmt: skip
    producer = ClientThread(server.url, PRODUCER).start()
    try:
        assert wait_until(lambda: producer.status.state == "live")
        producer.publish(CaseCreated(case), timeout=WAIT_S)
    finally:
        producer.stop()


def _js(qtbot: Any, gmap: Any, script: str) -> Any:
    out: list[Any] = []
    gmap.run_js(script, out.append)
    qtbot.waitUntil(lambda: bool(out), timeout=WAIT_MS)
    return json.loads(out[0])


def test_no_wall_view_shows_personal_data_the_operator_sees_it(qtbot: Any, server: ServerThread) -> None:
    """Feed rows, the map page's marker data and popup, the drill-down's case detail: masked on the wall;
    the workstation's case detail (operator token) shows the caller's words whole."""
    translations = Translations()  # the application's one translator, shared as in a real process
    wall = _session(qtbot, server, WALL, translations, windowed=True)
    desk = _session(qtbot, server, OPERATOR, translations, workstation=True)
    try:
        _publish(server)
        desk.client.act("note", CASE_ID, NOTE)

        # the case feed: the rows and the text each row shows (its tool tip and description line)
        feed = wall.wall_windows[0].panels["feed"]
        model = feed.model  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: CASE_ID in {r.id for r in model.rows()}, timeout=WAIT_MS)
        at = [r.id for r in model.rows()].index(CASE_ID)
        row = model.row(at)
        roles = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
        shown = [model.data(model.index(at), role) for role in roles]
        assert not _leaks(row.description, row.address, *shown), "the wall's feed shows personal data"
        assert all(k in row.description + row.address for k in KEPT[:2])
        assert row.address == "西四北大街*号院*号楼*单元*室"

        # the map page: what it holds for the marker, and the popup a click opens (its DOM text)
        gmap = wall.wall_windows[0].panels["map"]
        qtbot.waitUntil(lambda: gmap.is_ready, timeout=30_000)  # type: ignore[attr-defined]
        held = f"JSON.stringify((gridwall.cases.get('{CASE_ID}') || {{_gw: null}})._gw)"
        qtbot.waitUntil(lambda: _js(qtbot, gmap, held) is not None, timeout=WAIT_MS)
        marker = _js(qtbot, gmap, held)
        assert not _leaks(json.dumps(marker, ensure_ascii=False)), "the map page holds personal data"
        assert _js(qtbot, gmap, f"JSON.stringify(gridwall.clickCase('{CASE_ID}'))") is True
        popup = "JSON.stringify((document.querySelector('.gw-popup') || {innerText: ''}).innerText)"
        qtbot.waitUntil(lambda: "垃圾堆放" in _js(qtbot, gmap, popup), timeout=WAIT_MS)
        text = _js(qtbot, gmap, popup)
        assert CASE_ID in text and "西四北大街*号院" in text
        assert not _leaks(text), f"the map popup shows personal data: {_leaks(text)}"

        # the click opened the wall's drill-down at the case: its description, fields and timeline notes
        view = wall.drill.view
        detail = view.case_detail
        qtbot.waitUntil(lambda: view.isVisible() and detail.case_id == CASE_ID and not view.book.busy, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: any(e.step.note for e in detail.timeline.entries), timeout=WAIT_MS)
        texts = [detail.description.text(), *(v.text() for v in detail.field_values.values())]
        texts += [e.step.note for e in detail.timeline.entries]
        assert not _leaks(*texts), f"the wall's case detail shows personal data: {_leaks(*texts)}"
        assert "垃圾堆放" in detail.description.text() and "已回访来电人*" in "".join(texts)

        # the operator's workstation: the case browser's detail shows them (an operator may see them)
        browser = desk.drill.extra["browser"]
        browser.open_case(CASE_ID)
        whole = browser.case_detail
        qtbot.waitUntil(lambda: whole.case_id == CASE_ID and not browser.book.busy, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: any(e.step.note for e in whole.timeline.entries), timeout=WAIT_MS)
        assert whole.description.text() == DESCRIPTION
        assert whole.field_values["address"].text() == ADDRESS
        assert NOTE in [e.step.note for e in whole.timeline.entries]
    finally:
        translations.set_language("en")  # the translator is the application's: leave it as the next test expects
        desk.close()
        wall.close()
