"""Unit registries from plain rows: a store's ``units`` table, or the ``units`` answer of a case server.

An imported city's units (generated over its data, or loaded from its GeoJSON) live in
its store, not in the packaged Xicheng files. The case server reads them from there,
sends them to walls that ask (the ``units`` query), and both sides build the same
:class:`~feeds.geo.registry.UnitRegistry` from those rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from shapely.geometry import shape

from feeds.geo.registry import Unit, UnitRegistry

UNIT_FIELDS = ("code", "level", "parent", "name_zh", "name_en", "lon", "lat", "area_m2", "generated", "geometry")
"""The columns of a unit row (those of the store's ``units`` table)."""


def registry_from_rows(rows: Iterable[Mapping[str, Any]]) -> UnitRegistry:
    """The registry of unit rows (one ``district`` row and its subdistricts, communities and grids).

    Raises:
        ValueError: If there is no district row or a row lacks a field.
    """
    levels: dict[str, list[Unit]] = {"subdistrict": [], "community": [], "grid": []}
    shapes: dict[str, Any] = {}
    district: Unit | None = None
    for row in rows:
        try:
            unit = Unit(
                code=str(row["code"]),
                level=row["level"],
                name_zh=str(row["name_zh"]),
                name_en=str(row["name_en"]),
                parent=None if row["parent"] is None else str(row["parent"]),
                geometry=row["geometry"],
                centroid=(float(row["lon"]), float(row["lat"])),
                area_m2=float(row["area_m2"]),
                generated=bool(row["generated"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"unit row {dict(row).get('code')!r}: {exc!r}") from None
        shapes[unit.code] = shape(unit.geometry)
        if unit.level == "district":
            district = unit
        elif unit.level in levels:
            levels[unit.level].append(unit)
    if district is None:
        raise ValueError("unit rows without a district")
    return UnitRegistry(levels, shapes, district, {})
