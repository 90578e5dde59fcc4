"""Units for a city with none loaded: a square grid generated over the data's extent.

A foreign city's 311 export has coordinates but no GridWall units. This module
lays square cells over the extent of the points (robust quantiles, so a few
stray coordinates such as ``0,0`` do not stretch it) and builds the four-level
hierarchy the store and the wall expect: one district (code ``990000``), blocks
of 8×8 cells as "subdistricts", 2×2 cells as "communities", and the cells as
unit grids, with 6/9/12/15-digit codes. Everything is marked ``generated``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry import box, mapping

from feeds.geo.projection import area_m2, metres_per_degree

GENERATED_DISTRICT = "990000"
SUBDISTRICT_CELLS = 8  # a subdistrict is 8×8 cells
COMMUNITY_CELLS = 2  # a community is 2×2 cells
MAX_PER_LEVEL = 999  # three digits per level


@dataclass(frozen=True, slots=True)
class Extent:
    """A lon/lat box."""

    west: float
    south: float
    east: float
    north: float


def robust_extent(lons: np.ndarray[Any, Any], lats: np.ndarray[Any, Any], trim: float = 0.002) -> Extent | None:
    """The box holding all but ``trim`` of the points on each side (NaN and out-of-range ignored); None if empty."""
    ok = np.isfinite(lons) & np.isfinite(lats) & (np.abs(lats) <= 85) & (np.abs(lons) <= 180)
    ok &= ~((lons == 0) & (lats == 0))
    if not ok.any():
        return None
    x, y = lons[ok], lats[ok]
    q = (trim, 1 - trim)
    west, east = (float(v) for v in np.quantile(x, q))
    south, north = (float(v) for v in np.quantile(y, q))
    return Extent(west, south, east, north)


def _row(code: str, level: str, parent: str | None, name: str, geom: Any) -> dict[str, Any]:
    c = geom.centroid
    return {
        "code": code,
        "level": level,
        "parent": parent,
        "name_zh": name,
        "name_en": name,
        "lon": round(float(c.x), 6),
        "lat": round(float(c.y), 6),
        "area_m2": area_m2(geom),
        "generated": True,
        "geometry": mapping(geom),
    }


def grid_cell_m(extent: Extent, cell_m: float) -> float:
    """The cell size :func:`grid_units` uses: ``cell_m``, grown by half until the extent needs at most
    999 subdistricts (what the generated-units messages name)."""
    m_lon, m_lat = metres_per_degree((extent.south + extent.north) / 2)
    width_m = max((extent.east - extent.west) * m_lon, cell_m)
    height_m = max((extent.north - extent.south) * m_lat, cell_m)
    while math.ceil(width_m / (SUBDISTRICT_CELLS * cell_m)) * math.ceil(height_m / (SUBDISTRICT_CELLS * cell_m)) > (
        MAX_PER_LEVEL
    ):
        cell_m *= 1.5
    return cell_m


def grid_units(extent: Extent, cell_m: float = 1000.0, name: str = "Imported city") -> list[dict[str, Any]]:
    """``units`` rows (district, subdistricts, communities, grids) covering ``extent`` with square cells.

    The cell grows when the extent would need more than 999 subdistricts (:func:`grid_cell_m`).
    """
    mid_lat = (extent.south + extent.north) / 2
    m_lon, m_lat = metres_per_degree(mid_lat)
    cell_m = grid_cell_m(extent, cell_m)
    width_m = max((extent.east - extent.west) * m_lon, cell_m)
    height_m = max((extent.north - extent.south) * m_lat, cell_m)
    cols, rows = math.ceil(width_m / cell_m), math.ceil(height_m / cell_m)
    dx, dy = cell_m / m_lon, cell_m / m_lat
    district_geom = box(extent.west, extent.south, extent.west + cols * dx, extent.south + rows * dy)
    out = [_row(GENERATED_DISTRICT, "district", None, name, district_geom)]
    sub_codes: dict[tuple[int, int], str] = {}
    com_codes: dict[tuple[int, int], str] = {}
    grids_in_community: dict[str, int] = {}
    communities_in_sub: dict[str, int] = {}
    grid_rows: list[dict[str, Any]] = []
    com_geoms: dict[str, list[Any]] = {}
    for r in range(rows):
        for c in range(cols):
            sub_key = (r // SUBDISTRICT_CELLS, c // SUBDISTRICT_CELLS)
            if sub_key not in sub_codes:
                sub_codes[sub_key] = f"{GENERATED_DISTRICT}{len(sub_codes) + 1:03d}"
            sub = sub_codes[sub_key]
            com_key = (r // COMMUNITY_CELLS, c // COMMUNITY_CELLS)
            if com_key not in com_codes:
                communities_in_sub[sub] = communities_in_sub.get(sub, 0) + 1
                com_codes[com_key] = f"{sub}{communities_in_sub[sub]:03d}"
            com = com_codes[com_key]
            grids_in_community[com] = grids_in_community.get(com, 0) + 1
            code = f"{com}{grids_in_community[com]:03d}"
            west, south = extent.west + c * dx, extent.south + r * dy
            cell = box(west, south, west + dx, south + dy)
            com_geoms.setdefault(com, []).append(cell)
            grid_rows.append(_row(code, "grid", com, f"R{r + 1}C{c + 1}", cell))
    sub_geoms: dict[str, list[Any]] = {}
    com_rows = []
    for com, cells in com_geoms.items():
        geom = shapely.union_all(cells)
        sub_geoms.setdefault(com[:9], []).append(geom)
        com_rows.append(_row(com, "community", com[:9], f"Community {com[-6:]}", geom))
    sub_rows = [
        _row(sub, "subdistrict", GENERATED_DISTRICT, f"Area {sub[-3:]}", shapely.union_all(geoms))
        for sub, geoms in sub_geoms.items()
    ]
    return out + sub_rows + com_rows + grid_rows
