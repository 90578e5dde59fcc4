"""MapModel: the Python-side truth of the map page and its batched deltas (no Qt)."""

from __future__ import annotations

import pytest

from feeds.geo.gcj02 import wgs84_to_gcj02
from widgets.gridmap.model import MapModel


def _case(case_id: str, status: str = "open", lon: float = 116.37, lat: float = 39.91) -> dict[str, object]:
    return {"id": case_id, "lon": lon, "lat": lat, "status": status, "description": "<b>x</b>", "extra": "dropped"}


def _square(code: str) -> dict[str, object]:
    ring = [[116.36, 39.91], [116.37, 39.91], [116.37, 39.92], [116.36, 39.91]]
    return {
        "type": "Feature",
        "properties": {"code": code, "name_zh": "测", "name_en": "T", "area": 1},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def test_delta_splits_added_updated_removed() -> None:
    """Fresh cases go out as added, known ones as updated, removals by id."""
    model = MapModel()
    model.push_cases([_case("a"), _case("b")], [], [])
    first = model.take_delta()
    assert [c["id"] for c in first["added"]] == ["a", "b"]
    model.push_cases([_case("c")], [_case("a", "overdue")], ["b"])
    second = model.take_delta()
    assert [c["id"] for c in second["added"]] == ["c"]
    assert [(c["id"], c["status"]) for c in second["updated"]] == [("a", "overdue")]
    assert second["removed"] == ["b"]
    assert not model.has_delta()


def test_added_then_removed_within_a_tick_never_reaches_the_page() -> None:
    """A case added and removed before the flush produces no message at all."""
    model = MapModel()
    model.push_cases([_case("a")], [_case("a", "due_soon")], [])
    model.push_cases([], [], ["a"])
    assert model.take_delta() == {}
    assert "a" not in model.cases


def test_update_of_a_case_added_in_the_same_tick_keeps_its_pulse() -> None:
    """Added then updated within one tick is still sent as added (it pulses)."""
    model = MapModel()
    model.push_cases([_case("a")], [], [])
    model.push_cases([], [_case("a", "overdue")], [])
    delta = model.take_delta()
    assert [(c["id"], c["status"]) for c in delta["added"]] == [("a", "overdue")]
    assert "updated" not in delta


def test_only_plain_fields_are_kept_and_status_is_checked() -> None:
    """Unknown fields are dropped; an unknown status falls back to open."""
    model = MapModel()
    model.push_cases([{**_case("a"), "status": "weird"}], [], [])
    case = model.take_delta()["added"][0]
    assert "extra" not in case
    assert case["status"] == "open"
    assert case["description"] == "<b>x</b>"


def test_closed_cases_are_capped() -> None:
    """Only the newest ``max_closed`` closed cases stay; older ones are removed from the page."""
    model = MapModel(max_closed=3)
    model.push_cases([_case(f"c{i}") for i in range(5)], [], [])
    model.take_delta()
    model.push_cases([], [_case(f"c{i}", "closed") for i in range(5)], [])
    delta = model.take_delta()
    assert sorted(delta["removed"]) == ["c0", "c1"]
    assert sorted(model.cases) == ["c2", "c3", "c4"]


def test_hard_cap_keeps_memory_flat() -> None:
    """Beyond ``max_cases`` the oldest cases are evicted, so the model never grows without bound."""
    model = MapModel(max_cases=100)
    for i in range(1000):
        model.push_cases([_case(f"x{i}")], [], [])
    assert len(model.cases) == 100
    assert next(iter(model.cases)) == "x900"


def test_snapshot_resets_and_carries_everything() -> None:
    """The full state after a reload resets the page and holds every layer."""
    model = MapModel()
    model.set_units({"features": [_square("110102001")]}, {"features": []}, {"features": []})
    model.set_grid_values({"110102001001001": 3}, "overdue")
    model.push_cases([_case("a")], [], [])
    model.set_staff([{"id": "s1", "lon": 116.36, "lat": 39.91}])
    model.set_language("en")
    snap = model.snapshot()
    assert snap["reset"] is True
    assert snap["language"] == "en"
    assert snap["grid"] == {"values": {"110102001001001": 3.0}, "mode": "overdue"}
    assert [c["id"] for c in snap["updated"]] == ["a"]
    assert snap["units"]["subdistrict"]["features"][0]["properties"] == {
        "code": "110102001",
        "name_zh": "测",
        "name_en": "T",
    }


def test_gcj02_conversion_at_the_edge() -> None:
    """With a GCJ-02 basemap every overlay coordinate is shifted; the input stays WGS-84."""
    model = MapModel(wgs84_to_gcj02)
    feature = _square("110102001")
    model.set_units({"features": [feature]}, {"features": []}, {"features": []})
    model.push_cases([_case("a", lon=116.37, lat=39.91)], [], [])
    delta = model.take_delta()
    expected = wgs84_to_gcj02(116.37, 39.91)
    assert (delta["added"][0]["lon"], delta["added"][0]["lat"]) == pytest.approx(expected, abs=1e-6)
    assert abs(expected[0] - 116.37) > 0.004  # ~600 m: the shift is real
    first = delta["units"]["subdistrict"]["features"][0]["geometry"]["coordinates"][0][0]
    assert first == pytest.approx(list(wgs84_to_gcj02(116.36, 39.91)), abs=1e-6)
    assert feature["geometry"]["coordinates"][0][0] == [116.36, 39.91]  # type: ignore[index]


def test_language_is_checked() -> None:
    """Only zh and en are accepted."""
    with pytest.raises(ValueError):
        MapModel().set_language("fr")
