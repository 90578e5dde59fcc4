"""Turn simplified boundary polygons into a clean partition.

Simplified OSM boundaries can overlap a little or leave slivers between
neighbours. :func:`clean_partition` snaps all vertices to a 1e-6 degree grid,
gives every overlap to exactly one polygon, and hands gaps (holes of the
union and thin slivers between neighbours) to the neighbour that shares the
longest border with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from feeds.geo.projection import GRID_SIZE, LocalFrame, area_m2


@dataclass(frozen=True)
class PartitionReport:
    """What :func:`clean_partition` changed.

    Attributes:
        overlap_removed_m2: Area that was claimed by more than one polygon.
        gaps_filled_m2: Area of holes/slivers given to a neighbour.
        shards_moved: Number of tiny detached parts moved to a neighbour.
    """

    overlap_removed_m2: float
    gaps_filled_m2: float
    shards_moved: int


def polygonal(geom: Any) -> Any:
    """Return only the polygonal parts of ``geom`` (Polygon or MultiPolygon)."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon") and not p.is_empty]
    polys = [q for p in parts for q in shapely.get_parts(p)]
    if not polys:
        return shapely.Polygon()
    return polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)


def shared_border_m(piece: Any, others: list[Any], frame: LocalFrame) -> np.ndarray:
    """Return, for each of ``others``, the length in metres of its border with ``piece``."""
    if not others:
        return np.zeros(0)
    common = shapely.intersection(shapely.boundary(np.array(others, dtype=object)), piece.boundary)
    return np.asarray(shapely.length(frame.to_metric(common)), dtype=float)


def _give_to_neighbour(piece: Any, polygons: list[Any], frame: LocalFrame, exclude: int = -1) -> bool:
    """Union ``piece`` into the polygon sharing the longest border; False if none touches."""
    lengths = shared_border_m(piece, polygons, frame)
    if exclude >= 0:
        lengths[exclude] = 0.0
    if lengths.size == 0 or float(lengths.max()) <= 0.0:
        return False
    best = int(np.argmax(lengths))
    polygons[best] = polygonal(shapely.union(polygons[best], piece, grid_size=GRID_SIZE))
    return True


def clean_partition(
    polygons: list[Any],
    frame: LocalFrame,
    max_gap_m2: float = 50_000.0,
    sliver_width_m: float = 2.0,
    shard_max_m2: float = 100.0,
) -> tuple[list[Any], PartitionReport]:
    """Make polygons a gap- and overlap-free partition on the 1e-6° grid.

    Overlaps go to the polygon earlier in ``polygons`` (callers pass them in
    code order, so the result is deterministic).

    Args:
        polygons: Shapely (multi)polygons in WGS-84 lon/lat.
        frame: Local metric frame used for measurements.
        max_gap_m2: Holes of the union larger than this are real and kept.
        sliver_width_m: Open slivers narrower than twice this are filled.
        shard_max_m2: Detached parts smaller than this are moved to a neighbour.

    Returns:
        The cleaned polygons (same order) and a report of the changes.
    """
    snapped = [polygonal(shapely.make_valid(shapely.set_precision(g, GRID_SIZE))) for g in polygons]
    cleaned: list[Any] = []
    taken = shapely.Polygon()
    overlap = 0.0
    for geom in snapped:
        rest = polygonal(shapely.difference(geom, taken, grid_size=GRID_SIZE)) if not taken.is_empty else geom
        overlap += area_m2(geom) - area_m2(rest)
        cleaned.append(rest)
        taken = shapely.union(taken, rest, grid_size=GRID_SIZE)

    shards = 0
    for index, geom in enumerate(list(cleaned)):
        parts = sorted(shapely.get_parts(geom), key=lambda p: -p.area)
        small = [p for p in parts[1:] if area_m2(p) < shard_max_m2]
        if not small:
            continue
        cleaned[index] = polygonal(shapely.difference(geom, shapely.union_all(small), grid_size=GRID_SIZE))
        for part in small:
            if not _give_to_neighbour(part, cleaned, frame, exclude=index):
                cleaned[index] = polygonal(shapely.union(cleaned[index], part, grid_size=GRID_SIZE))
            else:
                shards += 1

    union = shapely.union_all(cleaned, grid_size=GRID_SIZE)
    gaps = [shapely.Polygon(ring) for poly in shapely.get_parts(union) for ring in poly.interiors]
    gaps = [g for g in gaps if area_m2(g) <= max_gap_m2]
    d_lon, d_lat = frame.degrees(sliver_width_m)
    width = max(d_lon, d_lat)
    closed = union.buffer(width, join_style="mitre").buffer(-width, join_style="mitre")
    for sliver in shapely.get_parts(polygonal(shapely.difference(closed, union, grid_size=GRID_SIZE))):
        if sum(1 for length in shared_border_m(sliver, cleaned, frame) if length > 0) >= 2:
            gaps.append(sliver)
    filled = 0.0
    for gap in gaps:
        if _give_to_neighbour(gap, cleaned, frame):
            filled += area_m2(gap)
    return cleaned, PartitionReport(overlap, filled, shards)
