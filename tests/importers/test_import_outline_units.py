"""``gridwall import-units``: a foreign city's real area outlines as a store's units, grids generated inside."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from shapely.geometry import shape
from sqlalchemy import select

from feeds.geo.gcj02 import geometry_wgs84_to_gcj02
from feeds.importers.commands import (
    CsvImportOptions,
    ImportUserError,
    Open311Options,
    UnitsImportOptions,
    run_import_csv,
    run_import_open311,
    run_import_units,
)
from feeds.importers.units import store_locator
from feeds.store import Store
from feeds.store.imported_units import imported_registry
from feeds.store.schema import cases, units


def _square(w: float, s: float, e: float, n: float) -> list[list[float]]:
    return [[w, s], [e, s], [e, n], [w, n], [w, s]]


def _feature(props: dict[str, Any], geometry: dict[str, Any] | None) -> dict[str, Any]:
    return {"type": "Feature", "properties": props, "geometry": geometry}


NORDHEIM = {  # with a hole
    "type": "Polygon",
    "coordinates": [_square(10.0, 50.0, 10.03, 50.02), _square(10.01, 50.005, 10.02, 50.015)],
}
OSTFELD = {"type": "Polygon", "coordinates": [_square(10.03, 50.0, 10.06, 50.02)]}
SUEDINSEL = {
    "type": "MultiPolygon",
    "coordinates": [[_square(10.0, 49.98, 10.02, 49.995)], [_square(10.04, 49.98, 10.06, 49.995)]],
}
BOWTIE_FIXABLE = {  # a square whose ring crosses itself in a tiny loop at one corner
    "type": "Polygon",
    "coordinates": [[[10.07, 50.0], [10.09, 50.0], [10.09, 50.02], [10.07, 50.02], [10.0701, 49.9999], [10.07, 50.0]]],
}


def _city(path: Path, features: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def _made_up_city(tmp_path: Path, transform: Any = None) -> Path:
    conv = transform or (lambda g: g)
    return _city(
        tmp_path / "city.geojson",
        [
            _feature({"NAME": "Nordheim", "ID": "N1"}, conv(NORDHEIM)),
            _feature({"NAME": "Ostfeld", "ID": "O2"}, conv(OSTFELD)),
            _feature({"NAME": "Südinsel", "ID": "S3"}, conv(SUEDINSEL)),
            _feature({"NAME": "Brunnen", "ID": "B4"}, {"type": "Point", "coordinates": [10.0, 50.0]}),
            _feature({"NAME": "Ostfeld", "ID": "O5"}, conv(OSTFELD)),
            _feature({"ID": "X6"}, conv(OSTFELD)),
        ],
    )


def _unit_rows(store: Store) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(units).order_by(units.c.code))]


def test_outlines_become_areas_with_grids_inside(tmp_path: Path, store: Store) -> None:
    """Areas named from the file, a district of their union, every point in the grid of the area holding it."""
    out = io.StringIO()
    report = run_import_units(
        UnitsImportOptions(
            file=_made_up_city(tmp_path), name_property="NAME", db=str(tmp_path / "store.db"), city="Musterstadt"
        ),
        out=out,
    )
    assert [(code, name) for code, name, _ in report.areas] == [
        ("990000001", "Nordheim"),
        ("990000002", "Ostfeld"),
        ("990000003", "Südinsel"),
    ]
    assert report.features_read == 6
    assert report.skipped == [
        "feature 4 'Brunnen': not a polygon (Point)",
        "feature 5 'Ostfeld': duplicate name (feature 2)",
        "feature 6: no 'NAME'",
    ]
    rows = _unit_rows(store)
    by_level: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_level.setdefault(r["level"], []).append(r)
    assert [(r["code"], r["name_en"]) for r in by_level["district"]] == [("990000", "Musterstadt")]
    assert [r["name_zh"] for r in by_level["subdistrict"]] == ["Nordheim", "Ostfeld", "Südinsel"]
    assert not any(r["code"].startswith("110102") for r in rows)  # Xicheng's units are replaced
    assert len(by_level["community"]) == report.blocks and len(by_level["grid"]) == report.grids
    assert "made 3 areas" in out.getvalue() and "skipped feature 4 'Brunnen': not a polygon (Point)" in out.getvalue()
    registry = imported_registry(store.engine)  # the server reads these units for the walls
    assert registry is not None and len(registry.grids) == report.grids

    outlines = {"990000001": shape(NORDHEIM), "990000002": shape(OSTFELD), "990000003": shape(SUEDINSEL)}
    for area_code, outline in outlines.items():  # the area's grids tile exactly its outline (the hole stays a hole)
        grids = [shape(r["geometry"]) for r in by_level["grid"] if r["code"].startswith(area_code)]
        assert sum(g.area for g in grids) == pytest.approx(outline.area, rel=1e-9)
        assert shapely.union_all(grids).symmetric_difference(outline).area < outline.area * 1e-9
    locator = store_locator(store.engine)
    rng = np.random.default_rng(4)
    lons, lats = rng.uniform(9.99, 10.07, 5000), rng.uniform(49.97, 50.03, 5000)
    found = locator.locate_arrays(lons, lats)
    for lon, lat, code in zip(lons, lats, found, strict=True):
        holding = [c for c, g in outlines.items() if g.contains(shapely.Point(lon, lat))]
        assert (code[:9] if code else None) == (holding[0] if holding else None)
    named = locator.locate([(10.005, 50.01), (10.015, 50.01), (10.045, 50.01), (10.05, 49.99), (10.2, 50.2)])
    assert [c[:9] if c else None for c in named] == ["990000001", None, "990000002", "990000003", None]


def test_gcj02_file_is_converted_and_codes_order_the_areas(tmp_path: Path, store: Store) -> None:
    """A GCJ-02 file of a city in China lands on its WGS-84 outlines; --code-property orders the areas."""
    shift = (94.0, -19.4)  # the made-up city moved to Sichuan, where GCJ-02 is offset from WGS-84

    def moved(g: dict[str, Any]) -> dict[str, Any]:
        return json.loads(json.dumps(shapely.geometry.mapping(shapely.affinity.translate(shape(g), *shift))))

    wgs = [moved(NORDHEIM), moved(OSTFELD)]
    path = _city(
        tmp_path / "gcj.geojson",
        [
            _feature({"name": "B", "code": "Q2"}, geometry_wgs84_to_gcj02(wgs[1])),
            _feature({"name": "A", "code": "Q1"}, geometry_wgs84_to_gcj02(wgs[0])),
        ],
    )
    report = run_import_units(
        UnitsImportOptions(
            file=path, name_property="name", code_property="code", crs="gcj02", db=str(tmp_path / "store.db")
        ),
        out=io.StringIO(),
    )
    assert report.areas == [("990000001", "A", "Q1"), ("990000002", "B", "Q2")]
    area_rows = {r["code"]: shape(r["geometry"]) for r in _unit_rows(store) if r["level"] == "subdistrict"}
    assert area_rows["990000001"].symmetric_difference(shape(wgs[0])).area < shape(wgs[0]).area * 1e-6
    assert shape(geometry_wgs84_to_gcj02(wgs[0])).difference(shape(wgs[0])).area > shape(wgs[0]).area * 0.01


def test_repaired_geometry_is_reported(tmp_path: Path, store: Store) -> None:
    """A self-crossing ring is repaired (make_valid) and named in the report."""
    path = _city(tmp_path / "c.geojson", [_feature({"n": "Zacke"}, BOWTIE_FIXABLE)])
    report = run_import_units(
        UnitsImportOptions(file=path, name_property="n", db=str(tmp_path / "store.db")), out=io.StringIO()
    )
    assert [name for _, name, _ in report.areas] == ["Zacke"]
    assert len(report.repaired) == 1 and report.repaired[0].startswith("feature 1 'Zacke': Self-intersection")


def test_csv_cases_go_to_the_outlined_areas(tmp_path: Path, store: Store) -> None:
    """import-csv into the store places rows in the area holding them and skips the rest as outside_units."""
    db = str(tmp_path / "store.db")
    run_import_units(UnitsImportOptions(file=_made_up_city(tmp_path), name_property="NAME", db=db), out=io.StringIO())
    header = (
        "case_enquiry_id,open_dt,target_dt,closed_dt,case_status,case_title,type,location,latitude,longitude,source"
    )
    points = {"1": (10.005, 50.01), "2": (10.045, 50.01), "3": (10.05, 49.99), "4": (10.015, 50.01), "5": (11.0, 50.0)}
    lines = [
        f"{i},2022-01-21 13:47:00,,,Open,t,Request for Pothole Repair,x,{lat},{lon},Constituent Call"
        for i, (lon, lat) in points.items()
    ]
    csv_path = tmp_path / "cases.csv"
    csv_path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    report = run_import_csv(
        CsvImportOptions(file=csv_path, mapping="boston311", db=db, progress=False), out=io.StringIO()
    )
    assert report.skipped.get("outside_units") == 2
    with store.engine.connect() as conn:
        placed = dict(conn.execute(select(cases.c.id, cases.c.grid)).all())
    assert {k: v[:9] for k, v in placed.items()} == {"BOS1": "990000001", "BOS2": "990000002", "BOS3": "990000003"}
    with pytest.raises(ImportUserError, match="already holds cases"):  # units are not replaced under cases
        run_import_units(UnitsImportOptions(file=_made_up_city(tmp_path), name_property="NAME", db=db))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"type": "Feature", "properties": {}, "geometry": null}', "not a GeoJSON FeatureCollection (type 'Feature')"),
        ("[1, 2", "not a readable UTF-8 JSON file"),
        (
            json.dumps({"type": "FeatureCollection", "features": [_feature({"NAME": "P"}, {"type": "Point"})]}),
            "no usable polygon features (1 read; skipped 1 not a polygon; first: feature 1 'P': not a polygon (Point))",
        ),
        (
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "features": [
                        _feature({"NAME": "P"}, {"type": "Point"}),
                        {**_feature({}, OSTFELD), "properties": "NAME"},
                        _feature({"NAME": "Q"}, None),
                    ],
                }
            ),
            "no usable polygon features (3 read; skipped 2 not a polygon, 1 no 'NAME'; first: feature 1 'P'",
        ),
        ('{"type": "FeatureCollection", "features": {}}', "the FeatureCollection's features must be a list, not dict"),
        (
            json.dumps({"type": "FeatureCollection", "features": [{**_feature({}, OSTFELD), "properties": ["NAME"]}]}),
            "no feature has the name property 'NAME' (properties: none; 1 feature(s) have properties that are not an",
        ),
        (
            json.dumps({"type": "FeatureCollection", "features": [_feature({"Name": "P"}, OSTFELD)]}),
            "no feature has the name property 'NAME' (properties: Name)",
        ),
    ],
)
def test_bad_files_give_one_line(tmp_path: Path, store: Store, content: str, message: str) -> None:
    """Each unusable file is refused with one line naming it and the fault; the store keeps its units."""
    path = tmp_path / "bad.geojson"
    path.write_text(content, encoding="utf-8")
    before = len(_unit_rows(store))
    with pytest.raises(ImportUserError) as caught:
        run_import_units(UnitsImportOptions(file=path, name_property="NAME", db=str(tmp_path / "store.db")))
    text = str(caught.value)
    assert "\n" not in text and text.startswith(str(path)) and message in text
    assert len(_unit_rows(store)) == before


def test_the_documented_example(data_dir: Path, tmp_path: Path, store: Store) -> None:
    """docs/importing.md's worked example: the shipped made-up areas, then the Boston sample into them."""
    db = str(tmp_path / "store.db")
    report = run_import_units(
        UnitsImportOptions(
            file=data_dir / "madeup_areas_boston.geojson",
            name_property="AREA_NAME",
            code_property="AREA_ID",
            db=db,
            city="Boston (made-up areas)",
        ),
        out=io.StringIO(),
    )
    assert (len(report.areas), report.blocks, report.grids, report.cell_m) == (3, 205, 715, 500.0)
    assert report.skipped == ["feature 4 'Harbor Light': not a polygon (Point)"]
    csv_report = run_import_csv(
        CsvImportOptions(file=data_dir / "boston311_100.csv", mapping="boston311", db=db, progress=False),
        out=io.StringIO(),
    )
    assert (csv_report.taken, dict(csv_report.skipped)) == (99, {"outside_units": 1})
    with store.engine.connect() as conn:
        grids = conn.execute(select(cases.c.grid)).scalars().all()
    counts = {code: sum(1 for g in grids if g.startswith(code)) for code in ("990000001", "990000002", "990000003")}
    assert counts == {"990000001": 44, "990000002": 39, "990000003": 16}


def test_open311_requests_go_to_the_outlined_areas(tmp_path: Path, store: Store) -> None:
    """import-open311 into the store (no --generate-units) places requests in the areas, the rest outside_units."""
    db = str(tmp_path / "store.db")
    run_import_units(UnitsImportOptions(file=_made_up_city(tmp_path), name_property="NAME", db=db), out=io.StringIO())
    requests = [
        {
            "service_request_id": f"r{i}",
            "status": "open",
            "service_code": "006",
            "service_name": "Sidewalk and Curb Issues",
            "requested_datetime": "2024-04-14T06:37:38+02:00",
            "updated_datetime": "2024-04-14T06:37:38+02:00",
            "lat": lat,
            "long": lon,
        }
        for i, (lon, lat) in enumerate([(10.045, 50.01), (10.005, 50.01), (10.015, 50.01)], start=1)
    ]
    doc = tmp_path / "requests.json"
    doc.write_text(json.dumps(requests), encoding="utf-8")
    report = run_import_open311([doc], Open311Options(db=db), out=io.StringIO())
    assert report.taken == 2 and dict(report.skipped) == {"outside_units": 1}  # r3 lies in Nordheim's hole
    with store.engine.connect() as conn:
        placed = sorted(g[:9] for g in conn.execute(select(cases.c.grid)).scalars())
    assert placed == ["990000001", "990000002"]
