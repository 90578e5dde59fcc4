"""Case server settings."""

from __future__ import annotations

import os
import socket
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from feeds.alarms import AlarmEngine
from feeds.protocol import Kpis, ReplayControl, ReplayStatus
from feeds.server.tokens import TokenBook
from feeds.store import Store

QueryHandler = Callable[[Store, dict[str, Any]], Any]
"""A read-only query: runs on a worker thread, returns JSON-able data or raises ProtocolError."""

KpiEnricher = Callable[[Store, Kpis], Kpis]
"""Refines the store's KPI message (e.g. rates and chart series from the analytics cube); worker thread."""


def _server_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


@dataclass
class ServerConfig:
    """How the case server listens, which store it uses and its limits.

    Attributes:
        host: Interface to bind (``0.0.0.0`` for all).
        port: TCP port; 0 picks a free one (see ``CaseServer.port``).
        store_url: Store to open (``None``: the default SQLite file); ignored if ``store`` is set.
        store: An already open store (left open on shutdown).
        tokens: Accepted tokens.
        tokens_path: The file ``tokens`` came from: re-read when it changes (checked every
            ``tokens_poll_s``) or on SIGHUP under ``run_server``; clients whose token is gone are
            told why and disconnected.
        tokens_poll_s: How often ``tokens_path`` is checked for changes.
        heartbeat_s: Interval of ``heartbeat`` messages (clients call data stale after 2.5×).
        kpi_interval_s: How often KPIs are recomputed (broadcast only when changed).
        hello_timeout_s: Time a client has to send ``hello``.
        client_queue: Frames buffered per client before it is disconnected as too slow
            (at least twice ``max_batch``).
        backfill_page: Events read from the store per page when catching a client up.
        max_backfill: A client missing more events than this gets a snapshot instead.
        snapshot_cache_s: Reuse an encoded snapshot for this long (reconnect storms).
        max_batch: Most events committed in one transaction (group commit).
        poll_s: Read the store's log for events committed elsewhere at least this often
            (other servers on PostgreSQL are also heard at once through LISTEN/NOTIFY).
        ssl_context: Serve ``wss://`` with this context.
        server_id: Name of this instance in ``welcome``.
        queries: Extra read-only queries by name (added to the built-in ones).
        kpi_enricher: Refines each KPI message before it is broadcast (``None``: the store's figures).
        clock: The server's "now" (epoch seconds) for snapshots, KPIs and staff positions; tests
            and simulated-time runs inject one, everyone else keeps ``time.time``.
        store_timeout_s: A store probe (one per heartbeat) unanswered this long makes the
            heartbeats say the store is down.
        replay_status: Set on a replay server only: the status sent after ``welcome`` and
            broadcast every ``replay_interval_s`` (called on the server's loop; must be quick).
        replay_control: Set on a replay server only: carries out an operator's ``replay.control``
            (called on a worker thread; returns once the command is taken, not done).
        replay_interval_s: How often ``replay_status`` is broadcast.
        alarms: The alarm engine (priorities, escalation, auto-urging, linkage plans); ``None``:
            the server raises no alarms (operators' alarm actions then find none).
        alarm_scan_s: How often the alarm engine scans the store.
    """

    host: str = "127.0.0.1"
    port: int = 8765
    store_url: str | None = None
    store: Store | None = None
    tokens: TokenBook = field(default_factory=TokenBook)
    tokens_path: Path | None = None
    tokens_poll_s: float = 2.0
    heartbeat_s: float = 5.0
    kpi_interval_s: float = 3.0
    hello_timeout_s: float = 10.0
    client_queue: int = 2000
    backfill_page: int = 500
    max_backfill: int = 200_000
    snapshot_cache_s: float = 1.0
    max_batch: int = 256
    poll_s: float = 1.0
    ssl_context: ssl.SSLContext | None = None
    server_id: str = field(default_factory=_server_id)
    queries: Mapping[str, QueryHandler] = field(default_factory=dict)
    kpi_enricher: KpiEnricher | None = None
    clock: Callable[[], float] = time.time
    store_timeout_s: float = 5.0
    replay_status: Callable[[], ReplayStatus] | None = None
    replay_control: Callable[[ReplayControl], None] | None = None
    replay_interval_s: float = 0.5
    alarms: AlarmEngine | None = None
    alarm_scan_s: float = 2.0
