"""The case server: websockets front, store behind, heartbeats and KPI broadcasts.

Entry points: :class:`CaseServer` (start/stop on a running loop),
:func:`serve` (asyncio, runs until cancelled or ``stop`` is set) and
:func:`run_server` (blocking, stops cleanly on SIGINT/SIGTERM).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Callable
from pathlib import Path

from websockets.asyncio.server import Server, ServerConnection
from websockets.asyncio.server import serve as ws_serve
from websockets.exceptions import ConnectionClosed

from feeds.protocol import Heartbeat, Kpis, ReplayStatus, encode, max_frame
from feeds.server.alarm_loop import run_alarms
from feeds.server.config import ServerConfig
from feeds.server.hub import Hub, ServerStats
from feeds.server.queries import merge_queries
from feeds.server.session import FRAME_SLACK, Session
from feeds.server.tokens import TokenBook
from feeds.store import Store, open_store

_log = logging.getLogger("feeds.server")
_ws_log = logging.getLogger("feeds.server.websockets")
_ws_log.setLevel(logging.WARNING)  # sessions log their own connect/disconnect line

DRAIN_TIMEOUT_S = 10.0
"""Longest wait at shutdown for queued appends to commit, and again for their acks to be sent."""
TASK_STOP_S = 5.0
"""How long a shutdown waits for its cancelled background tasks before going on."""


class CaseServer:
    """The running server (one event loop).

    Args:
        config: Settings; ``config.port`` 0 picks a free port (see :attr:`port`).
    """

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self._hub: Hub | None = None
        self._server: Server | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._own_store = config.store is None

    @property
    def hub(self) -> Hub:
        """Shared state (available after :meth:`start`)."""
        if self._hub is None:
            raise RuntimeError("server not started")
        return self._hub

    @property
    def store(self) -> Store:
        """The store in use."""
        return self.hub.store

    @property
    def stats(self) -> ServerStats:
        """Connection, error and catch-up counters."""
        return self.hub.stats

    @property
    def port(self) -> int:
        """The bound TCP port."""
        if self._server is None:
            raise RuntimeError("server not started")
        return int(self._server.sockets[0].getsockname()[1])

    @property
    def url(self) -> str:
        """``ws://host:port`` (``wss`` with TLS) clients can use."""
        scheme = "wss" if self.config.ssl_context is not None else "ws"
        host = self.config.host if self.config.host not in ("0.0.0.0", "::", "") else "127.0.0.1"
        return f"{scheme}://{host}:{self.port}"

    async def start(self) -> None:
        """Open the store, start the journal and background tasks, and listen."""
        cfg = self.config
        if cfg.client_queue < 2 * cfg.max_batch:
            raise ValueError(
                f"client_queue ({cfg.client_queue}) must be at least twice max_batch ({cfg.max_batch}): "
                "one committed batch is queued for every client at once"
            )
        store = cfg.store if cfg.store is not None else await asyncio.to_thread(open_store, cfg.store_url)
        hub = self._hub = Hub(cfg, store, merge_queries(cfg.queries))
        hub.fanout.head = await asyncio.to_thread(store.head)
        self._tasks = [
            asyncio.create_task(hub.journal.run(), name="journal"),
            asyncio.create_task(self._heartbeats(), name="heartbeats"),
            asyncio.create_task(self._kpis(), name="kpis"),
            asyncio.create_task(hub.relay.run(), name="relay"),
            asyncio.create_task(hub.relay.listen(), name="listen"),
        ]
        if cfg.alarms is not None:
            alarms = run_alarms(cfg.alarms, store, hub.journal, cfg.clock, cfg.alarm_scan_s, hub.operators)
            self._tasks.append(asyncio.create_task(alarms, name="alarms"))
        if cfg.tokens_path is not None:
            self._tasks.append(asyncio.create_task(self._watch_tokens(cfg.tokens_path), name="tokens"))
        if cfg.replay_status is not None:
            self._tasks.append(asyncio.create_task(self._replay_status(cfg.replay_status), name="replay"))
        try:
            self._server = await ws_serve(
                self._handle,
                cfg.host,
                cfg.port,
                ssl=cfg.ssl_context,
                max_size=max_frame(None) * FRAME_SLACK,  # raised per session once a producer said hello
                compression=None,  # frames are encoded once for all clients; per-client deflate would undo that
                ping_interval=max(2 * cfg.heartbeat_s, 1.0),
                ping_timeout=max(3 * cfg.heartbeat_s, 5.0),
                close_timeout=2.0,
                logger=_ws_log,
            )
        except BaseException:
            await self.stop()  # cannot listen (address in use, unknown host): release tasks, threads and store
            raise
        _log.info("listening on %s (store %s, head %d)", self.url, store.store_id, hub.fanout.head)

    async def stop(self) -> None:
        """Drain, then close: stop listening and reading, commit what was read, send its acks, close with 1001."""
        hub = self._hub
        if self._server is not None:
            self._server.server.close()  # no new connections; open ones go on for now
        if hub is not None:
            hub.closing = True
            sessions = list(hub.sessions)
            await asyncio.gather(*(s.stop_reading() for s in sessions))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(hub.journal.drain(), DRAIN_TIMEOUT_S)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.gather(*(s.flush() for s in sessions)), DRAIN_TIMEOUT_S)
        if self._server is not None:
            self._server.close(close_connections=True)
            await self._server.wait_closed()
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            done, stuck = await asyncio.wait(self._tasks, timeout=TASK_STOP_S)
            for task in done:
                if not task.cancelled() and task.exception() is not None:
                    _log.error("task %s failed: %s", task.get_name(), task.exception())
            for task in stuck:  # never hang a shutdown on one background task
                _log.warning("task %s did not stop within %.0f s", task.get_name(), TASK_STOP_S)
        self._tasks = []
        if self._hub is not None:
            await asyncio.to_thread(self._hub.journal.close)
            self._hub.health.close()
            if self._own_store:
                await self._reads_returned()
                await asyncio.to_thread(self._hub.store.close)
        _log.info("stopped")

    async def _reads_returned(self, limit_s: float = 5.0) -> None:
        """Wait (bounded) for reads still running on worker threads to give their connections back.

        A cancelled task does not stop its ``to_thread`` read; closing the engine under it
        would leave that connection unclosed (PostgreSQL: an idle session until it is GCed).
        """
        pool = self.hub.store.engine.pool
        checked_out = getattr(pool, "checkedout", None)
        deadline = time.monotonic() + limit_s
        while checked_out is not None and checked_out() > 0 and time.monotonic() < deadline:
            await asyncio.sleep(0.01)

    async def _handle(self, ws: ServerConnection) -> None:
        self.hub.stats.connections += 1
        try:
            await Session(self.hub, ws).run()
        except ConnectionClosed:
            pass
        except Exception:
            _log.exception("session with %s failed", ws.remote_address)

    async def reload_tokens(self) -> int:
        """Re-read ``config.tokens_path``; disconnect (1008, told why) clients whose token is gone.

        A file that cannot be read or is not valid keeps the tokens in force (logged).
        Returns the number of sessions revoked.
        """
        path = self.config.tokens_path
        if path is None:
            return 0
        try:
            book = await asyncio.to_thread(TokenBook.load, path)
        except (OSError, ValueError) as exc:
            _log.error("tokens file not reloaded, the previous tokens stay in force: %s", exc)
            return 0
        self.config.tokens = book
        _log.info("tokens reloaded from %s: %d tokens", path, len(book))
        revoked = [s for s in list(self.hub.sessions) if book.check_digest(s.token_digest) != s.grant]
        for session in revoked:
            _log.warning("token of %r (%s) revoked: disconnecting", session.grant.name, session.grant.role)
        await asyncio.gather(*(s.revoke("token revoked: ask the operator for a new token") for s in revoked))
        return len(revoked)

    async def _watch_tokens(self, path: Path) -> None:
        def stamp() -> tuple[int, int] | None:
            try:
                st = path.stat()
            except OSError:
                return None
            return st.st_mtime_ns, st.st_size

        last = await asyncio.to_thread(stamp)
        while True:
            await asyncio.sleep(self.config.tokens_poll_s)
            now = await asyncio.to_thread(stamp)
            if now is not None and now != last:
                last = now
                await self.reload_tokens()

    async def _heartbeats(self) -> None:
        """Every ``heartbeat_s``: the head and the store's health (probed meanwhile, see ``health.py``)."""
        hub = self.hub
        while True:
            hub.health.probe()
            await asyncio.sleep(self.config.heartbeat_s)
            down = hub.health.status()
            hub.fanout.broadcast(encode(Heartbeat(hub.fanout.head, "down" if down else "ok", down)))

    async def _replay_status(self, status: Callable[[], ReplayStatus]) -> None:
        while True:
            await asyncio.sleep(self.config.replay_interval_s)
            self.hub.fanout.broadcast(encode(status()))

    def _kpi_message(self) -> Kpis:
        kpi = self.hub.store.kpis(self.config.clock())
        enrich = self.config.kpi_enricher
        if enrich is not None:
            try:
                kpi = enrich(self.hub.store, kpi)
            except Exception:
                _log.exception("KPI enrichment failed; sending the store's figures")
        return kpi

    async def _kpis(self) -> None:
        hub = self.hub
        last: tuple[object, object] | None = None
        while True:
            try:
                kpi = await asyncio.to_thread(self._kpi_message)
            except Exception:
                _log.exception("KPI computation failed")
            else:
                if (kpi.today, kpi.totals) != last:
                    last = (kpi.today, kpi.totals)
                    hub.latest_kpi = kpi
                    hub.fanout.broadcast(encode(kpi))
            await asyncio.sleep(self.config.kpi_interval_s)


async def serve(config: ServerConfig, *, ready: asyncio.Event | None = None, stop: asyncio.Event | None = None) -> None:
    """Run the server until cancelled (or until ``stop`` is set); SIGHUP re-reads the tokens file.

    Args:
        config: Settings.
        ready: Set once the server listens.
        stop: Set it to shut down cleanly.
    """
    server = CaseServer(config)
    await server.start()
    loop = asyncio.get_running_loop()
    reloads: set[asyncio.Task[int]] = set()

    def on_sighup() -> None:
        task = loop.create_task(server.reload_tokens())
        reloads.add(task)
        task.add_done_callback(reloads.discard)

    with contextlib.suppress(NotImplementedError, AttributeError, RuntimeError, ValueError):  # Windows; not main thread
        loop.add_signal_handler(signal.SIGHUP, on_sighup)
    try:
        if ready is not None:
            ready.set()
        await (stop.wait() if stop is not None else asyncio.Future())
    finally:
        await asyncio.shield(server.stop())


def run_server(config: ServerConfig) -> None:
    """Run the server in the calling thread until SIGINT or SIGTERM."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):  # Windows: Ctrl+C raises KeyboardInterrupt instead
                loop.add_signal_handler(sig, stop.set)
        await serve(config, stop=stop)

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
