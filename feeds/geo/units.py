"""The unit hierarchy: district → subdistricts → communities → unit grids.

Subdistricts are real (OpenStreetMap); community and grid polygons are
generated placeholders (see :mod:`feeds.geo.generate`) unless a centre has
imported its real GeoJSON into an override folder (:mod:`feeds.geo.importer`).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any, Final, cast

import numpy as np
import shapely
from shapely.geometry import shape

from feeds.geo.errors import GeoDataError
from feeds.geo.geojson_io import geometry_to_geojson, read_collection
from feeds.geo.hotspots import Hotspot, load_hotspots
from feeds.geo.partition import clean_partition
from feeds.geo.projection import XICHENG_FRAME, area_m2
from feeds.geo.reference import (
    CODE_LENGTH,
    COMMUNITIES_GENERATED_FILE,
    DISTRICT_CODE,
    DISTRICT_NAME_EN,
    DISTRICT_NAME_ZH,
    GRIDS_GENERATED_FILE,
    SUBDISTRICT_NAME_EN,
    SUBDISTRICTS_FILE,
    parent_code,
)
from feeds.geo.registry import Level, Unit, UnitRegistry
from feeds.paths import geo_override_dir
from feeds.romanize import english_name

__all__ = [
    "OVERRIDE_FILES",
    "Hotspot",
    "Level",
    "Unit",
    "UnitRegistry",
    "adopt_units",
    "adopted_units",
    "clear_cache",
    "load_hotspots",
    "load_units",
]

#: File names looked for in an override folder, per level.
OVERRIDE_FILES: Final[dict[str, str]] = {
    "subdistrict": "subdistricts.geojson",
    "community": "communities.geojson",
    "grid": "grids.geojson",
}
_PACKAGED: Final[dict[str, Path]] = {
    "subdistrict": SUBDISTRICTS_FILE,
    "community": COMMUNITIES_GENERATED_FILE,
    "grid": GRIDS_GENERATED_FILE,
}
_log = logging.getLogger(__name__)


def _read_features(path: Path, level: str) -> list[dict[str, Any]]:
    """Return the features of one level's file (GeoDataError if unreadable)."""
    try:
        features: list[dict[str, Any]] = read_collection(path)["features"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise GeoDataError(f"{path}: cannot read {level} GeoJSON: {exc}") from exc
    return features


def _feature_code(feat: dict[str, Any]) -> str:
    """Return a feature's ``code`` (or OSM ``adcode``) property as text."""
    props = feat.get("properties") or {}
    return str(props.get("code") or props.get("adcode") or "")


def _units_from_features(
    features: list[dict[str, Any]], path: Path, level: str, cleaned: list[Any] | None = None
) -> tuple[list[Unit], list[Any]]:
    """Turn one level's features into units (no geometry validation: files are trusted).

    Args:
        features: GeoJSON features.
        path: Source file, for error messages.
        level: Level name.
        cleaned: Replacement shapely geometries (same order), e.g. the cleaned
            OSM subdistrict partition; None to use the features' own geometry.
    """
    shapes = cleaned if cleaned is not None else [shape(f["geometry"]) for f in features]
    centroids = shapely.get_coordinates(shapely.centroid(np.array(shapes, dtype=object)))
    units = []
    for index, (feat, geom) in enumerate(zip(features, shapes, strict=True)):
        props = feat.get("properties") or {}
        code = _feature_code(feat)
        if len(code) != CODE_LENGTH[level] or not code.startswith(DISTRICT_CODE):
            raise GeoDataError(f"{path}: feature {index}: field 'code' {code!r} is not a {level} code")
        area = props.get("area_m2")
        name_zh = str(props.get("name_zh") or props.get("name") or code)
        units.append(
            Unit(
                code=code,
                level=cast(Level, level),
                name_zh=name_zh,
                name_en=str(props.get("name_en") or SUBDISTRICT_NAME_EN.get(code) or english_name(name_zh)),
                parent=parent_code(code),
                geometry=geometry_to_geojson(geom) if cleaned is not None else feat["geometry"],
                centroid=(float(centroids[index][0]), float(centroids[index][1])),
                area_m2=float(area) if area is not None else area_m2(geom),
                generated=bool(props.get("generated", False)),
            )
        )
    return units, list(shapes)


def _drop_orphans(units: list[Unit], parents: set[str], path: Path) -> list[Unit]:
    """Drop generated units whose parent is gone; a real orphan is an error."""
    kept: list[Unit] = []
    for index, unit in enumerate(units):
        if unit.parent in parents:
            kept.append(unit)
        elif unit.generated:
            _log.warning("%s: dropping generated %s %s: parent %s not loaded", path, unit.level, unit.code, unit.parent)
        else:
            raise GeoDataError(f"{path}: feature {index}: field 'code' {unit.code}: parent {unit.parent} not found")
    return kept


def _build(override_dir: Path | None) -> UnitRegistry:
    """Load all levels, preferring files in ``override_dir``."""
    sources = dict(_PACKAGED)
    if override_dir is not None:
        for level, name in OVERRIDE_FILES.items():
            if (override_dir / name).is_file():
                sources[level] = override_dir / name
    shapes: dict[str, Any] = {}
    levels: dict[str, list[Unit]] = {}
    parents = {DISTRICT_CODE}
    for level in ("subdistrict", "community", "grid"):
        features = _read_features(sources[level], level)
        cleaned = None
        if level == "subdistrict" and sources[level] == SUBDISTRICTS_FILE:
            # Same deterministic cleaning as the generator, so grids nest exactly.
            features = sorted(features, key=_feature_code)
            cleaned, _ = clean_partition([shape(f["geometry"]) for f in features], XICHENG_FRAME)
        units, geoms = _units_from_features(features, sources[level], level, cleaned)
        shapes.update((u.code, g) for u, g in zip(units, geoms, strict=True))
        levels[level] = _drop_orphans(units, parents, sources[level])
        parents = {u.code for u in levels[level]}
    union = shapely.union_all([shapes[u.code] for u in levels["subdistrict"]])
    centre = union.centroid
    district = Unit(
        code=DISTRICT_CODE,
        level="district",
        name_zh=DISTRICT_NAME_ZH,
        name_en=DISTRICT_NAME_EN,
        parent=None,
        geometry=geometry_to_geojson(union, 7),
        centroid=(float(centre.x), float(centre.y)),
        area_m2=sum(u.area_m2 for u in levels["subdistrict"]),
        generated=False,
    )
    shapes[DISTRICT_CODE] = union
    return UnitRegistry(levels, shapes, district, sources)


_CACHE: dict[tuple[Any, ...], UnitRegistry] = {}
_BUILDING = threading.RLock()


def _cache_key(override_dir: Path | None) -> tuple[Any, ...]:
    """Key on the folder and the size/mtime of every file that could be read."""
    files = list(_PACKAGED.values())
    if override_dir is not None:
        files += [override_dir / name for name in OVERRIDE_FILES.values()]
    stamps = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) if p.is_file() else (str(p),) for p in files)
    return (str(override_dir.resolve()) if override_dir is not None else None, stamps)


_ADOPTED: list[UnitRegistry] = []


def adopt_units(registry: UnitRegistry | None) -> None:
    """Make :func:`load_units` (without a folder) return ``registry`` in this process; ``None`` undoes it.

    A wall on the case server of an imported city adopts the server's units before it
    builds its windows, so the map, the names and the drill-down all show that city.
    """
    _ADOPTED[:] = [registry] if registry is not None else []


def adopted_units() -> UnitRegistry | None:
    """The registry :func:`adopt_units` set, or ``None`` (the packaged or imported-GeoJSON units)."""
    return _ADOPTED[0] if _ADOPTED else None


def load_units(override_dir: Path | None = None) -> UnitRegistry:
    """Load the unit hierarchy (cached per folder and file state).

    Args:
        override_dir: Folder that may hold ``subdistricts.geojson``,
            ``communities.geojson`` and/or ``grids.geojson`` written by
            :func:`feeds.geo.importer.import_geojson`; each one present
            replaces the packaged file for its level. Default: the user's
            :func:`feeds.paths.geo_override_dir`, where ``gridwall import-geo`` writes.

    Returns:
        The registry. Generated units whose parent no longer exists are dropped.

    Raises:
        GeoDataError: If a file is unreadable or a real unit's parent is missing.
    """
    if override_dir is None:
        if _ADOPTED:
            return _ADOPTED[0]
        override_dir = geo_override_dir()
    key = _cache_key(override_dir)
    with _BUILDING:  # one build, whichever thread asks first (a start preloads them: desktop/demo.py)
        registry = _CACHE.get(key)
        if registry is None:
            registry = _CACHE[key] = _build(override_dir)
    return registry


def clear_cache() -> None:
    """Forget all loaded registries."""
    _CACHE.clear()
