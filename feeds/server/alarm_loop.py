"""The server's alarm task: scan the store every few seconds, append what the engine finds.

The engine's events go through the journal like any producer's, so they are numbered,
stored and broadcast to every wall in ``seq`` order. A group the store refuses (another
server on the same store appended it first: ``conflict``) is dropped quietly; the next
scan sees the store as it is.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from feeds.alarms import AlarmEngine
from feeds.protocol import ProtocolError
from feeds.server.journal import Journal
from feeds.store import Store

_log = logging.getLogger("feeds.server.alarms")


async def scan_once(engine: AlarmEngine, store: Store, journal: Journal, now: float) -> int:
    """One scan at ``now``: append every group the engine returns; returns the groups stored."""
    groups = await asyncio.to_thread(engine.scan, store, now)
    futures = [journal.submit(group) for group in groups]
    stored = 0
    for future in futures:
        try:
            await future
            stored += 1
        except ProtocolError as exc:
            _log.debug("alarm group refused: %s", exc)
        except Exception:
            _log.exception("alarm group could not be stored")
    return stored


async def run_alarms(
    engine: AlarmEngine, store: Store, journal: Journal, clock: Callable[[], float], interval_s: float
) -> None:
    """Scan every ``interval_s`` until cancelled."""
    while True:
        try:
            await scan_once(engine, store, journal, clock())
        except Exception:
            _log.exception("alarm scan failed")
        await asyncio.sleep(interval_s)
