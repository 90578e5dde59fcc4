"""Point-in-polygon assignment of many points to unit grids, with a spatial index.

:class:`GridLocator` holds the grid polygons in a shapely ``STRtree`` and assigns
whole arrays of points in one vectorised query (``bench/locate.py`` measures the
rate). A point on a shared edge goes to the grid listed first; a point outside
every grid gets ``None``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape


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
        self._tree = shapely.STRtree(geoms)
        bounds = shapely.total_bounds(geoms) if geoms else np.array([np.nan] * 4)
        self.bounds: tuple[float, float, float, float] = tuple(float(b) for b in bounds)  # type: ignore[assignment]

    def __len__(self) -> int:
        return len(self.codes)

    def locate_arrays(self, lons: np.ndarray[Any, Any], lats: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        """Grid code per point (object array; ``None`` outside every grid or for NaN coordinates)."""
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
