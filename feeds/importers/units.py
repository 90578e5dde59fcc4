"""Unit grids for importers: the store's grids as a locator; generated units for a foreign city."""

from __future__ import annotations

from typing import Any

import shapely
from shapely.geometry import shape
from sqlalchemy import Engine, delete, insert, select

from feeds.geo.locate import GridLocator
from feeds.store.schema import cases, units


def store_locator(engine: Engine) -> GridLocator:
    """A :class:`GridLocator` over every grid in the store's ``units`` table."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(units.c.code, units.c.geometry).where(units.c.level == "grid").order_by(units.c.code)
        )
        return GridLocator((code, geometry) for code, geometry in rows)


def replace_units(engine: Engine, rows: list[dict[str, Any]]) -> None:
    """Replace every unit of a store that holds no cases yet (for a city with no units loaded).

    Raises:
        ValueError: If the store already holds cases (their grids would dangle).
    """
    with engine.connect() as conn, conn.begin():
        if conn.execute(select(cases.c.id).limit(1)).first() is not None:
            raise ValueError("the store already holds cases: generate units only into a new store")
        conn.execute(delete(units))
        conn.execute(insert(units), rows)


def district_outline(engine: Engine) -> Any:
    """The union of the store's district-level units (shapely, lon/lat), or None when there is none."""
    with engine.connect() as conn:
        geoms = [shape(g) for g in conn.execute(select(units.c.geometry).where(units.c.level == "district")).scalars()]
    return shapely.union_all(geoms) if geoms else None


def copy_units(source: Engine, target_url: str) -> None:
    """Create the store ``target_url`` holding the units of ``source`` (its taxonomy loads on first open)."""
    from feeds.store import open_store

    target = open_store(target_url, load_reference_data=False)
    try:
        with source.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(select(units))]
        with target.engine.connect() as conn, conn.begin():
            conn.execute(insert(units), rows)
    finally:
        target.close()
