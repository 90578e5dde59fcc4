"""A subdistrict export with its own codes (XC01…) and names (德胜街道…) matched to official codes by name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from feeds.geo.errors import GeoDataError
from feeds.geo.importer import import_geojson, normalise_name
from feeds.geo.units import load_units


def _export(tmp_path: Path, rename: dict[str, str] | None = None) -> Path:
    """Xicheng's 15 subdistricts as a district system would export them: own codes, names with variants."""
    registry = load_units()
    features: list[dict[str, Any]] = []
    for i, unit in enumerate(sorted(registry.subdistricts, key=lambda u: u.name_zh), start=1):
        name = unit.name_zh if i % 2 else unit.name_zh.replace("街道", "街道办事处")  # both spellings occur
        name = (rename or {}).get(unit.name_zh, name)
        features.append(
            {"type": "Feature", "properties": {"XZQDM": f"XC{i:02d}", "XZQMC": name}, "geometry": unit.geometry}
        )
    path = tmp_path / "xicheng_subdistricts_export.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False), "utf-8")
    return path


def test_own_codes_are_refused_without_name_matching(tmp_path: Path) -> None:
    """XC01 is not a 9-digit subdistrict code: refused, naming the field (as before)."""
    with pytest.raises(GeoDataError, match="'XC01' is not a 9-digit subdistrict code"):
        import_geojson(_export(tmp_path), "subdistrict", tmp_path / "override", code_property="XZQDM")


def test_names_are_matched_to_official_codes(tmp_path: Path) -> None:
    """With match_names every feature gets its official code: 德胜街道 → 110102010, whatever its own code."""
    report = import_geojson(
        _export(tmp_path), "subdistrict", tmp_path / "override", code_property="XZQDM", match_names="XZQMC"
    )
    assert report.feature_count == 15
    assert len(report.matched_by_name) == 15
    assert sorted(report.matched_by_name.values()) == sorted(u.code for u in load_units().subdistricts)
    written = json.loads(report.path.read_text(encoding="utf-8"))
    codes = {normalise_name(f["properties"]["name_zh"]): f["properties"]["code"] for f in written["features"]}
    assert codes["德胜"] == "110102010" and codes["牛街"] == "110102018"


def test_unmatched_names_are_all_listed_and_nothing_is_written(tmp_path: Path) -> None:
    """Two unknown names: the error lists both (with their own codes); the override folder is not created."""
    path = _export(tmp_path, rename={"德胜街道": "德外街道", "牛街街道": "南城街道"})
    with pytest.raises(GeoDataError) as info:
        import_geojson(path, "subdistrict", tmp_path / "override", code_property="XZQDM", match_names="XZQMC")
    message = str(info.value)
    assert "2 of 15 names match no official unit" in message
    assert "德外街道 [XC" in message and "南城街道 [XC" in message
    assert not (tmp_path / "override").exists()


def test_name_normalisation() -> None:
    """Suffixes, spaces and full-width forms do not stop a match."""
    assert normalise_name(" 德胜街道办事处 ") == normalise_name("德胜街道") == "德胜"
    assert normalise_name("西长安街街道") == "西长安街"
    assert normalise_name("府右街南社区居委会") == normalise_name("府右街南社区")
    assert normalise_name("ＡＢＣ社区") == "ABC"
