"""The whole wall against a real case server on loopback (pytest-qt, offscreen)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from waiting import WAIT_MS, WAIT_S, wait_until

from desktop.app import WallOptions
from desktop.i18n import Translations
from desktop.session import WallSession
from feeds.client import ClientThread
from feeds.client.status import backoff
from feeds.geo.units import load_units
from feeds.protocol import CaseCreated, CaseInfo
from feeds.server import ServerConfig, ServerThread, TokenBook
from feeds.taxonomy import load_taxonomy

WALL, PRODUCER = "wall-token", "producer-token"


def _book() -> TokenBook:
    book = TokenBook()
    book.add(WALL, "wall", "wall")
    book.add(PRODUCER, "producer", "simulator")
    return book


def _server(db: Path, port: int = 0) -> ServerThread:
    config = ServerConfig(
        host="127.0.0.1", port=port, store_url=str(db), tokens=_book(), heartbeat_s=0.5, kpi_interval_s=0.5
    )
    return ServerThread(config).start()


def _case(n: int, *, overdue: bool = False) -> CaseInfo:
    grid = load_units().grids[n * 97]
    sub = load_taxonomy().subclasses[n]
    now = float(int(time.time()))
    return CaseInfo(
        id=f"XCTEST{n:06d}",
        kind=sub.kind,
        subclass=sub.code,
        source="patrol",
        grid=grid.code,
        lon=grid.centroid[0],
        lat=grid.centroid[1],
        stage="reported",
        reported_at=now - 60,
        department=sub.department,
        description=f"测试案件 {n} <b>plain</b>",
        deadline=now - 30 if overdue else now + 7200,
    )


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerThread]:
    """A case server on a fresh store."""
    srv = _server(tmp_path / "wall.db")
    yield srv
    srv.stop()


@pytest.fixture
def wall(qtbot: Any, server: ServerThread) -> Iterator[WallSession]:
    """A windowed wall connected to ``server`` with quick reconnects."""
    session = WallSession(
        server.url,
        WALL,
        WallOptions(language="en", windowed=True, size=(1920, 1080)),
        Translations(),
        client_options={"reconnect_delays": backoff(initial=0.2, maximum=0.5)},
    )
    session.show()
    qtbot.waitUntil(lambda: session.bridge.status.state == "live", timeout=WAIT_MS)
    gmap = session.wall_windows[0].panels["map"]
    qtbot.waitUntil(lambda: gmap.is_ready, timeout=30_000)  # type: ignore[attr-defined]
    yield session
    session.close()


def _publish(server: ServerThread, msgs: list[CaseCreated]) -> None:
    producer = ClientThread(server.url, PRODUCER).start()
    try:
        assert wait_until(lambda: producer.status.state == "live")
        for msg in msgs:
            producer.publish(msg, timeout=WAIT_S)
    finally:
        producer.stop()


def _map_state(qtbot: Any, session: WallSession) -> dict[str, Any]:
    gmap = session.wall_windows[0].panels["map"]
    out: dict[str, Any] = {}
    gmap.run_js("JSON.stringify(gridwall.state())", lambda r: out.update(json.loads(r or "{}")))  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: bool(out), timeout=WAIT_MS)
    return out


def _map_cases(state: dict[str, Any]) -> int:
    cases = state.get("cases", 0)
    return int(sum(cases.values())) if isinstance(cases, dict) else int(cases)


def test_events_reach_feed_counters_and_map(qtbot: Any, server: ServerThread, wall: WallSession) -> None:
    """Cases published by a producer show in the feed, the overdue counter and the map page."""
    _publish(server, [CaseCreated(_case(1)), CaseCreated(_case(2)), CaseCreated(_case(3, overdue=True))])
    feed = wall.wall_windows[0].panels["feed"]
    overdue = wall.wall_windows[0].panels["overdue"]
    ids = {"XCTEST000001", "XCTEST000002", "XCTEST000003"}
    qtbot.waitUntil(lambda: ids <= {r.id for r in feed.model.rows()}, timeout=WAIT_MS)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: wall.state.overdue().overdue == 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: overdue.overdue_value.text() == "1", timeout=WAIT_MS)  # type: ignore[attr-defined]
    row = next(r for r in feed.model.rows() if r.id == "XCTEST000001")  # type: ignore[attr-defined]
    assert row.description.endswith("<b>plain</b>")  # kept literally, shown as plain text
    qtbot.waitUntil(lambda: _map_cases(_map_state(qtbot, wall)) == 3, timeout=WAIT_MS)
    gmap = wall.wall_windows[0].panels["map"]
    assert gmap.blocked_requests == 0  # type: ignore[attr-defined]  # the page never tried the network


def test_the_heap_is_settled_once_when_the_first_state_is_shown(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, server: ServerThread
) -> None:
    """The wall freezes what its start made once, after the first snapshot reached the panels
    (desktop/gc_policy.py), not again on later batches."""
    from desktop import gc_policy

    calls: list[int] = []
    monkeypatch.setattr(gc_policy, "settle", lambda: bool(calls.append(len(calls))))
    session = WallSession(server.url, WALL, WallOptions(language="en", windowed=True, size=(1280, 720)), Translations())
    try:
        session.show()
        qtbot.waitUntil(lambda: calls == [0], timeout=WAIT_MS)
        _publish(server, [CaseCreated(_case(7))])
        feed = session.wall_windows[0].panels["feed"]
        qtbot.waitUntil(lambda: "XCTEST000007" in {r.id for r in feed.model.rows()}, timeout=WAIT_MS)  # type: ignore[attr-defined]
        assert calls == [0]
    finally:
        session.close()


def test_stale_banner_while_server_is_down(qtbot: Any, tmp_path: Path, server: ServerThread, wall: WallSession) -> None:
    """Stopping the server shows 'Reconnecting · last update'; a restart clears it and events flow again."""
    title = wall.wall_windows[0].panels["title"]
    assert not title.stale_shown  # type: ignore[attr-defined]
    port = server.port
    server.stop()
    qtbot.waitUntil(lambda: title.stale_shown, timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert "Reconnecting · last update" in title.status_text  # type: ignore[attr-defined]
    restarted = _server(tmp_path / "wall.db", port)
    try:
        qtbot.waitUntil(lambda: not title.stale_shown, timeout=WAIT_MS)  # type: ignore[attr-defined]
        _publish(restarted, [CaseCreated(_case(4))])
        feed = wall.wall_windows[0].panels["feed"]
        qtbot.waitUntil(lambda: "XCTEST000004" in {r.id for r in feed.model.rows()}, timeout=WAIT_MS)  # type: ignore[attr-defined]
        assert wall.state.gaps == 0
    finally:
        restarted.stop()


def test_language_switch_retranslates_the_wall(qtbot: Any, wall: WallSession) -> None:
    """F2's switch turns the UI strings Chinese, and back to English."""
    title = wall.wall_windows[0].panels["title"]
    assert "Xicheng District" in title._name.text()  # type: ignore[attr-defined]
    wall.set_language("zh")
    assert wall.language == "zh"
    qtbot.waitUntil(lambda: title._name.text() == "西城区城市管理监督指挥中心", timeout=WAIT_MS)  # type: ignore[attr-defined]
    wall.toggle_language()
    assert wall.language == "en"
    qtbot.waitUntil(lambda: "Xicheng District" in title._name.text(), timeout=WAIT_MS)  # type: ignore[attr-defined]
