"""Keeps one server's broadcast in step with the store's event log.

Several case servers may share one PostgreSQL store (and on SQLite another
process may append, e.g. an importer). Every server must send its clients
every committed event exactly once and in ``seq`` order, including the events
other servers committed. :class:`~feeds.server.fanout.Fanout` broadcasts in
``seq`` order only: an event whose predecessor it has not seen waits, and it
asks this relay to fill the gap. The relay fills gaps by reading the log by
``seq`` (:meth:`Relay.catch_up`), woken by

* a gap in this server's own commits (another server committed in between),
* a PostgreSQL notification: every commit sends ``NOTIFY <channel>, '<seq>'``
  and :meth:`Relay.listen` holds a ``LISTEN`` connection (reconnecting with
  backoff, and catching up every time it has (re)connected),
* a poll every ``poll_s`` seconds, the safety net for a lost notification,
  a listener that is down, or a writer that does not notify (SQLite).

The notification carries only the ``seq``; the frames always come from the
log, so a lost or late notification costs latency, never an event.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from typing import Any

from feeds.server.fanout import Fanout
from feeds.store import Store

_log = logging.getLogger("feeds.server")

CATCH_UP_PAGE = 500
"""Events read from the log per query when catching up."""
LISTEN_BACKOFF_S = (0.5, 10.0)
"""First and longest wait before the listener reconnects."""


class Relay:
    """Fills this server's broadcast with events committed elsewhere.

    Args:
        store: The shared store.
        fanout: This server's fan-out (its ``head`` is the last ``seq`` broadcast).
        poll_s: Catch up at least this often even without a notification.
    """

    def __init__(self, store: Store, fanout: Fanout, poll_s: float = 1.0) -> None:
        self._store = store
        self._fanout = fanout
        self._poll_s = poll_s
        self._wake = asyncio.Event()
        fanout.on_gap = self.wake
        self.relayed = 0  # events broadcast from the log (committed by another server or process)
        self.notifications = 0
        self.listening = False
        self.listen_failures = 0

    def wake(self, seq: int = 0) -> None:
        """Ask for a catch-up (events up to ``seq`` were committed; 0: maybe some)."""
        if not seq or seq > self._fanout.head:
            self._wake.set()

    async def run(self) -> None:
        """The catch-up loop: on every wake-up and at least every ``poll_s``."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll_s)
            self._wake.clear()
            try:
                await self.catch_up()
            except Exception as exc:  # the store is unreachable: keep serving, try again at the next poll
                _being_cancelled()
                _log.warning("catch-up from the store failed: %s", exc)

    async def catch_up(self) -> None:
        """Broadcast every committed event after the fan-out's head, in ``seq`` order."""
        fanout = self._fanout
        while True:
            after = fanout.head
            page = await asyncio.to_thread(self._store.events_page, after, CATCH_UP_PAGE)
            if page and page[0][0] > fanout.head + 1:
                # only if events were pruned (or lost with a SQLite power cut): clients resync on the gap
                _log.warning("events %d..%d are no longer in the log; skipping them", fanout.head + 1, page[0][0] - 1)
                fanout.skip_to(page[0][0] - 1)
            for seq, frame in page:
                if seq > fanout.head:
                    self.relayed += 1
                    fanout.broadcast(frame, seq)
            if len(page) < CATCH_UP_PAGE:
                return

    async def listen(self) -> None:
        """PostgreSQL: ``LISTEN`` on the store's channel and wake the catch-up on each notification."""
        channel = self._store.channel
        if channel is None:
            return
        import psycopg  # the ``postgres`` extra; only PostgreSQL stores get here

        url = self._store.engine.url.set(drivername="postgresql")
        conninfo = url.render_as_string(hide_password=False)
        delay = LISTEN_BACKOFF_S[0]
        while True:
            try:
                conn: Any = await psycopg.AsyncConnection.connect(
                    conninfo, autocommit=True, keepalives=1, keepalives_idle=5, keepalives_interval=2
                )
                async with conn:
                    await conn.execute(f"LISTEN {channel}")
                    self.listening = True
                    delay = LISTEN_BACKOFF_S[0]
                    self.wake()  # whatever was committed while nobody listened
                    async for note in conn.notifies():
                        self.notifications += 1
                        self.wake(int(note.payload) if note.payload.isdigit() else 0)
            except (psycopg.Error, OSError) as exc:
                _being_cancelled()  # psycopg may turn a cancelled wait into its own error: stop all the same
                self.listen_failures += 1
                _log.warning("store notifications lost (%s); polling every %.1f s meanwhile", exc, self._poll_s)
            finally:
                self.listening = False
            await asyncio.sleep(delay * random.uniform(0.7, 1.3))
            delay = min(delay * 2, LISTEN_BACKOFF_S[1])


def _being_cancelled() -> None:
    """Re-raise cancellation inside an ``except`` that caught an error raised while being cancelled."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError
