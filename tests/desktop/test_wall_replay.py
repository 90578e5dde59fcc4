"""A workstation replays a stored period: replayed clock, "回放 / REPLAY" mark, slider seeks both ways, back to live."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from waiting import WAIT_MS

from desktop.app import WallOptions
from desktop.i18n import Translations
from desktop.replay import ReplaySource, own_replay_source
from desktop.session import WallSession
from feeds.client.status import backoff
from feeds.protocol import BEIJING
from feeds.server import ServerConfig, ServerThread, TokenBook
from feeds.store import Store, open_store
from widgets.title_bar import TitleBar

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "importers"))
from test_replay import T0, _seed  # the replay tests' seeded period

OPERATOR = "operator-token"


def _book() -> TokenBook:
    book = TokenBook()
    book.add(OPERATOR, "operator", "duty leader")
    book.add("producer-token", "producer", "replayer")
    return book


@pytest.fixture
def history(tmp_path: Path) -> Iterator[Store]:
    """A store holding the seeded period (cases A, B, C an hour from T0)."""
    store = open_store(str(tmp_path / "history.db"))
    _seed(store)
    yield store
    store.close()


@pytest.fixture
def desk(qtbot: Any, tmp_path: Path, history: Store) -> Iterator[WallSession]:
    """A workstation on a live server (an empty store) that may replay ``history``."""
    server = ServerThread(
        ServerConfig(host="127.0.0.1", port=0, store_url=str(tmp_path / "live.db"), tokens=_book(), heartbeat_s=0.5)
    ).start()
    session = WallSession(
        server.url,
        OPERATOR,
        WallOptions(language="en", workstation=True, size=(1600, 900)),
        Translations(),
        client_options={"reconnect_delays": backoff(initial=0.1, maximum=0.3)},
        replay_source=ReplaySource(history.engine, _book()),
    )
    session.show()
    qtbot.waitUntil(lambda: session.bridge.status.state == "live", timeout=WAIT_MS)
    session.live_store_id = session.state.store_id  # type: ignore[attr-defined]
    yield session
    session.close()
    server.stop()


def _ids(session: WallSession) -> set[str]:
    return {c.id for c in session.state.open_cases()} | {c.id for c in session.state.feed()}


def _clock(t: float) -> str:
    return datetime.fromtimestamp(t, BEIJING).strftime("%H:%M:%S")


def test_the_wall_shows_the_replayed_time_and_follows_the_slider(qtbot: Any, desk: WallSession) -> None:
    """Started paused at T0: mark and replayed clock; the slider seeks forward, then back; "Back to live" ends it."""
    title = desk.wall_windows[0].panels["title"]
    assert isinstance(title, TitleBar)
    bar = desk.replay_bar
    assert bar is not None and bar.start_button.isEnabled()
    desk.replays.start(T0, T0 + 3600, 60.0, paused=True)
    qtbot.waitUntil(lambda: "回放 / REPLAY" in title.replay_text, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: title.clock_text == _clock(T0), timeout=WAIT_MS)
    assert "paused" in title.replay_text
    # once linked to the replay server (the switch goes through reconnecting), no live latency: replayed events
    qtbot.waitUntil(lambda: "replayed" in title.status_text, timeout=WAIT_MS)
    assert "Live" not in title.status_text and "ms" not in title.status_text
    qtbot.waitUntil(lambda: bar.slider.isEnabled() and bar.slider_time() == pytest.approx(T0, abs=4), timeout=WAIT_MS)

    bar.sigSeek.emit(T0 + 400.0)  # forward: the skipped cases arrive
    qtbot.waitUntil(lambda: _ids(desk) == {"A", "B", "C"}, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: title.clock_text == _clock(T0 + 400), timeout=WAIT_MS)
    assert desk.state.kpi().reported == 3  # "today" is the replayed day, though the live day came first
    bar.sigSeek.emit(T0 + 100.0)  # backward: the wall reloads the state of that time
    qtbot.waitUntil(lambda: _ids(desk) == {"A", "B"} and title.clock_text == _clock(T0 + 100), timeout=WAIT_MS)
    assert "REPLAY" in title.replay_text

    bar.sigLive.emit()
    qtbot.waitUntil(lambda: title.replay_text == "" and desk.state.store_id == desk.live_store_id, timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert _ids(desk) == set() and not bar.slider.isEnabled()
    # the live snapshot can reach the panels a tick before the connection's status does (a clock run saw
    # "Reconnecting" right after the switch): wait for it
    qtbot.waitUntil(lambda: "Live" in title.status_text, timeout=WAIT_MS)


def test_a_wall_started_on_a_replay_url_goes_back_to_live_when_the_replay_ends(
    qtbot: Any, tmp_path: Path, history: Store
) -> None:
    """Stopped by its operator, then ended by itself after holding the period's end: the wall goes to ``live`` twice."""
    from feeds.importers.replay import timeline
    from feeds.importers.replay_server import ReplayServer

    book = _book()
    book.add("wall-token", "wall", "wall")
    live = ServerThread(
        ServerConfig(host="127.0.0.1", port=0, store_url=str(tmp_path / "live.db"), tokens=book, heartbeat_s=0.5)
    ).start()

    def replay(hold_s: float | None, speed: float) -> ReplayServer:
        events = timeline(history.engine, T0, T0 + 3600)
        return ReplayServer(events, history.engine, T0, T0 + 3600, speed, book, live=live.url, hold_s=hold_s).start()

    stopped = replay(None, 1.0)
    wall = WallSession(
        stopped.url,
        "wall-token",
        WallOptions(language="en", windowed=True, size=(1280, 720)),
        Translations(),
        client_options={"reconnect_delays": backoff(initial=0.1, maximum=0.3)},
    )
    title = wall.wall_windows[0].panels["title"]
    assert isinstance(title, TitleBar)
    try:
        wall.show()
        qtbot.waitUntil(lambda: "REPLAY" in title.replay_text and bool(_ids(wall)), timeout=WAIT_MS)
        replay_store = wall.state.store_id
        stopped.stop()  # like 'q' in the console, or "Back to live" on a workstation
        qtbot.waitUntil(lambda: title.replay_text == "" and wall.client.url == live.url, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: wall.state.store_id not in (None, replay_store), timeout=WAIT_MS)
        assert _ids(wall) == set()  # the live store's (empty) state, nothing of the replay's

        held = replay(0.5, 36_000.0)  # the hour played in a tenth of a second, its end held half a second
        wall.client.switch(held.url, "wall-token")
        assert held.ended.wait(WAIT_MS / 1000)  # ended by itself at the period's end
        qtbot.waitUntil(lambda: wall.client.url == live.url and title.replay_text == "", timeout=WAIT_MS)
        held.stop()
    finally:
        wall.close()
        live.stop()


def test_a_wall_given_the_store_replays_itself(qtbot: Any, tmp_path: Path, history: Store) -> None:
    """``gridwall wall --db``: a wall token's own replay server (role wall) plays the period, then back to live."""
    book = _book()
    book.add("wall-token", "wall", "wall")
    live = ServerThread(
        ServerConfig(host="127.0.0.1", port=0, store_url=str(tmp_path / "live.db"), tokens=book, heartbeat_s=0.5)
    ).start()
    source = own_replay_source(history.engine, "wall-token", workstation=False)
    grant = source.tokens.check("wall-token")
    assert grant is not None and grant.role == "wall"  # its replayed frames are masked like live ones
    wall = WallSession(
        live.url,
        "wall-token",
        WallOptions(language="en", windowed=True, size=(1280, 720)),
        Translations(),
        client_options={"reconnect_delays": backoff(initial=0.1, maximum=0.3)},
        replay_source=source,
    )
    title = wall.wall_windows[0].panels["title"]
    assert isinstance(title, TitleBar)
    try:
        wall.show()
        qtbot.waitUntil(lambda: wall.bridge.status.state == "live", timeout=WAIT_MS)
        live_store = wall.state.store_id
        assert wall.replays.can_start  # so the tour does not skip its replay scene
        wall.replays.start(T0, T0 + 3600, 36_000.0)
        qtbot.waitUntil(lambda: "REPLAY" in title.replay_text and _ids(wall) == {"A", "B", "C"}, timeout=WAIT_MS)
        wall.replays.live()
        qtbot.waitUntil(lambda: title.replay_text == "" and wall.state.store_id == live_store, timeout=WAIT_MS)
    finally:
        wall.close()
        live.stop()


def test_wall_db_must_name_an_existing_store(tmp_path: Path) -> None:
    """``--db`` naming no file is refused before any window opens (opening it would create an empty store)."""
    from desktop.cli import build_parser
    from desktop.commands import UserError, cmd_wall

    missing = tmp_path / "nothing.db"
    args = build_parser().parse_args(["wall", "--server", "ws://127.0.0.1:1", "--token", "t", "--db", str(missing)])
    assert args.db == str(missing)
    with pytest.raises(UserError, match=f"no store at {missing}"):
        cmd_wall(args)
    assert not missing.exists()
