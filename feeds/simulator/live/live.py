"""The live simulator: an asyncio producer that plays the simulation to a case server.

It connects with the project's :class:`~feeds.client.CaseClient` as a
producer, takes over the server's snapshot (open cases continue, case numbers
continue, the weather is brought up to date; :class:`~feeds.simulator.live.script.LiveScript`)
and then publishes every event when the simulated clock reaches it:
``simulated time = min(start + speed × elapsed real time, real time)``: the
simulated clock never passes the real one, because walls that read the store
judge deadlines, ages and "today" by the real clock (a case stamped half an hour
ahead would show as "just now" and push later runs' start into the future). So
``speed > 1`` fast-forwards from the newest case in the store (at most
:data:`MAX_CATCH_UP_S` back) up to the present, then runs in real time. Events are sent as
soon as they are due (pipelined, one frame each; the server commits them in
groups); delivery is tracked by :class:`~feeds.simulator.live.outbox.Outbox` so
that across reconnects nothing planned is lost or published twice. Staff
positions (volatile) go out every :data:`STAFF_INTERVAL_S` real seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Callable

from feeds.client import CaseClient, ClientStatus, NotConnectedError
from feeds.protocol import CaughtUp, Error, Message, ProtocolError, Snapshot, StaffPositions, Welcome
from feeds.simulator.live.live_stats import LiveStats
from feeds.simulator.live.outbox import Entry, Outbox
from feeds.simulator.live.script import LiveScript
from feeds.simulator.model.district import load_district

__all__ = ["LiveSimulator", "LiveStats", "SimulatorError"]

_log = logging.getLogger("feeds.simulator")

STAFF_INTERVAL_S = 5.0
"""Real seconds between two staff-position messages."""
MAX_IN_FLIGHT = 256
"""Requests awaiting their ``ack`` at once (the server allows 512 per connection)."""
MAX_TICK_S = 0.05
"""Longest real sleep of the clock loop (so due events never wait longer)."""
RESEND_GRACE_S = 1.0
"""After a reconnect, real seconds to let the backfilled stream confirm events before resending the rest."""
MAX_CATCH_UP_S = 86_400.0
"""With ``speed > 1`` the simulation starts after the newest case in the store, but at most this far back."""


class SimulatorError(RuntimeError):
    """The simulator cannot run (server unreachable, token refused); the message is one line."""


class LiveSimulator:
    """Publish a realistic live simulation to a case server until cancelled.

    Args:
        url: Server URL (``ws://host:port``).
        token: A producer token.
        speed: Simulated seconds per real second.
        seed: Seed of the simulation (random if ``None``; see :attr:`seed`).
        start: Simulated start (default: now; with ``speed > 1`` just after the newest case the
            server holds if that is earlier, at most :data:`MAX_CATCH_UP_S` ago).
        connect_timeout: Give up (:class:`SimulatorError`) if not connected within this many
            seconds; ``None`` keeps trying (the client reconnects forever).
        staff_interval: Real seconds between staff-position messages.
        clock: The real clock the simulated one may never pass (epoch seconds; tests inject one).
    """

    def __init__(
        self,
        url: str,
        token: str,
        *,
        speed: float = 1.0,
        seed: int | None = None,
        start: float | None = None,
        connect_timeout: float | None = None,
        staff_interval: float = STAFF_INTERVAL_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.url, self.speed = url, speed
        self.seed = seed if seed is not None else secrets.randbits(32)
        self.connect_timeout = connect_timeout
        self.staff_interval = staff_interval
        self._start = start
        self._clock = clock
        self.client = CaseClient(
            url, token, on_message=self._on_message, on_status=self._on_status, client_name="simulator"
        )
        self.outbox = Outbox()
        self.script: LiveScript | None = None
        self._snapshot: Snapshot | None = None
        self._fatal: SimulatorError | None = None
        self._ready = asyncio.Event()
        self._can_send = asyncio.Event()
        self._wake = asyncio.Event()
        self._slots = asyncio.Semaphore(MAX_IN_FLIGHT)
        self._resume: asyncio.Task[None] | None = None
        self._in_flight: set[asyncio.Task[None]] = set()
        self._t0 = time.monotonic()
        self._sim0 = 0.0
        self.positions_sent = 0

    # -- clock and state -----------------------------------------------------

    def sim_now(self) -> float:
        """The simulated clock (epoch seconds); never later than the real clock."""
        return min(self._sim0 + self.speed * (time.monotonic() - self._t0), self._clock())

    @property
    def stats(self) -> LiveStats:
        """Counters so far (read on the simulator's loop, or accept a slightly torn view)."""
        d, s = self.outbox.stats, self.script.stats if self.script else None
        return LiveStats(
            published=dict(d.published),
            errors=dict(d.errors),
            conflicts=d.conflicts,
            resent=d.resent,
            from_stream=d.from_stream,
            pending=len(self.outbox),
            positions=self.positions_sent,
            taken_over=s.taken_over if s else 0,
            taken_over_closed=s.taken_over_closed if s else 0,
            created=s.created if s else 0,
            sim_time=self.sim_now() if self.script else 0.0,
        )

    # -- run -----------------------------------------------------------------

    async def run(self) -> None:
        """Connect, take over the snapshot and publish until cancelled.

        Raises:
            SimulatorError: The token was refused (or is not a producer's), or the
                server was not reached within ``connect_timeout``.
        """
        client_task = asyncio.create_task(self.client.run(), name="simulator-client")
        tasks: list[asyncio.Task[None]] = []
        sender: asyncio.Task[None] | None = None
        try:
            await self._wait_ready()
            snapshot = self._snapshot
            self._sim0 = self._start if self._start is not None else _start_after(snapshot, self._clock(), self.speed)
            self.script = await asyncio.to_thread(self._make_script, snapshot, self._sim0)
            self._t0 = time.monotonic()
            _log.info("simulating from %s at %g× (seed %d)", time.ctime(self._sim0), self.speed, self.seed)
            if self.client.status.state == "live":
                self._can_send.set()  # else the next caught_up resumes sending
            sender = asyncio.create_task(self._send_loop(), name="simulator-send")
            tasks = [
                asyncio.create_task(self._tick_loop(), name="simulator-clock"),
                asyncio.create_task(self._staff_loop(), name="simulator-staff"),
            ]
            await asyncio.gather(sender, *tasks)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if sender is not None:
                with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                    await asyncio.wait_for(self._drain(), 1.0)
                sender.cancel()
                await asyncio.gather(sender, *self._in_flight, return_exceptions=True)
            self.client.stop()
            with contextlib.suppress(asyncio.CancelledError):
                await client_task

    def _make_script(self, snapshot: Snapshot | None, start: float) -> LiveScript:
        district = load_district(0)
        cases = snapshot.cases if snapshot else ()
        weather = snapshot.weather if snapshot else ()
        return LiveScript(start=start, seed=self.seed, district=district, cases=cases, weather=weather)

    async def _wait_ready(self) -> None:
        try:
            await asyncio.wait_for(self._ready.wait(), self.connect_timeout)
        except TimeoutError:
            detail = self.client.status.detail or "no answer"
            if not detail.startswith("cannot reach"):
                detail = f"cannot reach the case server at {self.url}: {detail}"
            raise SimulatorError(detail) from None
        if self._fatal is not None:
            raise self._fatal

    async def _drain(self) -> None:
        """Give due events a moment to be sent and acknowledged before stopping."""
        while len(self.outbox) and self._can_send.is_set():
            self._wake.set()
            await asyncio.sleep(0.02)

    # -- loops ---------------------------------------------------------------

    async def _tick_loop(self) -> None:
        script = self.script
        assert script is not None
        while True:
            now = self.sim_now()
            due = script.advance(now)
            if due:
                for msg in due:
                    self.outbox.add(msg)
                self._wake.set()
            upcoming = script.next_time()
            delay = MAX_TICK_S if upcoming is None else (upcoming - now) / self.speed
            await asyncio.sleep(min(max(delay, 0.0), MAX_TICK_S))

    async def _send_loop(self) -> None:
        while True:
            await self._can_send.wait()
            entry = self.outbox.next_to_send()
            if entry is None:
                self._wake.clear()
                await self._wake.wait()
                continue
            await self._slots.acquire()
            task = asyncio.create_task(self._deliver(entry))
            self._in_flight.add(task)
            task.add_done_callback(self._delivered)

    def _delivered(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        self._slots.release()

    async def _deliver(self, entry: Entry) -> None:
        try:
            await self.client.publish(entry.message, timeout=30.0)
        except ProtocolError as exc:
            if exc.code != "conflict":
                _log.warning("server refused %s: %s (%s)", entry.message.TYPE, exc, exc.code)
            self.outbox.refused(entry, exc.code)
        except (NotConnectedError, TimeoutError, ConnectionError, OSError):
            self.outbox.lost(entry)
        else:
            self.outbox.committed(entry)

    async def _staff_loop(self) -> None:
        script = self.script
        assert script is not None
        while True:
            if self._can_send.is_set():
                changes = script.positions(self.sim_now())
                for i in range(0, len(changes), 5000):
                    with contextlib.suppress(ProtocolError, NotConnectedError, TimeoutError, ConnectionError):
                        await self.client.publish(StaffPositions(tuple(changes[i : i + 5000])), timeout=10.0)
                        self.positions_sent += 1
            await asyncio.sleep(self.staff_interval)

    async def _resume_after_grace(self) -> None:
        """After a reconnect: let the backfill confirm what got through, then resend the rest in order."""
        await asyncio.sleep(RESEND_GRACE_S)
        lost = self.outbox.resume()
        if lost:
            _log.info("resending %d events after the reconnect", lost)
        if self.script is not None:
            self.script.staff.reset()
        self._can_send.set()
        self._wake.set()

    # -- client callbacks (on the loop) --------------------------------------

    def _on_message(self, msg: Message) -> None:
        if msg.seq is not None and msg.IS_EVENT:
            self.outbox.seen(msg)
        elif isinstance(msg, Welcome) and msg.role != "producer":
            self._fail(f"the token grants the role '{msg.role}'; the simulator needs a producer token")
        elif isinstance(msg, Snapshot):
            if self.script is None:
                self._snapshot = msg
            for case in msg.cases:
                self.outbox.seen_case(case.id)
        elif isinstance(msg, CaughtUp):
            if self.script is None:
                self._ready.set()
            else:
                if self._resume is not None:
                    self._resume.cancel()
                self._resume = asyncio.get_running_loop().create_task(self._resume_after_grace())
        elif isinstance(msg, Error) and msg.code == "forbidden" and self.script is None:
            self._fail(f"the case server at {self.url} refused the token ({msg.message})")

    def _on_status(self, status: ClientStatus) -> None:
        if status.state in ("connecting", "reconnecting", "refused", "stopped"):
            self._can_send.clear()
            if self._resume is not None:
                self._resume.cancel()
                self._resume = None

    def _fail(self, message: str) -> None:
        if self._fatal is None:
            self._fatal = SimulatorError(message)
        self._ready.set()


def _start_after(snapshot: Snapshot | None, now: float, speed: float) -> float:
    """Where the simulation starts: now; with ``speed > 1`` after the newest case if that is earlier (a catch-up).

    A store holding cases after ``now`` (written by a run before the simulated clock was
    capped) is not followed into the future: the simulation starts now, with a warning.
    """
    newest = max((c.reported_at for c in snapshot.cases), default=0.0) if snapshot else 0.0
    if newest > now:
        _log.warning(
            "the store holds cases up to %s, %.0f min ahead of the clock; simulating from now",
            time.ctime(newest),
            (newest - now) / 60,
        )
        return now
    if speed > 1 and newest > 0:
        return max(newest + 1.0, now - MAX_CATCH_UP_S)
    return now
