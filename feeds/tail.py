"""``gridwall tail``: follow the case server's event stream as readable lines.

One line per event (Beijing time, seq, type, case id, case type, subdistrict,
stage...), a summary of the snapshot, and connection status changes. Problems
(an unreachable server, stale data) go to stderr, once per distinct reason,
while the client keeps retrying; no tracebacks. A refused token is not retried:
``gridwall tail`` prints the reason in one line and exits with status 1.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import unicodedata
from collections.abc import Callable, Generator
from datetime import datetime
from typing import TextIO

from feeds.client import CaseClient, ClientStatus
from feeds.protocol import (
    BEIJING,
    OPEN_STAGES,
    AlarmChanged,
    AlarmRaised,
    CaseClosed,
    CaseCreated,
    CaseDifficultChanged,
    CaseNoted,
    CaseStageChanged,
    CaseUrged,
    CaughtUp,
    CrowdFlow,
    Error,
    Message,
    PlanClosed,
    PlanStarted,
    PlanStepDone,
    SensorReading,
    Snapshot,
    WeatherWarning,
)


def clean(text: str, limit: int = 80) -> str:
    """Untrusted text made safe for a terminal: control characters escaped, length capped."""
    out = "".join(f"\\x{ord(c):02x}" if unicodedata.category(c) in ("Cc", "Cf") else c for c in text)
    return out if len(out) <= limit else out[: limit - 1] + "…"


class Names:
    """Chinese names of subclasses and units, loaded on first use (codes if unavailable)."""

    def __init__(self) -> None:
        self._subclasses: dict[str, str] | None = None
        self._units: dict[str, str] | None = None

    def subclass(self, code: str) -> str:
        """``1201`` → ``非法小广告``."""
        if self._subclasses is None:
            self._subclasses = {}
            with contextlib.suppress(Exception):
                from feeds.response.taxonomy import load_response_taxonomy
                from feeds.taxonomy import load_taxonomy

                self._subclasses = {s.code: s.name_zh for s in load_taxonomy().subclasses}
                self._subclasses.update((t.code, t.name_zh) for t in load_response_taxonomy().types)
        return self._subclasses.get(code, code)

    def unit(self, code: str) -> str:
        """A subdistrict/community/grid code → its Chinese name."""
        if self._units is None:
            self._units = {}
            with contextlib.suppress(Exception):
                from feeds.geo.units import load_units

                registry = load_units()
                self._units = {u.code: u.name_zh for u in (*registry.subdistricts, *registry.communities)}
        return self._units.get(code, code)


def _clock(t: float | None) -> str:
    return datetime.fromtimestamp(t, BEIJING).strftime("%H:%M:%S") if t is not None else "--:--:--"


class AccessRefused(RuntimeError):
    """The server refused the token (the message is the one-line reason)."""


def _is_refusal(msg: Message) -> bool:
    return isinstance(msg, Error) and msg.code == "forbidden" and msg.field == "token"


def format_message(msg: Message, names: Names) -> str | None:
    """One line for an event or a session milestone; ``None`` for what tail does not print."""
    head = f"{_clock(msg.ts)}  #{msg.seq:<7} {msg.TYPE:<15}" if msg.seq is not None else ""
    if isinstance(msg, CaseCreated):
        c = msg.case
        where = names.unit(c.subdistrict)
        return f"{head} {c.id}  {names.subclass(c.subclass)}  {where}  {c.stage}  ({c.source})"
    if isinstance(msg, CaseStageChanged):
        due = f"  due {_clock(msg.deadline)}" if msg.deadline is not None else ""
        rework = "  REWORK" if msg.rework else ""
        return f"{head} {msg.case_id}  → {msg.stage}{due}{rework}"
    if isinstance(msg, CaseClosed):
        return f"{head} {msg.case_id}  closed {'on time' if msg.on_time else 'OVERDUE'}"
    if isinstance(msg, CaseUrged):
        note = f": {clean(msg.note)}" if msg.note else ""
        return f"{head} {msg.case_id}  urged by {clean(msg.by, 40)}{note}"
    if isinstance(msg, CaseDifficultChanged):
        what = "marked difficult" if msg.difficult else "no longer difficult"
        return f"{head} {msg.case_id}  {what} by {clean(msg.by, 40)}"
    if isinstance(msg, CaseNoted):
        return f"{head} {msg.case_id}  note by {clean(msg.by, 40)}: {clean(msg.text)}"
    if isinstance(msg, WeatherWarning):
        state = "issued" if msg.active else "lifted"
        return f"{head} {msg.alert_id}  {msg.hazard} {msg.level} {state}  {clean(msg.text)}".rstrip()
    if isinstance(msg, CrowdFlow):
        return f"{head} {msg.spot_id}  {msg.count}/{msg.capacity}  {msg.level}"
    if isinstance(msg, SensorReading):
        alarm = "  ALARM" if msg.alarm else ""
        return f"{head} {msg.sensor_id}  {msg.sensor_kind} {msg.value:g} {clean(msg.unit, 16)}{alarm}"
    if isinstance(msg, AlarmRaised):
        a = msg.alarm
        return f"{head} {a.id}  {a.priority.upper()} {a.kind} {a.level}  {clean(a.text)}".rstrip()
    if isinstance(msg, AlarmChanged):
        why = f": {clean(msg.reason)}" if msg.reason else ""
        return f"{head} {msg.alarm_id}  {msg.action} by {clean(msg.by, 64)}{why}"
    if isinstance(msg, PlanStarted):
        return f"{head} {msg.run.id}  plan {msg.run.plan_id} started ({len(msg.run.steps)} steps)"
    if isinstance(msg, PlanStepDone):
        return f"{head} {msg.run_id}  step {msg.step_id} {'done' if msg.done else 'undone'} by {clean(msg.by, 64)}"
    if isinstance(msg, PlanClosed):
        return f"{head} {msg.run_id}  plan closed: {clean(msg.reason)}"
    if isinstance(msg, Snapshot):
        open_cases = sum(1 for c in msg.cases if c.stage in OPEN_STAGES)
        return (
            f"snapshot at seq {msg.head}: {len(msg.cases)} cases ({open_cases} open), "
            f"{len(msg.weather)} weather warnings, {len(msg.crowd)} crowd spots, "
            f"{len(msg.sensors)} sensors, {len(msg.staff)} staff, {len(msg.alarms)} alarms, {len(msg.plans)} plans"
        )
    if isinstance(msg, CaughtUp):
        return f"caught up at seq {msg.head}; live"
    if isinstance(msg, Error):
        return f"server error: {clean(msg.message, 200)} ({msg.code})"
    return None


def format_status(status: ClientStatus) -> str:
    """A status change as one line (``reconnecting · last update 08:20 · <reason>``)."""
    parts: list[str] = [status.state]
    if status.last_update is not None and status.state != "live":
        parts.append(f"last update {_clock(status.last_update)}")
    if status.detail:
        parts.append(clean(status.detail, 200))
    return "-- " + " · ".join(parts)


async def tail(
    url: str,
    token: str,
    *,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
    names: Names | None = None,
    stop_after: int | None = None,
    reconnect_delays: Callable[[], Generator[float]] | None = None,
) -> int:
    """Follow the stream until cancelled (or ``stop_after`` events); returns events printed.

    Raises:
        AccessRefused: The server refused the token (not retried).
    """
    lookup = names or Names()
    printed = 0
    done = asyncio.Event()

    def on_message(msg: Message) -> None:
        nonlocal printed
        if _is_refusal(msg):
            return  # said once, by AccessRefused
        line = format_message(msg, lookup)
        if line is None:
            return
        print(line, file=out, flush=True)
        if msg.seq is not None:
            printed += 1
            if stop_after is not None and printed >= stop_after:
                done.set()

    previous = ["connecting"]

    def on_status(status: ClientStatus) -> None:
        was, previous[0] = previous[0], status.state
        if status.state in ("stopped", "refused") or (status.state == "live" and was != "stale"):
            return  # "caught up ... live" already says it
        print(format_status(status), file=out if status.state == "live" else err, flush=True)

    client = CaseClient(
        url,
        token,
        on_message=on_message,
        on_status=on_status,
        client_name="gridwall-tail",
        reconnect_delays=reconnect_delays,
        stop_when_refused=True,
    )
    runner = asyncio.create_task(client.run())
    stopper = asyncio.create_task(done.wait())
    try:
        await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        client.stop()
        stopper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await runner
    if client.refused is not None:
        raise AccessRefused(f"the server at {url} refused the token: {clean(client.refused, 200)}")
    return printed


def run_tail(url: str, token: str, *, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Blocking ``gridwall tail``: runs until Ctrl+C (exit status 0), or 1 when the token is refused."""
    try:
        asyncio.run(tail(url, token, out=out, err=err))
    except KeyboardInterrupt:
        pass
    except AccessRefused as exc:
        print(f"gridwall tail: {exc}", file=err, flush=True)
        return 1
    return 0
