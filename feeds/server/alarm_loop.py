"""The server's alarm task: scan the store every few seconds, append what the engine finds.

The engine's events go through the journal like any producer's, so they are numbered,
stored and broadcast to every wall in ``seq`` order. A group the store refuses (another
server on the same store appended it first: ``conflict``) is dropped quietly; the next
scan sees the store as it is.

Each scan also notes which operators are connected (``operator_presence``, one row per
operator and 10-minute window): the alarm metrics divide by them ("alarms per operator").
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from sqlalchemy.exc import IntegrityError

from feeds.alarms import AlarmEngine
from feeds.protocol import ProtocolError
from feeds.server.journal import Journal
from feeds.store import Store
from feeds.store.alarm_state import PRESENCE_WINDOW_S, record_presence

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


def note_presence(store: Store, operators: set[str], now: float) -> int:
    """Record ``operators`` as connected in the window of ``now`` (rows added; 0 if another server was first)."""
    try:
        with store.engine.begin() as conn:
            return record_presence(conn, operators, now)
    except IntegrityError:  # another server on the same store noted them at the same moment
        return 0


async def run_alarms(
    engine: AlarmEngine,
    store: Store,
    journal: Journal,
    clock: Callable[[], float],
    interval_s: float,
    operators: Callable[[], set[str]] = set,
) -> None:
    """Scan every ``interval_s`` until cancelled; note the ``operators`` connected (names) as they change."""
    noted: tuple[int, frozenset[str]] = (-1, frozenset())
    while True:
        try:
            now = clock()
            present = (int(now) // PRESENCE_WINDOW_S, frozenset(operators()))
            if present != noted and present[1]:
                await asyncio.to_thread(note_presence, store, set(present[1]), now)
            noted = present
            await scan_once(engine, store, journal, now)
        except Exception:
            _log.exception("alarm scan failed")
        await asyncio.sleep(interval_s)
