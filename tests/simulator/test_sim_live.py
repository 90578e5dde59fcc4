"""The live simulator against a real case server on 127.0.0.1: publishing, continuity, reconnects, errors."""

from __future__ import annotations

import collections
import io
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from waiting import wait_until

from feeds.client import ClientThread
from feeds.protocol import CaseCreated, Message, StaffPositions, decode
from feeds.server import ServerConfig, ServerThread, TokenBook
from feeds.simulator.environment.weather import Weather
from feeds.simulator.history.seed import SeedReport, seed_history
from feeds.simulator.live.live import LiveStats
from feeds.simulator.live.live_thread import SimulatorThread, run_simulate
from feeds.simulator.live.outbox import delivery_key
from feeds.simulator.model.calendar import DAY_S, epoch, local_day
from feeds.store import open_store

START = epoch(2026, 6, 10, 10)
"""Simulated start of the live tests: a Wednesday at 10:00 Beijing (busy hours whatever the real clock says)."""


@dataclass
class Backend:
    """A seeded store served on a free port."""

    server: ServerThread
    path: str
    producer: str
    wall: str
    report: SeedReport


def _seeded(path: str, days: float, seed: int) -> SeedReport:
    """``days`` of history up to :data:`START`."""
    store = open_store(path)
    try:
        return seed_history(store, START - days * DAY_S, START, seed=seed)
    finally:
        store.close()


def _tokens() -> tuple[TokenBook, str, str]:
    book = TokenBook()
    return book, book.issue("producer", "simulator"), book.issue("wall", "wall")


def _config(path: str, book: TokenBook, port: int = 0) -> ServerConfig:
    """A server whose "now" is :data:`START` (its snapshot holds the cases open then)."""
    return ServerConfig(port=port, store_url=path, tokens=book, heartbeat_s=1.0, clock=lambda: START)


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    """Three days of history and a server over them."""
    path = str(tmp_path_factory.mktemp("live") / "store.db")
    report = _seeded(path, 3, seed=21)
    book, producer, wall = _tokens()
    with ServerThread(_config(path, book)) as server:
        yield Backend(server, path, producer, wall, report)


def _seed_with_warning(t: float) -> int:
    """A simulator seed whose weather has a warning in force at ``t`` (so the start issues it)."""
    return next(s for s in range(5000) if Weather(s).weather_at(t))


def test_live_simulator_publishes_everything_the_store_accepts(backend: Backend) -> None:
    """At 600x: cases, stages, closings, weather, crowds, sensors committed without errors; staff reach a wall."""
    seed = _seed_with_warning(START + 60)
    wall = ClientThread(backend.server.url, backend.wall).start()
    sim = SimulatorThread(backend.server.url, backend.producer, speed=600, seed=seed, start=START).start()
    try:
        done = wait_until(lambda: sim.stats.taken_over_closed > 0 and sim.stats.published.get("case.closed", 0) > 20)
        stats: LiveStats = sim.stats
    finally:
        sim.stop()
    assert done and sim.error is None
    published = stats.published
    for kind in ("case.created", "case.stage", "case.closed", "alert.crowd", "alert.sensor", "alert.weather"):
        assert published.get(kind, 0) > 0, (kind, published)
    assert stats.errors == {} and stats.conflicts == 0
    assert not backend.server.server.stats.errors
    assert stats.taken_over > 0 and stats.taken_over_closed > 0
    assert wait_until(lambda: any(isinstance(m, StaffPositions) for m in list(wall.messages.queue)))
    messages = wall.drain()
    wall.stop()
    positions = [p for m in messages if isinstance(m, StaffPositions) for p in m.positions]
    assert positions and all(p.grid.startswith("110102") for p in positions)
    created = [m.case for m in messages if isinstance(m, CaseCreated)]
    today = local_day(START)
    last = backend.report.last_seq_by_day.get(today, 0)
    todays = [int(c.id[-6:]) for c in created if local_day(c.reported_at) == today and c.platform == "city"]
    assert not todays or min(todays) == last + 1


def test_simulator_loses_and_duplicates_nothing_across_a_server_restart(tmp_path: Path) -> None:
    """Kill the server mid-stream and restart it: every planned event is committed exactly once."""
    path = str(tmp_path / "store.db")
    _seeded(path, 1, seed=2)
    book, producer, _ = _tokens()
    first = ServerThread(_config(path, book)).start()
    port = first.port
    sim = SimulatorThread(first.url, producer, speed=1200, seed=4, start=START)
    released: list[object] = []
    add = sim.simulator.outbox.add

    def recording_add(msg: Message) -> None:
        released.append(delivery_key(msg))
        add(msg)

    sim.simulator.outbox.add = recording_add  # type: ignore[method-assign]
    sim.start()
    second: ServerThread | None = None
    try:
        assert wait_until(lambda: sim.stats.total > 200)
        first.stop()
        assert wait_until(lambda: sim.simulator.client.status.state != "live")
        at_kill = sim.stats.total
        second = ServerThread(_config(path, book, port)).start()
        # Progress through the second server, however fast this machine commits; the checks
        # below compare every released event with the store whatever is still pending.
        assert wait_until(lambda: sim.stats.total > at_kill + 150)
    finally:
        sim.stop()
        if second is not None:
            second.stop()
    stats = sim.stats
    store = open_store(path)
    committed = [delivery_key(decode(frame, max_bytes=None)) for _, frame in store.events_page(0, 10**7)]
    store.close()
    duplicates = [k for k, n in collections.Counter(committed).items() if n > 1]
    assert duplicates == []
    missing = set(released) - set(committed)
    assert len(missing) <= stats.pending
    assert stats.errors == {}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_run_simulate_says_one_clear_line_when_it_cannot_run(backend: Backend) -> None:
    """Unreachable server, unknown token, non-producer token: exit code 1 and one line, no traceback."""
    cases = (
        (f"ws://127.0.0.1:{_free_port()}", backend.producer, "cannot reach"),
        (backend.server.url, "not-a-token", "refused the token"),
        (backend.server.url, backend.wall, "producer token"),
    )
    for url, token, expected in cases:
        out = io.StringIO()
        assert run_simulate(url, token, speed=60, duration=5, out=out, connect_timeout=1.5) == 1
        assert expected in out.getvalue() and out.getvalue().count("\n") == 1, out.getvalue()
        assert "Traceback" not in out.getvalue()


def test_run_simulate_runs_for_its_duration(backend: Backend) -> None:
    """With a producer token the command publishes for (at least) the given time and prints a summary."""
    out = io.StringIO()
    t0 = time.monotonic()
    assert run_simulate(backend.server.url, backend.producer, speed=300, seed=8, duration=1.5, out=out) == 0
    assert time.monotonic() - t0 >= 1.5  # never stops early; how much later depends on the machine
    assert "simulate: done" in out.getvalue() and "events" in out.getvalue()
