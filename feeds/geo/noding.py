"""Make a polygon coverage exactly noded so neighbours share identical edges.

Clipping on a 1e-6 degree grid puts new vertices *near* (not on) slanted
boundary edges, so cells of two subdistricts meeting on a slanted border get
slightly different vertex chains and overlap by a few square metres.
:func:`node_coverage` inserts every coverage vertex that lies within a
tolerance of an edge into that edge (vertices are only added, never moved),
after which both sides of every border carry the same vertex chain and the
cells overlap by exactly zero.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely

#: Vertices closer than this to an edge (degrees, ~0.15 m) are inserted into it. Grid-snapped
#: points sit <= 0.71e-6 off their edge; axis-aligned edges see other vertices at whole
#: multiples of 1e-6, so 1.5e-6 never lands on a borderline distance.
NODE_TOLERANCE = 1.5e-6


def _node_ring(ring: np.ndarray, vertices: np.ndarray, tree: Any, tolerance: float) -> np.ndarray:
    """Return ``ring`` with nearby ``vertices`` inserted into its edges."""
    starts, ends = ring[:-1], ring[1:]
    segments = shapely.linestrings(np.stack([starts, ends], axis=1))
    seg_index, vertex_index = tree.query(segments, predicate="dwithin", distance=tolerance)
    inserts: dict[int, list[tuple[float, float, float]]] = {}
    for seg, vertex in zip(seg_index.tolist(), vertex_index.tolist(), strict=True):
        a, b, p = starts[seg], ends[seg], vertices[vertex]
        if (p == a).all() or (p == b).all():
            continue
        direction = b - a
        t = float(np.dot(p - a, direction) / np.dot(direction, direction))
        if 0.0 < t < 1.0:
            inserts.setdefault(seg, []).append((t, float(p[0]), float(p[1])))
    if not inserts:
        return ring
    out: list[tuple[float, float]] = []
    for seg in range(len(starts)):
        out.append((float(starts[seg][0]), float(starts[seg][1])))
        out.extend((x, y) for _, x, y in sorted(inserts.get(seg, [])))
    out.append(out[0])
    return np.array(out)


def node_coverage(cells: list[Any], tolerance: float = NODE_TOLERANCE) -> tuple[list[Any], int]:
    """Insert shared vertices so adjacent cells have identical borders.

    Args:
        cells: Non-overlapping (multi)polygons in lon/lat.
        tolerance: Insertion distance in degrees.

    Returns:
        The noded cells (same order) and how many cells had to be left as
        they were because inserting made them invalid.
    """
    vertices = np.unique(shapely.get_coordinates(np.array(cells, dtype=object)), axis=0)
    tree = shapely.STRtree(shapely.points(vertices))
    noded: list[Any] = []
    kept = 0
    for cell in cells:
        polygons = []
        for poly in shapely.get_parts(cell):
            rings = [np.asarray(r.coords) for r in (poly.exterior, *poly.interiors)]
            rings = [_node_ring(r, vertices, tree, tolerance) for r in rings]
            polygons.append(shapely.Polygon(rings[0], rings[1:]))
        result = polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)
        if not result.is_valid:
            result, kept = cell, kept + 1
        noded.append(result)
    return noded, kept
