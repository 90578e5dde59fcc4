"""Compact, deterministic GeoJSON writing and tolerant reading."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import mapping

Feature = dict[str, Any]


def _round_positions(coords: Any, digits: int) -> Any:
    """Return nested coordinate sequences as lists rounded to ``digits``."""
    if coords and isinstance(coords[0], (int, float)):
        return [round(float(v), digits) + 0.0 for v in coords[:2]]
    return [_round_positions(part, digits) for part in coords]


def geometry_to_geojson(geom: Any, digits: int = 6) -> dict[str, Any]:
    """Return a GeoJSON geometry dict (RFC 7946 ring orientation, rounded).

    Args:
        geom: A shapely geometry in WGS-84 lon/lat.
        digits: Decimal places kept (6 ≈ 0.1 m).

    Returns:
        A plain ``{"type", "coordinates"}`` dict with list coordinates.
    """
    oriented = shapely.orient_polygons(shapely.simplify(geom, 0.0), exterior_cw=False)
    raw = mapping(oriented)
    return {"type": raw["type"], "coordinates": _round_positions(raw["coordinates"], digits)}


def feature(properties: dict[str, Any], geometry: dict[str, Any]) -> Feature:
    """Return a GeoJSON Feature dict."""
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def dumps_collection(features: list[Feature], meta: dict[str, Any] | None = None) -> str:
    """Serialise a FeatureCollection compactly, one feature per line.

    Args:
        features: Feature dicts, written in the given order.
        meta: Extra top-level members (e.g. a ``note``), written first.

    Returns:
        The JSON text, ending with a newline.
    """

    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    head = {"type": "FeatureCollection", **(meta or {})}
    head_text = dump(head)[:-1]
    body = ",\n".join(dump(f) for f in features)
    return f'{head_text},"features":[\n{body}\n]}}\n'


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temp file in the same folder + os.replace.

    Args:
        path: Destination file; its folder must exist.
        text: UTF-8 content.
    """
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def read_collection(path: Path) -> dict[str, Any]:
    """Read a GeoJSON FeatureCollection without validating it.

    Args:
        path: A UTF-8 GeoJSON file.

    Returns:
        The parsed JSON object.
    """
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data
