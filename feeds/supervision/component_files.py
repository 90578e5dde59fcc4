"""Reading a component inventory from CSV or GeoJSON (``gridwall import-parts``).

CSV: a header row with ``code``, ``lon``, ``lat`` and optionally ``state``, ``department``
and ``name`` (UTF-8, a BOM is fine). GeoJSON: a FeatureCollection of Point features whose
properties hold ``code`` and optionally the same fields. Coordinates are WGS-84. The
subclass comes from the code (major + minor, which must be a component subclass of the
taxonomy); the unit grid from the point; a missing state is ``ok``, a missing department
the subclass's. Every bad row is reported with its line or feature number; a file with
any bad row writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from feeds.supervision.codes import STATES, ComponentCodeError, parse_code
from feeds.supervision.point_files import lon_lat, point_records
from feeds.taxonomy import Taxonomy

Locate = Callable[[np.ndarray[Any, Any], np.ndarray[Any, Any]], np.ndarray[Any, Any]]
MAX_ERRORS = 50


@dataclass
class ComponentFile:
    """What was read: the rows ready to store and the problems found."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _row(rec: dict[str, Any], taxonomy: Taxonomy) -> dict[str, Any]:
    if "_error" in rec:
        raise ValueError(rec["_error"])
    code = parse_code(str(rec.get("code") or ""), taxonomy)
    lon, lat = lon_lat(rec)
    state = str(rec.get("state") or "ok").strip().lower()
    if state not in STATES:
        raise ValueError(f"state {state!r} is not one of {', '.join(STATES)}")
    sub = taxonomy.subclass(code.subclass)
    return {
        "code": str(code),
        "subclass": code.subclass,
        "grid": "",
        "lon": lon,
        "lat": lat,
        "state": state,
        "department": str(rec.get("department") or sub.department).strip()[:32],
        "name": str(rec.get("name") or "").strip()[:100],
        "generated": False,
    }


def read_component_file(path: Path, taxonomy: Taxonomy, locate: Locate) -> ComponentFile:
    """Read and check a CSV or GeoJSON inventory; ``locate`` gives the grid of each point (``None`` outside)."""
    out = ComponentFile()
    seen: set[str] = set()
    try:
        records = point_records(path)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        out.errors.append(f"{path}: cannot read: {exc}")
        return out
    for where, rec in records:
        try:
            row = _row(rec, taxonomy)
        except (ComponentCodeError, ValueError) as exc:
            out.errors.append(f"{where}: {exc}")
            continue
        if row["code"] in seen:
            out.errors.append(f"{where}: code {row['code']} appears twice")
            continue
        seen.add(row["code"])
        out.rows.append(row)
    if out.rows:
        grids = locate(np.array([r["lon"] for r in out.rows]), np.array([r["lat"] for r in out.rows]))
        for row, grid in zip(out.rows, grids, strict=True):
            if grid is None:
                out.errors.append(f"component {row['code']}: ({row['lon']}, {row['lat']}) lies in no unit grid")
            row["grid"] = grid or ""
    if not records:
        out.errors.append(f"{path}: no components found")
    return out
