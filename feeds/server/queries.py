"""Built-in read-only queries (``query`` → ``result``); more can be added via ``ServerConfig.queries``.

Every handler runs on a worker thread with the store and the query's
``params``, and returns JSON-able data or raises :class:`ProtocolError`
naming the offending parameter.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from feeds.protocol import ProtocolError, iso
from feeds.protocol import fields as f
from feeds.protocol import vocab as v
from feeds.server.config import QueryHandler
from feeds.store import Store

EPOCH_MAX = 100_000_000_000
"""Largest epoch seconds a query's time may be (as the drill-down queries' ``1e11``): the store's integers hold it."""


def _param_text(params: dict[str, Any], name: str) -> str:
    value = params.get(name)
    if not isinstance(value, str) or not v.CASE_ID.fullmatch(value):
        raise ProtocolError("bad_field", f"field 'params.{name}' must be a case id", f"params.{name}")
    return value


def query_head(store: Store, params: dict[str, Any]) -> dict[str, Any]:
    """``{"head": <last seq>, "store_id": ...}``."""
    return {"head": store.head(), "store_id": store.store_id}


def query_kpis(store: Store, params: dict[str, Any]) -> dict[str, Any]:
    """The current KPI message body (``today``/``totals``)."""
    kpi = store.kpis()
    return {"today": kpi.today, "totals": kpi.totals}


def query_case(store: Store, params: dict[str, Any]) -> dict[str, Any]:
    """One case (``params.case_id``) with its workflow history."""
    case_id = _param_text(params, "case_id")
    found = store.case(case_id)
    if found is None:
        raise ProtocolError("not_found", f"unknown case '{case_id}'", "params.case_id")
    info, history = found
    steps = [
        {
            "at": iso(h["at"]),
            "action": h["action"],
            "deadline": iso(h["deadline_at"]),
            "actor": h["actor"] or None,
            "note": h["note"] or None,
            "seq": h["seq"],
        }
        for h in history
    ]
    return {"case": info.to_wire(), "history": steps}


def query_weather_log(store: Store, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Weather warnings issued, changed or lifted in ``[params.start, params.end)`` (epoch seconds), from the log."""
    from feeds.briefing import weather_log

    start, end = (f.req_int(params, name, "params", hi=EPOCH_MAX) for name in ("start", "end"))
    return weather_log(store.engine, start, end)


BUILTIN_QUERIES: dict[str, QueryHandler] = {
    "head": query_head,
    "kpis": query_kpis,
    "case": query_case,
    "weather_log": query_weather_log,
}


def _either_case(extra: QueryHandler) -> QueryHandler:
    def handle(store: Store, params: dict[str, Any]) -> Any:
        return query_case(store, params) if "case_id" in params else extra(store, params)

    return handle


def merge_queries(extra: Mapping[str, QueryHandler]) -> dict[str, QueryHandler]:
    """The built-in queries plus ``extra``; an extra ``case`` keeps the documented form working.

    ``case`` with ``params.case_id`` is always the built-in (``{case, history}``,
    docs/protocol.md); an extra handler of that name (the analytics detail, which
    takes ``params.id``) answers every other form.
    """
    merged = {**BUILTIN_QUERIES, **extra}
    if "case" in extra:
        merged["case"] = _either_case(extra["case"])
    return merged
