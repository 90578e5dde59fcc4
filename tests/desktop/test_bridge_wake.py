"""The bridge drains when the client thread says something is waiting, and paces its drains under a flood."""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any

from waiting import WAIT_MS

from desktop import bridge as bridge_module
from desktop.bridge import LiveBridge
from feeds.client import ClientThread
from feeds.geo.units import load_units
from feeds.live import LiveState, load_names
from feeds.protocol import CaseCreated, CaseInfo, Snapshot

HOUR_MS = 3_600_000  # the periodic drain set this long: only a wake-up can drain within a test


def _case(n: int, at: float) -> CaseInfo:
    grid = load_units().grids[n % 2000]
    return CaseInfo(
        id=f"XCWAKE{n:06d}", kind="event", subclass="0101", source="patrol", grid=grid.code,
        lon=grid.centroid[0], lat=grid.centroid[1], stage="reported", reported_at=at, department="",
    )  # fmt: skip


def _bridge() -> tuple[ClientThread, LiveBridge, list[float]]:
    client = ClientThread("ws://127.0.0.1:9", "unused")  # never started: the test plays its thread
    bridge = LiveBridge(client, LiveState(load_names()))
    bridge._drain.setInterval(HOUR_MS)
    ends: list[float] = []
    bridge.sigChanged.connect(lambda _c: ends.append(time.monotonic()))
    bridge.start()
    return client, bridge, ends


def _from_thread(fn: Any) -> None:
    t = threading.Thread(target=fn, name="fake-client")
    t.start()
    t.join()


def test_a_message_is_applied_on_wake_up_without_the_periodic_drain(qtbot: Any) -> None:
    client, bridge, _ = _bridge()
    now = time.time()
    _from_thread(lambda: client._on_message(Snapshot(0, "wake", ())))
    qtbot.waitUntil(lambda: bridge.applied == 1, timeout=WAIT_MS)
    _from_thread(lambda: client._on_message(CaseCreated(_case(1, now), seq=1)))
    qtbot.waitUntil(lambda: bridge.state.case("XCWAKE000001") is not None, timeout=WAIT_MS)
    assert bridge.applied == 2 and bridge.latency_ms is not None
    bridge.stop()
    assert client.wake is None


def test_a_flood_is_drained_in_paced_batches_and_nothing_is_lost(qtbot: Any) -> None:
    client, bridge, ends = _bridge()
    now = time.time()
    count = 400

    def flood() -> None:
        client._on_message(Snapshot(0, "wake", ()))
        for n in range(1, count + 1):
            client._on_message(CaseCreated(_case(n, now), seq=n))
            if n % 20 == 0:
                time.sleep(0.02)  # ~1,000 events/s for ~0.4 s

    sender = threading.Thread(target=flood, name="fake-client")
    sender.start()  # the GUI thread runs its event loop meanwhile, in waitUntil
    qtbot.waitUntil(lambda: bridge.applied == count + 1, timeout=WAIT_MS)
    sender.join()
    assert bridge.state.last_seq == count and bridge.state.gaps == 0
    assert 1 < len(ends) < count  # batched, not one drain per event
    gaps = [b - a for a, b in itertools.pairwise(ends)]
    # a drain ends at least the gap after the one before it ended (a lower bound: load only adds to it)
    assert min(gaps) >= bridge_module.MIN_GAP_MS / 1000.0 - 0.001, gaps
