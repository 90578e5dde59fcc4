"""A steerable replay server: a stored period played to walls at N×, paused, sought both ways, ended.

:class:`ReplayServer` holds a case server of its own on a store of its own (a copy of
the source store's units), and a :class:`~feeds.importers.replay.Replayer` publishing
the period's events into it as a producer. The server's clock is the replayed time, and
it tells every client so with ``replay`` status messages (``docs/protocol.md``), so
walls show the replayed time and a "回放 / REPLAY" mark.

A store cannot move back in time, so a seek backwards starts over: a fresh copy of the
units receives every event up to the new time at once, and a new server takes the same
port. Clients notice the lost connection, reconnect, see another ``store_id`` and load
its snapshot: the wall shows the state of the new time within a second or two.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence

from sqlalchemy import Engine, create_engine, update

from feeds.importers.producer import LazyProducer, ProducerError, ProducerSession
from feeds.importers.replay import Replayer, cases_as_of
from feeds.importers.units import copy_units
from feeds.protocol import Message, ReplayControl, ReplayStatus
from feeds.protocol.replay import REPLAY_SPEED_MAX, REPLAY_SPEED_MIN
from feeds.server import QueryHandler, ServerConfig, ServerThread, TokenBook
from feeds.store import open_store
from feeds.store.bulk import upsert_cases
from feeds.store.schema import meta

log = logging.getLogger(__name__)
ANNOUNCE_WAIT_S = 3.0
"""At most this long a stopping replay waits for its ``ended`` message to go out (it goes every 0.5 s)."""
HOLD_CHECK_S = 0.5
"""How often the end-of-period hold is checked."""
PRELOAD_BATCH = 2000
"""Events per transaction when a seek backwards loads the time before the new position."""


class ReplayServer:
    """Plays ``events`` of ``[start, end)`` at ``speed``× on a case server of its own (thread-safe controls).

    Args:
        events: The period's events, oldest first (:func:`~feeds.importers.replay.timeline`).
        units_from: The store replayed (its unit grids, and the cases as of a seek backwards).
        start: Start of the period (epoch seconds).
        end: End of the period.
        speed: Replayed seconds per real second.
        tokens: Tokens the replay server accepts; it needs a ``producer`` token for itself.
        host: Address to listen on.
        port: Port (0: any free one; kept across restarts).
        queries: Read-only queries the replay server answers (over the replayed store);
            default: the drill-down and indicator queries of :mod:`feeds.analytics`.
        live: URL of the live server the replay belongs to, told to clients in every
            ``replay`` message: when the replay ends they go back there.
        hold_s: Once the period's end is reached (and nobody seeks back), end the replay
            after this many seconds; ``None``: hold the last state until stopped.
    """

    def __init__(
        self,
        events: Sequence[Message],
        units_from: Engine,
        start: float,
        end: float,
        speed: float,
        tokens: TokenBook,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        queries: Mapping[str, QueryHandler] | None = None,
        live: str | None = None,
        hold_s: float | None = None,
    ) -> None:
        if end <= start:
            raise ValueError("the period must end after it starts")
        tokens = tokens.copy()  # plus the replay's own producer token, which only this process knows
        producer = tokens.issue("producer", "replay")
        self.events = list(events)
        self.period_start, self.period_end = start, end
        self.tokens, self._producer_token = tokens, producer
        self.host, self._port = host, port
        if queries is None:
            from feeds.analytics.server_queries import analytics_queries

            queries = analytics_queries()
        self._queries = dict(queries)
        self.ended = threading.Event()
        self.live, self.hold_s = live, hold_s
        self._ending = False
        self._told = threading.Event()  # the server's loop took an ``ended`` status to send
        self._lock = threading.RLock()
        self._folder = tempfile.mkdtemp(prefix="gridwall-replay-")
        self._template = os.path.join(self._folder, "units.db")
        copy_units(units_from, self._template)
        self._source = units_from
        self._runs = 0
        self._speed = speed
        self._server: ServerThread | None = None
        self._player = Replayer([], lambda batch: None, speed, start=start)
        self._producer: LazyProducer | None = None
        self._thread: threading.Thread | None = None
        self._halting = False

    # -- life ------------------------------------------------------------------

    def start(self, *, paused: bool = False) -> ReplayServer:
        """Start playing from the period's start, or held there (``paused``); returns once the server listens."""
        with self._lock:
            self._launch(self.period_start, paused)
        if self.hold_s is not None:
            threading.Thread(target=self._end_after_hold, name="gridwall-replay-hold", daemon=True).start()
        return self

    @property
    def url(self) -> str:
        """The replay server's URL (the same after a seek backwards)."""
        assert self._server is not None, "not started"
        return self._server.url

    def stop(self) -> None:
        """End the replay and remove its store (idempotent).

        Clients are told first: the next ``replay`` message (within
        ``replay_interval_s``) says ``ended`` (with the ``live`` URL), then the server stops.
        """
        if self._server is not None and not self.ended.is_set():
            self._ending = True
            self._told.wait(ANNOUNCE_WAIT_S)  # set by the server's loop when it took the ended status
        with self._lock:
            self._halt()
            self.ended.set()
            removing = os.path.isdir(self._folder)
        shutil.rmtree(self._folder, ignore_errors=True)
        if removing:
            log.info("replay stopped: its store %s removed", self._folder)

    def _end_after_hold(self) -> None:
        """Stop the replay once the period's end has been held for ``hold_s`` (a seek back starts the wait again)."""
        assert self.hold_s is not None
        since: float | None = None
        while not self.ended.wait(HOLD_CHECK_S):
            if not self.done:
                since = None
            elif since is None:
                since = time.monotonic()
            elif time.monotonic() - since >= self.hold_s:
                log.info("replay: the period's end held for %g s, back to live", self.hold_s)
                self.stop()
                return

    # -- the replayed time -------------------------------------------------------

    def now(self) -> float:
        """The replayed time (held at the period's end once there)."""
        return min(self._player.now(), self.period_end)

    def status(self) -> ReplayStatus:
        """What a ``replay`` message says now."""
        player = self._player
        ending = self._ending
        status = ReplayStatus(
            self.now(), self.period_start, self.period_end, player.speed, player.paused or self.done, self.live, ending
        )
        if ending:
            self._told.set()
        return status

    @property
    def done(self) -> bool:
        """The replayed time reached the period's end."""
        return self._player.now() >= self.period_end

    @property
    def paused(self) -> bool:
        """Whether the replayed time stands still."""
        return self._player.paused

    # -- controls ------------------------------------------------------------------

    def pause(self) -> None:
        """Hold the replayed time."""
        self._player.pause()

    def resume(self) -> None:
        """Let the replayed time run again."""
        self._player.resume()

    def set_speed(self, speed: float) -> None:
        """Replayed seconds per real second from now on, kept within the range the ``replay`` messages carry
        (:data:`~feeds.protocol.replay.REPLAY_SPEED_MIN` to ``REPLAY_SPEED_MAX``: a wall refuses a message
        outside it, and the console's ``+``/``-`` double and halve the speed without end)."""
        speed = min(max(speed, REPLAY_SPEED_MIN), REPLAY_SPEED_MAX)
        with self._lock:
            self._speed = speed
            self._player.set_speed(speed)

    def seek(self, at: float) -> None:
        """Jump to ``at`` (clipped to the period); backwards starts over (see the module docstring)."""
        at = min(max(at, self.period_start), self.period_end)
        with self._lock:
            if at >= self._player.now():
                self._player.seek(at)
                return
            paused = self._player.paused
            self._halt()
            self._launch(at, paused)

    def control(self, msg: ReplayControl) -> None:
        """Carry out an operator's ``replay.control`` on a thread of its own (a restart stops the caller's server)."""
        threading.Thread(target=self._apply, args=(msg,), name="gridwall-replay-control", daemon=True).start()

    def _apply(self, msg: ReplayControl) -> None:
        try:
            if msg.action == "pause":
                self.pause()
            elif msg.action == "resume":
                self.resume()
            elif msg.action == "seek" and msg.at is not None:
                self.seek(msg.at)
            elif msg.action == "speed" and msg.speed is not None:
                self.set_speed(msg.speed)
            elif msg.action == "live":
                self.stop()
        except Exception:
            log.exception("replay control %s failed", msg.action)

    # -- inside ----------------------------------------------------------------------

    def _launch(self, at: float, paused: bool = False) -> None:
        from feeds.analytics.server_queries import analytics_kpis

        self._runs += 1
        db = os.path.join(self._folder, f"replay-{self._runs}.db")
        shutil.copyfile(self._template, db)
        with create_engine(f"sqlite:///{db}").begin() as conn:  # another store: clients reload their snapshot
            conn.execute(update(meta).where(meta.c.key == "store_id").values(value=secrets.token_hex(8)))
        before = [m for m in self.events if (m.ts or 0.0) < at]
        if before:  # the cases as they stood at ``at`` by the bulk path; alerts (few) as events
            store = open_store(db)
            try:
                for _ in upsert_cases(store.engine, cases_as_of(self._source, self.period_start, at, self.period_end)):
                    pass
                alerts = [m for m in before if m.TYPE.startswith("alert.")]
                for i in range(0, len(alerts), PRELOAD_BATCH):
                    store.append(alerts[i : i + PRELOAD_BATCH])
            finally:
                store.close()
        config = ServerConfig(
            host=self.host,
            port=self._port,
            store_url=db,
            tokens=self.tokens,
            server_id=f"replay {self._runs}",
            queries=self._queries,
            kpi_enricher=analytics_kpis,
            clock=self.now,
            replay_status=self.status,
            replay_control=self.control,
        )
        server = self._server = ServerThread(config).start()
        self._port = server.port
        producer = self._producer = LazyProducer(lambda: ProducerSession(server.url, self._producer_token))
        rest = self.events[len(before) :]

        def publish(batch: list[Message]) -> None:
            try:
                producer.run(lambda session: session.publish(batch))
            except ProducerError:
                if not self._halting:  # else the server was stopped on purpose
                    log.exception("replay: the replay server refused a batch")

        self._player = Replayer(rest, publish, self._speed, start=at, paused=paused)
        self._thread = threading.Thread(target=self._player.run, name="gridwall-replay", daemon=True)
        self._thread.start()

    def _halt(self) -> None:
        self._halting = True
        self._player.stop()
        if self._server is not None:
            self._server.stop()  # a publish under way fails at once instead of finishing its batch
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None
        if self._producer is not None:
            self._producer.close()
            self._producer = None
        self._halting = False
        self._server = None
