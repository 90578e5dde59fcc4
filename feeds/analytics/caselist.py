"""The ``cases`` (a page of the case list) and ``case`` (one case in detail) queries, straight from SQL.

Citizen-written ``description`` and ``address`` are returned as plain data:
whoever displays them must escape them (``Qt.PlainText``, HTML escaping).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, and_, case, select

from feeds.analytics.naming import Names
from feeds.analytics.params import Params
from feeds.analytics.reference import overdue_expr, where_clause
from feeds.protocol import ProtocolError, iso
from feeds.protocol import vocab as v
from feeds.protocol.answers import CASE_TIMES
from feeds.store.schema import case_history, cases
from feeds.store.search import COUNT_LIMIT, count_matches, frequent, store_has_index, text_condition

SORTS = {
    "reported_at": cases.c.reported_at,
    "handle_deadline_at": cases.c.handle_deadline_at,
    "deadline_at": cases.c.deadline_at,
    "stage": cases.c.stage,
    "subclass": cases.c.subclass,
    "urges": cases.c.urges,
}
_LIST_COLUMNS = (
    cases.c.id,
    cases.c.kind,
    cases.c.subclass,
    cases.c.source,
    cases.c.grid,
    cases.c.department,
    cases.c.stage,
    cases.c.reported_at,
    cases.c.deadline_at,
    cases.c.handle_deadline_at,
    cases.c.difficult,
    cases.c.urges,
    cases.c.reworks,
    cases.c.address,
    cases.c.description,
)
_TIME_COLUMNS = frozenset(CASE_TIMES)
_STAGE_TIMES = (  # (stage whose deadline is judged, started at, reached at, taxonomy key)
    ("filed", "reported_at", "filed_at", "filed"),
    ("dispatched", "filed_at", "dispatched_at", "dispatched"),
    ("handling", "dispatched_at", "handled_at", "handling"),
    ("verifying", "handled_at", "closed_at", "verifying"),
)


def case_list(engine: Engine, names: Names, p: Params) -> dict[str, Any]:
    """One page of cases of a selection, optionally searched, with the count of matching cases.

    ``total`` counts them up to ``count_limit`` (default :data:`~feeds.store.search.COUNT_LIMIT`,
    at least the end of this page); ``total_exact`` is false when more match than ``total``.
    """
    q = p.text("q", None, max_len=100)
    sort = p.text("sort", "reported_at", choices=frozenset(SORTS))
    order = p.text("order", "desc", choices=frozenset({"asc", "desc"}))
    offset = p.integer("offset", 0, 0, 1_000_000)
    limit = p.integer("limit", 50, 1, 500)
    count_limit = p.integer("count_limit", COUNT_LIMIT, 1, 100_000_000)
    sel, period = p.selection()
    p.finish()
    cond = where_clause(sel)
    page_cond = cond
    key = SORTS[str(sort)]
    ordering = [key.desc() if order == "desc" else key.asc(), cases.c.id.desc() if order == "desc" else cases.c.id]
    overdue = case((overdue_expr(sel.as_of), True), else_=False).label("overdue")
    with engine.connect() as conn:
        indexed = False
        if q and q.strip():  # the text index where the store has one (feeds.store.search)
            indexed = store_has_index(engine)
            by_time = indexed and sort == "reported_at" and frequent(conn, q)
            page_cond = and_(page_cond, text_condition(engine.dialect.name, q, indexed, by_time=by_time))
        query = select(*_LIST_COLUMNS, overdue).where(page_cond).order_by(*ordering).offset(offset).limit(limit)
        # counted up to the limit (never fewer than this page's end): a common text costs what a rare one does
        total, exact = count_matches(conn, cond, q, indexed, max(count_limit, offset + limit))
        rows = [dict(r) for r in conn.execute(query).mappings()]
    for r in rows:
        for k in ("reported_at", "deadline_at", "handle_deadline_at"):
            r[k] = iso(r[k])
        r["difficult"], r["overdue"] = bool(r["difficult"]), bool(r["overdue"])
        r["subclass_name"] = names.subclass(r["subclass"])
    return {
        "unit": names.unit(sel.unit),
        "period": period.to_wire(),
        "filters": sel.filters.to_wire(),
        "q": q,
        "sort": sort,
        "order": order,
        "offset": offset,
        "limit": limit,
        "total": total,
        "total_exact": exact,
        "rows": rows,
    }


def _stages(row: dict[str, Any], names: Names, now: int) -> list[dict[str, Any]]:
    """Each stage's deadline (taxonomy hours; the recorded 处置时限 for handling) and its margin."""
    info = names.subclass_info(str(row["subclass"]))
    out = []
    for stage, start_col, end_col, key in _STAGE_TIMES:
        start, reached = row[start_col], row[end_col]
        allowed_h = float(getattr(info.deadlines_h, key)) if info else None
        deadline = None
        if stage == "handling" and row["handle_deadline_at"] is not None:
            deadline = int(row["handle_deadline_at"])
        elif start is not None and allowed_h is not None:
            deadline = int(start + allowed_h * 3600)
        if deadline is None:
            status = "unknown" if start is not None else "not_started"
        elif reached is not None:
            status = "on_time" if reached <= deadline else "late"
        elif row["stage"] in ("closed", "cancelled"):
            status = "skipped"
        else:
            status = "overdue" if now > deadline else "pending"
        out.append(
            {
                "stage": stage,
                "started_at": iso(start),
                "reached_at": iso(reached),
                "deadline_at": iso(deadline),
                "allowed_h": allowed_h,
                "used_h": (reached - start) / 3600 if reached is not None and start is not None else None,
                "margin_s": deadline - (reached if reached is not None else now) if deadline is not None else None,
                "status": status,
            }
        )
    return out


def case_detail(engine: Engine, names: Names, p: Params) -> dict[str, Any]:
    """Every column of one case, its history rows and its stage deadlines (early > 0, late < 0)."""
    case_id = p.text("id", None, pattern=v.CASE_ID, max_len=40)
    now = p.as_of()
    p.finish()
    if case_id is None:
        raise ProtocolError("bad_field", "missing field 'params.id'", "params.id")
    with engine.connect() as conn:
        row = conn.execute(select(cases).where(cases.c.id == case_id)).mappings().first()
        if row is None:
            raise ProtocolError("not_found", f"unknown case '{case_id}'", "params.id")
        hist = conn.execute(
            select(case_history).where(case_history.c.case_id == case_id).order_by(case_history.c.at, case_history.c.id)
        ).mappings()
        history = [{**dict(h), "at_iso": iso(h["at"]), "deadline_iso": iso(h["deadline_at"])} for h in hist]
    data = dict(row)
    out = {k: (iso(val) if k in _TIME_COLUMNS else val) for k, val in data.items()}
    out.update({f"{k}_s": data[k] for k in _TIME_COLUMNS})
    out["difficult"] = bool(data["difficult"])
    out["on_time"] = None if data["on_time"] is None else bool(data["on_time"])
    out["resolved"] = None if data.get("resolved") is None else bool(data["resolved"])
    out["overdue"] = bool(
        data["stage"] in ("reported", "filed", "dispatched", "handling")
        and data["handle_deadline_at"] is not None
        and data["handle_deadline_at"] < now
    )
    return {
        "case": out,
        "subclass": names.subclass(str(data["subclass"])),
        "department": names.department(str(data["department"])),
        "source": names.source(str(data["source"])),
        "units": [names.unit(str(data[k])) for k in ("subdistrict", "community", "grid")],
        "history": history,
        "stages": _stages(data, names, now),
        "as_of": iso(now),
    }
