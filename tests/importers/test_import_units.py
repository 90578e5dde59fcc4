"""Unit assignment with the indexed locator, generated units for a foreign city, fast time parsing."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import shapely

from feeds.geo.extent_grid import GENERATED_DISTRICT, Extent, grid_units, robust_extent
from feeds.geo.locate import RASTER_MIN_POINTS, GridLocator
from feeds.geo.units import load_units
from feeds.importers.times import TimeFormatError, TimeParser, zone


def test_locator_agrees_with_the_registry_point_by_point() -> None:
    """Vectorised assignment equals the registry's one-point lookup, including points outside."""
    registry = load_units()
    locator = GridLocator((u.code, registry.shape(u.code)) for u in registry.grids)
    rng = np.random.default_rng(7)
    west, south, east, north = locator.bounds
    lons = rng.uniform(west - 0.01, east + 0.01, 400)
    lats = rng.uniform(south - 0.01, north + 0.01, 400)
    codes = locator.locate_arrays(lons, lats)
    for lon, lat, code in zip(lons, lats, codes, strict=True):
        unit = registry.grid_at(float(lon), float(lat))
        assert code == (unit.code if unit else None)
    assert any(c is None for c in codes) and any(c is not None for c in codes)
    assert locator.locate([(float("nan"), 39.9)]) == [None]


def _edge_points(locator: GridLocator, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Every grid vertex, every edge's midpoint, and random points over (and beyond) the extent."""
    coords = np.concatenate([shapely.get_coordinates(shapely.get_exterior_ring(g)) for g in locator._geoms])
    mids = (coords[:-1] + coords[1:]) / 2
    west, south, east, north = locator.bounds
    lons = np.concatenate([coords[:, 0], mids[:, 0], rng.uniform(west - 0.01, east + 0.01, n), [np.nan, east]])
    lats = np.concatenate([coords[:, 1], mids[:, 1], rng.uniform(south - 0.01, north + 0.01, n), [39.9, north]])
    return lons, lats


def test_raster_index_answers_exactly_as_the_tree_and_grid_at() -> None:
    """A call large enough for the raster index gives the STRtree's answers, vertices and shared edges included."""
    registry = load_units()
    locator = GridLocator((u.code, registry.shape(u.code)) for u in registry.grids)
    lons, lats = _edge_points(locator, np.random.default_rng(11), RASTER_MIN_POINTS)
    assert len(lons) >= RASTER_MIN_POINTS
    fast = locator.locate_arrays(lons, lats)
    assert locator._raster is not None  # the raster path answered
    assert list(fast) == list(locator.locate_with_tree(lons, lats))
    for i in range(0, len(lons), 7):  # every 7th point (vertices and midpoints among them) against grid_at
        unit = registry.grid_at(float(lons[i]), float(lats[i])) if not np.isnan(lons[i]) else None
        assert fast[i] == (unit.code if unit else None)
    small = locator.locate_arrays(lons[:500], lats[:500])  # once built, small calls use it too
    assert list(small) == list(fast[:500])
    assert fast[-2] is None


def test_the_raster_index_is_built_once_enough_points_were_asked_for() -> None:
    """Small calls use the tree until their points add up to RASTER_MIN_POINTS; the answers never change."""
    registry = load_units()
    locator = GridLocator((u.code, registry.shape(u.code)) for u in registry.grids)
    lons, lats = _edge_points(locator, np.random.default_rng(3), RASTER_MIN_POINTS // 3)
    first = locator.locate_arrays(lons, lats)
    assert locator._raster is None
    calls = 1
    while locator._raster is None:
        assert list(locator.locate_arrays(lons, lats)) == list(first)
        calls += 1
    assert calls * len(lons) >= RASTER_MIN_POINTS and (calls - 1) * len(lons) < RASTER_MIN_POINTS
    assert list(locator.locate_arrays(lons, lats)) == list(first)


def test_raster_index_on_generated_square_grids() -> None:
    """Axis-aligned generated cells (edges that may fall on raster cell edges) are answered as by the tree."""
    rows = grid_units(Extent(-74.05, 40.6, -73.85, 40.8), cell_m=1000)
    locator = GridLocator((str(r["code"]), r["geometry"]) for r in rows if r["level"] == "grid")
    lons, lats = _edge_points(locator, np.random.default_rng(5), RASTER_MIN_POINTS)
    assert list(locator.locate_arrays(lons, lats)) == list(locator.locate_with_tree(lons, lats))
    assert locator._raster is not None


def test_generated_units_form_a_consistent_hierarchy() -> None:
    """Grids tile the extent; each code starts with its parent's code, and every parent exists."""
    rows = grid_units(Extent(-71.2, 42.2, -71.0, 42.4), cell_m=1000)
    by_level: dict[str, list[dict[str, object]]] = {}
    for r in rows:
        by_level.setdefault(str(r["level"]), []).append(r)
    assert [r["code"] for r in by_level["district"]] == [GENERATED_DISTRICT]
    codes = {str(r["code"]) for r in rows}
    for level, length in (("subdistrict", 9), ("community", 12), ("grid", 15)):
        for r in by_level[level]:
            code, parent = str(r["code"]), str(r["parent"])
            assert len(code) == length and code.startswith(parent) and parent in codes
            assert r["generated"] is True
    grids = [shapely.geometry.shape(r["geometry"]) for r in by_level["grid"]]
    area = sum(g.area for g in grids)
    assert area == pytest.approx(shapely.union_all(grids).area)  # no overlaps
    assert shapely.geometry.box(-71.2, 42.2, -71.0, 42.4).difference(shapely.union_all(grids)).area < 1e-12
    cell_area = np.median([float(r["area_m2"]) for r in by_level["grid"]])  # type: ignore[arg-type]
    assert cell_area == pytest.approx(1e6, rel=0.01)


def test_robust_extent_ignores_stray_points() -> None:
    """0,0 and NaN are ignored; a single far outlier among many is trimmed."""
    lons = np.array([0.0, np.nan, *np.linspace(-74.0, -73.8, 998), 10.0])
    lats = np.array([0.0, 40.7, *np.linspace(40.6, 40.8, 998), 50.0])
    extent = robust_extent(lons, lats)
    assert extent is not None
    assert -74.01 < extent.west < extent.east < -73.79 and 40.59 < extent.south < extent.north < 40.81
    assert robust_extent(np.array([np.nan]), np.array([np.nan])) is None


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        ("%m/%d/%Y %I:%M:%S %p", "06/26/2018 10:58:54 AM"),
        ("%m/%d/%Y %I:%M:%S %p", "06/26/2018 12:05:00 AM"),
        ("%m/%d/%Y %I:%M:%S %p", "06/26/2018 12:05:00 PM"),
        ("%m/%d/%Y %I:%M:%S %p", "11/04/2018 01:30:00 PM"),
        ("%Y-%m-%d %H:%M:%S", "2022-01-21 13:47:00"),
        ("%d.%m.%Y %H:%M", "5.3.2021 7:05"),  # not fixed width: strptime fallback
    ],
)
def test_fast_time_parser_equals_strptime(fmt: str, text: str) -> None:
    """The sliced parser gives what strptime gives, in the file's zone."""
    ny = ZoneInfo("America/New_York")
    expected = int(datetime.strptime(text, fmt).replace(tzinfo=ny).timestamp())
    assert TimeParser(fmt, ny)(text) == expected


def test_time_zones_and_iso_offsets_are_honoured() -> None:
    """Naive times take the layout's zone (with DST); an explicit offset wins; blanks are None."""
    parse = TimeParser("iso", zone("America/New_York"))
    assert parse("2022-07-01 12:00:00") == int(datetime(2022, 7, 1, 16, 0, tzinfo=ZoneInfo("UTC")).timestamp())
    assert parse("2022-01-01 12:00:00") == int(datetime(2022, 1, 1, 17, 0, tzinfo=ZoneInfo("UTC")).timestamp())
    assert parse("2022-01-01T12:00:00+08:00") == int(datetime(2022, 1, 1, 4, 0, tzinfo=ZoneInfo("UTC")).timestamp())
    assert parse("  ") is None
    with pytest.raises(ValueError):
        parse("not a time")
    with pytest.raises(TimeFormatError):
        zone("Mars/Olympus")


def test_an_imported_city_names_its_channels_generically_in_query_answers() -> None:
    """The drill-down's names: generated units give generic channel names; Xicheng's units keep Xicheng's."""
    from feeds.analytics.naming import Names
    from feeds.geo.unit_rows import registry_from_rows
    from feeds.taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    city = Names(registry_from_rows(grid_units(Extent(-74.0, 40.7, -73.95, 40.75), 1000, "Test City")), taxonomy)
    assert city.source("app") == {"code": "app", "name_zh": "手机应用", "name_en": "mobile app"}
    assert city.source("hotline_12345")["name_en"] == "phone hotline"
    assert "Xicheng" in Names(load_units(), taxonomy).source("app")["name_en"]
