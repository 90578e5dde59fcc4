"""The steerable replay server: it tells walls the replayed time, seeks both ways and obeys an operator."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from subprocesses import python_path
from test_replay import T0, _seed
from waiting import wait_until
from websockets.sync.client import connect

from feeds.importers.replay import timeline
from feeds.importers.replay_server import ReplayServer
from feeds.protocol import (
    BEIJING,
    Ack,
    Hello,
    Message,
    ReplayControl,
    ReplayStatus,
    Snapshot,
    Welcome,
    decode,
    encode,
)
from feeds.server import TokenBook
from feeds.store import Store, open_store

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def replay(store: Store) -> Iterator[ReplayServer]:
    """The seeded period (one hour from T0) on a replay server, held still at its start."""
    _seed(store)
    tokens = TokenBook()
    tokens.add("prod-token", "producer", "replayer")
    tokens.add("wall-token", "wall", "wall")
    tokens.add("op-token", "operator", "duty leader")
    server = ReplayServer(timeline(store.engine, T0, T0 + 3600), store.engine, T0, T0 + 3600, 1.0, tokens)
    server.start()
    server.pause()
    yield server
    server.stop()


def _look(url: str) -> tuple[Welcome, ReplayStatus, Snapshot]:
    """What a new wall gets: welcome, the replay status, the snapshot."""
    got: list[Message] = []
    with connect(url, max_size=None, proxy=None, open_timeout=10) as ws:
        ws.send(encode(Hello("wall-token")))
        while not any(m.TYPE == "caught_up" for m in got):
            got.append(decode(ws.recv(timeout=30), max_bytes=None))
    welcome, status = got[0], got[1]
    assert isinstance(welcome, Welcome) and isinstance(status, ReplayStatus)  # the mark comes before any data
    snapshot = next(m for m in got if isinstance(m, Snapshot))
    return welcome, status, snapshot


def _ids(snapshot: Snapshot) -> set[str]:
    return {c.id for c in snapshot.cases}


def test_walls_learn_the_replayed_time_and_a_seek_back_starts_over(replay: ReplayServer) -> None:
    """Forward: the skipped cases arrive; backward: a new store holds only what was reported by then."""
    replay.seek(T0 + 400)
    assert wait_until(lambda: _ids(_look(replay.url)[2]) == {"A", "B", "C"})
    first, status, _ = _look(replay.url)
    assert status.paused and status.now == T0 + 400 and (status.start, status.end) == (T0, T0 + 3600)
    url = replay.url
    replay.seek(T0 + 100)
    assert replay.url == url  # the same port: walls reconnect by themselves
    welcome, status, snapshot = _look(url)
    assert welcome.store_id != first.store_id  # another store: every wall reloads its snapshot
    assert status.paused and status.now == T0 + 100
    assert _ids(snapshot) == {"A", "B"}  # C was reported at T0 + 300
    stages = {c.id: c.stage for c in snapshot.cases}
    assert stages == {"A": "filed", "B": "filed"}  # filed at +60 and +90; A is dispatched only at +120


def test_an_operator_steers_the_replay_and_returns_to_live(replay: ReplayServer) -> None:
    """``replay.control`` from an operator resumes, changes the speed and ends the replay; a wall may not."""
    with connect(replay.url, proxy=None, open_timeout=10) as ws:
        ws.send(encode(Hello("op-token")))

        def ask(control: ReplayControl) -> Message:
            ws.send(encode(control))
            while True:
                reply = decode(ws.recv(timeout=30), max_bytes=None)
                if reply.id == control.id:
                    return reply

        assert isinstance(ask(ReplayControl("speed", speed=120.0, id="r1")), Ack)
        assert wait_until(lambda: replay.status().speed == 120.0)
        assert isinstance(ask(ReplayControl("resume", id="r2")), Ack)
        assert wait_until(lambda: not replay.paused)
        assert isinstance(ask(ReplayControl("live", id="r3")), Ack)
    assert replay.ended.wait(30)
    assert replay.ended.is_set()


def test_the_console_keys_keep_the_speed_within_what_replay_messages_carry(replay: ReplayServer) -> None:
    """``+`` and ``-`` doubled and halved the speed past 1e7 and under 0.001: the project's own decoder then refused
    every ``replay`` message, so walls lost the replay's status."""
    from feeds.importers.commands import _replay_command
    from feeds.protocol.replay import REPLAY_SPEED_MAX, REPLAY_SPEED_MIN

    for key, bound in (("+", REPLAY_SPEED_MAX), ("-", REPLAY_SPEED_MIN)):
        for _ in range(40):  # 2**40 ≈ 1e12 from 1×: past either bound
            assert _replay_command(replay, key)
        assert replay.status().speed == bound
        told = decode(encode(replay.status()))
        assert isinstance(told, ReplayStatus) and told.speed == bound


def test_a_wall_may_not_steer_a_replay(replay: ReplayServer) -> None:
    """The wall role is read-only: its ``replay.control`` is refused and the replay stays paused."""
    with connect(replay.url, proxy=None, open_timeout=10) as ws:
        ws.send(encode(Hello("wall-token")))
        ws.send(encode(ReplayControl("resume", id="w1")))
        while True:
            reply = decode(ws.recv(timeout=30), max_bytes=None)
            if reply.id == "w1":
                break
    assert reply.TYPE == "error" and replay.paused


def test_sigterm_stops_the_replay_command_like_its_end(tmp_path: Path) -> None:
    """``gridwall replay`` sent SIGTERM logs its stop, removes its temporary store, exits 0 (it died, leaving both)."""
    store = open_store(str(tmp_path / "s.db"))
    _seed(store)
    store.close()
    (tmp_path / "tmp").mkdir()
    env = dict(os.environ, PYTHONPATH=python_path(ROOT), TMPDIR=str(tmp_path / "tmp"))
    env |= {"GRIDWALL_DATA_DIR": str(tmp_path / "data"), "GRIDWALL_CONFIG_DIR": str(tmp_path / "data")}
    when = [datetime.fromtimestamp(t, BEIJING).isoformat(timespec="minutes") for t in (T0 - 60, T0 + 3600)]
    command = ["replay", "--db", str(tmp_path / "s.db"), "--from", when[0], "--to", when[1], "--port", "0"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "desktop.cli", *command],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        said = [proc.stdout.readline()]
        while said[-1] and not said[-1].startswith("open a wall"):
            said.append(proc.stdout.readline())
        assert said[-1], "the replay did not start"
        assert list((tmp_path / "tmp").glob("gridwall-replay-*/*.db"))  # its temporary store
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert "replay ended" in out
    assert "feeds.server: stopped" in err and "replay stopped: its store" in err, err
    assert not list((tmp_path / "tmp").glob("gridwall-replay-*/*.db"))  # a late cube cache may appear (test_cli)
