"""Replaying a stored period: the cases of ``[start, end)`` re-enacted as events at N× speed.

:func:`timeline` rebuilds, from the store's ``cases`` table (seeded, imported or live
cases alike) and its event log (weather and crowd alerts), the events of a period in
time order: each case created at its report time and moved through each workflow
step at the time it first reached it. :class:`Replayer` plays them to a publish
function (a producer session on a replay server) at ``speed``× with pause, forward
seek and speed changes; events keep their original ``ts``, so walls show the
replayed times. :mod:`feeds.importers.replay_server` runs it as a steerable replay
server (seeking backwards too).
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Engine, select

from feeds.protocol import CaseClosed, CaseCreated, CaseEvaluated, CaseInfo, CaseStageChanged, Message, decode
from feeds.store.schema import cases, events

#: Workflow steps re-enacted from a case's stage times: (stage, column whose time it takes).
_STEPS = (
    ("filed", "filed_at"),
    ("dispatched", "dispatched_at"),
    ("handling", "dispatched_at"),
    ("closure_requested", "handled_at"),
    ("verifying", "handled_at"),
)
_ALERTS = ("alert.weather", "alert.crowd", "alert.sensor")


def _case_events(row: Any, end: float) -> list[Message]:
    info = CaseInfo(
        id=row.id,
        kind=row.kind,
        subclass=row.subclass,
        source=row.source,
        grid=row.grid,
        lon=row.lon,
        lat=row.lat,
        stage="reported",
        reported_at=float(row.reported_at),
        department=row.department,
        description=row.description or "",
        address=row.address or "",
        handle_deadline=float(row.handle_deadline_at) if row.handle_deadline_at is not None else None,
        platform=row.platform or "city",
        component=row.component,
        reporter=row.reporter,
    )
    out: list[Message] = [CaseCreated(info, ts=float(row.reported_at))]
    response = info.platform == "response"
    if row.cancelled_at is not None:
        if row.cancelled_at < end:
            out.append(CaseStageChanged(row.id, "cancelled", ts=float(row.cancelled_at)))
        return out
    last = float(row.reported_at)
    reached = "reported"
    answered = response and row.dispatched_at is None  # 全响应: answered on the line, never dispatched
    for stage, column in _STEPS[:1] if answered else _STEPS:
        t = getattr(row, column)
        if response and stage == "handling" and row.responded_at is not None:
            t = row.responded_at  # a 全响应 request is handled from its response to the caller
        if t is None and row.closed_at is not None:
            t = row.closed_at  # a closed case went through every step, at the latest by its closing
        if t is None or t >= end:
            return out
        last = max(last, float(t))
        respond_by = row.response_deadline_at if response and stage == "dispatched" else None
        out.append(
            CaseStageChanged(
                row.id, stage, ts=last, response_deadline=float(respond_by) if respond_by is not None else None
            )
        )
        reached = stage
    closing = row.closed_at is not None and row.closed_at < end
    # a 全响应 request's return visit (回访) within the period, once the department has replied
    if (
        response
        and reached in ("closure_requested", "verifying")
        and row.evaluated_at is not None
        and row.evaluated_at < end
        and row.satisfaction
    ):
        at = max(last, float(row.evaluated_at))
        if closing:
            at = min(at, max(last, float(row.closed_at)))
        last = at
        out.append(CaseEvaluated(row.id, bool(row.resolved), row.satisfaction, ts=at))
    if closing:
        last = max(last, float(row.closed_at))
        out.append(CaseClosed(row.id, bool(row.on_time) if row.on_time is not None else True, ts=last))
    return out


def timeline(engine: Engine, start: float, end: float) -> list[Message]:
    """The events of the cases reported in ``[start, end)`` and the alerts logged then, oldest first.

    全响应 requests (``platform`` response) replay as such: created on their platform, given
    their response deadline at dispatch, handled from their response, closed at once when
    answered on the line, and evaluated (``case.evaluated``) when their return visit falls in
    the period (the store keeps a request's last visit only).
    """
    out: list[Message] = []
    with engine.connect() as conn:
        query = select(cases).where(cases.c.reported_at >= int(start), cases.c.reported_at < int(end))
        for row in conn.execute(query.order_by(cases.c.reported_at, cases.c.id)):
            out.extend(_case_events(row, end))
        logged = select(events.c.frame).where(
            events.c.type.in_(_ALERTS), events.c.ts >= int(start), events.c.ts < int(end)
        )
        for frame in conn.execute(logged.order_by(events.c.seq)).scalars():
            msg = decode(frame, max_bytes=None)
            out.append(dataclasses.replace(msg, seq=None))
    out.sort(key=lambda m: m.ts or 0.0)  # stable: a case's own steps keep their order at equal times
    return out


_TIMES = ("filed_at", "dispatched_at", "handled_at", "closed_at", "cancelled_at")


def _stage_then(row: dict[str, Any]) -> str:
    """The stage :func:`_case_events` has moved a case to, given the times it reached by then."""
    if row["cancelled_at"] is not None:
        return "cancelled"
    if row["closed_at"] is not None:
        return "closed"
    if row["handled_at"] is not None:
        return "verifying"
    if row["dispatched_at"] is not None:
        return "handling"
    return "filed" if row["filed_at"] is not None else "reported"


def cases_as_of(engine: Engine, start: float, at: float, end: float) -> list[dict[str, Any]]:
    """The cases of :func:`timeline` (``[start, end)``) reported before ``at``, as they stood at ``at``.

    Rows for the store's bulk path: what the timeline's events up to ``at`` would have
    made of each case, so a replay can start at ``at`` without publishing them one by one.
    """
    out = []
    with engine.connect() as conn:
        query = select(cases).where(cases.c.reported_at >= int(start), cases.c.reported_at < int(min(at, end)))
        for found in conn.execute(query):
            row = dict(found._mapping)
            for column in _TIMES:
                if row[column] is not None and row[column] >= at:
                    row[column] = None
            if row["cancelled_at"] is None and row["closed_at"] is not None:  # every step by its closing at the latest
                for column in ("filed_at", "dispatched_at", "handled_at"):
                    row[column] = row[column] if row[column] is not None else row["closed_at"]
            row["stage"] = _stage_then(row)
            if row["closed_at"] is None:
                row["on_time"] = None
            row["updated_seq"] = 0  # no event of the replay store touched it yet
            out.append(row)
    return out


class Replayer:
    """Plays timed events to ``publish`` at ``speed``× (thread-safe controls).

    Args:
        events: Events with ``ts``, oldest first.
        publish: Receives each batch of due events, in order.
        speed: Replayed seconds per real second.
        clock: Real time (monotonic seconds); tests inject one.
        wait: Sleeps up to a number of seconds, returning early when woken (tests inject one).
        start: The replayed time at the start (default: the first event's).
        paused: Start paused (the replayed time stands at ``start``).
    """

    def __init__(
        self,
        events: Sequence[Message],
        publish: Callable[[list[Message]], object],
        speed: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        wait: Callable[[float], object] | None = None,
        start: float | None = None,
        paused: bool = False,
    ) -> None:
        if speed <= 0:
            raise ValueError("speed must be greater than 0")
        self.events = list(events)
        self.publish = publish
        self._clock = clock
        self._wake = threading.Event()
        self._wait = wait or self._sleep
        self._lock = threading.Lock()
        self._next = 0
        self._speed = speed
        self._paused = paused
        self._stopped = False
        if start is None:
            start = self.events[0].ts if self.events else 0.0
        self._anchor_replay = float(start or 0.0)
        self._anchor_real = clock()

    # -- controls ------------------------------------------------------------

    def now(self) -> float:
        """The replayed time now."""
        with self._lock:
            return self._now()

    def _now(self) -> float:
        if self._paused:
            return self._anchor_replay
        return self._anchor_replay + (self._clock() - self._anchor_real) * self._speed

    def _reanchor(self, replay_time: float) -> None:
        self._anchor_replay, self._anchor_real = replay_time, self._clock()
        self._wake.set()

    def pause(self) -> None:
        """Hold the replayed time."""
        with self._lock:
            self._reanchor(self._now())
            self._paused = True

    def resume(self) -> None:
        """Let the replayed time run again."""
        with self._lock:
            self._reanchor(self._now())
            self._paused = False

    def set_speed(self, speed: float) -> None:
        """Change the speed from now on."""
        if speed <= 0:
            raise ValueError("speed must be greater than 0")
        with self._lock:
            self._reanchor(self._now())
            self._speed = speed

    def seek(self, replay_time: float) -> None:
        """Jump forward to ``replay_time`` (the events in between are published at once, in order)."""
        with self._lock:
            self._reanchor(max(replay_time, self._now()))

    def stop(self) -> None:
        """End :meth:`run` (return to live)."""
        with self._lock:
            self._stopped = True
            self._wake.set()

    @property
    def paused(self) -> bool:
        """Whether the replayed time stands still."""
        return self._paused

    @property
    def speed(self) -> float:
        """Replayed seconds per real second."""
        return self._speed

    @property
    def done(self) -> bool:
        """Every event was published."""
        return self._next >= len(self.events)

    # -- playing -------------------------------------------------------------

    def _sleep(self, seconds: float) -> None:
        """Sleep up to ``seconds``, back within 20 ms when woken (a control or stop).

        Slices of ``time.sleep`` rather than ``Event.wait(seconds)``: under libfaketime (the
        clock test runs) a timed lock wait that is not woken never returns.
        """
        end = self._clock() + seconds
        while not self._wake.is_set():
            left = end - self._clock()
            if left <= 0:
                return
            time.sleep(min(left, 0.02))

    def step(self) -> float | None:
        """Publish every event now due; returns real seconds until the next one (None when done)."""
        with self._lock:
            now = self._now()
            first = self._next
            while self._next < len(self.events) and (self.events[self._next].ts or 0.0) <= now:
                self._next += 1
            due = self.events[first : self._next]
            paused, speed = self._paused, self._speed
            upcoming = self.events[self._next].ts if self._next < len(self.events) else None
        if due:
            self.publish(due)
        if upcoming is None:
            return None
        return 0.25 if paused else max(0.0, (float(upcoming) - now) / speed)

    def run(self) -> None:
        """Play until every event is published or :meth:`stop` is called."""
        while not self._stopped:
            delay = self.step()
            if delay is None:
                return
            self._wake.clear()
            self._wait(min(delay, 0.25))
