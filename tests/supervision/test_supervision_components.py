"""Component codes (GB/T 30428.2), the generated inventory, file import and the link from cases to components."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from server_helpers import make_case

from feeds.geo.locate import GridLocator
from feeds.geo.units import load_units
from feeds.protocol import CaseCreated
from feeds.store import Store
from feeds.supervision import components
from feeds.supervision.codes import ComponentCodeError, format_code, parse_code
from feeds.supervision.component_files import read_component_file
from feeds.supervision.queries import make_queries
from feeds.taxonomy import load_taxonomy

NOW = 1_790_000_000.0


def test_a_code_is_district_major_minor_serial() -> None:
    """110102 01 19 000123 is street light no. 123 of Xicheng; formatting and parsing agree."""
    code = parse_code("1101020119000123", load_taxonomy())
    assert (code.district, code.major, code.minor, code.serial) == ("110102", "01", "19", 123)
    assert code.subclass == "0119"
    assert str(code) == format_code("110102", "0119", 123) == "1101020119000123"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("110102011900012", "16 digits"),
        ("11010201190001234", "16 digits"),
        ("11010201190001x3", "16 digits"),
        ("1101020119000000", "serial 000000"),
        ("1101029999000001", "no component subclass 9999"),
        ("1101021201000001", "event subclass"),
    ],
)
def test_a_bad_code_is_refused_with_the_reason(text: str, why: str) -> None:
    """Wrong length, non-digits, serial zero, an unknown or an event subclass: each named."""
    with pytest.raises(ComponentCodeError, match=why):
        parse_code(text, load_taxonomy())


def test_the_generated_inventory_is_valid_varied_and_repeatable() -> None:
    """Tens of thousands of unique valid codes in real grids, every subclass, mostly intact; repeatable."""
    rows = components.generate_inventory(seed=3)
    taxonomy = load_taxonomy()
    codes = [r["code"] for r in rows]
    assert len(rows) > 40_000 and len(set(codes)) == len(codes)
    for row in rows[::97]:
        parsed = parse_code(row["code"], taxonomy)
        assert parsed.district == "110102" and parsed.subclass == row["subclass"]
        assert row["department"] == taxonomy.subclass(row["subclass"]).department
    assert {r["subclass"] for r in rows} == {s.code for s in taxonomy.subclasses if s.kind == "component"}
    states = [r["state"] for r in rows]
    assert 0.9 < states.count("ok") / len(states) < 0.96
    sample = rows[::50]
    located = GridLocator((u.code, u.geometry) for u in load_units().grids).locate_arrays(
        np.array([r["lon"] for r in sample]), np.array([r["lat"] for r in sample])
    )
    assert np.mean([g is not None for g in located]) > 0.97
    assert components.generate_inventory(seed=3)[:100] == rows[:100]
    assert components.generate_inventory(seed=4)[0]["lon"] != rows[0]["lon"]


def _locator() -> GridLocator:
    return GridLocator((u.code, u.geometry) for u in load_units().grids)


def test_csv_and_geojson_files_import_with_every_bad_row_named(tmp_path: Path) -> None:
    """Good rows become components with their grid; bad codes, states, places and duplicates are each reported."""
    good = tmp_path / "c.csv"
    good.write_text(
        "code,lon,lat,state,department\n1101020119000001,116.3681,39.9204,damaged,D04\n1101020304000007,116.36,39.916,,\n",
        encoding="utf-8",
    )
    read = read_component_file(good, load_taxonomy(), _locator().locate_arrays)
    assert read.ok, read.errors
    assert [(r["code"], r["state"], r["department"]) for r in read.rows] == [
        ("1101020119000001", "damaged", "D04"),
        ("1101020304000007", "ok", "D03"),
    ]
    assert all(len(r["grid"]) == 15 for r in read.rows)
    bad = tmp_path / "b.geojson"
    features = [
        {
            "type": "Feature",
            "properties": {"code": "1101020119000001"},
            "geometry": {"type": "Point", "coordinates": [116.3681, 39.9204]},
        },
        {
            "type": "Feature",
            "properties": {"code": "1101020119000001"},
            "geometry": {"type": "Point", "coordinates": [116.3681, 39.9204]},
        },
        {
            "type": "Feature",
            "properties": {"code": "12"},
            "geometry": {"type": "Point", "coordinates": [116.36, 39.91]},
        },
        {
            "type": "Feature",
            "properties": {"code": "1101020119000002", "state": "stolen"},
            "geometry": {"type": "Point", "coordinates": [116.36, 39.91]},
        },
        {
            "type": "Feature",
            "properties": {"code": "1101020119000003"},
            "geometry": {"type": "Point", "coordinates": [121.47, 31.23]},
        },
    ]
    bad.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    read = read_component_file(bad, load_taxonomy(), _locator().locate_arrays)
    text = "\n".join(read.errors)
    assert not read.ok and len(read.errors) == 4, text
    assert "feature 1: code 1101020119000001 appears twice" in text
    assert "feature 2" in text and "16 digits" in text
    assert "feature 3" in text and "stolen" in text
    assert "1101020119000003" in text and "no unit grid" in text


def test_a_component_case_links_to_its_component_and_its_history(store: Store) -> None:
    """The nearest component of the case's subclass is its component; its history lists the cases linked to it."""
    rows = [
        {
            "code": "1101020119000001",
            "subclass": "0119",
            "grid": "110102001004001",
            "lon": 116.3680,
            "lat": 39.9200,
            "state": "ok",
            "department": "D04",
            "name": "",
            "generated": True,
        },
        {
            "code": "1101020119000002",
            "subclass": "0119",
            "grid": "110102001004001",
            "lon": 116.3700,
            "lat": 39.9200,
            "state": "damaged",
            "department": "D04",
            "name": "",
            "generated": True,
        },
    ]
    components.write_components(store.engine, rows)
    near_first = [("C1", 116.36805, 39.92002, NOW - 900), ("C2", 116.36795, 39.91999, NOW - 300)]
    near_second = [("C3", 116.36995, 39.92001, NOW - 600)]
    store.append(
        [
            CaseCreated(
                make_case(cid, kind="component", subclass="0119", department="D04", lon=lon, lat=lat, reported_at=t)
            )
            for cid, lon, lat, t in near_first + near_second
        ]
        + [CaseCreated(make_case("E1", lon=116.36801, lat=39.92001, reported_at=NOW - 100))],
        now=NOW,
    )
    q = make_queries(lambda: NOW)
    first = q["component"](store, {"case_id": "C1"})
    assert first["component"]["code"] == "1101020119000001"
    assert first["component"]["subclass_zh"] == "路灯"
    assert [h["id"] for h in first["history"]] == ["C2", "C1"]
    second = q["component"](store, {"code": "1101020119000002"})
    assert second["component"]["state"] == "damaged"
    assert [h["id"] for h in second["history"]] == ["C3"]
    assert q["component"](store, {"case_id": "E1"}) == {"component": None, "history": [], "link": None}
    inventory = q["components"](store, {})
    assert inventory["codes"] == ["1101020119000001", "1101020119000002"] and inventory["generated"] is True
