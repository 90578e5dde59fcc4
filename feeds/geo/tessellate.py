"""Tessellate a polygon into a fixed number of unit-grid cells.

Cells are lattice squares clipped to the polygon. Clipped pieces smaller than
half the target cell area are merged into the neighbour they share the most
border with (preferring merges that stay under 1.5x the target), and the
square size is searched so the count lands on the target; the last few cells
are matched exactly by merging the smallest or halving the largest cells.
Everything runs on the 1e-6 degree grid, so neighbouring cells share
vertices exactly and never overlap.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import shapely

from feeds.geo.partition import polygonal, shared_border_m
from feeds.geo.projection import GRID_SIZE, LocalFrame, area_m2

_SEARCH_STEPS = 14


def _snap(value: float) -> float:
    """Round a degree value to the 1e-6 grid."""
    return round(value / GRID_SIZE) * GRID_SIZE


def lattice_pieces(poly: Any, side_m: float, frame: LocalFrame) -> list[Any]:
    """Return the polygon parts of lattice squares of ``side_m`` clipped to ``poly``."""
    d_lon, d_lat = (max(_snap(d), GRID_SIZE) for d in frame.degrees(side_m))
    minx, miny, maxx, maxy = poly.bounds
    x0, y0 = _snap(minx - GRID_SIZE), _snap(miny - GRID_SIZE)
    nx, ny = math.ceil((maxx - x0) / d_lon) + 1, math.ceil((maxy - y0) / d_lat) + 1
    rows, cols = np.meshgrid(np.arange(ny), np.arange(nx), indexing="ij")
    left, bottom = x0 + cols.ravel() * d_lon, y0 + rows.ravel() * d_lat
    boxes = shapely.box(left, bottom, left + d_lon, bottom + d_lat)
    shapely.prepare(poly)
    boxes = boxes[shapely.intersects(boxes, poly)]
    clipped = shapely.intersection(boxes, poly, grid_size=GRID_SIZE)
    pieces = [p for c in clipped for p in shapely.get_parts(polygonal(c))]
    return [p for p in pieces if p.area > 0.0]


def _merge_at(cells: list[Any], areas: list[float], index: int, max_m2: float, frame: LocalFrame) -> None:
    """Merge ``cells[index]`` into its best neighbour, in place."""
    cell = cells[index]
    lengths = shared_border_m(cell, cells, frame)
    lengths[index] = 0.0
    neighbours = [j for j in range(len(cells)) if lengths[j] > 0.0]
    if neighbours:
        fitting = [j for j in neighbours if areas[j] + areas[index] <= max_m2]
        # Prefer the longest shared border among merges that stay small enough.
        best = max(fitting, key=lambda j: (lengths[j], -j)) if fitting else min(neighbours, key=lambda j: (areas[j], j))
    else:  # detached piece: join the nearest cell (gives a MultiPolygon)
        distances = shapely.distance(np.array(cells, dtype=object), cell)
        distances[index] = np.inf
        best = int(np.argmin(distances))
    cells[best] = polygonal(shapely.union(cells[best], cell, grid_size=GRID_SIZE))
    areas[best] = area_m2(cells[best])
    del cells[index]
    del areas[index]


def merge_small(cells: list[Any], min_m2: float, max_m2: float, frame: LocalFrame) -> list[Any]:
    """Merge cells smaller than ``min_m2`` into neighbours, smallest first.

    Args:
        cells: Cell polygons (not modified).
        min_m2: Cells below this area are merged away.
        max_m2: Merges that stay under this area are preferred.
        frame: Metric frame for border lengths.

    Returns:
        The merged cell list.
    """
    cells = list(cells)
    areas = [area_m2(c) for c in cells]
    while len(cells) > 1:
        index = min(range(len(cells)), key=lambda i: (areas[i], i))
        if areas[index] >= min_m2:
            break
        _merge_at(cells, areas, index, max_m2, frame)
    return cells


def split_in_two(cell: Any, frame: LocalFrame) -> tuple[Any, Any]:
    """Split a cell into two equal-area halves across its longer side.

    Args:
        cell: A cell polygon.
        frame: Metric frame deciding which side is longer.

    Returns:
        The two halves (west/south first).
    """
    minx, miny, maxx, maxy = cell.bounds
    along_x = (maxx - minx) * frame.kx >= (maxy - miny) * frame.ky
    lo, hi = (minx, maxx) if along_x else (miny, maxy)
    total = cell.area
    first = second = cell
    for _ in range(30):
        cut = _snap((lo + hi) / 2.0)
        right, top = (cut, maxy + 1) if along_x else (maxx + 1, cut)
        window = shapely.box(minx - 1, miny - 1, right, top)
        first = polygonal(shapely.intersection(cell, window, grid_size=GRID_SIZE))
        if abs(first.area - total / 2.0) <= total * 1e-3 or hi - lo <= 2 * GRID_SIZE:
            break
        if first.area < total / 2.0:
            lo = cut
        else:
            hi = cut
    second = polygonal(shapely.difference(cell, first, grid_size=GRID_SIZE))
    return first, second


def fit_count(cells: list[Any], count: int, max_m2: float, frame: LocalFrame) -> list[Any]:
    """Merge the smallest or split the largest cells until exactly ``count`` remain."""
    cells = list(cells)
    areas = [area_m2(c) for c in cells]
    while len(cells) > count:
        _merge_at(cells, areas, min(range(len(cells)), key=lambda i: (areas[i], i)), max_m2, frame)
    while len(cells) < count:
        index = max(range(len(cells)), key=lambda i: (areas[i], -i))
        first, second = split_in_two(cells[index], frame)
        cells[index : index + 1] = [first, second]
        areas[index : index + 1] = [area_m2(first), area_m2(second)]
    return cells


def rebalance(cells: list[Any], max_m2: float, frame: LocalFrame, rounds: int = 200) -> list[Any]:
    """Split oversized cells, paying for each split by merging two small neighbours.

    The cell count does not change; stops when no cell exceeds ``max_m2`` or
    no small pair can merge without exceeding it.
    """
    cells = list(cells)
    areas = [area_m2(c) for c in cells]
    for _ in range(rounds):
        largest = max(range(len(cells)), key=lambda i: (areas[i], -i))
        if areas[largest] <= max_m2:
            break
        donor = -1
        for index in sorted(range(len(cells)), key=lambda i: (areas[i], i)):
            lengths = shared_border_m(cells[index], cells, frame)
            fits = [j for j in range(len(cells)) if lengths[j] > 0 and j not in (index, largest)]
            if index != largest and any(areas[j] + areas[index] <= max_m2 for j in fits):
                donor = index
                break
        if donor < 0:
            break
        big = cells[largest]
        _merge_at(cells, areas, donor, max_m2, frame)
        largest = next(i for i, c in enumerate(cells) if c is big)
        first, second = split_in_two(big, frame)
        cells[largest : largest + 1] = [first, second]
        areas[largest : largest + 1] = [area_m2(first), area_m2(second)]
    return cells


def tessellate(poly: Any, count: int, frame: LocalFrame) -> list[Any]:
    """Cut ``poly`` into exactly ``count`` gap-free, non-overlapping cells.

    Args:
        poly: A (multi)polygon on the 1e-6 degree grid, WGS-84 lon/lat.
        count: Number of cells wanted (>= 1).
        frame: Metric frame for sizes.

    Returns:
        ``count`` cell polygons whose union is ``poly``.
    """
    mean = area_m2(poly) / count
    min_m2, max_m2 = 0.5 * mean, 1.45 * mean
    lo, hi = 0.5 * math.sqrt(mean), 1.6 * math.sqrt(mean)
    best: list[Any] = [poly]
    for _ in range(_SEARCH_STEPS):
        side = (lo + hi) / 2.0
        cells = merge_small(lattice_pieces(poly, side, frame), min_m2, max_m2, frame)
        if abs(len(cells) - count) < abs(len(best) - count):
            best = cells
        if len(cells) == count:
            break
        if len(cells) > count:
            lo = side
        else:
            hi = side
    return rebalance(fit_count(best, count, max_m2, frame), max_m2, frame)
