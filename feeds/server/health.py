"""Whether the server can still reach its store, reported in every heartbeat.

A server cut off from its database (PostgreSQL down or partitioned away, a SQLite
file gone) keeps its connections, so without this its walls would get heartbeats
with an unchanged ``head`` and look live but quiet. Each heartbeat therefore
carries the store's health (``store: "down"`` and why), and a client shows its
data as stale while it says so (``docs/protocol.md``, "Heartbeats and staleness").

The probe (the log's head, one indexed read) runs on a thread of its own and is
started with each heartbeat; the heartbeat itself never waits for it. A probe
that fails makes the store "down" at the next heartbeat; one that has not
answered within ``timeout_s`` (a partition: packets dropped, no error) too, and
no second probe starts while it hangs, so neither the event loop nor the threads
that serve queries pile up behind a dead database.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor

from feeds.protocol.fields import clip
from feeds.store import Store

_log = logging.getLogger("feeds.server")

REASON_CHARS = 200
"""Longest reason a heartbeat carries."""


class StoreHealth:
    """Probes the store and remembers the verdict (call from the event loop thread).

    Args:
        store: The store to probe.
        timeout_s: How long a probe may stay unanswered before the store counts as down.
    """

    def __init__(self, store: Store, timeout_s: float) -> None:
        self._store = store
        self._timeout_s = timeout_s
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="gridwall-health")
        self._probe: Future[int] | None = None
        self._started = 0.0
        self._harvested = True
        self.down: str | None = None
        """Why the store is unreachable (``None``: it answered the last probe)."""
        self.failures = 0
        """Heartbeats that reported the store down."""

    def status(self) -> str | None:
        """Why the store is down now, or ``None`` (never waits)."""
        self._harvest()
        probe = self._probe
        if probe is not None and not probe.done():
            waited = time.monotonic() - self._started
            if waited > self._timeout_s:
                self._set(f"the store has not answered for {waited:.1f} s")
        if self.down is not None:
            self.failures += 1
        return self.down

    def probe(self) -> None:
        """Start a probe unless one is still running."""
        self._harvest()
        if self._probe is None or self._probe.done():
            self._started = time.monotonic()
            self._harvested = False
            self._probe = self._executor.submit(self._store.head)

    def _harvest(self) -> None:
        probe = self._probe
        if probe is None or self._harvested or not probe.done():
            return
        self._harvested = True
        exc = probe.exception()
        self._set(None if exc is None else f"the store cannot be read: {type(exc).__name__}: {exc}")

    def _set(self, reason: str | None) -> None:
        if reason is not None:
            reason = clip(" ".join(reason.split()), REASON_CHARS)
            if self.down is None:
                _log.error("store unreachable: %s", reason)
        elif self.down is not None:
            _log.warning("store reachable again")
        self.down = reason

    def close(self) -> None:
        """Stop the probe thread (a hanging probe is left to finish on its own)."""
        self._executor.shutdown(wait=False, cancel_futures=True)
