"""Unit hierarchy: codes, names, parents and lookups of the packaged registry."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest
import shapely

from feeds.geo.hotspots import load_hotspots
from feeds.geo.reference import read_communities
from feeds.geo.units import Unit, UnitRegistry, load_units

REAL_SUBDISTRICT_CODES = [
    "110102001", "110102003", "110102007", "110102009", "110102010",
    "110102011", "110102012", "110102013", "110102014", "110102015",
    "110102016", "110102017", "110102018", "110102019", "110102020",
]  # fmt: skip


def test_district_unit(registry: UnitRegistry) -> None:
    """The district is 110102 西城区, real, about 50.6 km²."""
    district = registry.district
    assert (district.code, district.level, district.name_zh, district.name_en) == (
        "110102", "district", "西城区", "Xicheng District"
    )  # fmt: skip
    assert district.parent is None and district.generated is False
    assert 50.0e6 < district.area_m2 < 51.2e6
    assert registry.get("110102") is district


def test_fifteen_real_subdistricts(registry: UnitRegistry) -> None:
    """The 15 subdistricts carry the official codes, Chinese and English names."""
    subs = registry.subdistricts
    assert [s.code for s in subs] == REAL_SUBDISTRICT_CODES
    assert all(s.level == "subdistrict" and s.parent == "110102" and not s.generated for s in subs)
    assert all(s.name_zh.endswith("街道") and s.name_en for s in subs)
    names = {s.code: s.name_en for s in subs}
    assert names["110102011"] == "Financial Street" and names["110102013"] == "Dashilar"
    assert sum(s.area_m2 for s in subs) == pytest.approx(registry.district.area_m2)


def test_263_communities_under_real_subdistricts(registry: UnitRegistry) -> None:
    """263 communities, unique 12-digit NBS codes, each under an existing subdistrict."""
    communities = registry.communities
    codes = [c.code for c in communities]
    assert len(communities) == 263 and len(set(codes)) == 263
    assert all(len(c) == 12 and c.isdigit() for c in codes)
    assert all(c.parent == c.code[:9] and c.parent in REAL_SUBDISTRICT_CODES for c in communities)
    assert codes == [r.code for r in read_communities()]
    assert all(c.generated and c.level == "community" for c in communities)
    assert registry.get("110102001004").name_zh == "府右街南社区"


def test_grid_codes_follow_beijing_scheme(registry: UnitRegistry) -> None:
    """Grid codes are unique 15 digits = parent community code + 001…, numbered without gaps."""
    grids = registry.grids
    codes = [g.code for g in grids]
    assert len(set(codes)) == len(codes)
    assert all(len(c) == 15 and c.isdigit() for c in codes)
    assert all(g.code[:12] == g.parent and g.parent in registry for g in grids)
    per_community = Counter(g.code[:12] for g in grids)
    assert set(per_community) == {c.code for c in registry.communities}
    for community, count in per_community.items():
        assert sorted(g.code[-3:] for g in registry.children(community)) == [f"{i:03d}" for i in range(1, count + 1)]


def test_grid_count_near_2432(registry: UnitRegistry) -> None:
    """The district has 2,432 ± 5 % unit grids."""
    assert abs(len(registry.grids) - 2432) <= 0.05 * 2432


def test_grid_properties(registry: UnitRegistry) -> None:
    """Grids are flagged generated and named after their community."""
    grid = registry.get("110102001004001")
    assert grid.level == "grid" and grid.generated is True
    assert grid.name_zh == "府右街南社区第1网格" and grid.name_en == "Grid 1"
    assert grid.geometry["type"] in ("Polygon", "MultiPolygon")


def test_children_and_ancestors(registry: UnitRegistry) -> None:
    """children() walks down and ancestors() walks up to the district."""
    assert [u.code for u in registry.children("110102")] == REAL_SUBDISTRICT_CODES
    assert len(registry.children("110102001")) == 11
    assert registry.children("110102001004001") == []
    chain = registry.ancestors("110102001004001")
    assert [u.code for u in chain] == ["110102001004", "110102001", "110102"]
    assert [u.level for u in chain] == ["community", "subdistrict", "district"]
    assert registry.ancestors("110102") == []


def test_get_unknown_code_raises_clear_key_error(registry: UnitRegistry) -> None:
    """An unknown code raises KeyError naming the code."""
    with pytest.raises(KeyError, match="999999"):
        registry.get("999999")
    with pytest.raises(KeyError):
        registry.children("110102099")


def test_grid_at_finds_the_grid_of_random_points(registry: UnitRegistry) -> None:
    """grid_at returns the grid a random interior point was drawn from."""
    rng = random.Random(7)
    for grid in rng.sample(registry.grids, 200):
        lon, lat = registry.random_point_in(grid.code, rng)
        found = registry.grid_at(lon, lat)
        assert found is not None and found.code == grid.code
    assert registry.grid_at(116.50, 39.95) is None


def test_random_point_in_is_inside_and_reproducible(registry: UnitRegistry) -> None:
    """random_point_in stays inside the unit and repeats with the same seed."""
    first = [registry.random_point_in("110102012", random.Random(3)) for _ in range(2)]
    assert first[0] == first[1]
    shape = registry.shape("110102012")
    points = [registry.random_point_in("110102012", random.Random(seed)) for seed in range(50)]
    assert all(shapely.contains_xy(shape, lon, lat) for lon, lat in points)


def test_unit_is_frozen_and_hashable(registry: UnitRegistry) -> None:
    """Units are immutable value objects usable in sets."""
    unit = registry.get("110102003")
    assert isinstance(unit, Unit) and len({unit, registry.get("110102003")}) == 1
    with pytest.raises(AttributeError):
        unit.code = "x"  # type: ignore[misc]


def test_centroids_lie_in_xicheng(registry: UnitRegistry) -> None:
    """Every centroid is a WGS-84 lon/lat inside the district bounding box."""
    minx, miny, maxx, maxy = registry.shape("110102").bounds
    for unit in registry.subdistricts + registry.communities + registry.grids:
        lon, lat = unit.centroid
        assert minx <= lon <= maxx and miny <= lat <= maxy


def test_load_units_is_cached_and_quick() -> None:
    """A repeated load is served from the cache; a cold build gives the same units (speed: bench/unit_speed.py)."""
    assert load_units() is load_units()
    from feeds.geo.units import _build

    fresh = _build(None)
    assert len(fresh.grids) == len(load_units().grids)


def test_hotspots() -> None:
    """16 hot spots with slug ids and WGS-84 positions in or near Xicheng."""
    spots = load_hotspots()
    assert len(spots) == 16
    ids = [s.id for s in spots]
    assert len(set(ids)) == 16 and "financial-street" in ids and "prince-gongs-mansion" in ids
    assert all(116.30 < s.lon < 116.41 and 39.86 < s.lat < 39.98 for s in spots)
    zoo = next(s for s in spots if s.name_en.startswith("Beijing Zoo"))
    assert zoo.subdistrict == "展览路街道"


def test_hotspots_fall_in_their_subdistrict(registry: UnitRegistry) -> None:
    """Each hot spot's grid lies in the subdistrict the source names (北京北站 is outside)."""
    names = {s.name_zh: s.code for s in registry.subdistricts}
    for spot in load_hotspots():
        grid = registry.grid_at(spot.lon, spot.lat)
        if spot.subdistrict not in names:
            assert grid is None
            continue
        assert grid is not None, spot.name_en
        assert grid.code[:9] == names[spot.subdistrict], spot.name_en


def test_threads_asking_at_once_share_one_build(tmp_path: Path) -> None:
    """The start loads the units in a thread while the GUI thread may ask too: one registry is built
    (the map's unit layers are cached per registry object) and every caller gets that one."""
    import threading

    from feeds.geo import units

    got: list[UnitRegistry] = []
    built: list[int] = []
    build = units._build

    def counted(override_dir: Path) -> UnitRegistry:
        built.append(1)
        return build(override_dir)

    units._build = counted  # type: ignore[assignment]
    try:
        workers = [threading.Thread(target=lambda: got.append(load_units(tmp_path))) for _ in range(4)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    finally:
        units._build = build  # type: ignore[assignment]
    assert len(got) == 4 and all(r is got[0] for r in got)
    assert len(built) == 1
