"""Alarm and linkage-plan events applied to ``alarms``, ``alarm_log`` and ``plan_runs``.

Runs inside the append transaction like :mod:`feeds.store.apply`: a transition the
lifecycle does not allow (acknowledging a cleared alarm, shelving a shelved one, ticking a
step of a closed plan) raises ``conflict`` and rolls the batch back.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from sqlalchemy import Connection, insert, or_, select, update

from feeds.protocol import (
    AlarmChanged,
    AlarmInfo,
    AlarmRaised,
    Message,
    PlanClosed,
    PlanRun,
    PlanStarted,
    PlanStepDone,
    ProtocolError,
    check_change,
)
from feeds.store.schema import alarm_log, alarms, operator_presence, plan_runs

ALARM_EVENTS = (AlarmRaised, AlarmChanged, PlanStarted, PlanStepDone, PlanClosed)


def alarm_from_row(row: Any) -> AlarmInfo:
    """An ``alarms`` row as the wire's :class:`AlarmInfo` (raised record plus current state)."""
    return replace(
        AlarmInfo.from_wire(json.loads(row["record"])),
        acked_at=_f(row["acked_at"]),
        acked_by=row["acked_by"] or "",
        shelved_until=_f(row["shelved_until"]),
        shelved_by=row["shelved_by"] or "",
        shelve_reason=row["shelve_reason"] or "",
        cleared_at=_f(row["cleared_at"]),
    )


def _f(value: Any) -> float | None:
    return float(value) if value is not None else None


def _i(value: float | None) -> int | None:
    return int(value) if value is not None else None


def read_alarm(conn: Connection, alarm_id: str) -> AlarmInfo | None:
    """One alarm with its current state, or ``None``."""
    row = conn.execute(select(alarms).where(alarms.c.id == alarm_id)).mappings().first()
    return alarm_from_row(row) if row is not None else None


def open_alarms(conn: Connection) -> list[AlarmInfo]:
    """Every alarm not cleared, oldest first."""
    rows = conn.execute(select(alarms).where(alarms.c.cleared_at.is_(None)).order_by(alarms.c.raised_at, alarms.c.id))
    return [alarm_from_row(r) for r in rows.mappings()]


def read_run(conn: Connection, run_id: str) -> PlanRun | None:
    """One linkage-plan run, or ``None``."""
    record = conn.execute(select(plan_runs.c.record).where(plan_runs.c.id == run_id)).scalar()
    return PlanRun.from_wire(json.loads(record)) if record is not None else None


def open_runs(conn: Connection) -> list[PlanRun]:
    """Linkage plans still running, oldest first."""
    query = select(plan_runs.c.record).where(plan_runs.c.closed_at.is_(None)).order_by(plan_runs.c.started_at)
    return [PlanRun.from_wire(json.loads(r)) for r in conn.execute(query).scalars()]


def runs_between(conn: Connection, start: float, end: float) -> list[PlanRun]:
    """Linkage plans started before ``end`` and not closed before ``start`` (oldest first)."""
    query = (
        select(plan_runs.c.record)
        .where(
            plan_runs.c.started_at < int(end),
            or_(plan_runs.c.closed_at.is_(None), plan_runs.c.closed_at >= int(start)),
        )
        .order_by(plan_runs.c.started_at)
    )
    return [PlanRun.from_wire(json.loads(r)) for r in conn.execute(query).scalars()]


class AlarmApplier:
    """Checks and applies alarm and plan events (one append transaction).

    Args:
        conn: Connection inside the append transaction.
    """

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def apply(self, msg: Message, seq: int, ts: float) -> None:
        """Apply one of :data:`ALARM_EVENTS`."""
        if isinstance(msg, AlarmRaised):
            self._raised(msg.alarm, seq, ts)
        elif isinstance(msg, AlarmChanged):
            self._changed(msg, seq, ts)
        elif isinstance(msg, PlanStarted):
            self._started(msg.run, seq)
        elif isinstance(msg, PlanStepDone):
            self._step(msg, seq, ts)
        elif isinstance(msg, PlanClosed):
            self._closed(msg, seq, ts)

    def _raised(self, alarm: AlarmInfo, seq: int, ts: float) -> None:
        if self._conn.execute(select(alarms.c.id).where(alarms.c.id == alarm.id)).first() is not None:
            raise ProtocolError("conflict", f"alarm '{alarm.id}' already exists", "alarm.id")
        if alarm.state != "active":
            raise ProtocolError("bad_field", "a new alarm starts active (unacknowledged)", "alarm.state")
        self._conn.execute(
            insert(alarms).values(
                id=alarm.id,
                kind=alarm.kind,
                source=alarm.source,
                priority=alarm.priority,
                raised_at=int(alarm.raised_at),
                acked_by="",
                shelved_by="",
                shelve_reason="",
                record=json.dumps(alarm.to_wire(), ensure_ascii=False),
                updated_seq=seq,
            )
        )
        self._log(alarm.id, ts, "raise", "", "", seq)

    def _changed(self, change: AlarmChanged, seq: int, ts: float) -> None:
        alarm = read_alarm(self._conn, change.alarm_id)
        if alarm is None:
            raise ProtocolError("not_found", f"unknown alarm '{change.alarm_id}'", "alarm_id")
        why = check_change(alarm, change)
        if why is not None:
            raise ProtocolError("conflict", why, "alarm_id")
        after = alarm.changed(change, ts)
        self._conn.execute(
            update(alarms)
            .where(alarms.c.id == alarm.id)
            .values(
                acked_at=_i(after.acked_at),
                acked_by=after.acked_by,
                shelved_until=_i(after.shelved_until),
                shelved_by=after.shelved_by,
                shelve_reason=after.shelve_reason,
                cleared_at=_i(after.cleared_at),
                updated_seq=seq,
            )
        )
        self._log(alarm.id, ts, change.action, change.by, change.reason, seq)

    def _log(self, alarm_id: str, ts: float, action: str, actor: str, note: str, seq: int) -> None:
        self._conn.execute(
            insert(alarm_log).values(alarm_id=alarm_id, at=int(ts), action=action, actor=actor, note=note, seq=seq)
        )

    def _started(self, run: PlanRun, seq: int) -> None:
        if self._conn.execute(select(plan_runs.c.id).where(plan_runs.c.id == run.id)).first() is not None:
            raise ProtocolError("conflict", f"plan run '{run.id}' already exists", "run.id")
        self._conn.execute(
            insert(plan_runs).values(
                id=run.id,
                plan_id=run.plan_id,
                alert_id=run.alert_id,
                started_at=int(run.started_at),
                record=json.dumps(run.to_wire(), ensure_ascii=False),
                updated_seq=seq,
            )
        )

    def _open_run(self, run_id: str) -> PlanRun:
        run = read_run(self._conn, run_id)
        if run is None:
            raise ProtocolError("not_found", f"unknown plan run '{run_id}'", "run_id")
        if run.closed_at is not None:
            raise ProtocolError("conflict", f"plan run '{run_id}' is closed", "run_id")
        return run

    def _step(self, msg: PlanStepDone, seq: int, ts: float) -> None:
        run = self._open_run(msg.run_id)
        if not any(s.id == msg.step_id for s in run.steps):
            raise ProtocolError("not_found", f"plan run '{run.id}' has no step '{msg.step_id}'", "step_id")
        self._store_run(run.ticked(msg, ts), seq)

    def _closed(self, msg: PlanClosed, seq: int, ts: float) -> None:
        run = self._open_run(msg.run_id)
        self._store_run(replace(run, closed_at=ts, close_reason=msg.reason), seq)

    def _store_run(self, run: PlanRun, seq: int) -> None:
        self._conn.execute(
            update(plan_runs)
            .where(plan_runs.c.id == run.id)
            .values(closed_at=_i(run.closed_at), record=json.dumps(run.to_wire(), ensure_ascii=False), updated_seq=seq)
        )


PRESENCE_WINDOW_S = 600
"""``operator_presence`` windows: 10 minutes, aligned to the epoch (so to the clock's 10 minutes)."""


def record_presence(conn: Connection, operators: set[str], now: float) -> int:
    """Note that ``operators`` are connected in the 10-minute window holding ``now``; returns rows added.

    Idempotent: an operator already noted in that window (by this or another server on
    the same store) is left alone.
    """
    if not operators:
        return 0
    window = int(now) // PRESENCE_WINDOW_S * PRESENCE_WINDOW_S
    names = sorted(name[:64] for name in operators)
    have = set(
        conn.execute(
            select(operator_presence.c.operator).where(
                operator_presence.c.window_start == window, operator_presence.c.operator.in_(names)
            )
        ).scalars()
    )
    new = [{"operator": name, "window_start": window} for name in names if name not in have]
    if new:
        conn.execute(insert(operator_presence), new)
    return len(new)


def presence_by_window(conn: Connection, start: float, end: float) -> dict[int, set[str]]:
    """Operators per 10-minute window overlapping ``[start, end)``: connected, or acting on an alarm then."""
    first = int(start) // PRESENCE_WINDOW_S * PRESENCE_WINDOW_S
    out: dict[int, set[str]] = {}
    rows = conn.execute(
        select(operator_presence.c.window_start, operator_presence.c.operator).where(
            operator_presence.c.window_start >= first, operator_presence.c.window_start < int(end)
        )
    )
    for window, name in rows:
        out.setdefault(int(window), set()).add(name)
    acts = conn.execute(
        select(alarm_log.c.at, alarm_log.c.actor).where(
            alarm_log.c.action.in_(("ack", "shelve", "unshelve")),
            alarm_log.c.actor.not_in(("", "system")),
            alarm_log.c.at >= first,
            alarm_log.c.at < int(end),
        )
    )
    for at, name in acts:
        out.setdefault(int(at) // PRESENCE_WINDOW_S * PRESENCE_WINDOW_S, set()).add(name)
    return out
