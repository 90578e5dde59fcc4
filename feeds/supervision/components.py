"""The city-component (部件) inventory: a generated one for Xicheng, stored, served and linked to cases.

No public component census of Xicheng exists, so :func:`generate_inventory` models one
(said so in ``resources/components/README.md`` and on the map): every component subclass
of the taxonomy gets a count that grows with how often its cases occur, spread over the
unit grids (busier grids get more), each at an interior point of its grid, with a state
(mostly 完好) and the subclass's owning department. A centre loads its real inventory with
``gridwall import-parts`` (``feeds.supervision.component_files``).

Cases carry no component code in protocol version 1, so a component case is **linked by
place**: its component is the nearest one of the case's subclass within
:data:`LINK_RADIUS_M`; a component's case history is every case of its subclass that
links to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine, delete, func, insert, select

from feeds.simulator.model.components import INVENTORY_SEED, TOTAL, model_inventory
from feeds.simulator.model.district import District, load_district
from feeds.store.schema import cases, components, units
from feeds.supervision.codes import STATES
from feeds.supervision.geometry import bbox, metres_arrays
from feeds.taxonomy import Taxonomy, load_taxonomy

LINK_RADIUS_M = 200.0
"""A component case without a code links to the nearest component of its subclass within this distance."""
HISTORY_LIMIT = 200
CHUNK = 5_000


def generate_inventory(
    seed: int = INVENTORY_SEED,
    total: int = TOTAL,
    district: District | None = None,
    taxonomy: Taxonomy | None = None,
) -> list[dict[str, Any]]:
    """The modelled inventory (``feeds.simulator.model.components``) as ``components`` rows, ``generated`` set;
    the same for the same seed, and the one the simulator's component cases name with the default seed."""
    taxonomy = taxonomy or load_taxonomy()
    district = district or load_district()
    inv = model_inventory(district, taxonomy, seed, total)
    departments = {s.code: s.department for s in taxonomy.subclasses}
    return [
        {
            "code": inv.code(i),
            "subclass": str(inv.subclass[i]),
            "grid": district.grid_codes[int(inv.grid[i])],
            "lon": float(inv.lon[i]),
            "lat": float(inv.lat[i]),
            "state": STATES[int(inv.state[i])],
            "department": departments[str(inv.subclass[i])],
            "name": "",
            "generated": True,
        }
        for i in range(len(inv))
    ]


def write_components(engine: Engine, rows: Iterable[dict[str, Any]], *, replace: bool = True) -> int:
    """Store components (all of them replaced unless ``replace`` is false); returns rows written."""
    batch = list(rows)
    with engine.begin() as conn:
        if replace:
            conn.execute(delete(components))
        else:
            codes = [r["code"] for r in batch]
            for i in range(0, len(codes), CHUNK):
                conn.execute(delete(components).where(components.c.code.in_(codes[i : i + CHUNK])))
        for i in range(0, len(batch), CHUNK):
            conn.execute(insert(components), batch[i : i + CHUNK])
    return len(batch)


def component_count(engine: Engine) -> int:
    """How many components the store holds."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(components)).scalar_one())


def inventory_columns(engine: Engine) -> dict[str, Any]:
    """The whole inventory as columns for the map: ``codes``, ``subclass``, ``lon``, ``lat``, ``state``."""
    c = components.c
    with engine.connect() as conn:
        rows = conn.execute(select(c.code, c.subclass, c.lon, c.lat, c.state).order_by(c.code)).all()
    return {
        "codes": [r.code for r in rows],
        "subclass": [r.subclass for r in rows],
        "lon": [round(float(r.lon), 6) for r in rows],
        "lat": [round(float(r.lat), 6) for r in rows],
        "state": [r.state for r in rows],
        "generated": any_generated(engine),
    }


def any_generated(engine: Engine) -> bool:
    """Whether the inventory holds generated components."""
    with engine.connect() as conn:
        return (
            conn.execute(select(components.c.code).where(components.c.generated.is_(True)).limit(1)).first() is not None
        )


def component_row(conn: Connection, code: str) -> dict[str, Any] | None:
    """One component as a dict, or ``None``."""
    row = conn.execute(select(components).where(components.c.code == code)).mappings().first()
    return dict(row) if row is not None else None


def _nearby(conn: Connection, subclass: str, lon: float, lat: float, radius_m: float) -> list[Any]:
    west, south, east, north = bbox(lon, lat, radius_m)
    c = components.c
    return list(
        conn.execute(
            select(c.code, c.lon, c.lat).where(
                c.subclass == subclass, c.lon.between(west, east), c.lat.between(south, north)
            )
        )
    )


def _nearest(rows: Sequence[Any], lon: float, lat: float, radius_m: float) -> str | None:
    if not rows:
        return None
    dist = metres_arrays(np.array([r.lon for r in rows]), np.array([r.lat for r in rows]), lon, lat)
    best = int(np.argmin(dist))
    return str(rows[best].code) if dist[best] <= radius_m else None


def component_of_case(
    conn: Connection, subclass: str, lon: float, lat: float, code: str | None = None
) -> tuple[str | None, str | None]:
    """The component a case of ``subclass`` at ``(lon, lat)`` is about, and how it was linked.

    A case naming a ``code`` the inventory holds links to it (``"code"``). Only a case without
    one (or naming a code the inventory does not hold, e.g. after a new inventory was imported)
    falls back to the nearest component of its subclass within :data:`LINK_RADIUS_M` (``"place"``).
    """
    if code is not None and component_row(conn, code) is not None:
        return code, "code"
    found = _nearest(_nearby(conn, subclass, lon, lat, LINK_RADIUS_M), lon, lat, LINK_RADIUS_M)
    return found, ("place" if found is not None else None)


def _history_row(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "stage": row.stage,
        "reported_at": int(row.reported_at),
        "closed_at": int(row.closed_at) if row.closed_at is not None else None,
        "description": row.description,
    }


def component_history(conn: Connection, code: str, limit: int = HISTORY_LIMIT) -> list[dict[str, Any]]:
    """The cases linked to component ``code``, newest first (at most ``limit``): those naming it, and
    those naming no component that the place rule of :func:`component_of_case` gives it."""
    comp = component_row(conn, code)
    if comp is None:
        return []
    k = cases.c
    columns = (k.id, k.lon, k.lat, k.stage, k.reported_at, k.closed_at, k.description)
    named = conn.execute(select(*columns).where(k.component == code).order_by(k.reported_at.desc()).limit(limit))
    out = [_history_row(row) for row in named]
    lon, lat, subclass = float(comp["lon"]), float(comp["lat"]), str(comp["subclass"])
    west, south, east, north = bbox(lon, lat, LINK_RADIUS_M + 600.0)
    grids = [
        r.code
        for r in conn.execute(
            select(units.c.code).where(
                units.c.level == "grid", units.c.lon.between(west, east), units.c.lat.between(south, north)
            )
        )
    ] or [comp["grid"]]
    west, south, east, north = bbox(lon, lat, LINK_RADIUS_M)
    found = conn.execute(
        select(*columns)
        .where(
            k.grid.in_(grids),
            k.subclass == subclass,
            k.component.is_(None),
            k.lon.between(west, east),
            k.lat.between(south, north),
        )
        .order_by(k.reported_at.desc())
        .limit(4 * limit)
    ).all()
    rivals = _nearby(conn, subclass, lon, lat, 2 * LINK_RADIUS_M)
    placed = [row for row in found if _nearest(rivals, float(row.lon), float(row.lat), LINK_RADIUS_M) == code]
    out += [_history_row(row) for row in placed]
    out.sort(key=lambda h: h["reported_at"], reverse=True)
    return out[:limit]
