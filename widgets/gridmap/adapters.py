"""Turn GridWall domain objects into the plain data :class:`GridMap` takes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from feeds.geo.units import Hotspot, Unit, UnitRegistry

FeatureCollection = dict[str, Any]


def unit_collection(units: Iterable[Unit]) -> FeatureCollection:
    """A GeoJSON FeatureCollection of units with ``code, name_zh, name_en`` properties."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": u.code, "name_zh": u.name_zh, "name_en": u.name_en},
                "geometry": u.geometry,
            }
            for u in units
        ],
    }


def unit_collections(registry: UnitRegistry) -> tuple[FeatureCollection, FeatureCollection, FeatureCollection]:
    """The three arguments of :meth:`GridMap.set_units` from a :class:`UnitRegistry`."""
    return (
        unit_collection(registry.subdistricts),
        unit_collection(registry.communities),
        unit_collection(registry.grids),
    )


def hotspot_item(
    spot: Hotspot, level: str = "normal", count: int | None = None, capacity: int | None = None
) -> dict[str, Any]:
    """One entry for :meth:`GridMap.set_hotspots`."""
    item: dict[str, Any] = {
        "id": spot.id,
        "name_zh": spot.name_zh,
        "name_en": spot.name_en,
        "lon": spot.lon,
        "lat": spot.lat,
        "level": level,
    }
    if count is not None:
        item["count"] = count
    if capacity is not None:
        item["capacity"] = capacity
    return item
