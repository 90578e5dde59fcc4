"""Importing a centre's real GeoJSON: good files replace a level, bad ones change nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from feeds.geo.errors import GeoDataError
from feeds.geo.gcj02 import geometry_wgs84_to_gcj02
from feeds.geo.importer import import_geojson
from feeds.geo.units import UnitRegistry, load_units


def _collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    """Wrap features in a FeatureCollection."""
    return {"type": "FeatureCollection", "features": features}


def _write(path: Path, data: Any) -> Path:
    """Write JSON (or raw text) to ``path`` and return it."""
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _snapshot(folder: Path) -> dict[str, bytes] | None:
    """Contents of ``folder`` by name (None if it does not exist)."""
    return {p.name: p.read_bytes() for p in folder.iterdir()} if folder.exists() else None


def _community_features(registry: UnitRegistry, code_property: str = "code") -> list[dict[str, Any]]:
    """The packaged community polygons dressed up as a centre's 'real' file."""
    return [
        {"type": "Feature", "properties": {code_property: c.code, "name": c.name_zh}, "geometry": c.geometry}
        for c in registry.communities
    ]


@pytest.fixture()
def override(tmp_path: Path) -> Path:
    """An override folder holding a pre-existing unrelated file."""
    folder = tmp_path / "override"
    folder.mkdir()
    (folder / "keep.txt").write_text("untouched", encoding="utf-8")
    return folder


def test_good_community_file_replaces_the_level(registry: UnitRegistry, override: Path, tmp_path: Path) -> None:
    """A valid file with a custom code property becomes the community level, marked real."""
    source = _write(tmp_path / "sq.geojson", _collection(_community_features(registry, "SQDM")))
    report = import_geojson(source, "community", override, code_property="SQDM")
    assert report.feature_count == 263 and report.replaced_count == 263
    assert report.path == override / "communities.geojson" and report.path.is_file()
    assert report.total_area_m2 == pytest.approx(registry.district.area_m2, rel=1e-4)
    assert report.orphaned_generated == 0 and not report.converted_from_gcj02
    loaded = load_units(override)
    assert loaded.sources["community"] == override / "communities.geojson"
    assert len(loaded.communities) == 263 and not any(c.generated for c in loaded.communities)
    assert len(loaded.grids) == len(registry.grids)  # generated grids still hang under the same codes
    assert loaded.get("110102001004").name_zh == "府右街南社区"
    assert (override / "keep.txt").read_text(encoding="utf-8") == "untouched"
    assert sorted(p.name for p in override.iterdir()) == ["communities.geojson", "keep.txt"]  # no temp files left


def test_good_grid_file_and_generated_orphans(registry: UnitRegistry, tmp_path: Path) -> None:
    """Real grids replace the generated ones; a smaller real community file drops orphaned generated grids."""
    folder = tmp_path / "fresh"  # does not exist yet: created on success
    grids = [
        {"type": "Feature", "properties": {"BGID": int(g.code)}, "geometry": g.geometry}
        for g in registry.grids
        if g.code.startswith("110102001")
    ]
    report = import_geojson(_write(tmp_path / "g.geojson", _collection(grids)), "grids", folder, code_property="BGID")
    assert report.feature_count == len(grids) and report.replaced_count == len(registry.grids)
    loaded = load_units(folder)
    assert len(loaded.grids) == len(grids) and not loaded.grids[0].generated
    lon, lat = registry.get("110102001004001").centroid
    assert loaded.grid_at(lon, lat) is not None
    elsewhere = registry.children(registry.children("110102003")[0].code)[0]
    assert loaded.grid_at(*elsewhere.centroid) is None


def test_gcj02_file_is_detected_and_converted(registry: UnitRegistry, override: Path, tmp_path: Path) -> None:
    """A GCJ-02 file is refused as WGS-84 with a hint, and imports correctly with crs='gcj02'."""
    features = _community_features(registry)
    for feat in features:
        feat["geometry"] = geometry_wgs84_to_gcj02(feat["geometry"])
    source = _write(tmp_path / "amap.geojson", _collection(features))
    before = _snapshot(override)
    with pytest.raises(GeoDataError, match=r"amap\.geojson: .*GCJ-02.*crs='gcj02'"):
        import_geojson(source, "community", override)
    assert _snapshot(override) == before
    report = import_geojson(source, "community", override, crs="gcj02")
    assert report.converted_from_gcj02
    assert report.total_area_m2 == pytest.approx(registry.district.area_m2, rel=1e-3)
    loaded = load_units(override).get("110102001004")
    assert loaded.centroid == pytest.approx(registry.get("110102001004").centroid, abs=1e-6)


def _bad_files(registry: UnitRegistry) -> dict[str, tuple[Any, str]]:
    """Broken community files and the message each must produce."""
    good = _community_features(registry)[:3]

    def variant(index: int, **changes: Any) -> list[dict[str, Any]]:
        features: list[dict[str, Any]] = json.loads(json.dumps(good))
        features[index].update(changes)
        return features

    swapped = variant(1)
    rings = swapped[1]["geometry"]["coordinates"]
    swapped[1]["geometry"]["coordinates"] = [[[y, x] for x, y in ring] for ring in rings]
    chaoyang_ring = [[116.46, 39.92], [116.47, 39.92], [116.47, 39.93], [116.46, 39.92]]
    chaoyang = {"type": "Polygon", "coordinates": [chaoyang_ring]}
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[116.36, 39.91], [116.37, 39.92], [116.37, 39.91], [116.36, 39.92], [116.36, 39.91]]],
    }
    point = {"type": "Point", "coordinates": [116.37, 39.91]}
    return {
        "not_json": ('{"type": "FeatureCollection", "features": [', r"file: not valid JSON \(line 1, column 44"),
        "not_collection": ({"type": "Feature"}, r"field 'type': top level must be a GeoJSON FeatureCollection"),
        "empty": (_collection([]), r"field 'features': must be a non-empty list"),
        "point": (_collection(variant(2, geometry=point)), r"feature 2 field 'geometry': type 'Point'"),
        "duplicate": (
            _collection([*good, dict(good[0])]),
            r"feature 3 field 'code': duplicate code 110102001004",
        ),
        "no_code": (_collection(variant(0, properties={"name": "x"})), r"feature 0 field 'code': missing"),
        "bad_length": (
            _collection(variant(1, properties={"code": "110102001"})),
            r"feature 1 field 'code': '110102001' is not a 12-digit community code",
        ),
        "unknown_parent": (
            _collection(variant(2, properties={"code": "110102099001"})),
            r"feature 2 field 'code': 110102099001: parent subdistrict 110102099 does not exist",
        ),
        "swapped": (_collection(swapped), r"feature 1 field 'geometry.coordinates': .*looks like \[lat, lon\]"),
        "out_of_beijing": (
            _collection(variant(0, geometry={"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]})),
            r"feature 0 field 'geometry.coordinates': position \[0.0, 0.0\] is not WGS-84 lon/lat in Beijing",
        ),
        "out_of_district": (
            _collection(variant(1, geometry=chaoyang)),
            r"feature 1 field 'geometry': 110102001007 lies 100% outside Xicheng",
        ),
        "malformed": (
            _collection(variant(1, geometry={"type": "Polygon", "coordinates": chaoyang_ring})),
            r"feature 1 field 'geometry': malformed Polygon",
        ),
        "bowtie": (
            _collection(variant(0, geometry=bowtie)),
            r"feature 0 field 'geometry': invalid \(Self-intersection.*not fixable",
        ),
    }


@pytest.mark.parametrize(
    "case",
    ["not_json", "not_collection", "empty", "point", "duplicate", "no_code", "bad_length", "unknown_parent",
     "swapped", "out_of_beijing", "out_of_district", "malformed", "bowtie"],
)  # fmt: skip
def test_bad_file_raises_and_changes_nothing(registry: UnitRegistry, override: Path, tmp_path: Path, case: str) -> None:
    """Each broken file raises one clear GeoDataError line and leaves the override folder untouched."""
    data, message = _bad_files(registry)[case]
    source = _write(tmp_path / f"{case}.geojson", data)
    before = _snapshot(override)
    with pytest.raises(GeoDataError, match=rf"^{case}\.geojson: {message}") as caught:
        import_geojson(source, "community", override)
    assert "\n" not in str(caught.value)
    assert _snapshot(override) == before


def test_missing_file_and_bad_arguments(override: Path, tmp_path: Path) -> None:
    """A missing file, an unknown level or CRS each raise GeoDataError."""
    with pytest.raises(GeoDataError, match=r"nope\.geojson: file: cannot read"):
        import_geojson(tmp_path / "nope.geojson", "grid", override)
    with pytest.raises(GeoDataError, match=r"argument 'level'"):
        import_geojson(tmp_path / "x.geojson", "district", override)
    with pytest.raises(GeoDataError, match=r"argument 'crs'"):
        import_geojson(tmp_path / "x.geojson", "grid", override, crs="bd09")
    assert _snapshot(override) == {"keep.txt": b"untouched"}


def test_fixable_geometry_is_repaired(registry: UnitRegistry, override: Path, tmp_path: Path) -> None:
    """A ring with a repeated spike that make_valid repairs without area change is accepted and counted."""
    features = _community_features(registry)
    ring = features[0]["geometry"]["coordinates"][0]
    features[0]["geometry"]["coordinates"][0] = [*ring[:2], ring[1], ring[0], *ring[1:]]  # zero-width spike
    report = import_geojson(_write(tmp_path / "fix.geojson", _collection(features)), "community", override)
    assert report.fixed_geometries == 1 and report.feature_count == 263


def test_real_children_cannot_be_orphaned(registry: UnitRegistry, override: Path, tmp_path: Path) -> None:
    """Importing communities that would strand imported (real) grids is refused."""
    grids = [{"type": "Feature", "properties": {"code": g.code}, "geometry": g.geometry} for g in registry.grids]
    import_geojson(_write(tmp_path / "g.geojson", _collection(grids)), "grid", override)
    before = _snapshot(override)
    fewer = _community_features(registry)[1:]
    with pytest.raises(GeoDataError, match=r"grid units \(e\.g\. 110102001004001\) would lose their parent"):
        import_geojson(_write(tmp_path / "c.geojson", _collection(fewer)), "community", override)
    assert _snapshot(override) == before
