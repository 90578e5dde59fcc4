"""The ``response`` query: the 全响应 platform's three rates, counts, rankings and 同比/环比 (plain SQL).

The rates (``docs/indicators.md``), over the requests reported in the period
(``platform = 'response'``), deadlines judged at ``as_of``:

* 响应率 response rate = responded in time / due a response, where *due a response*
  means dispatched and either responded or past the response deadline, and *in
  time* means ``responded_at <= response_deadline_at``;
* 解决率 resolution rate = evaluated and resolved / evaluated (``case.evaluated``; the
  latest evaluation counts);
* 满意率 satisfaction rate = evaluated as satisfied or basically satisfied / evaluated.

Requests answered on the line (closed, never dispatched) count in ``reported`` and
``answered`` and in no rate. Rankings are by subdistrict and by department.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Engine, and_, case, func, literal, select

from feeds.analytics.naming import Names
from feeds.analytics.params import Params
from feeds.analytics.periods import Period, previous, year_ago
from feeds.analytics.selection import Selection
from feeds.protocol import iso
from feeds.store.schema import cases

COUNTS = (
    "reported",
    "answered",
    "dispatched",
    "due_response",
    "responded_in_time",
    "evaluated",
    "resolved",
    "satisfied",
    "reopened",
    "open",
    "overdue",
)
"""Integer counters of a group, in this order."""
RATES = ("response_rate", "resolution_rate", "satisfaction_rate")
RATE_LABELS = {
    "response_rate": ("响应率", "response rate"),
    "resolution_rate": ("解决率", "resolution rate"),
    "satisfaction_rate": ("满意率", "satisfaction rate"),
}
RANK_BY = ("subdistrict", "department")
_UNIT = {9: cases.c.subdistrict, 12: cases.c.community, 15: cases.c.grid}


def _count(cond: ColumnElement[bool]) -> Any:
    return func.sum(case((cond, 1), else_=0))


def _counters(as_of: int) -> list[Any]:
    c = cases.c
    dispatched = c.dispatched_at.is_not(None)
    evaluated = c.satisfaction.is_not(None)
    open_ = c.stage.not_in(("closed", "cancelled"))
    return [
        func.count(),
        _count(and_(c.closed_at.is_not(None), c.dispatched_at.is_(None))),
        _count(dispatched),
        _count(and_(dispatched, (c.responded_at.is_not(None)) | (c.response_deadline_at < as_of))),
        _count(and_(c.responded_at.is_not(None), c.responded_at <= c.response_deadline_at)),
        _count(evaluated),
        _count(and_(evaluated, c.resolved.is_(True))),
        _count(c.satisfaction.in_(("satisfied", "basically_satisfied"))),
        _count(c.reworks > 0),
        _count(open_),
        _count(and_(open_, dispatched, c.handle_deadline_at < as_of)),
    ]


def derive(counts: dict[str, int]) -> dict[str, Any]:
    """The three rates (fractions, ``None`` when nothing is due) beside the counters."""

    def ratio(a: str, b: str) -> float | None:
        return counts[a] / counts[b] if counts[b] else None

    return {
        **counts,
        "response_rate": ratio("responded_in_time", "due_response"),
        "resolution_rate": ratio("resolved", "evaluated"),
        "satisfaction_rate": ratio("satisfied", "evaluated"),
    }


def response_counts(engine: Engine, sel: Selection, by: str | None = None) -> dict[str, dict[str, int]]:
    """Counters of the selection's requests, per ``by`` value (``""`` for the total without ``by``)."""
    c = cases.c
    conds = [c.platform == "response", c.reported_at >= sel.start, c.reported_at < sel.end]
    if len(sel.unit) in _UNIT:
        conds.append(_UNIT[len(sel.unit)] == sel.unit)
    key = c[by] if by else literal("")
    query = select(key, *_counters(sel.as_of)).where(and_(*conds)).group_by(key)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return {str(r[0]): dict(zip(COUNTS, (int(x or 0) for x in r[1:]), strict=True)) for r in rows}


def _figures(engine: Engine, sel: Selection) -> dict[str, Any]:
    total = response_counts(engine, sel).get("", dict.fromkeys(COUNTS, 0))
    return derive(total)


def _change(current: dict[str, Any], before: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name in (*RATES, "reported"):
        cur, old = current.get(name), before.get(name)
        delta = cur - old if cur is not None and old is not None else None
        out[name] = {"before": old, "delta": delta, "ratio": delta / old if delta is not None and old else None}
    return out


def _compare(engine: Engine, sel: Selection, period: Period, current: dict[str, Any]) -> dict[str, Any]:
    before = _figures(engine, sel.with_period(period))
    return {"period": period.to_wire(), "figures": before, "change": _change(current, before)}


def response_query(engine: Engine, names: Names, p: Params) -> dict[str, Any]:
    """The ``response`` query: figures of a unit and period, 同比/环比, rankings by subdistrict and department.

    Parameters: ``unit``, ``range``/``start``/``end``, ``as_of`` (as every query), ``top``
    (rows of each ranking, default 15).
    """
    top = p.integer("top", 15, 1, 500)
    sel, period = p.selection("30d")
    p.finish()
    mine = _figures(engine, sel)
    rankings: dict[str, list[dict[str, Any]]] = {}
    for by in RANK_BY:
        rows = response_counts(engine, sel, by)
        entries = []
        for code, counts in rows.items():
            info = names.department(code) if by == "department" else names.unit(code)
            entries.append({**info, **derive(counts)})
        # ranked by satisfaction, then resolution, then response (best first); groups without evaluations last
        entries.sort(key=lambda e: (*(-(e[r] if e[r] is not None else -1) for r in reversed(RATES)), e["code"]))
        rankings[by] = entries[:top]
    return {
        "unit": names.unit(sel.unit),
        "period": period.to_wire(),
        "as_of": iso(sel.as_of),
        "figures": mine,
        "yoy": _compare(engine, sel, year_ago(period), mine),
        "pop": _compare(engine, sel, previous(period), mine),
        "rankings": rankings,
    }


WINDOW_S = 30 * 86_400
"""The wall's 全响应 rates are over the requests of the last 30 days (evaluations take days)."""


def window_rates(engine: Engine, now: int, window_s: int = WINDOW_S) -> dict[str, float]:
    """The three rates over the requests reported in ``[now - window_s, now]`` (undefined ones left out)."""
    sel = Selection("110102", now - window_s, now + 1, now)
    figures = _figures(engine, sel)
    return {k: round(float(figures[k]), 4) for k in RATES if figures[k] is not None}
