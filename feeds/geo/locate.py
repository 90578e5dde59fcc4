"""Point-in-polygon assignment of many points to unit grids, with a spatial index.

:class:`GridLocator` holds the grid polygons in a shapely ``STRtree`` and assigns
whole arrays of points in one vectorised query (``bench/import_csv.py`` measures the
rate). A point on a shared edge goes to the grid listed first; a point outside
every grid gets ``None``.

Once a locator has been asked for :data:`RASTER_MIN_POINTS` points (in one call or
several), a coarse raster over the grids' extent is built and kept: each cell is classified,
with shapely, as *empty* (no grid touches it), *inside* one grid (exactly one grid
touches it and holds it in its interior) or *ambiguous* (with the grids that touch
it, first listed first). A point in an empty or inside cell is answered by a numpy
lookup; only the points in ambiguous cells are tested, against their cell's few
candidate grids with ``shapely.intersects_xy`` on prepared polygons (no point
objects made). The cells are classified on boxes grown by :data:`_EPS` degrees, so
rounding of a point's cell index cannot put it in a cell whose class is wrong for
it: the answers are exactly the ``STRtree`` query's (a test compares them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

import numpy as np
import shapely
from shapely.geometry import shape

RASTER_MIN_POINTS = 100_000
"""Points located (so far, this call included) from which the raster index is built and used. Building
it costs about what the ``STRtree`` query of ~100,000 points does (~0.08 CPU-s for Xicheng's 2,432
grids); each point after costs a seventh of the query's."""

_CELLS_PER_GRID = 24
"""Raster cells per grid (about): 2,432 Xicheng grids give a 242×242 raster, ~0.07 CPU-s to build."""

_MAX_SIDE = 1024
_EPS = 1e-9
"""Degrees (0.1 mm) by which each cell's box is grown before it is classified."""

_EMPTY = -1
_AMBIGUOUS = -2


class PointLocator(Protocol):
    """Anything that places arrays of points on grids (:class:`GridLocator`, a generating one)."""

    def locate_arrays(self, lons: np.ndarray[Any, Any], lats: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        """Grid code per point (object array; ``None`` outside every grid)."""
        ...


class _Raster:
    """Cell classes over the extent of a locator's grids (see the module's docstring)."""

    def __init__(self, tree: shapely.STRtree, geoms: np.ndarray[Any, Any], bounds: tuple[float, ...]) -> None:
        west, south, east, north = bounds
        side = int(np.clip(np.sqrt(_CELLS_PER_GRID * len(geoms)), 8, _MAX_SIDE))
        width, height = max(east - west, 1e-12), max(north - south, 1e-12)
        aspect = width / height
        nx = int(np.clip(round(side * np.sqrt(aspect)), 1, _MAX_SIDE))
        ny = int(np.clip(round(side / np.sqrt(aspect)), 1, _MAX_SIDE))
        self.nx, self.ny = nx, ny
        self.west, self.south, self.east, self.north = west, south, east, north
        self.sx, self.sy = nx / width, ny / height
        ix, iy = np.divmod(np.arange(nx * ny), ny)
        dx, dy = width / nx, height / ny
        boxes = shapely.box(
            west + ix * dx - _EPS, south + iy * dy - _EPS, west + (ix + 1) * dx + _EPS, south + (iy + 1) * dy + _EPS
        )
        cell_idx, tree_idx = tree.query(boxes, predicate="intersects")
        order = np.lexsort((tree_idx, cell_idx))
        cell_idx, tree_idx = cell_idx[order], tree_idx[order]
        counts = np.bincount(cell_idx, minlength=nx * ny)
        offsets = np.zeros(nx * ny + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        cls = np.full(nx * ny, _AMBIGUOUS, dtype=np.int64)
        cls[counts == 0] = _EMPTY
        single = np.flatnonzero(counts == 1)
        only = tree_idx[offsets[single]]
        inside = shapely.contains_properly(geoms[only], boxes[single])
        cls[single[inside]] = only[inside]
        self.cls = cls
        self.offsets = offsets
        self.candidates = tree_idx

    def locate(self, geoms: np.ndarray[Any, Any], lons: np.ndarray[Any, Any], lats: np.ndarray[Any, Any]) -> Any:
        """Tree index of the grid under each point (``-1`` outside every grid or for NaN)."""
        n = len(lons)
        found = np.full(n, -1, dtype=np.int64)
        within = (lons >= self.west) & (lons <= self.east) & (lats >= self.south) & (lats <= self.north)
        pts = np.flatnonzero(within)  # NaN compares False: never within
        x, y = lons[pts], lats[pts]
        ix = np.minimum(((x - self.west) * self.sx).astype(np.int64), self.nx - 1)
        iy = np.minimum(((y - self.south) * self.sy).astype(np.int64), self.ny - 1)
        cell = ix * self.ny + iy
        cls = self.cls[cell]
        found[pts] = np.where(cls >= 0, cls, -1)
        amb = np.flatnonzero(cls == _AMBIGUOUS)
        if len(amb) == 0:
            return found
        amb_cell = cell[amb]
        starts = self.offsets[amb_cell]
        counts = self.offsets[amb_cell + 1] - starts
        total = int(counts.sum())
        owner = np.repeat(amb, counts)  # index into pts, grouped by point, candidates in listed order
        run_start = np.cumsum(counts) - counts
        cand = self.candidates[np.repeat(starts - run_start, counts) + np.arange(total)]
        hit = shapely.intersects_xy(geoms[cand], x[owner], y[owner])
        owner, cand = owner[hit], cand[hit]
        if len(owner):
            first = np.ones(len(owner), dtype=bool)
            first[1:] = owner[1:] != owner[:-1]
            found[pts[owner[first]]] = cand[first]
        return found


class GridLocator:
    """Finds the grid under each of many WGS-84 points.

    Args:
        grids: ``(code, geometry)`` pairs; a geometry is a shapely geometry or a GeoJSON mapping.
    """

    def __init__(self, grids: Iterable[tuple[str, Any]]) -> None:
        codes: list[str] = []
        geoms: list[Any] = []
        for code, geom in grids:
            codes.append(code)
            geoms.append(shape(geom) if isinstance(geom, dict) else geom)
        self.codes: list[str] = codes
        self._codes = np.array(codes, dtype=object)
        self._geoms = np.array(geoms, dtype=object)
        self._tree = shapely.STRtree(geoms)
        bounds = shapely.total_bounds(geoms) if geoms else np.array([np.nan] * 4)
        self.bounds: tuple[float, float, float, float] = tuple(float(b) for b in bounds)  # type: ignore[assignment]
        self._raster: _Raster | None = None
        self._located = 0  # points asked for before the raster index was built

    def __len__(self) -> int:
        return len(self.codes)

    def locate_arrays(self, lons: np.ndarray[Any, Any], lats: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        """Grid code per point (object array; ``None`` outside every grid or for NaN coordinates)."""
        n = len(lons)
        if n == 0 or not self.codes:
            return np.full(n, None, dtype=object)
        if self._raster is None and self._located + n < RASTER_MIN_POINTS:
            self._located += n
            return self.locate_with_tree(lons, lats)
        if self._raster is None:
            shapely.prepare(self._geoms)
            self._raster = _Raster(self._tree, self._geoms, self.bounds)
        found = self._raster.locate(self._geoms, np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
        out = np.full(n, None, dtype=object)
        inside = found >= 0
        out[inside] = self._codes[found[inside]]
        return out

    def locate_with_tree(self, lons: np.ndarray[Any, Any], lats: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        """The same answers as :meth:`locate_arrays` by one ``STRtree`` query of point objects (small calls)."""
        n = len(lons)
        out = np.full(n, None, dtype=object)
        if n == 0 or not self.codes:
            return out
        points = shapely.points(np.column_stack([lons, lats]))
        point_idx, tree_idx = self._tree.query(points, predicate="intersects")
        if len(point_idx):
            # several hits for one point (shared edge): keep the lowest tree index, i.e. the first listed grid
            order = np.lexsort((tree_idx, point_idx))
            point_idx, tree_idx = point_idx[order], tree_idx[order]
            first = np.ones(len(point_idx), dtype=bool)
            first[1:] = point_idx[1:] != point_idx[:-1]
            out[point_idx[first]] = self._codes[tree_idx[first]]
        return out

    def locate(self, points: Sequence[tuple[float, float]]) -> list[str | None]:
        """Grid code per ``(lon, lat)`` point, ``None`` outside."""
        arr = np.asarray(points, dtype=float).reshape(-1, 2)
        return list(self.locate_arrays(arr[:, 0], arr[:, 1]))
