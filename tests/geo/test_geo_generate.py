"""The generator: partition cleaning, tessellation, noding, and reproducible output files."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import shapely
from geo_helpers import M2_PER_DEG2

from feeds.geo.generate import allocate, main
from feeds.geo.grouping import group_cells
from feeds.geo.noding import node_coverage
from feeds.geo.partition import clean_partition
from feeds.geo.projection import XICHENG_FRAME, area_m2
from feeds.geo.reference import COMMUNITIES_GENERATED_FILE, GRIDS_GENERATED_FILE
from feeds.geo.tessellate import tessellate

# A 1.2 km x 0.9 km block in Xicheng, in degrees.
_W, _H = XICHENG_FRAME.degrees(1200.0)[0], XICHENG_FRAME.degrees(900.0)[1]
_X0, _Y0 = 116.35, 39.90


def _overlap_m2(shapes: list[shapely.Geometry]) -> float:
    """Summed pairwise intersection area in m²."""
    array = np.array(shapes, dtype=object)
    left, right = shapely.STRtree(array).query(array, predicate="intersects")
    keep = left < right
    return float(shapely.area(shapely.intersection(array[left[keep]], array[right[keep]])).sum() * M2_PER_DEG2)


def test_allocate_is_proportional_and_exact() -> None:
    """Largest-remainder allocation hits the total and respects minimums."""
    assert allocate([5.0, 3.0, 2.0], 100, [0, 0, 0]) == [50, 30, 20]
    # exact shares 49.95, 29.97, 19.98, 0.10: the minimum of 1 takes one of the remainders
    assert allocate([5.0, 3.0, 2.0, 0.01], 100, [1, 1, 1, 1]) == [49, 30, 20, 1]
    assert sum(allocate([4.2, 3.6, 1.3, 1.0, 5.7], 2432, [11, 21, 9, 7, 23])) == 2432


def test_clean_partition_resolves_overlaps_and_slivers() -> None:
    """Overlapping neighbours and a thin gap between them become a clean partition."""
    west = shapely.box(_X0, _Y0, _X0 + _W / 2 + 0.0005, _Y0 + _H)  # overlaps east by ~40 m
    east = shapely.box(_X0 + _W / 2, _Y0, _X0 + _W, _Y0 + _H)
    gap = XICHENG_FRAME.degrees(1.0)[0]  # a 1 m sliver between south and the others
    south = shapely.box(_X0, _Y0 - _H / 2, _X0 + _W, _Y0 - gap)
    cleaned, report = clean_partition([west, east, south], XICHENG_FRAME)
    assert report.overlap_removed_m2 == pytest.approx(area_m2(shapely.intersection(west, east)), rel=1e-3)
    assert report.gaps_filled_m2 > 0.0
    assert _overlap_m2(cleaned) < 1e-6
    assert shapely.union_all(cleaned).geom_type == "Polygon"
    assert all(c.is_valid and c.geom_type in ("Polygon", "MultiPolygon") for c in cleaned)


def test_tessellate_exact_count_without_gaps_or_overlaps() -> None:
    """An L-shaped block is cut into exactly the requested number of cells covering it."""
    notch = shapely.box(_X0 + _W / 2, _Y0 + _H / 2, _X0 + _W, _Y0 + _H)
    block = shapely.set_precision(shapely.difference(shapely.box(_X0, _Y0, _X0 + _W, _Y0 + _H), notch), 1e-6)
    cells = tessellate(block, 40, XICHENG_FRAME)
    assert len(cells) == 40
    assert _overlap_m2(cells) < 1e-6
    assert area_m2(shapely.symmetric_difference(shapely.union_all(cells), block)) < 1.0
    areas = [area_m2(c) for c in cells]
    mean = area_m2(block) / 40
    assert min(areas) >= 0.5 * mean and max(areas) <= 1.5 * mean


def test_group_cells_makes_contiguous_groups() -> None:
    """Cells of a block are grouped into the requested number of contiguous communities."""
    block = shapely.set_precision(shapely.box(_X0, _Y0, _X0 + _W, _Y0 + _H), 1e-6)
    cells = tessellate(block, 48, XICHENG_FRAME)
    labels, split = group_cells(cells, 5, XICHENG_FRAME)
    assert sorted(set(labels)) == [0, 1, 2, 3, 4] and split == 0
    for label in range(5):
        union = shapely.union_all([c for c, lab in zip(cells, labels, strict=True) if lab == label])
        assert union.geom_type == "Polygon"


def test_node_coverage_removes_slanted_border_overlap() -> None:
    """Snapped vertices near a shared slanted border are inserted on both sides, leaving zero overlap."""
    south = shapely.Polygon([(116.350, 39.900), (116.352, 39.900), (116.352, 39.9018), (116.350, 39.9010)])
    # (116.351, 39.901399) is 0.9e-6 degrees off the shared slanted edge, as grid snapping leaves it
    north = shapely.Polygon(
        [(116.350, 39.9010), (116.351, 39.901399), (116.352, 39.9018), (116.352, 39.903), (116.350, 39.903)]
    )
    assert shapely.intersection(south, north).area > 0.0
    noded, kept = node_coverage([south, north])
    assert kept == 0
    assert shapely.intersection(*noded).area == 0.0
    assert shapely.union(*noded).geom_type == "Polygon" and len(shapely.union(*noded).interiors) == 0


def test_generated_files_are_compact(tmp_path: Path) -> None:
    """Packaged files use compact JSON with at most 6 decimals per coordinate."""
    text = GRIDS_GENERATED_FILE.read_text(encoding="utf-8")
    assert '"generated":true' in text and ", " not in text
    assert not re.search(r"\d\.\d{7,}", text)
    assert GRIDS_GENERATED_FILE.stat().st_size < 1_500_000


@pytest.mark.slow
def test_packaged_files_match_a_fresh_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Re-running the generator reproduces the packaged files byte for byte."""
    communities, grids = tmp_path / "c.geojson", tmp_path / "g.geojson"
    assert main(["--communities", str(communities), "--grids", str(grids)]) == 0
    out = capsys.readouterr().out
    assert "263 communities" in out and "2432 grids" in out and "non-contiguous communities: 0" in out
    assert communities.read_bytes() == COMMUNITIES_GENERATED_FILE.read_bytes()
    assert grids.read_bytes() == GRIDS_GENERATED_FILE.read_bytes()


def test_osm_subdistricts_need_almost_no_cleaning() -> None:
    """The OSM subdistricts already tile the district: cleaning moves < 1 m² and fills no gap."""
    from shapely.geometry import shape

    from feeds.geo.geojson_io import read_collection
    from feeds.geo.reference import SUBDISTRICTS_FILE

    raw = [shape(f["geometry"]) for f in read_collection(SUBDISTRICTS_FILE)["features"]]
    cleaned, report = clean_partition(raw, XICHENG_FRAME)
    assert len(cleaned) == 15
    assert report.overlap_removed_m2 < 1.0 and report.gaps_filled_m2 == 0.0 and report.shards_moved == 0
    changed = sum(area_m2(shapely.symmetric_difference(a, b)) for a, b in zip(raw, cleaned, strict=True))
    assert changed < 1e-4 * sum(area_m2(g) for g in raw)  # only the 1e-6 degree snapping (~5 cm)
