"""The units of a store that holds an imported city (not the packaged Xicheng district)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from feeds.geo.reference import DISTRICT_CODE
from feeds.geo.registry import UnitRegistry
from feeds.geo.unit_rows import UNIT_FIELDS, registry_from_rows
from feeds.store.schema import units


def imported_unit_rows(engine: Engine) -> list[dict[str, Any]] | None:
    """Every unit row of the store when its district is not Xicheng's (``None``: Xicheng's, or no units).

    A store of Xicheng keeps using the packaged files (and the real outlines a centre
    imported with ``gridwall import-geo``); a store made for another city by
    ``gridwall import-csv --generate-units`` carries its own units, read from here.
    """
    with engine.connect() as conn:
        district = conn.execute(select(units.c.code).where(units.c.level == "district").limit(1)).scalar()
        if district is None or district == DISTRICT_CODE:
            return None
        rows = conn.execute(select(*(units.c[name] for name in UNIT_FIELDS)).order_by(units.c.code))
        return [dict(row._mapping) for row in rows]


def imported_registry(engine: Engine) -> UnitRegistry | None:
    """:func:`imported_unit_rows` as a registry (``None`` for Xicheng's store)."""
    rows = imported_unit_rows(engine)
    return registry_from_rows(rows) if rows is not None else None
