"""Escalations that happened before the cut of a seeded history, recorded as history.

A seeded store holds cases as they stood at the cut (``end``): some of them passed their
deadline during the last day while still dispatched or handling. In a centre that ran
through that day the alarm engine would already have raised their due-soon alarms, urged
the late ones (催办) and raised their overdue alarms, and the duty officer would have
acknowledged them. Without a record of that, the engine's first scan after the start
escalates the whole backlog at once: a flood of 26-38 "new" alarms on a fresh demo that
no real room would see.

:func:`past_escalations` writes what the engine would have done, at the times it would
have done it: the same alarm ids (so the engine knows them and raises nothing twice), the
urge in the case's history at ``deadline + urge_delay``, due-soon alarms cleared when their
deadline passed, and an acknowledgement by :data:`SEEDED_OPERATOR` a few minutes after
each raise (none for a raise so recent that the acknowledgement would fall after the cut).
Only cases still dispatched or handling at the cut are covered: for a case that moved on,
the seeded history does not say when it left its stage.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

from sqlalchemy import and_, select

from feeds.alarms.config import AlarmConfig
from feeds.alarms.engine import (
    AUTO_ACTOR,
    CASE_COLS,
    SYSTEM_ACTOR,
    UNHANDLED,
    CaseRow,
    case_alarm,
    case_row,
    department_names,
    urge_note,
)
from feeds.protocol import AlarmChanged, AlarmInfo, AlarmRaised, CaseUrged, Message
from feeds.protocol.vocab import SEEDED_OPERATOR
from feeds.store import Store
from feeds.store.schema import alarms, cases

ACK_DELAY_S = (60, 480)
"""Seeded acknowledgements come this many seconds after the raise (spread by case id)."""
BATCH = 400


def _ack_delay(case_id: str) -> int:
    lo, hi = ACK_DELAY_S
    return lo + zlib.crc32(case_id.encode()) % (hi - lo)


def _ack(alarm: AlarmInfo, end: float) -> list[Message]:
    at = alarm.raised_at + _ack_delay(alarm.source)
    return [AlarmChanged(alarm.id, "ack", SEEDED_OPERATOR, ts=at)] if at <= end else []


def escalation_events(
    config: AlarmConfig, case: CaseRow, end: float, department: tuple[str, str] | None = None
) -> list[tuple[float, Message]]:
    """What the engine would have appended for ``case`` (still unhandled at ``end``) before ``end``, timed
    (``department``: the names of the case's department, for the auto-urge's note)."""
    deadline = case.deadline
    if deadline is None:
        return []
    out: list[tuple[float, Message]] = []
    soon = config.priority_of("due_soon")
    if soon is not None and deadline - config.lead_s <= end:
        alarm = case_alarm("due_soon", case, soon, deadline - config.lead_s)
        out.append((alarm.raised_at, AlarmRaised(alarm, ts=alarm.raised_at)))
        out += [(m.ts or 0.0, m) for m in _ack(alarm, min(end, deadline))]
        if deadline <= end:
            out.append((deadline, AlarmChanged(alarm.id, "clear", SYSTEM_ACTOR, reason="deadline passed", ts=deadline)))
    late = config.priority_of("overdue")
    at = deadline + config.urge_delay_s
    if late is not None and at <= end:
        alarm = case_alarm("overdue", case, late, at)
        note = urge_note(int(config.urge_delay_s // 60), department)
        out.append((at, CaseUrged(case.id, AUTO_ACTOR, note, ts=at)))
        out.append((at, AlarmRaised(alarm, ts=at)))
        out += [(m.ts or 0.0, m) for m in _ack(alarm, end)]
    return out


def _backlog(store: Store, config: AlarmConfig, end: float) -> list[CaseRow]:
    """Unhandled cases whose deadline the engine would have acted on before ``end``."""
    query = (
        select(*CASE_COLS)
        .where(
            cases.c.stage.in_(UNHANDLED),
            and_(cases.c.deadline_at >= int(end - config.window_s), cases.c.deadline_at <= int(end + config.lead_s)),
        )
        .order_by(cases.c.deadline_at, cases.c.id)
    )
    with store.engine.connect() as conn:
        found = [case_row(r) for r in conn.execute(query)]
        known = set(conn.execute(select(alarms.c.source).where(alarms.c.kind.in_(("due_soon", "overdue")))).scalars())
    return [c for c in found if c.id not in known]


def _batches(events: list[tuple[float, Message]]) -> Iterator[list[Message]]:
    ordered = [m for _, m in sorted(events, key=lambda e: e[0])]
    for i in range(0, len(ordered), BATCH):
        yield ordered[i : i + BATCH]


def past_escalations(store: Store, config: AlarmConfig, end: float) -> tuple[int, int]:
    """Record the escalations of the seeded backlog that fell before ``end``; returns (alarms raised, urges).

    Events are appended in time order (their ``ts`` in the past), a batch per transaction.
    Cases that already have a case alarm are left alone, so running it twice adds nothing.
    """
    events: list[tuple[float, Message]] = []
    backlog = _backlog(store, config, end)
    with store.engine.connect() as conn:
        names = department_names(conn, (c.department for c in backlog))
    for case in backlog:
        events += escalation_events(config, case, end, names.get(case.department))
    for batch in _batches(events):
        store.append(batch)
    raised = sum(1 for _, m in events if isinstance(m, AlarmRaised))
    return raised, sum(1 for _, m in events if isinstance(m, CaseUrged))
