"""Bad component and camera files found by a sweep: refused (every bad row named), never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.cli import main

LONG = "y" * 140_000


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run a command that must fail: exit 1, no traceback, the error starting ``gridwall <command>: ``."""
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and captured.err.startswith(f"gridwall {argv[0]}: "), captured.err
    return captured.err


def test_a_field_over_the_csv_limit_is_named_by_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """import-parts and import-cameras printed a ``_csv.Error`` traceback for a field over 128 KiB."""
    parts = tmp_path / "parts.csv"
    parts.write_text(f'code,lon,lat,name\n1101020119000001,116.3681,39.9204,"{LONG}\n', encoding="utf-8")
    err = _refused(["import-parts", str(parts), "--db", str(tmp_path / "s.db")], capsys)
    assert "line 2: a field is longer than 131,072 characters" in err
    cams = tmp_path / "cams.csv"
    cams.write_text(f"id,name_zh,lon,lat,url\nC1,甲,116.3,39.9,\nC2,{LONG},116.3,39.9,\n", encoding="utf-8")
    err = _refused(["import-cameras", str(cams), "--db", str(tmp_path / "s.db")], capsys)
    assert len(err.splitlines()) == 1 and "line 3: a field is longer than 131,072 characters" in err


@pytest.mark.parametrize("command", ["import-parts", "import-cameras"])
@pytest.mark.parametrize(
    ("document", "needle"),
    [
        ([1, 2, 3], "not a GeoJSON FeatureCollection (type 'list')"),
        (
            {"type": "FeatureCollection", "features": "nope"},
            "not a GeoJSON FeatureCollection ('features' is str, not a list)",
        ),
        ({"type": "Topology", "objects": {}}, "not a GeoJSON FeatureCollection (type 'Topology')"),
    ],
)
def test_geojson_that_is_not_a_feature_collection_is_refused(
    command: str, document: object, needle: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A list, or ``features`` that is no list, was an AttributeError traceback."""
    path = tmp_path / "f.geojson"
    path.write_text(json.dumps(document), encoding="utf-8")
    err = _refused([command, str(path), "--db", str(tmp_path / "s.db")], capsys)
    assert f"{path}: cannot read: {needle}" in err


@pytest.mark.parametrize("command", ["import-parts", "import-cameras"])
def test_features_that_are_not_objects_are_named_and_nothing_is_written(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``"features": [1, "x", null]`` was an AttributeError traceback; now each is a problem of the file."""
    path = tmp_path / "f.geojson"
    point = {
        "type": "Feature",
        "properties": {"code": "1101020119000001", "id": "C1", "name_zh": "甲"},
        "geometry": {"type": "Point", "coordinates": [116.3681, 39.9204]},
    }
    features = [point, 1, "x", None, {"type": "Feature", "properties": 5, "geometry": {"type": "Point"}}]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    err = _refused([command, str(path), "--db", str(tmp_path / "s.db")], capsys)
    assert "feature 1: not a GeoJSON Feature object (int)" in err
    assert "feature 2: not a GeoJSON Feature object (str)" in err
    assert "feature 3: not a GeoJSON Feature object (NoneType)" in err
    assert "feature 4: " in err  # properties that are no object: no code, no id
    assert "feature 0" not in err


def test_every_camera_row_is_checked_like_a_component_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """lon ``nan`` was an IntegrityError traceback; lat 95, lon -500 and ``rtsp://`` without a host were stored."""
    path = tmp_path / "cams.csv"
    rows = [
        "id,name_zh,lon,lat,url",
        "C1,甲,116.3,39.9,rtsp://10.1.2.3:554/a",
        "C2,乙,nan,39.9,",
        "C3,丙,116.3,95,",
        "C4,丁,-500,39.9,",
        "C5,戊,116.3,39.9,rtsp://",
        "C6,己,116.3,39.9,http://:8080/live.m3u8",
        "C7,庚,116.3,39.9,rtsp://cam:99999/a",
        "C8,辛,116.3,inf,",
        "C9,壬,116.3,39.9,file:///srv/cam9.mp4",
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    db = tmp_path / "s.db"
    err = _refused(["import-cameras", str(path), "--db", str(db)], capsys)
    assert len(err.splitlines()) == 1
    assert "line 3: camera C2: lon/lat nan, 39.9 out of range" in err
    assert "line 4: camera C3: lon/lat 116.3, 95.0 out of range" in err
    assert "line 5: camera C4: lon/lat -500.0, 39.9 out of range" in err
    assert "line 6: camera C5: url 'rtsp://' names no host" in err
    assert "line 7: camera C6: url 'http://:8080/live.m3u8' names no host" in err
    assert "line 8: camera C7: url 'rtsp://cam:99999/a' is not a URL" in err
    assert "line 9: camera C8: lon/lat 116.3, inf out of range" in err
    assert "line 2" not in err and "line 10" not in err
    from feeds.store import open_store
    from feeds.supervision.cameras import camera_count

    store = open_store(str(db))
    try:
        assert camera_count(store.engine) == 0  # nothing was written
    finally:
        store.close()
