"""The simulated clock never passes the real one: a fast simulation catches up to "now", then follows it."""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path

from sqlalchemy import func, select

from feeds.protocol import Snapshot
from feeds.server import ServerConfig, ServerThread, TokenBook
from feeds.simulator.history.seed import seed_history
from feeds.simulator.live.live import MAX_CATCH_UP_S, LiveSimulator, _start_after
from feeds.simulator.model.calendar import DAY_S, epoch
from feeds.store import open_store
from feeds.store.schema import cases, events

NOW = epoch(2026, 6, 10, 11)
"""The injected real clock (frozen): a Wednesday at 11:00 Beijing."""


def test_fast_simulation_stops_at_the_real_clock(tmp_path: Path) -> None:
    """At 3600x from an hour back, the simulation catches up, then no case or event is stamped after "now"."""
    path = str(tmp_path / "store.db")
    store = open_store(path)
    seed_history(store, NOW - 3600 - DAY_S, NOW - 3600, seed=5)
    store.close()
    book = TokenBook()
    producer = book.issue("producer", "simulator")
    config = ServerConfig(port=0, store_url=path, tokens=book, heartbeat_s=1.0, clock=lambda: NOW)

    async def scenario(url: str) -> tuple[float, int]:
        sim = LiveSimulator(url, producer, speed=3600, seed=3, clock=lambda: NOW)
        task = asyncio.create_task(sim.run())
        try:
            for _ in range(3000):  # caught up, and everything due by then sent and acknowledged
                if sim.script is not None and sim.sim_now() >= NOW and sim.stats.pending == 0:
                    break
                await asyncio.sleep(0.02)
            return sim.sim_now(), sim.stats.published.get("case.created", 0)
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    with ServerThread(config) as server:
        sim_clock, created = asyncio.run(scenario(server.url))
    assert sim_clock == NOW  # capped: 3600x would otherwise be far ahead by now
    assert created > 0  # the hour before "now" was played
    store = open_store(path)
    try:
        with store.engine.connect() as conn:
            newest_case = conn.execute(select(func.max(cases.c.reported_at))).scalar_one()
            newest_event = conn.execute(select(func.max(events.c.ts))).scalar_one()
    finally:
        store.close()
    assert newest_case <= NOW and newest_event <= NOW


def _snapshot_with_case_at(t: float) -> Snapshot:
    from feeds.protocol import CaseInfo

    case = CaseInfo("XC1", "event", "1201", "patrol", "110102001004001", 116.37, 39.92, "filed", t, "D01")
    return Snapshot(1, "s", (case,))


def test_start_never_in_the_future_and_catch_up_only_when_fast() -> None:
    """Speed 1 starts now; speed > 1 after the newest case (≤ 1 day back); a store ahead of the clock starts now."""
    now = time.time()
    assert _start_after(_snapshot_with_case_at(now - 600), now, 1.0) == now
    assert _start_after(_snapshot_with_case_at(now - 600), now, 60.0) == now - 599
    assert _start_after(_snapshot_with_case_at(now - 10 * DAY_S), now, 60.0) == now - MAX_CATCH_UP_S
    assert _start_after(_snapshot_with_case_at(now + 1800), now, 60.0) == now
    assert _start_after(None, now, 60.0) == now
