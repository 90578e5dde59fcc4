"""Import a centre's real GeoJSON for one level, replacing the generated one.

The file is checked completely before anything is written: it must be a
FeatureCollection of Polygon/MultiPolygon features in WGS-84 lon/lat on
Xicheng, each with a unique code of the level's length whose parent exists.
Any problem raises :class:`GeoDataError` with a one-line message naming the
file, feature index and field, and the override folder is left untouched.
On success the normalised file is written atomically as
``<override_dir>/{subdistricts,communities,grids}.geojson``.
"""

from __future__ import annotations

import json
import math
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import shapely
from shapely.geometry import mapping, shape

from feeds.geo.errors import GeoDataError
from feeds.geo.gcj02 import geometry_gcj02_to_wgs84
from feeds.geo.geojson_io import dumps_collection, feature, geometry_to_geojson, write_atomic
from feeds.geo.partition import polygonal
from feeds.geo.projection import XICHENG_FRAME, area_m2
from feeds.geo.reference import CODE_LENGTH, PARENT_LEVEL, parent_code
from feeds.geo.units import OVERRIDE_FILES, UnitRegistry, clear_cache, load_units

#: Beijing municipality, generously: anything outside is not WGS-84 lon/lat of Xicheng.
_BEIJING_LON: Final = (115.4, 117.6)
_BEIJING_LAT: Final = (39.4, 41.1)
#: How far outside the district outline a feature may reach, and how much of it.
_NEAR_M: Final = 300.0
_MIN_INSIDE: Final = 0.5
_FIX_TOLERANCE: Final = 0.01
_LEVEL_ALIASES: Final = {
    "subdistrict": "subdistrict",
    "subdistricts": "subdistrict",
    "community": "community",
    "communities": "community",
    "grid": "grid",
    "grids": "grid",
}


@dataclass(frozen=True)
class ImportReport:
    """Outcome of a successful import.

    Attributes:
        level: Level replaced.
        path: File written in the override folder.
        feature_count: Features imported.
        replaced_count: Units of that level before the import.
        total_area_m2: Sum of imported areas.
        converted_from_gcj02: Whether coordinates were converted from GCJ-02.
        fixed_geometries: Invalid geometries repaired (area change < 1 %).
        orphaned_generated: Generated child units dropped because their parent code is gone.
        matched_by_name: With ``match_names``: the file's own code (or index) → official code, per name.
    """

    level: str
    path: Path
    feature_count: int
    replaced_count: int
    total_area_m2: float
    converted_from_gcj02: bool
    fixed_geometries: int
    orphaned_generated: int
    matched_by_name: dict[str, str] = field(default_factory=dict)


_NAME_SUFFIXES: Final = ("街道办事处", "办事处", "街道", "社区居民委员会", "社区居委会", "居委会", "社区")


def normalise_name(name: str) -> str:
    """A unit name reduced for matching: NFKC, no spaces, without 街道/办事处/社区/居委会 endings."""
    text = "".join(unicodedata.normalize("NFKC", name).split())
    for suffix in _NAME_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def match_codes_by_name(
    path: Path, features: list[Any], name_property: str, code_property: str, units: list[Any]
) -> dict[int, str]:
    """Official code per feature index, matched by name; ``GeoDataError`` listing every unmatched name.

    A name that two official units share (communities of different subdistricts) is ambiguous and
    counts as unmatched.
    """
    by_name: dict[str, list[str]] = {}
    for unit in units:
        by_name.setdefault(normalise_name(unit.name_zh), []).append(unit.code)
    found: dict[int, str] = {}
    unmatched: list[str] = []
    for index, feat in enumerate(features):
        props = feat.get("properties") if isinstance(feat, dict) else None
        name = str((props or {}).get(name_property) or "").strip()
        codes = by_name.get(normalise_name(name), []) if name else []
        if len(codes) == 1:
            found[index] = codes[0]
        else:
            own = (props or {}).get(code_property)
            label = f"{name or '(no name)'}" + (f" [{own}]" if own not in (None, "") else "")
            unmatched.append(label + (" (ambiguous)" if len(codes) > 1 else ""))
    if unmatched:
        raise _fail(
            path,
            f"field '{name_property}'",
            f"{len(unmatched)} of {len(features)} names match no official unit: {', '.join(unmatched)}",
        )
    return found


def _fail(path: Path, where: str, message: str) -> GeoDataError:
    """Build the one-line error ``<file>: <where>: <message>``."""
    return GeoDataError(f"{path.name}: {where}: {message}".replace("\n", " "))


def _positions(coords: Any) -> list[Any]:
    """Flatten nested GeoJSON coordinates to positions (no validation)."""
    if isinstance(coords, list) and coords and isinstance(coords[0], (int, float)):
        return [coords]
    if isinstance(coords, list):
        return [p for part in coords for p in _positions(part)]
    return [coords]


def _check_coordinates(path: Path, index: int, geometry: dict[str, Any]) -> None:
    """Reject malformed positions, swapped axes and positions outside Beijing."""
    where = f"feature {index} field 'geometry.coordinates'"
    for pos in _positions(geometry.get("coordinates")):
        ok = isinstance(pos, list) and len(pos) >= 2
        ok = ok and all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in pos[:2])
        if not ok:
            raise _fail(path, where, f"bad position {pos!r}")
        lon, lat = float(pos[0]), float(pos[1])
        if _BEIJING_LAT[0] <= lon <= _BEIJING_LAT[1] and _BEIJING_LON[0] <= lat <= _BEIJING_LON[1]:
            raise _fail(path, where, f"position [{lon}, {lat}] looks like [lat, lon]; GeoJSON needs [lon, lat]")
        if not (_BEIJING_LON[0] <= lon <= _BEIJING_LON[1] and _BEIJING_LAT[0] <= lat <= _BEIJING_LAT[1]):
            raise _fail(path, where, f"position [{lon}, {lat}] is not WGS-84 lon/lat in Beijing")


def _read(path: Path) -> list[dict[str, Any]]:
    """Parse the file and check the FeatureCollection envelope."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise _fail(path, "file", f"cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise _fail(path, "file", f"not UTF-8 text ({exc.reason})") from exc
    except json.JSONDecodeError as exc:
        raise _fail(path, "file", f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise _fail(path, "field 'type'", "top level must be a GeoJSON FeatureCollection")
    crs = json.dumps(data.get("crs", "")).upper()
    if crs != '""' and "CRS84" not in crs and "4326" not in crs:
        raise _fail(path, "field 'crs'", f"unsupported CRS {data['crs']!r}; expected WGS-84 lon/lat")
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise _fail(path, "field 'features'", "must be a non-empty list")
    return features


def _check_code(path: Path, index: int, props: dict[str, Any], field: str, level: str, parents: set[str]) -> str:
    """Return the feature's code after checking length, digits and parent."""
    where = f"feature {index} field '{field}'"
    raw = props.get(field)
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        raise _fail(path, where, f"missing or not a string/number ({raw!r})")
    code = str(raw).strip()
    if not code.isdigit() or len(code) != CODE_LENGTH[level]:
        raise _fail(path, where, f"{code!r} is not a {CODE_LENGTH[level]}-digit {level} code")
    if parent_code(code) not in parents:
        raise _fail(path, where, f"{code}: parent {PARENT_LEVEL[level]} {parent_code(code)} does not exist")
    return code


def _check_geometry(path: Path, index: int, geometry: Any, gcj02: bool) -> tuple[Any, bool]:
    """Return ``(shapely geometry, was_fixed)`` for a feature's geometry."""
    where = f"feature {index} field 'geometry'"
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        kind = geometry.get("type") if isinstance(geometry, dict) else geometry
        raise _fail(path, where, f"type {kind!r} is not Polygon or MultiPolygon")
    _check_coordinates(path, index, geometry)
    if gcj02:
        geometry = geometry_gcj02_to_wgs84(geometry)
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.ShapelyError) as exc:
        raise _fail(path, where, f"malformed {geometry['type']}: {exc}") from exc
    if geom.is_empty:
        raise _fail(path, where, "empty polygon")
    if geom.is_valid:
        if geom.area <= 0.0:
            raise _fail(path, where, "polygon has zero area")
        return geom, False
    reason = shapely.is_valid_reason(geom)
    fixed = polygonal(shapely.make_valid(geom))
    if fixed.is_empty or abs(area_m2(fixed) - area_m2(geom)) > _FIX_TOLERANCE * area_m2(fixed):
        raise _fail(path, where, f"invalid ({reason}) and not fixable without changing its area")
    return fixed, True


def _check_crs(path: Path, geoms: list[Any], district: Any) -> None:
    """Reject a file whose union fits Xicheng much better once read as GCJ-02."""
    union = shapely.union_all(np.array(geoms, dtype=object))
    as_given = shapely.intersection(union, district).area / union.area
    converted = shape(geometry_gcj02_to_wgs84(mapping(union)))
    if not converted.is_valid:
        converted = shapely.make_valid(converted)
    if_gcj = shapely.intersection(converted, district).area / converted.area
    if if_gcj - as_given > 0.03 and as_given < 0.97:
        raise _fail(
            path,
            "field 'geometry'",
            f"coordinates look like GCJ-02 (Amap/Tencent): {as_given:.0%} inside Xicheng as given, "
            f"{if_gcj:.0%} after GCJ-02→WGS-84; import with crs='gcj02'",
        )


def _check_location(path: Path, geoms: list[Any], codes: list[str], registry: UnitRegistry, gcj02: bool) -> None:
    """Reject whole files that look like GCJ-02, then features mostly outside Xicheng."""
    district = registry.shape(registry.district.code)
    if not gcj02:
        _check_crs(path, geoms, district)
    d_lon, d_lat = XICHENG_FRAME.degrees(_NEAR_M)
    near = district.buffer(max(d_lon, d_lat))
    shapely.prepare(near)
    array = np.array(geoms, dtype=object)
    inside = shapely.area(shapely.intersection(array, near)) / shapely.area(array)
    for index, share in enumerate(inside):
        if share < _MIN_INSIDE:
            raise _fail(
                path, f"feature {index} field 'geometry'", f"{codes[index]} lies {1 - share:.0%} outside Xicheng"
            )


def import_geojson(
    path: Path,
    level: str,
    override_dir: Path,
    code_property: str = "code",
    crs: str = "wgs84",
    match_names: str | None = None,
) -> ImportReport:
    """Validate a real GeoJSON file and install it as the ``level`` layer.

    Args:
        path: The centre's GeoJSON FeatureCollection.
        level: ``"subdistrict"``, ``"community"`` or ``"grid"``.
        override_dir: Folder read by :func:`feeds.geo.units.load_units`; created on success.
        code_property: Property holding the unit code (e.g. ``"BGID"``).
        crs: ``"wgs84"`` (default) or ``"gcj02"`` to convert from GCJ-02 on import.
        match_names: Property holding the unit name: for a file with its own codes (``XC01``…),
            each feature gets the official code of the unit with that name (德胜街道 → 110102010);
            every name must match exactly one unit of the level, else the error lists the unmatched.

    Returns:
        What was imported.

    Raises:
        GeoDataError: On any problem; nothing in ``override_dir`` is changed.
    """
    if level not in _LEVEL_ALIASES:
        raise _fail(path, "argument 'level'", f"{level!r} is not subdistrict, community or grid")
    level = _LEVEL_ALIASES[level]
    if crs not in ("wgs84", "gcj02"):
        raise _fail(path, "argument 'crs'", f"{crs!r} is not 'wgs84' or 'gcj02'")
    registry = load_units(override_dir if override_dir.is_dir() else None)
    current = {"subdistrict": registry.subdistricts, "community": registry.communities, "grid": registry.grids}
    parents = {registry.district.code} if level == "subdistrict" else {u.code for u in current[PARENT_LEVEL[level]]}
    features = _read(path)
    by_name = match_codes_by_name(path, features, match_names, code_property, current[level]) if match_names else {}
    codes: list[str] = []
    geoms: list[Any] = []
    fixed = 0
    for index, feat in enumerate(features):
        if not isinstance(feat, dict) or feat.get("type") != "Feature":
            raise _fail(path, f"feature {index} field 'type'", "not a GeoJSON Feature")
        props = feat.get("properties") or {}
        if not isinstance(props, dict):
            raise _fail(path, f"feature {index} field 'properties'", "must be an object")
        if match_names:
            code = _check_code(path, index, {"official code": by_name[index]}, "official code", level, parents)
        else:
            code = _check_code(path, index, props, code_property, level, parents)
        if code in codes:
            raise _fail(path, f"feature {index} field '{code_property}'", f"duplicate code {code}")
        geom, was_fixed = _check_geometry(path, index, feat.get("geometry"), crs == "gcj02")
        codes.append(code)
        geoms.append(geom)
        fixed += was_fixed
    _check_location(path, geoms, codes, registry, crs == "gcj02")

    child_level = {"subdistrict": "community", "community": "grid"}.get(level)
    new_codes = set(codes)
    orphans = [u for u in current.get(child_level or "", []) if u.parent not in new_codes]
    real_orphans = [u for u in orphans if not u.generated]
    if real_orphans:
        raise _fail(
            path,
            f"field '{code_property}'",
            f"{len(real_orphans)} imported {child_level} units (e.g. {real_orphans[0].code}) would lose their parent",
        )
    out = []
    for feat, code, geom in zip(features, codes, geoms, strict=True):
        props = feat.get("properties") or {}
        name_zh = str((match_names and props.get(match_names)) or props.get("name_zh") or props.get("name") or code)
        normal = {
            "code": code,
            "level": level,
            "name_zh": name_zh,
            "name_en": str(props.get("name_en") or ""),
            "parent": parent_code(code),
            "area_m2": round(area_m2(geom), 1),
            "generated": False,
            "source": path.name,
        }
        out.append(feature(normal, geometry_to_geojson(geom, 7)))
    out.sort(key=lambda f: f["properties"]["code"])
    target = override_dir / OVERRIDE_FILES[level]
    text = dumps_collection(out, {"name": f"{level} (imported from {path.name})", "generated": False})
    override_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(target, text)
    clear_cache()
    return ImportReport(
        level=level,
        path=target,
        feature_count=len(out),
        replaced_count=len(current[level]),
        total_area_m2=sum(f["properties"]["area_m2"] for f in out),
        converted_from_gcj02=crs == "gcj02",
        fixed_geometries=fixed,
        orphaned_generated=len(orphans),
        matched_by_name={
            str((features[i].get("properties") or {}).get(code_property) or i): code for i, code in by_name.items()
        },
    )
