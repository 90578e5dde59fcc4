"""Local metric measurements on WGS-84 lon/lat geometries.

Xicheng is about 9 km across, so a local equirectangular scale taken at a
geometry's own centroid latitude (WGS-84 ellipsoid radii of curvature) gives
areas and lengths to better than 0.01 %. Geometries stay in lon/lat; only the
measurements are converted to metres.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import shapely

WGS84_A = 6378137.0
WGS84_F = 1.0 / 298.257223563
_E2 = WGS84_F * (2.0 - WGS84_F)

#: Coordinates of generated geometry are snapped to this grid (degrees).
GRID_SIZE = 1e-6


def metres_per_degree(lat: float) -> tuple[float, float]:
    """Return metres per degree of longitude and latitude at ``lat``.

    Args:
        lat: Latitude in degrees (WGS-84).

    Returns:
        ``(m_per_deg_lon, m_per_deg_lat)`` from the ellipsoid's prime-vertical
        and meridional radii of curvature.
    """
    phi = math.radians(lat)
    w = 1.0 - _E2 * math.sin(phi) ** 2
    n = WGS84_A / math.sqrt(w)
    m = WGS84_A * (1.0 - _E2) / w**1.5
    return n * math.cos(phi) * math.pi / 180.0, m * math.pi / 180.0


def area_m2(geom: Any) -> float:
    """Return the area of a lon/lat polygon in square metres.

    Args:
        geom: A shapely (multi)polygon in WGS-84 lon/lat.

    Returns:
        The area in m², 0.0 for empty geometries.
    """
    if geom.is_empty:
        return 0.0
    kx, ky = metres_per_degree(float(geom.centroid.y))
    return float(geom.area) * kx * ky


class LocalFrame:
    """An equirectangular metric frame centred on a reference point.

    Args:
        lon0: Reference longitude (degrees).
        lat0: Reference latitude (degrees).
    """

    def __init__(self, lon0: float, lat0: float) -> None:
        self.lon0 = lon0
        self.lat0 = lat0
        self.kx, self.ky = metres_per_degree(lat0)

    def to_metric(self, geom: Any) -> Any:
        """Return ``geom`` (or an array of geometries) in frame metres."""
        scale = np.array([self.kx, self.ky])
        origin = np.array([self.lon0, self.lat0])
        return shapely.transform(geom, lambda c: (c - origin) * scale)

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        """Return frame metres ``(x, y)`` of a lon/lat point."""
        return (lon - self.lon0) * self.kx, (lat - self.lat0) * self.ky

    def degrees(self, metres: float) -> tuple[float, float]:
        """Return a distance in metres as ``(d_lon, d_lat)`` degrees."""
        return metres / self.kx, metres / self.ky


#: The metric frame used for all Xicheng work (about the district centre).
XICHENG_FRAME = LocalFrame(116.36, 39.91)
