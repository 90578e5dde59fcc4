"""Units for a city from its real area outlines: areas from a GeoJSON file, blocks and grids generated inside.

``gridwall import-units`` reads a FeatureCollection of a foreign city's areas
(polygons or multipolygons, each with a name) and builds the same four-level
hierarchy as the grid generated over a data extent (:mod:`feeds.geo.extent_grid`),
with the same codes: the district ``990000`` is the union of the areas; each area is a
subdistrict (``990000`` + three digits, in the order of the file, or of the codes
when the file has a code property); inside each area square cells of a city-wide
lattice are clipped to its outline and become its grids, grouped 2×2 into blocks
(communities). So every point inside the outlines lies in exactly one grid, of the
area whose outline holds it (an area's overlap with an earlier one is cut off it).
Areas keep ``generated: false``; blocks and grids are ``generated: true``.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.validation import explain_validity, make_valid

from feeds.geo.errors import GeoDataError
from feeds.geo.extent_grid import COMMUNITY_CELLS, GENERATED_DISTRICT, MAX_PER_LEVEL, _row
from feeds.geo.gcj02 import geometry_gcj02_to_wgs84
from feeds.geo.projection import metres_per_degree

REPAIR_MAX_CHANGE = 0.01
"""A repaired geometry whose area changes by more than this share is refused."""


@dataclass
class OutlineReport:
    """What an outline import read, made and skipped."""

    source: str
    features_read: int = 0
    areas: list[tuple[str, str, str | None]] = field(default_factory=list)  # code, name, the file's own code
    blocks: int = 0
    grids: int = 0
    cell_m: float = 0.0
    repaired: list[str] = field(default_factory=list)
    trimmed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    skip_reasons: Counter[str] = field(default_factory=Counter)  # the kind of each skip ("not a polygon"…)

    def skip(self, index: int, label: str, reason: str, kind: str | None = None) -> None:
        """One feature skipped: ``feature N 'name': reason``, counted under ``kind`` (default: the reason)."""
        self.skipped.append(f"feature {index}{label}: {reason}")
        self.skip_reasons[kind or reason] += 1

    def why_none(self) -> str:
        """Why no feature was usable, in a few words: the skip kinds counted, and the first skip."""
        if not self.skipped:
            return "the file holds no features" if not self.features_read else "none was kept"
        counts = ", ".join(f"{n} {kind}" for kind, n in self.skip_reasons.most_common())
        return f"skipped {counts}; first: {self.skipped[0]}"

    def summary(self) -> str:
        """Human-readable lines."""
        lines = [
            f"{self.source}: read {self.features_read} features, made {len(self.areas)} areas, "
            f"{self.blocks:,} blocks, {self.grids:,} grids of {self.cell_m:,.0f} m"
        ]
        lines += [f"  area {code} {name}" + (f" (own code {own})" if own else "") for code, name, own in self.areas]
        lines += [f"  repaired {text}" for text in self.repaired]
        lines += [f"  trimmed {text}" for text in self.trimmed]
        lines += [f"  skipped {text}" for text in self.skipped]
        return "\n".join(lines)


def _polygonal(geom: Any) -> Any:
    """The polygons of a geometry (a MultiPolygon, a Polygon, or an empty Polygon)."""
    if geom.is_empty:
        return shapely.Polygon()
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    if geom.geom_type == "GeometryCollection":
        parts = [p for g in geom.geoms for p in getattr(_polygonal(g), "geoms", [_polygonal(g)]) if not p.is_empty]
        return shapely.MultiPolygon(parts) if len(parts) > 1 else (parts[0] if parts else shapely.Polygon())
    return shapely.Polygon()


def _feature_geometry(index: int, label: str, feature: Any, gcj02: bool, report: OutlineReport) -> Any | None:
    """The feature's WGS-84 polygon(s), repaired if needed; None (and the reason in the report) if unusable."""
    geometry = feature.get("geometry") if isinstance(feature, dict) else None
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if not isinstance(geometry, dict) or kind not in ("Polygon", "MultiPolygon"):
        report.skip(index, label, f"not a polygon ({kind or 'no geometry'})", "not a polygon")
        return None
    try:
        geom = shape(geometry_gcj02_to_wgs84(geometry) if gcj02 else geometry)
    except (ValueError, TypeError, IndexError, KeyError, AttributeError, shapely.errors.GEOSException):
        report.skip(index, label, "unreadable coordinates")
        return None
    if geom.is_empty or geom.area == 0:
        report.skip(index, label, "empty")
        return None
    coords = shapely.get_coordinates(geom)
    if not (np.isfinite(coords).all() and (np.abs(coords[:, 0]) <= 180).all() and (np.abs(coords[:, 1]) <= 90).all()):
        report.skip(index, label, "coordinates are not lon/lat degrees")
        return None
    if not geom.is_valid:
        why = explain_validity(geom)
        fixed = _polygonal(make_valid(geom))
        change = abs(fixed.area - geom.area) / geom.area if not fixed.is_empty else 1.0
        if fixed.is_empty or change > REPAIR_MAX_CHANGE:
            report.skip(index, label, f"invalid geometry ({why}), not repairable", "invalid geometry")
            return None
        report.repaired.append(f"feature {index}{label}: {why} (area changed {change:.2%})")
        geom = fixed
    return geom


def read_outlines(
    path: Path, name_property: str, code_property: str | None = None, crs: str = "wgs84"
) -> tuple[list[tuple[str, str | None, Any]], OutlineReport]:
    """The usable areas of a file as ``(name, own code, geometry)`` in code order, and the report so far.

    Areas are in file order, or ordered by the file's own codes when ``code_property`` is given.
    A later feature with a name (or own code) already taken is skipped; an area overlapping
    earlier ones loses the overlap (reported), and is skipped if nothing is left.

    Raises:
        GeoDataError: For a file that is not UTF-8 JSON, not a FeatureCollection, lacks the name
            property on every feature, or holds no usable polygon.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GeoDataError(f"{path}: not a readable UTF-8 JSON file ({exc})") from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        kind = data.get("type") if isinstance(data, dict) else type(data).__name__
        raise GeoDataError(f"{path}: not a GeoJSON FeatureCollection (type {kind!r})")
    features = data.get("features")
    if not isinstance(features, list):
        raise GeoDataError(f"{path}: the FeatureCollection's features must be a list, not {type(features).__name__}")
    report = OutlineReport(source=str(path), features_read=len(features))
    raw_props = [f.get("properties") if isinstance(f, dict) else None for f in features]
    props = [p if isinstance(p, dict) else {} for p in raw_props]  # a string or list of properties: none
    if features and not any(name_property in p for p in props):
        seen = sorted({k for p in props for k in p})
        not_objects = sum(1 for p in raw_props if p is not None and not isinstance(p, dict))
        note = f"; {not_objects} feature(s) have properties that are not an object" if not_objects else ""
        raise GeoDataError(
            f"{path}: no feature has the name property {name_property!r} "
            f"(properties: {', '.join(seen) or 'none'}{note})"
        )
    kept: list[tuple[str, str | None, Any, int]] = []
    names: dict[str, int] = {}
    own_codes: dict[str, int] = {}
    for index, (feature, p) in enumerate(zip(features, props, strict=True), start=1):
        raw = p.get(name_property)
        name = str(raw).strip() if raw is not None else ""
        label = f" {name!r}" if name else ""
        if not name:
            given = raw_props[index - 1]
            not_object = ""
            if given is not None and not isinstance(given, dict):
                not_object = f" (its properties are a {type(given).__name__}, not an object)"
            report.skip(index, "", f"no {name_property!r}{not_object}", f"no {name_property!r}")
            continue
        own = None
        if code_property is not None:
            raw_code = p.get(code_property)
            own = str(raw_code).strip() if raw_code is not None and str(raw_code).strip() else None
            if own is None:
                report.skip(index, label, f"no {code_property!r}")
                continue
            if own in own_codes:
                report.skip(index, label, f"duplicate code {own!r} (feature {own_codes[own]})", "duplicate code")
                continue
        if name in names:
            report.skip(index, label, f"duplicate name (feature {names[name]})", "duplicate name")
            continue
        geom = _feature_geometry(index, label, feature, crs == "gcj02", report)
        if geom is None:
            continue
        names[name] = index
        if own is not None:
            own_codes[own] = index
        kept.append((name, own, geom, index))
    if code_property is not None:
        kept.sort(key=lambda k: (len(k[1] or ""), k[1] or ""))
    areas: list[tuple[str, str | None, Any]] = []
    taken: Any = shapely.Polygon()
    for name, own, geom, index in kept:
        rest = _polygonal(geom.difference(taken)) if not taken.is_empty else geom
        if rest.is_empty or rest.area < geom.area * 1e-9:
            report.skip(index, f" {name!r}", "lies inside earlier areas")
            continue
        if rest.area < geom.area * (1 - 1e-9):
            report.trimmed.append(
                f"feature {index} {name!r}: {1 - rest.area / geom.area:.1%} of it overlaps earlier areas, cut off"
            )
        areas.append((name, own, rest))
        taken = shapely.union(taken, rest)
    if not areas:
        raise GeoDataError(f"{path}: no usable polygon features ({len(features)} read; {report.why_none()})")
    if len(areas) > MAX_PER_LEVEL:
        raise GeoDataError(f"{path}: {len(areas)} areas, at most {MAX_PER_LEVEL}")
    return areas, report


def outline_units(
    areas: list[tuple[str, str | None, Any]], cell_m: float, city: str, report: OutlineReport
) -> list[dict[str, Any]]:
    """``units`` rows: the district (the areas' union), the areas, and blocks and grids clipped inside each area.

    The cell grows (×1.5) until no area needs more than 999 blocks.
    """
    district = shapely.union_all([g for _, _, g in areas])
    west, south, _, north = district.bounds
    m_lon, m_lat = metres_per_degree((south + north) / 2)
    block = COMMUNITY_CELLS * cell_m
    while max(_blocks_needed(g, block / m_lon, block / m_lat, west, south) for _, _, g in areas) > MAX_PER_LEVEL:
        cell_m *= 1.5
        block = COMMUNITY_CELLS * cell_m
    dx, dy = cell_m / m_lon, cell_m / m_lat
    report.cell_m = cell_m
    out = [{**_row(GENERATED_DISTRICT, "district", None, city, district), "generated": False}]
    lower: list[dict[str, Any]] = []
    for number, (name, own, geom) in enumerate(areas, start=1):
        sub = f"{GENERATED_DISTRICT}{number:03d}"
        out.append({**_row(sub, "subdistrict", GENERATED_DISTRICT, name, geom), "generated": False})
        report.areas.append((sub, name, own))
        lower += _area_units(sub, geom, west, south, dx, dy, report)
    return out + [r for r in lower if r["level"] == "community"] + [r for r in lower if r["level"] == "grid"]


def _span(lo: float, hi: float, origin: float, step: float) -> range:
    return range(math.floor((lo - origin) / step), math.ceil((hi - origin) / step))


def _blocks_needed(geom: Any, bx: float, by: float, west: float, south: float) -> int:
    w, s, e, n = geom.bounds
    return len(_span(w, e, west, bx)) * len(_span(s, n, south, by))


def _area_units(
    sub: str, area: Any, west: float, south: float, dx: float, dy: float, report: OutlineReport
) -> list[dict[str, Any]]:
    """The blocks and grids of one area: lattice cells clipped to its outline, 2×2 cells a block."""
    w, s, e, n = area.bounds
    cols, rows = _span(w, e, west, dx), _span(s, n, south, dy)
    cc, rr = np.meshgrid(np.array(cols), np.array(rows))
    cc, rr = cc.ravel(), rr.ravel()
    cells = shapely.box(west + cc * dx, south + rr * dy, west + (cc + 1) * dx, south + (rr + 1) * dy)
    shapely.prepare(area)
    hit = shapely.intersects(area, cells)
    clipped = shapely.intersection(cells[hit], area)
    cc, rr = cc[hit], rr[hit]
    blocks: dict[tuple[int, int], list[tuple[int, int, Any]]] = {}
    for c, r, geom in zip(cc, rr, clipped, strict=True):
        part = _polygonal(geom)
        if part.is_empty or part.area == 0:
            continue
        blocks.setdefault((int(r) // COMMUNITY_CELLS, int(c) // COMMUNITY_CELLS), []).append((int(r), int(c), part))
    out: list[dict[str, Any]] = []
    for number, key in enumerate(sorted(blocks), start=1):
        com = f"{sub}{number:03d}"
        cells_of = sorted(blocks[key], key=lambda t: (t[0], t[1]))
        out.append(_row(com, "community", sub, f"Community {com[-6:]}", shapely.union_all([g for _, _, g in cells_of])))
        for k, (r, c, geom) in enumerate(cells_of, start=1):
            out.append(_row(f"{com}{k:03d}", "grid", com, f"R{r - rows.start + 1}C{c - cols.start + 1}", geom))
        report.blocks += 1
        report.grids += len(cells_of)
    return out
