"""The workstation's look-up: what a typed text names (a unit, case, component, supervisor or camera).

:func:`resolve` is one step of its own, before (and apart from) any full-text search of
case descriptions: it answers only exact codes and ids, and names of supervisors and
cameras. Rules, in order:

- 6/9/12/15 digits: a unit of that level (district, subdistrict, community, grid) that exists;
- 16 digits: a component (GB/T 30428.2 code) that exists;
- an id that is a stored case, supervisor (``S001``, case-insensitive) or camera;
- otherwise a supervisor or camera whose Chinese or English name contains the text.

Every match carries a place (``lon``, ``lat``) so the wall can go to it.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection, Table, func, or_, select

from feeds.protocol import vocab as v
from feeds.store.schema import cameras, cases, components, staff_positions, supervisors, units

MAX_MATCHES = 10
LEVELS = {6: "district", 9: "subdistrict", 12: "community", 15: "grid"}


def _match(kind: str, ident: str, zh: str, en: str, lon: float, lat: float, **extra: Any) -> dict[str, Any]:
    return {"kind": kind, "id": ident, "label_zh": zh, "label_en": en, "lon": float(lon), "lat": float(lat), **extra}


def _unit(conn: Connection, code: str) -> list[dict[str, Any]]:
    u = units.c
    row = conn.execute(select(u.code, u.level, u.name_zh, u.name_en, u.lon, u.lat).where(u.code == code)).first()
    return [_match(str(row.level), row.code, row.name_zh, row.name_en, row.lon, row.lat)] if row else []


def _component(conn: Connection, code: str) -> list[dict[str, Any]]:
    c = components.c
    row = conn.execute(select(c.code, c.subclass, c.lon, c.lat, c.grid).where(c.code == code)).first()
    return [_match("component", row.code, row.code, row.code, row.lon, row.lat, grid=row.grid)] if row else []


def _case(conn: Connection, case_id: str) -> list[dict[str, Any]]:
    k = cases.c
    row = conn.execute(select(k.id, k.lon, k.lat, k.grid).where(k.id == case_id)).first()
    return [_match("case", row.id, row.id, row.id, row.lon, row.lat, grid=row.grid)] if row else []


def _supervisor_place(conn: Connection, staff_id: str, grids: list[str]) -> tuple[float, float]:
    p = staff_positions.c
    pos = conn.execute(select(p.lon, p.lat).where(p.staff_id == staff_id)).first()
    if pos is not None:
        return float(pos.lon), float(pos.lat)
    if grids:
        cell = conn.execute(select(units.c.lon, units.c.lat).where(units.c.code == grids[0])).first()
        if cell is not None:
            return float(cell.lon), float(cell.lat)
    return 0.0, 0.0


def _exact_or_named(conn: Connection, table: Table, key: Any, exact: Any, text: str) -> list[Any]:
    """Rows whose id is ``text`` (``exact``), else those whose Chinese or English name contains it."""
    rows = conn.execute(select(table).where(exact)).all()
    if rows:
        return list(rows)
    named = or_(
        table.c.name_zh.contains(text, autoescape=True),
        func.lower(table.c.name_en).contains(text.lower(), autoescape=True),
    )
    return list(conn.execute(select(table).where(named).order_by(key).limit(MAX_MATCHES)).all())


def _supervisors(conn: Connection, text: str) -> list[dict[str, Any]]:
    s = supervisors.c
    out = []
    for r in _exact_or_named(conn, supervisors, s.staff_id, func.upper(s.staff_id) == text.upper(), text):
        lon, lat = _supervisor_place(conn, r.staff_id, list(r.grids or []))
        out.append(_match("supervisor", r.staff_id, f"{r.name_zh} {r.staff_id}", f"{r.name_en} {r.staff_id}", lon, lat))
    return out


def _cameras(conn: Connection, text: str) -> list[dict[str, Any]]:
    rows = _exact_or_named(conn, cameras, cameras.c.id, cameras.c.id == text, text)
    return [_match("camera", r.id, r.name_zh, r.name_en, r.lon, r.lat, url=r.url) for r in rows]


def resolve(conn: Connection, text: str) -> list[dict[str, Any]]:
    """What ``text`` names, best first (at most :data:`MAX_MATCHES`; empty when nothing matches)."""
    text = text.strip()
    if not text:
        return []
    if text.isdigit():
        if len(text) in LEVELS:
            return _unit(conn, text)
        if len(text) == 16:
            return _component(conn, text)
    found: list[dict[str, Any]] = []
    if v.CASE_ID.fullmatch(text):
        found += _case(conn, text)
    if not found:
        found += _supervisors(conn, text)
        found += _cameras(conn, text)
    return found[:MAX_MATCHES]


def looks_like_code(text: str) -> bool:
    """Whether ``text`` has the form of something :func:`resolve` answers by code (digits or an id)."""
    return bool(re.fullmatch(r"\d{6}|\d{9}|\d{12}|\d{15,16}|[A-Za-z]{1,4}[0-9][A-Za-z0-9_-]{1,39}", text.strip()))
