"""Read-only queries about alarms, urging and linkage plans (registered by ``server_config``).

``alarms`` (the workstation's list and one alarm's history), ``alarm_metrics`` (the
drill-down's alarm performance), ``urge_ranking`` (departments by urges and overdue time)
and ``plan_runs`` (linkage plans of a period, for the daily briefing). Each runs on a
worker thread with the store and the query's ``params``; see ``docs/alarms.md``.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from sqlalchemy import and_, case, func, or_, select

from feeds.alarms.config import AlarmConfig
from feeds.alarms.engine import AUTO_ACTOR, UNHANDLED
from feeds.alarms.metrics import BENCHMARKS, TEN_MIN, flood_figures, operator_figures, percentile
from feeds.protocol import ALARM_KINDS, PRIORITIES, ProtocolError, iso
from feeds.protocol import fields as f
from feeds.store import Store
from feeds.store.alarm_state import alarm_from_row, presence_by_window, runs_between
from feeds.store.schema import alarm_log, alarms, case_history, cases

Handler = Callable[[Store, dict[str, Any]], Any]
MAX_ROWS = 2000


def _period(params: dict[str, Any], default_h: float = 24.0) -> tuple[float, float]:
    """``[until - hours, until)`` from ``params.hours`` (1 … 8760) and ``params.until`` (default now)."""
    until = f.timestamp(params, "until", "params", required=False) or time.time()
    hours = f.number(params, "hours", "params", required=False, lo=0.1, hi=8760) or default_h
    return until - hours * 3600, until


def _choice(params: dict[str, Any], name: str, choices: frozenset[str]) -> str | None:
    return f.text(params, name, "params", required=False, choices=choices)


def query_alarms(store: Store, params: dict[str, Any]) -> dict[str, Any]:
    """Alarms (newest first) by ``state`` (``open``: not cleared, the default; ``all``), ``kind``,
    ``priority`` and period; with ``alarm_id``: that alarm and its history."""
    alarm_id = f.text(params, "alarm_id", "params", required=False, max_len=100)
    with store.engine.connect() as conn:
        if alarm_id is not None:
            row = conn.execute(select(alarms).where(alarms.c.id == alarm_id)).mappings().first()
            if row is None:
                raise ProtocolError("not_found", f"unknown alarm '{alarm_id}'", "params.alarm_id")
            log = conn.execute(
                select(alarm_log.c.at, alarm_log.c.action, alarm_log.c.actor, alarm_log.c.note, alarm_log.c.seq)
                .where(alarm_log.c.alarm_id == alarm_id)
                .order_by(alarm_log.c.at, alarm_log.c.id)
            ).mappings()
            history = [
                {"at": iso(h["at"]), "action": h["action"], "by": h["actor"] or None, "note": h["note"] or None}
                for h in log
            ]
            return {"alarm": alarm_from_row(row).to_wire(), "history": history}
        state = _choice(params, "state", frozenset({"open", "all"})) or "open"
        kind = _choice(params, "kind", ALARM_KINDS)
        priority = _choice(params, "priority", frozenset(PRIORITIES))
        query = select(alarms).order_by(alarms.c.raised_at.desc(), alarms.c.id).limit(MAX_ROWS)
        if state == "open":
            query = query.where(alarms.c.cleared_at.is_(None))
        else:
            start, end = _period(params)
            query = query.where(alarms.c.raised_at >= int(start), alarms.c.raised_at < int(end))
        if kind is not None:
            query = query.where(alarms.c.kind == kind)
        if priority is not None:
            query = query.where(alarms.c.priority == priority)
        rows = [alarm_from_row(r).to_wire() for r in conn.execute(query).mappings()]
    return {"alarms": rows, "limit": MAX_ROWS}


def alarm_metrics(store: Store, config: AlarmConfig, params: dict[str, Any]) -> dict[str, Any]:
    """ISA-18.2 / EEMUA 191 figures for the period (see :data:`feeds.alarms.metrics.BENCHMARKS`)."""
    start, end = _period(params)
    fixed = f.integer(params, "operators", "params", required=False, lo=1, hi=100)
    with store.engine.connect() as conn:
        present = presence_by_window(conn, start, end) if fixed is None else {}
        raised = conn.execute(
            select(alarms.c.raised_at, alarms.c.priority, alarms.c.acked_at, alarms.c.kind, alarms.c.source).where(
                alarms.c.raised_at >= int(start), alarms.c.raised_at < int(end)
            )
        ).all()
        standing = conn.execute(
            select(alarms.c.raised_at, alarms.c.shelved_until).where(
                alarms.c.raised_at < int(end), or_(alarms.c.cleared_at.is_(None), alarms.c.cleared_at >= int(end))
            )
        ).all()
        acks = conn.execute(
            select(alarm_log.c.actor, func.count())
            .where(alarm_log.c.action == "ack", alarm_log.c.at >= int(start), alarm_log.c.at < int(end))
            .group_by(alarm_log.c.actor)
        ).all()
    times = [float(r.raised_at) for r in raised]
    flood = flood_figures(times, count=config.flood_count, window_s=config.flood_window_s)
    delays = [float(r.acked_at - r.raised_at) for r in raised if r.acked_at is not None]
    by_priority = Counter(r.priority for r in raised)
    sources = Counter(f"{r.kind}:{r.source}" for r in raised)
    tens = max((end - start) / TEN_MIN, 1e-9)
    total = len(raised)
    crew = operator_figures(times, start, end, present, int(fixed or config.operators), fixed is not None)
    return {
        "start": iso(start),
        "end": iso(end),
        "raised": total,
        "per_10min": total / tens,
        **crew,
        "peak_10min": flood.peak_10min,
        "floods": flood.floods,
        "flood_s": flood.flood_s,
        "flood_share": flood.flood_s / (end - start),
        "acked": len(delays),
        "ack_median_s": percentile(delays, 0.5),
        "ack_p90_s": percentile(delays, 0.9),
        "unacked": total - len(delays),
        "standing": len(standing),
        "stale": sum(1 for r in standing if end - float(r.raised_at) > config.stale_s),
        "shelved": sum(1 for r in standing if r.shelved_until is not None),
        "priority_share": {p: (by_priority[p] / total if total else None) for p in PRIORITIES},
        "by_kind": dict(Counter(r.kind for r in raised)),
        "top_sources": [{"source": s, "count": n} for s, n in sources.most_common(5)],
        "acks_by": {actor or "?": int(n) for actor, n in acks},
        "benchmarks": BENCHMARKS,
        "flood_rule": {"count": config.flood_count, "window_s": config.flood_window_s},
        "stale_s": config.stale_s,
    }


def urge_ranking(store: Store, params: dict[str, Any]) -> dict[str, Any]:
    """Departments ranked by urges (催办, manual and automatic) in the period and by overdue time now.

    Overdue time: for each dispatched/handling case whose deadline passed within the period,
    the time since its deadline (at the period's end), summed per department.
    """
    start, end = _period(params, default_h=24 * 7)
    with store.engine.connect() as conn:
        urges = conn.execute(
            select(
                cases.c.department,
                func.count(),
                func.sum(case((case_history.c.actor == AUTO_ACTOR, 1), else_=0)),
            )
            .select_from(case_history.join(cases, cases.c.id == case_history.c.case_id))
            .where(case_history.c.action == "urge", case_history.c.at >= int(start), case_history.c.at < int(end))
            .group_by(cases.c.department)
        ).all()
        overdue = conn.execute(
            select(cases.c.department, func.count(), func.sum(int(end) - cases.c.deadline_at))
            .where(
                cases.c.stage.in_(UNHANDLED),
                and_(cases.c.deadline_at >= int(start), cases.c.deadline_at < int(end)),
            )
            .group_by(cases.c.department)
        ).all()
    rows: dict[str, dict[str, Any]] = {}
    for dept, n, auto in urges:
        rows.setdefault(dept, _dept_row(dept)).update(urges=int(n), auto_urges=int(auto or 0))
    for dept, n, seconds in overdue:
        rows.setdefault(dept, _dept_row(dept)).update(overdue=int(n), overdue_h=round(float(seconds or 0) / 3600, 2))
    ranked = sorted(rows.values(), key=lambda r: (-r["urges"], -r["overdue_h"], r["department"]))
    return {"start": iso(start), "end": iso(end), "departments": ranked}


def _dept_row(dept: str) -> dict[str, Any]:
    return {"department": dept, "urges": 0, "auto_urges": 0, "overdue": 0, "overdue_h": 0.0}


def query_plan_runs(store: Store, params: dict[str, Any]) -> dict[str, Any]:
    """Linkage plans started in the period, or still running (the record for the daily briefing)."""
    start, end = _period(params)
    with store.engine.connect() as conn:
        runs = [run.to_wire() for run in runs_between(conn, start, end)]
    return {"start": iso(start), "end": iso(end), "runs": runs}


def alarm_queries(config: AlarmConfig) -> dict[str, Handler]:
    """The alarm queries by name, for ``ServerConfig.queries``."""
    return {
        "alarms": query_alarms,
        "alarm_metrics": lambda store, params: alarm_metrics(store, config, params),
        "urge_ranking": urge_ranking,
        "plan_runs": query_plan_runs,
    }
