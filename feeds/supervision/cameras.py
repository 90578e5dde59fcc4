"""Video cameras (视频联动): a camera file, a modelled set for the demo, and the nearest cameras to a place.

A camera file is CSV (header ``id,name_zh,lon,lat,url`` and optionally ``name_en``) or a
GeoJSON FeatureCollection of Points with those properties. ``url`` is what QtMultimedia
opens: ``rtsp://…``, ``http(s)://…`` (an HLS ``.m3u8`` playlist or a plain MPEG-TS/MP4
stream) or ``file://…``. The demo's cameras are modelled (one at each crowd hot spot and
one every few unit grids, named after the grid's street) and have no stream URL: their
panel says so. Load real ones with ``gridwall import-cameras``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
from sqlalchemy import Connection, Engine, delete, func, insert, select

from feeds.geo.units import load_hotspots, load_units
from feeds.romanize import english_name
from feeds.simulator.model.streets import street_of_grid
from feeds.store.schema import cameras
from feeds.supervision.geometry import bbox, metres_arrays
from feeds.supervision.point_files import lon_lat, point_records

CAMERA_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
URL_SCHEMES = ("rtsp://", "rtsps://", "http://", "https://", "file://", "udp://", "rtmp://")
GRID_STEP = 8
"""The modelled set has a camera in every 8th unit grid (about 300) plus one per hot spot."""
NEAREST_RADIUS_M = 1_500.0


class CameraFileError(ValueError):
    """A camera file that cannot be used; the message lists the problems."""


def modelled_cameras() -> list[dict[str, Any]]:
    """The demo's cameras (no stream URLs)."""
    rows = []
    for i, spot in enumerate(load_hotspots()):
        rows.append(
            {
                "id": f"CAM-H{i + 1:02d}",
                "name_zh": f"{spot.name_zh}监控",
                "name_en": f"{spot.name_en} camera",
                "lon": spot.lon,
                "lat": spot.lat,
                "url": "",
                "grid": "",
            }
        )
    for grid in load_units().grids[::GRID_STEP]:
        street = street_of_grid(grid.code)
        lon, lat = grid.centroid
        rows.append(
            {
                "id": f"CAM-{grid.code[-9:]}",
                "name_zh": f"{street}{grid.code[-3:]}号探头",
                "name_en": f"{english_name(street)} camera {grid.code[-3:]}",
                "lon": round(lon, 6),
                "lat": round(lat, 6),
                "url": "",
                "grid": grid.code,
            }
        )
    return rows


def _url_problem(url: str) -> str | None:
    """What is wrong with a stream URL of a known scheme: a network one needs a host (and a valid port),
    a ``file://`` one a path."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises for a port that is no number or out of range)
    except ValueError as exc:
        return f"is not a URL ({exc})"
    if parts.scheme.lower() == "file":
        return None if parts.path not in ("", "/") else "names no file"
    return None if parts.hostname else "names no host"


def _check(rec: dict[str, Any], where: str) -> dict[str, Any]:
    if "_error" in rec:
        raise CameraFileError(f"{where}: {rec['_error']}")
    cam_id = str(rec.get("id") or "").strip()
    if not CAMERA_ID.fullmatch(cam_id):
        raise CameraFileError(f"{where}: id {cam_id!r} must be 1-64 of A-Z a-z 0-9 _ . : -")
    name = str(rec.get("name_zh") or rec.get("name") or "").strip()
    if not name:
        raise CameraFileError(f"{where}: camera {cam_id} has no name")
    try:
        lon, lat = lon_lat(rec)
    except ValueError as exc:
        raise CameraFileError(f"{where}: camera {cam_id}: {exc}") from None
    url = str(rec.get("url") or "").strip()
    if url and not url.lower().startswith(URL_SCHEMES):
        raise CameraFileError(f"{where}: camera {cam_id}: url must start with one of {', '.join(URL_SCHEMES)}")
    if url and (problem := _url_problem(url)):
        raise CameraFileError(f"{where}: camera {cam_id}: url {url!r} {problem}")
    return {
        "id": cam_id,
        "name_zh": name[:100],
        "name_en": str(rec.get("name_en") or english_name(name))[:100],
        "lon": lon,
        "lat": lat,
        "url": url,
        "grid": str(rec.get("grid") or "")[:15],
    }


def read_camera_file(path: Path) -> list[dict[str, Any]]:
    """Cameras from a CSV or GeoJSON file; raises :class:`CameraFileError` listing every bad entry."""
    try:
        records = point_records(path)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise CameraFileError(f"{path}: cannot read: {exc}") from None
    rows, errors, seen = [], [], set()
    for where, rec in records:
        try:
            row = _check(rec, where)
        except CameraFileError as exc:
            errors.append(str(exc))
            continue
        if row["id"] in seen:
            errors.append(f"{where}: camera id {row['id']} appears twice")
        seen.add(row["id"])
        rows.append(row)
    if errors or not rows:
        raise CameraFileError("; ".join(errors[:20]) or f"{path}: no cameras found")
    return rows


def write_cameras(engine: Engine, rows: list[dict[str, Any]]) -> int:
    """Replace the stored cameras; returns rows written."""
    with engine.begin() as conn:
        conn.execute(delete(cameras))
        if rows:
            conn.execute(insert(cameras), rows)
    return len(rows)


def camera_count(engine: Engine) -> int:
    """How many cameras the store holds."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(cameras)).scalar_one())


def camera_wire(row: Any, distance_m: float | None = None) -> dict[str, Any]:
    """A camera as JSON (``distance_m`` when it answers a nearest query)."""
    out = {
        "id": row.id,
        "name_zh": row.name_zh,
        "name_en": row.name_en,
        "lon": float(row.lon),
        "lat": float(row.lat),
        "url": row.url,
        "grid": row.grid,
    }
    if distance_m is not None:
        out["distance_m"] = round(distance_m, 1)
    return out


def all_cameras(conn: Connection) -> list[dict[str, Any]]:
    """Every camera, by id."""
    return [camera_wire(r) for r in conn.execute(select(cameras).order_by(cameras.c.id))]


def nearest_cameras(conn: Connection, lon: float, lat: float, limit: int = 3) -> list[dict[str, Any]]:
    """Up to ``limit`` cameras nearest to a point (within 1.5 km), nearest first."""
    west, south, east, north = bbox(lon, lat, NEAREST_RADIUS_M)
    c = cameras.c
    rows = list(conn.execute(select(cameras).where(c.lon.between(west, east), c.lat.between(south, north))))
    if not rows:
        return []
    dist = metres_arrays(np.array([r.lon for r in rows]), np.array([r.lat for r in rows]), lon, lat)
    order = [i for i in np.argsort(dist, kind="stable") if dist[i] <= NEAREST_RADIUS_M][:limit]
    return [camera_wire(rows[i], float(dist[i])) for i in order]
