"""Case-server queries of the supervision view (registered by ``gridwall server`` and ``demo``).

| name | params | answer |
|---|---|---|
| ``components`` | — | the inventory as columns (``codes``, ``subclass``, ``lon``, ``lat``, ``state``) |
| ``component`` | ``code`` or ``case_id`` | ``{component, history}`` (``component`` null when none is linked) |
| ``supervisors`` | ``range`` (+ ``start``/``end``), ``by`` | every supervisor's figures, ranked |
| ``supervisor`` | ``staff_id``, ``range`` | one supervisor's figures and beat |
| ``track`` | ``staff_id``, ``start``, ``end`` (≤ 31 days) | ``{at, lon, lat, grid}`` columns, oldest first |
| ``cameras`` | — | every camera |
| ``nearest_cameras`` | ``case_id``, ``grid`` or ``lon``+``lat``; ``limit`` | cameras, nearest first |
| ``lookup`` | ``text`` | ``{matches}`` (``feeds.supervision.lookup``) |
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from sqlalchemy import select

from feeds.analytics.params import Params, bad
from feeds.protocol import ProtocolError
from feeds.protocol import vocab as v
from feeds.store import Store
from feeds.store.schema import cases, supervisors, units
from feeds.store.tracks import read_track
from feeds.supervision import cameras, components, figures, lookup
from feeds.supervision.codes import CODE_RE
from feeds.taxonomy import load_taxonomy

Handler = Callable[[Store, dict[str, Any]], Any]
MAX_TRACK_S = 31 * 86_400
MAX_RANKING_S = 31 * 86_400
STAFF_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


def _params(params: dict[str, Any], clock: Callable[[], float]) -> Params:
    return Params(params, clock())


def _staff_id(p: Params) -> str:
    staff_id = p.text("staff_id", pattern=STAFF_ID, max_len=64)
    if staff_id is None:
        raise bad("staff_id", "'staff_id' is required")
    return staff_id


UNIT_RE = re.compile(r"[0-9]{6}(?:[0-9]{3}){0,3}")
"""A unit code: district (6), subdistrict (9), community (12) or grid (15 digits)."""


def make_queries(clock: Callable[[], float] = time.time) -> dict[str, Handler]:
    """The supervision queries, judging named ranges at ``clock()``."""
    taxonomy = load_taxonomy()

    def q_components(store: Store, params: dict[str, Any]) -> Any:
        _params(params, clock).finish()
        return components.inventory_columns(store.engine)

    def q_component(store: Store, params: dict[str, Any]) -> Any:
        p = _params(params, clock)
        code = p.text("code", pattern=CODE_RE, max_len=16)
        case_id = p.text("case_id", pattern=v.CASE_ID, max_len=40)
        p.finish()
        link: str | None = None  # how a case's component was found: "code" or "place"
        with store.engine.connect() as conn:
            if code is None:
                if case_id is None:
                    raise bad("code", "'code' or 'case_id' is required")
                k = cases.c
                row = conn.execute(select(k.kind, k.subclass, k.lon, k.lat, k.component).where(k.id == case_id)).first()
                if row is None:
                    raise ProtocolError("not_found", f"unknown case '{case_id}'", "params.case_id")
                if row.kind != "component":
                    return {"component": None, "history": [], "link": None}
                code, link = components.component_of_case(conn, row.subclass, row.lon, row.lat, row.component)
                if code is None:
                    return {"component": None, "history": [], "link": None}
            found = components.component_row(conn, code)
            if found is None:
                raise ProtocolError("not_found", f"unknown component '{code}'", "params.code")
            sub = taxonomy.subclass(found["subclass"])
            found.update(subclass_zh=sub.name_zh, subclass_en=sub.name_en)
            history = components.component_history(conn, code)
            return {"component": found, "history": history, "link": link}

    def q_supervisors(store: Store, params: dict[str, Any]) -> Any:
        p = _params(params, clock)
        period = p.period(p.as_of(), default="today")
        by = p.text("by", "reports", choices=frozenset(figures.RANK_KEYS))
        unit = p.text("unit", pattern=UNIT_RE, max_len=15)
        p.finish()
        if period.seconds > MAX_RANKING_S:
            raise bad("range", "a ranking covers at most 31 days")
        with store.engine.connect() as conn:
            figs = figures.compute_figures(conn, taxonomy, period.start, period.end)
            if unit is not None:  # those whose beat has a grid in the unit
                inside = figures.staff_of_unit(conn, unit)
                figs = [f for f in figs if f.staff_id in inside]
        ranked = figures.rank(figs, by or "reports")
        return {"period": period.to_wire(), "by": by, "unit": unit, "rows": [f.to_wire() for f in ranked]}

    def q_supervisor(store: Store, params: dict[str, Any]) -> Any:
        p = _params(params, clock)
        staff_id = _staff_id(p)
        period = p.period(p.as_of(), default="today")
        p.finish()
        with store.engine.connect() as conn:
            figs = figures.compute_figures(conn, taxonomy, period.start, period.end, staff_id)
            if not figs:
                raise ProtocolError("not_found", f"unknown supervisor '{staff_id}'", "params.staff_id")
            beat = conn.execute(select(supervisors.c.grids).where(supervisors.c.staff_id == staff_id)).scalar_one()
        return {"period": period.to_wire(), "figures": figs[0].to_wire(), "grids": list(beat or [])}

    def q_track(store: Store, params: dict[str, Any]) -> Any:
        p = _params(params, clock)
        staff_id = _staff_id(p)
        start, end = p.time("start"), p.time("end")
        p.finish()
        if start is None or end is None:
            raise bad("start" if start is None else "end", "'start' and 'end' are required")
        if end <= start or end - start > MAX_TRACK_S:
            raise bad("end", "'end' must be after 'start', at most 31 days later")
        with store.engine.connect() as conn:
            points = read_track(conn, staff_id, start, end)
        at = np.array([pt.at for pt in points], dtype=float)
        lon = np.array([pt.lon for pt in points], dtype=float)
        lat = np.array([pt.lat for pt in points], dtype=float)
        return {
            "staff_id": staff_id,
            "start_s": start,
            "end_s": end,
            "at": [pt.at for pt in points],
            "lon": lon.tolist(),
            "lat": lat.tolist(),
            "grid": [pt.grid for pt in points],
            "distance_m": round(figures.track_length_m(at, lon, lat), 1),
        }

    def q_cameras(store: Store, params: dict[str, Any]) -> Any:
        _params(params, clock).finish()
        with store.engine.connect() as conn:
            return {"cameras": cameras.all_cameras(conn)}

    def q_nearest(store: Store, params: dict[str, Any]) -> Any:
        p = _params(params, clock)
        case_id = p.text("case_id", pattern=v.CASE_ID, max_len=40)
        grid = p.text("grid", pattern=v.GRID_CODE, max_len=15)
        lon, lat = p.number("lon", float("nan"), -180, 180), p.number("lat", float("nan"), -90, 90)
        limit = p.integer("limit", 3, 1, 20)
        p.finish()
        with store.engine.connect() as conn:
            if case_id is not None:
                row = conn.execute(select(cases.c.lon, cases.c.lat).where(cases.c.id == case_id)).first()
                if row is None:
                    raise ProtocolError("not_found", f"unknown case '{case_id}'", "params.case_id")
                lon, lat = float(row.lon), float(row.lat)
            elif grid is not None:
                row = conn.execute(select(units.c.lon, units.c.lat).where(units.c.code == grid)).first()
                if row is None:
                    raise bad("grid", f"unknown grid '{grid}'")
                lon, lat = float(row.lon), float(row.lat)
            elif lon != lon or lat != lat:
                raise bad("case_id", "give 'case_id', 'grid' or 'lon' and 'lat'")
            return {"lon": lon, "lat": lat, "cameras": cameras.nearest_cameras(conn, lon, lat, limit)}

    def q_lookup(store: Store, params: dict[str, Any]) -> Any:
        p = _params(params, clock)
        text = p.text("text", max_len=100)
        p.finish()
        if text is None:
            raise bad("text", "'text' is required")
        with store.engine.connect() as conn:
            return {"text": text, "matches": lookup.resolve(conn, text)}

    return {
        "components": q_components,
        "component": q_component,
        "supervisors": q_supervisors,
        "supervisor": q_supervisor,
        "track": q_track,
        "cameras": q_cameras,
        "nearest_cameras": q_nearest,
        "lookup": q_lookup,
    }
