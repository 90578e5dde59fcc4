"""Unit grids for importers: the store's grids as a locator; generated units for a foreign city."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape
from sqlalchemy import Engine, delete, func, insert, select

from feeds.geo.extent_grid import GENERATED_DISTRICT, Extent, grid_cell_m, grid_units, robust_extent
from feeds.geo.locate import GridLocator
from feeds.store.schema import cases, units


def store_locator(engine: Engine) -> GridLocator:
    """A :class:`GridLocator` over every grid in the store's ``units`` table."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(units.c.code, units.c.geometry).where(units.c.level == "grid").order_by(units.c.code)
        )
        return GridLocator((code, geometry) for code, geometry in rows)


def city_units(engine: Engine) -> tuple[str, int] | None:
    """``(city name, grids)`` of a store holding a foreign city's units (generated over a data extent, or made
    from real outlines by ``import-units``: the district ``990000``), else None (Xicheng's, or none)."""
    with engine.connect() as conn:
        name = conn.execute(select(units.c.name_en).where(units.c.code == GENERATED_DISTRICT)).scalar()
        if name is None:
            return None
        grids = conn.execute(select(func.count()).select_from(units).where(units.c.level == "grid")).scalar_one()
    return str(name), int(grids)


def kept_units_line(city: tuple[str, int]) -> str:
    """What ``--generate-units`` says when the store already holds a city's units and keeps them."""
    name, grids = city
    return (
        f"kept the store's units of {name} ({grids:,} unit grids): --generate-units generates only into a store "
        "without a city's units"
    )


def replace_units(engine: Engine, rows: list[dict[str, Any]]) -> None:
    """Replace every unit of a store that holds no cases yet (for a city with no units loaded).

    Raises:
        ValueError: If the store already holds cases (their grids would dangle).
    """
    with engine.connect() as conn, conn.begin():
        if conn.execute(select(cases.c.id).limit(1)).first() is not None:
            raise ValueError("the store already holds cases: units are replaced only in a new store (a new --db)")
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


SMALL_BATCH = 1_000
"""Fewer points than this size the generated units by their full extent (no trimmed quantiles: the
0.2 % trim of a hundred points would cut into the outermost ones)."""


class GeneratingLocator:
    """Locates points on units generated over the extent of the first points it is asked for.

    For a source whose extent is only known once it has been read (``poll-open311
    --generate-units`` into a new store): the units are generated (as by ``import-csv
    --generate-units``, :func:`feeds.geo.extent_grid.grid_units`) over ``extent`` if given, else
    over the first batch holding usable coordinates, and written into the store. A store
    that already holds a city's units (generated ones: a restarted poll; or real outlines loaded
    by ``import-units``) keeps them (:attr:`kept` names them). Later points
    outside that extent are outside every grid.

    Args:
        engine: The store's engine.
        cell_m: Grid cell size in metres.
        city: Name of the generated district.
        extent: The box to cover (``None``: the first batch's).
        on_generate: Called with the number of grids and their cell size (metres) once they are generated.

    Raises:
        ValueError: If units must be generated into a store that already holds cases.
    """

    def __init__(
        self,
        engine: Engine,
        cell_m: float,
        city: str,
        extent: Extent | None = None,
        on_generate: Callable[[int, float], None] | None = None,
    ) -> None:
        self._engine, self._cell_m, self._city, self._on_generate = engine, cell_m, city, on_generate
        self._locator: GridLocator | None = None
        self.kept = city_units(engine)
        """``(city, grids)`` of the units found in the store and kept, or None."""
        if self.kept is not None:
            self._locator = store_locator(engine)
        elif extent is not None:
            self._generate(extent)
        else:  # refuse now, not at the first poll, when units cannot be generated into this store
            with engine.connect() as conn:
                if conn.execute(select(cases.c.id).limit(1)).first() is not None:
                    raise ValueError("the store already holds cases: generate units only into a new store")

    @property
    def generated(self) -> bool:
        """Whether the units exist (generated now or found in the store)."""
        return self._locator is not None

    def _generate(self, extent: Extent) -> None:
        cell_m = grid_cell_m(extent, self._cell_m)
        rows = grid_units(extent, cell_m, self._city)
        replace_units(self._engine, rows)
        grids = [(r["code"], r["geometry"]) for r in rows if r["level"] == "grid"]
        self._locator = GridLocator(grids)
        if self._on_generate is not None:
            self._on_generate(len(grids), cell_m)

    def locate_arrays(self, lons: np.ndarray[Any, Any], lats: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        """Grid code per point (``None`` outside), generating the units first if they do not exist yet."""
        if self._locator is None:
            extent = robust_extent(lons, lats, trim=0.0 if len(lons) < SMALL_BATCH else 0.002)
            if extent is None:  # no usable coordinates yet: nothing can be placed
                return np.full(len(lons), None, dtype=object)
            self._generate(extent)
        assert self._locator is not None
        return self._locator.locate_arrays(lons, lats)
