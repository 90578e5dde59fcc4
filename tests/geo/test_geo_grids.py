"""Geometry of the generated grids and communities: a clean tessellation of Xicheng."""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from geo_helpers import M2_PER_DEG2

from feeds.geo.projection import area_m2
from feeds.geo.units import UnitRegistry


def test_all_geometries_valid(registry: UnitRegistry, grid_shapes: np.ndarray) -> None:
    """Every subdistrict, community and grid geometry is a valid (multi)polygon."""
    units = registry.subdistricts + registry.communities + registry.grids
    shapes = np.array([registry.shape(u.code) for u in units], dtype=object)
    assert shapely.is_valid(shapes).all()
    assert {u.geometry["type"] for u in units} <= {"Polygon", "MultiPolygon"}
    assert all(g.geom_type == "Polygon" for g in grid_shapes)


def test_subdistricts_form_a_partition(registry: UnitRegistry) -> None:
    """The cleaned subdistricts do not overlap and their union has no holes."""
    shapes = np.array([registry.shape(s.code) for s in registry.subdistricts], dtype=object)
    left, right = shapely.STRtree(shapes).query(shapes, predicate="intersects")
    keep = left < right
    overlap = shapely.area(shapely.intersection(shapes[left[keep]], shapes[right[keep]])).sum() * M2_PER_DEG2
    assert overlap < 1e-3
    union = registry.shape("110102")
    assert union.geom_type == "Polygon" and len(union.interiors) == 0


def test_grids_stay_inside_the_district(grid_shapes: np.ndarray, district_shape: Any) -> None:
    """Grid area outside the district is only 6-decimal rounding (< 10 m² each, < 0.001 % in all)."""
    outside = shapely.area(shapely.difference(grid_shapes, district_shape)) * M2_PER_DEG2
    assert outside.max() < 10.0
    assert outside.sum() < 1e-5 * area_m2(district_shape)


def test_grids_do_not_overlap(grid_shapes: np.ndarray) -> None:
    """The summed pairwise intersection area of all touching grids is 0 m²."""
    left, right = shapely.STRtree(grid_shapes).query(grid_shapes, predicate="intersects")
    keep = left < right
    assert keep.sum() > 2 * len(grid_shapes)  # neighbours do touch
    overlap = shapely.area(shapely.intersection(grid_shapes[left[keep]], grid_shapes[right[keep]])) * M2_PER_DEG2
    assert overlap.sum() < 0.01


def test_grids_cover_the_district(grid_shapes: np.ndarray, district_shape: Any) -> None:
    """The union of grids covers at least 99.5 % (in fact > 99.99 %) of the district, without holes."""
    union = shapely.union_all(grid_shapes)
    covered = shapely.intersection(union, district_shape).area / district_shape.area
    assert covered >= 0.9999
    assert union.geom_type == "Polygon" and len(union.interiors) == 0


def test_grid_areas_in_sane_range(registry: UnitRegistry, grid_shapes: np.ndarray) -> None:
    """Grid areas lie between 10,000 and ~30,000 m², median about 21,000 m²."""
    areas = np.array([g.area_m2 for g in registry.grids])
    assert areas.min() >= 10_000 and areas.max() <= 31_000
    assert 18_000 <= float(np.median(areas)) <= 24_000
    measured = np.array([area_m2(g) for g in grid_shapes])
    assert np.allclose(measured, areas, atol=0.1)


def test_grids_nest_in_their_community_and_subdistrict(registry: UnitRegistry) -> None:
    """A community is exactly the union of its grids, and lies in its subdistrict."""
    for community in registry.communities:
        union = shapely.union_all([registry.shape(g.code) for g in registry.children(community.code)])
        shape = registry.shape(community.code)
        assert shapely.symmetric_difference(union, shape).area * M2_PER_DEG2 < 1.0
        outside = shapely.difference(shape, registry.shape(community.parent or "")).area * M2_PER_DEG2
        assert outside < 50.0, community.code


def test_communities_are_contiguous(registry: UnitRegistry) -> None:
    """Each community's grids form one polygon (count of split communities is 0)."""
    split = [c.code for c in registry.communities if registry.shape(c.code).geom_type != "Polygon"]
    assert split == [], f"{len(split)} communities are not contiguous: {split[:5]}"


def test_community_sizes_are_balanced_within_subdistricts(registry: UnitRegistry) -> None:
    """Within a subdistrict the largest community is at most 3x the smallest."""
    for sub in registry.subdistricts:
        areas = [c.area_m2 for c in registry.children(sub.code)]
        assert max(areas) <= 3 * min(areas), sub.code


def test_grid_counts_follow_subdistrict_area(registry: UnitRegistry) -> None:
    """Grid count per subdistrict is proportional to its area (within one grid)."""
    total_area, total = registry.district.area_m2, len(registry.grids)
    for sub in registry.subdistricts:
        count = sum(len(registry.children(c.code)) for c in registry.children(sub.code))
        assert abs(count - total * sub.area_m2 / total_area) <= 1.0, sub.code
