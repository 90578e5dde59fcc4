"""What every client session shares: store, fan-out, journal, statistics, snapshot cache."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

from feeds.protocol import Hello, Kpis, encode
from feeds.server.config import QueryHandler, ServerConfig
from feeds.server.fanout import Fanout
from feeds.server.health import StoreHealth
from feeds.server.journal import Journal
from feeds.server.relay import Relay
from feeds.server.tokens import Grant
from feeds.store import Store


class Drainable(Protocol):
    """What shutdown and token revocation need of a session (``feeds.server.session.Session``)."""

    token_digest: bytes
    grant: Grant

    async def stop_reading(self) -> None:
        """Take no more frames."""

    async def flush(self) -> None:
        """Send every reply to what was read."""

    async def revoke(self, reason: str) -> None:
        """Tell the client its token was revoked, and close."""

    async def close(self, code: int, reason: str) -> None:
        """Close the connection."""


@dataclass
class ServerStats:
    """Counters exposed to tests, logs and the ``stats`` query."""

    connections: int = 0
    sessions: int = 0
    frames_in: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    snapshots: int = 0
    backfills: int = 0
    backfilled_events: int = 0

    def as_dict(self, hub: Hub) -> dict[str, Any]:
        """JSON-able view including fan-out and journal figures."""
        return {
            "connections": self.connections,
            "sessions": self.sessions,
            "clients": len(hub.fanout),
            "frames_in": self.frames_in,
            "errors": dict(self.errors),
            "snapshots": self.snapshots,
            "backfills": self.backfills,
            "backfilled_events": self.backfilled_events,
            "kicked": hub.fanout.kicked,
            "frames_direct": hub.fanout.direct,
            "frames_queued": hub.fanout.queued,
            "appended": hub.journal.appended,
            "commits": hub.journal.commits,
            "appends_deferred": hub.journal.deferred,
            "head": hub.fanout.head,
            "relayed": hub.relay.relayed,
            "notifications": hub.relay.notifications,
            "listening": hub.relay.listening,
            "store": "down" if hub.health.down else "ok",
            "store_error": hub.health.down,
        }


class Hub:
    """Shared server state, owned by :class:`~feeds.server.app.CaseServer`.

    Args:
        config: Server settings.
        store: The open store.
        queries: Query handlers by name.
    """

    def __init__(self, config: ServerConfig, store: Store, queries: dict[str, QueryHandler]) -> None:
        self.config = config
        self.store = store
        self.queries = queries
        self.fanout = Fanout()
        self.journal = Journal(store, self.fanout, config.max_batch)
        self.relay = Relay(store, self.fanout, config.poll_s)
        self.health = StoreHealth(store, config.store_timeout_s)
        self.stats = ServerStats()
        self._snapshot: tuple[float, int, str] | None = None
        self._snapshot_lock = asyncio.Lock()
        self.sessions: set[Drainable] = set()
        """Sessions past ``hello`` (shutdown drains them; revocation closes some)."""
        self.closing = False
        """Set when shutdown begins: sessions stop reading and wait to be drained."""
        self.latest_kpi: Kpis | None = None
        """The last KPI message broadcast (snapshots carry it, so a new wall sees the same figures)."""

    def operators(self) -> set[str]:
        """Names of the operators connected now (sessions past ``hello`` with an operator token)."""
        return {s.grant.name for s in self.sessions if s.grant.role == "operator"}

    async def resume_mode(self, hello: Hello) -> tuple[str, int]:
        """``("backfill", head)`` if the client's ``last_seq`` continues the log, else ``("snapshot", head)``."""
        first, head = await asyncio.to_thread(self.store.log_range)
        last = hello.last_seq
        if last is None or hello.store_id != self.store.store_id:
            return "snapshot", head
        if last > head or last < first - 1 or head - last > self.config.max_backfill:
            return "snapshot", head
        return "backfill", head

    async def snapshot_frame(self) -> tuple[int, str]:
        """The encoded snapshot and its ``head`` (shared for ``snapshot_cache_s`` between clients).

        The cache is used only while no event was broadcast since it was built;
        even so, the session backfills from the snapshot's ``head`` afterwards
        (events committed but not yet broadcast).
        """
        async with self._snapshot_lock:
            now = time.monotonic()
            cached = self._snapshot
            if cached is not None and now - cached[0] < self.config.snapshot_cache_s and cached[1] == self.fanout.head:
                return cached[1], cached[2]

            def build() -> tuple[int, str]:
                snap = self.store.snapshot(self.config.clock())
                if self.latest_kpi is not None:
                    snap = dataclasses.replace(snap, kpi=self.latest_kpi)
                return snap.head, encode(snap)

            head, frame = await asyncio.to_thread(build)
            self._snapshot = (time.monotonic(), head, frame)
            return head, frame
