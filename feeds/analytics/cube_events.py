"""Fold committed case events into a :class:`CaseCube`, exactly as the store applies them.

The rules are those of :class:`feeds.store.apply.EventApplier` (its
:func:`~feeds.store.apply.stage_columns` is reused): a raw record of each open
case is kept in ``cube.open``, each event updates that record like the store
updates the row, and the changed records are re-encoded in one vectorised
pass. Pass the messages *as committed* (with ``seq`` and ``ts``, e.g.
``Store.append(...)[i].message``): stage times are the event's ``ts``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from feeds.analytics import indicators as ind
from feeds.analytics.columns import RAW_COLUMNS, id_hash
from feeds.analytics.cube import CaseCube
from feeds.analytics.cube_store import upsert
from feeds.protocol import (
    CaseClosed,
    CaseCreated,
    CaseDifficultChanged,
    CaseInfo,
    CaseStageChanged,
    Message,
)
from feeds.store.apply import stage_columns

CASE_EVENTS = (CaseCreated, CaseStageChanged, CaseClosed, CaseDifficultChanged)
"""Event types that change what the cube counts (urges and notes do not)."""


def _new_record(c: CaseInfo, ts: float) -> dict[str, Any]:
    rec: dict[str, Any] = {name: None for name in RAW_COLUMNS}
    rec.update(
        id=c.id,
        kind=c.kind,
        subclass=c.subclass,
        source=c.source,
        grid=c.grid,
        community=c.community,
        subdistrict=c.subdistrict,
        department=c.department,
        reported_at=int(c.reported_at),
        handle_deadline_at=int(c.handle_deadline) if c.handle_deadline is not None else None,
        difficult=c.difficult,
        reworks=c.reworks,
    )
    _merge(rec, stage_columns(c.stage, ts, {}, on_time=True))
    return rec


def _merge(rec: dict[str, Any], values: dict[str, Any]) -> None:
    rec.update({k: v for k, v in values.items() if k in rec})


def _set_difficult_final(cube: CaseCube, case_id: str, difficult: bool) -> bool:
    """Flip the difficult bit of a closed/cancelled case (full scan by id hash)."""
    row = cube.find_by_hash(int(id_hash([case_id])[0]))
    if row is None:
        return False
    flags = int(cube.cols["flags"][row])
    cube.set_flags(row, (flags | ind.DIFFICULT) if difficult else (flags & ~ind.DIFFICULT))
    return True


def apply_events(cube: CaseCube, messages: Iterable[Message]) -> int:
    """Apply committed events to the cube; returns how many events concerned cases it could not find.

    Events for unknown cases are skipped (a later :func:`~feeds.analytics.cube_store.sync`
    brings the store's rows in). The cube's ``seq`` is not advanced: it
    tracks what was synced from the store, so a sync re-reads (and overwrites
    identically) the rows touched here.
    """
    missed = 0
    with cube.lock:
        changed: dict[str, dict[str, Any]] = {}

        def record(case_id: str) -> dict[str, Any] | None:
            if case_id in changed:
                return changed[case_id]
            entry = cube.open.get(case_id)
            if entry is None:
                return None
            changed[case_id] = dict(entry[1])
            return changed[case_id]

        for msg in messages:
            ts = msg.ts if msg.ts is not None else time.time()
            if isinstance(msg, CaseCreated):
                if msg.case.platform == "city":  # the cube holds city-management cases only
                    changed[msg.case.id] = _new_record(msg.case, ts)
                continue
            if not isinstance(msg, (CaseStageChanged, CaseClosed, CaseDifficultChanged)):
                continue
            rec = record(msg.case_id)
            if rec is None:
                if isinstance(msg, CaseDifficultChanged) and _set_difficult_final(cube, msg.case_id, msg.difficult):
                    continue
                missed += 1
                continue
            if isinstance(msg, CaseStageChanged):
                _merge(rec, stage_columns(msg.stage, ts, rec))
                if msg.stage == "handling" and msg.deadline is not None:
                    rec["handle_deadline_at"] = int(msg.deadline)
                if msg.department is not None:
                    rec["department"] = msg.department
                if msg.rework:
                    rec["reworks"] = int(rec["reworks"] or 0) + 1
            elif isinstance(msg, CaseClosed):
                _merge(rec, stage_columns("closed", ts, rec, on_time=msg.on_time))
            elif isinstance(msg, CaseDifficultChanged):
                rec["difficult"] = msg.difficult
        upsert(cube, list(changed.values()))
    return missed
