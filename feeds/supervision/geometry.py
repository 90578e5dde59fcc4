"""Small planar helpers for the supervision data: metres between WGS-84 points, bounding boxes."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

EARTH_M = 6_371_008.8
M_PER_DEG_LAT = math.pi * EARTH_M / 180.0


def metres(lon0: float, lat0: float, lon1: float, lat1: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p0, p1 = math.radians(lat0), math.radians(lat1)
    dp, dl = p1 - p0, math.radians(lon1 - lon0)
    a = math.sin(dp / 2) ** 2 + math.cos(p0) * math.cos(p1) * math.sin(dl / 2) ** 2
    return 2 * EARTH_M * math.asin(min(1.0, math.sqrt(a)))


def metres_arrays(
    lon: np.ndarray[Any, Any], lat: np.ndarray[Any, Any], lon0: float, lat0: float
) -> np.ndarray[Any, Any]:
    """Distances in metres from ``(lon0, lat0)`` to many points (equirectangular: exact enough within a city)."""
    dx = (np.asarray(lon, dtype=float) - lon0) * M_PER_DEG_LAT * math.cos(math.radians(lat0))
    dy = (np.asarray(lat, dtype=float) - lat0) * M_PER_DEG_LAT
    return np.asarray(np.hypot(dx, dy))


def bbox(lon: float, lat: float, radius_m: float) -> tuple[float, float, float, float]:
    """``(west, south, east, north)`` of a square of half-side ``radius_m`` around a point."""
    dlat = radius_m / M_PER_DEG_LAT
    dlon = dlat / max(0.01, math.cos(math.radians(lat)))
    return lon - dlon, lat - dlat, lon + dlon, lat + dlat
