"""WGS-84 <-> GCJ-02 ("Mars coordinates") conversion.

GCJ-02 is the obfuscated datum that Chinese web maps (Amap/Gaode, Tencent,
and Baidu before its own BD-09 step) use. GridWall keeps every geometry in
WGS-84 and converts only at the edges (imports from Chinese map tools,
tile layers drawn in GCJ-02).

The forward offset is the published formula on the Krasovsky 1940
ellipsoid (a = 6378245 m, e² = 0.00669342162296594323). The inverse has no
closed form; it is solved by fixed-point iteration to better than 1e-9 deg.
"""

from __future__ import annotations

import math
from typing import Any

KRASOVSKY_A = 6378245.0
KRASOVSKY_EE = 0.00669342162296594323

_INVERSE_TOLERANCE_DEG = 1e-10
_INVERSE_MAX_STEPS = 30


def _offset_lat(x: float, y: float) -> float:
    """Raw latitude offset polynomial; x = lon - 105, y = lat - 35."""
    pi = math.pi
    value = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y
    value += 0.2 * math.sqrt(abs(x))
    value += (20.0 * math.sin(6.0 * x * pi) + 20.0 * math.sin(2.0 * x * pi)) * 2.0 / 3.0
    value += (20.0 * math.sin(y * pi) + 40.0 * math.sin(y / 3.0 * pi)) * 2.0 / 3.0
    value += (160.0 * math.sin(y / 12.0 * pi) + 320.0 * math.sin(y * pi / 30.0)) * 2.0 / 3.0
    return value


def _offset_lon(x: float, y: float) -> float:
    """Raw longitude offset polynomial; x = lon - 105, y = lat - 35."""
    pi = math.pi
    value = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y
    value += 0.1 * math.sqrt(abs(x))
    value += (20.0 * math.sin(6.0 * x * pi) + 20.0 * math.sin(2.0 * x * pi)) * 2.0 / 3.0
    value += (20.0 * math.sin(x * pi) + 40.0 * math.sin(x / 3.0 * pi)) * 2.0 / 3.0
    value += (150.0 * math.sin(x / 12.0 * pi) + 300.0 * math.sin(x / 30.0 * pi)) * 2.0 / 3.0
    return value


def out_of_china(lon: float, lat: float) -> bool:
    """Return True outside the rough China bounding box (no offset applied)."""
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """Convert a WGS-84 point to GCJ-02.

    Args:
        lon: WGS-84 longitude in degrees.
        lat: WGS-84 latitude in degrees.

    Returns:
        ``(lon, lat)`` in GCJ-02; unchanged outside China.
    """
    if out_of_china(lon, lat):
        return lon, lat
    d_lat = _offset_lat(lon - 105.0, lat - 35.0)
    d_lon = _offset_lon(lon - 105.0, lat - 35.0)
    rad_lat = math.radians(lat)
    magic = 1.0 - KRASOVSKY_EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((KRASOVSKY_A * (1.0 - KRASOVSKY_EE)) / (magic * sqrt_magic) * math.pi)
    d_lon = (d_lon * 180.0) / (KRASOVSKY_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return lon + d_lon, lat + d_lat


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """Convert a GCJ-02 point back to WGS-84 by fixed-point iteration.

    Args:
        lon: GCJ-02 longitude in degrees.
        lat: GCJ-02 latitude in degrees.

    Returns:
        ``(lon, lat)`` in WGS-84, accurate to about 1e-9 degrees.
    """
    if out_of_china(lon, lat):
        return lon, lat
    w_lon, w_lat = lon, lat
    for _ in range(_INVERSE_MAX_STEPS):
        g_lon, g_lat = wgs84_to_gcj02(w_lon, w_lat)
        e_lon, e_lat = g_lon - lon, g_lat - lat
        w_lon -= e_lon
        w_lat -= e_lat
        if abs(e_lon) < _INVERSE_TOLERANCE_DEG and abs(e_lat) < _INVERSE_TOLERANCE_DEG:
            break
    return w_lon, w_lat


def _map_positions(coords: Any, func: Any) -> Any:
    """Apply ``func(lon, lat)`` to every position of nested coordinate lists."""
    if coords and isinstance(coords[0], (int, float)):
        lon, lat = func(float(coords[0]), float(coords[1]))
        return [lon, lat, *coords[2:]]
    return [_map_positions(part, func) for part in coords]


def convert_geometry(geometry: dict[str, Any], func: Any) -> dict[str, Any]:
    """Return a copy of a GeoJSON geometry with ``func`` applied to positions.

    Args:
        geometry: A GeoJSON geometry dict (any type, incl. GeometryCollection).
        func: A point converter such as :func:`gcj02_to_wgs84`.

    Returns:
        A new geometry dict; the input is not modified.
    """
    if geometry.get("type") == "GeometryCollection":
        parts = [convert_geometry(g, func) for g in geometry.get("geometries", [])]
        return {"type": "GeometryCollection", "geometries": parts}
    return {"type": geometry["type"], "coordinates": _map_positions(geometry["coordinates"], func)}


def geometry_gcj02_to_wgs84(geometry: dict[str, Any]) -> dict[str, Any]:
    """Convert a GeoJSON geometry from GCJ-02 to WGS-84."""
    return convert_geometry(geometry, gcj02_to_wgs84)


def geometry_wgs84_to_gcj02(geometry: dict[str, Any]) -> dict[str, Any]:
    """Convert a GeoJSON geometry from WGS-84 to GCJ-02."""
    return convert_geometry(geometry, wgs84_to_gcj02)
