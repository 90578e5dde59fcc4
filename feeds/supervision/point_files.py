"""The records of a point file (components, cameras): CSV with a header row, or a GeoJSON FeatureCollection
of Point features; and the check of a record's place. Shared by ``import-parts`` and ``import-cameras``."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

from feeds.csvfile import csv_errors_named

Record = tuple[str, dict[str, Any]]
"""Where a record is (``line 2``, ``feature 0``) and its fields (lower-case names; ``lon``, ``lat``)."""


def _features(path: Path) -> list[Record]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("type", "FeatureCollection") != "FeatureCollection":
        kind = data.get("type") if isinstance(data, dict) else type(data).__name__
        raise ValueError(f"not a GeoJSON FeatureCollection (type {kind!r})")
    features = data.get("features")
    if not isinstance(features, list):
        raise ValueError(f"not a GeoJSON FeatureCollection ('features' is {type(features).__name__}, not a list)")
    records: list[Record] = []
    for i, feat in enumerate(features):
        where = f"feature {i}"
        if not isinstance(feat, dict):
            records.append((where, {"_error": f"not a GeoJSON Feature object ({type(feat).__name__})"}))
            continue
        props = feat.get("properties")
        geom = feat.get("geometry")
        if not isinstance(geom, dict) or geom.get("type") != "Point":
            kind = geom.get("type") if isinstance(geom, dict) else None
            records.append((where, {"_error": f"geometry is not a Point ({kind or 'no geometry'})"}))
            continue
        coords = geom.get("coordinates")
        lon, lat = coords[:2] if isinstance(coords, list) and len(coords) >= 2 else (None, None)
        fields = {str(k).strip().lower(): v for k, v in props.items()} if isinstance(props, dict) else {}
        records.append((where, {**fields, "lon": lon, "lat": lat}))
    return records


def point_records(path: Path) -> list[Record]:
    """Every record of a ``.csv`` (UTF-8, a BOM is fine) or ``.geojson``/``.json`` file, in file order.

    A feature that is not an object or not a Point is a record with an ``_error``, to be reported with the rest.

    Raises:
        ValueError: A file that is not JSON or not a FeatureCollection; a CSV line the ``csv`` module cannot
            read (:class:`feeds.csvfile.CsvReadError`, naming the line).
        OSError, UnicodeDecodeError: A file that cannot be read.
    """
    if path.suffix.lower() in (".geojson", ".json"):
        return _features(path)
    with path.open(encoding="utf-8-sig", newline="") as fh, csv_errors_named(reader := csv.DictReader(fh)):
        return [(f"line {i + 2}", {k.strip().lower(): v for k, v in rec.items() if k}) for i, rec in enumerate(reader)]


def lon_lat(rec: dict[str, Any]) -> tuple[float, float]:
    """A record's WGS-84 place; ``ValueError`` when missing, not numbers, not finite or out of range."""
    try:
        lon, lat = float(rec["lon"]), float(rec["lat"])
    except (KeyError, TypeError, ValueError):
        raise ValueError("lon/lat missing or not numbers") from None
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValueError(f"lon/lat {lon}, {lat} out of range")
    return lon, lat
