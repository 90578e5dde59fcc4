"""Tests of weather warnings, sensors, crowds and supervisor patrols."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest

from feeds.protocol.vocab import CROWD_LEVELS, HAZARDS, SENSOR_KINDS, WARNING_LEVELS
from feeds.simulator.environment import (
    LEVELS,
    SENSORS,
    WARNING_TYPES,
    CrowdSpot,
    PatrolRoster,
    SensorNetwork,
    Weather,
    WeatherWarning,
    case_boost,
    crowd_at,
    crowd_level,
    crowd_level_changes,
)
from feeds.simulator.model.calendar import epoch, local_date
from feeds.taxonomy import load_taxonomy

TEN_YEARS = (epoch(2014, 1, 1), epoch(2024, 1, 1))


@pytest.fixture(scope="module")
def decade() -> list[WeatherWarning]:
    """Ten years of warnings for seed 11."""
    return Weather(11).warnings_between(*TEN_YEARS)


def test_warning_levels_are_valid(decade: list[WeatherWarning]) -> None:
    """Every warning has a CMA colour allowed for its kind and a positive duration."""
    allowed = {w.code: {name for name, _ in w.levels} for w in WARNING_TYPES}
    assert len(decade) > 300
    for w in decade:
        assert w.level in LEVELS and w.level in allowed[w.kind]
        assert w.expires_at > w.issued_at and w.name_zh.endswith("预警")
    assert not any(w.kind == "haze" and w.level == "blue" for w in decade)


def test_red_rarer_than_blue(decade: list[WeatherWarning]) -> None:
    """Red warnings are rare: fewer than a third of blue ones, but they happen."""
    levels = Counter(w.level for w in decade)
    assert 0 < levels["red"] < levels["blue"] / 3


def test_warnings_follow_the_seasons(decade: list[WeatherWarning]) -> None:
    """Rainstorms come in the warm months, snowstorms in the cold ones."""
    for w in decade:
        month = local_date(w.issued_at).month
        if w.kind == "rainstorm":
            assert 4 <= month <= 10
        if w.kind == "snowstorm":
            assert month in (11, 12, 1, 2, 3)


def test_no_overlapping_warnings_of_one_kind(decade: list[WeatherWarning]) -> None:
    """A kind is not issued again while its previous warning is in force."""
    last_end: dict[str, float] = {}
    for w in decade:
        assert w.issued_at >= last_end.get(w.kind, 0.0)
        last_end[w.kind] = w.expires_at


def test_weather_is_deterministic() -> None:
    """The same seed gives the same warnings; weather_at agrees with the list."""
    a = Weather(5).warnings_between(epoch(2023, 6, 1), epoch(2023, 9, 1))
    assert a == Weather(5).warnings_between(epoch(2023, 6, 1), epoch(2023, 9, 1))
    assert a != Weather(6).warnings_between(epoch(2023, 6, 1), epoch(2023, 9, 1))
    mid = (a[0].issued_at + a[0].expires_at) / 2
    assert a[0] in Weather(5).weather_at(mid)


def test_water_level_alarms_follow_rain() -> None:
    """Underpass alarms happen during or just after heavy rain, never in the dry."""
    weather = Weather(11)
    net = SensorNetwork(weather)
    alarms = dry_alarms = storm_samples = storm_alarms = 0
    t = epoch(2016, 6, 1)
    while t < epoch(2016, 9, 1):
        readings = net.readings_at(t)
        wl_alarm = any(r.alarm for r in readings if r.kind == "water_level")
        storm = any(w.kind == "rainstorm" for w in weather.weather_at(t))
        recent_rain = max(weather.rain_rate(t - k * 600) for k in range(24))
        alarms += wl_alarm
        dry_alarms += wl_alarm and recent_rain == 0
        storm_samples += storm
        storm_alarms += storm and wl_alarm
        t += 1800
    assert alarms > 0 and dry_alarms == 0
    assert storm_alarms / storm_samples > 5 * alarms / ((epoch(2016, 9, 1) - epoch(2016, 6, 1)) / 1800)


def test_sensor_readings_have_units_and_levels() -> None:
    """Rain gauges read mm/h, water-level sensors cm, levels normal/warning/alarm."""
    readings = SensorNetwork(Weather(1)).readings_at(epoch(2023, 7, 20, 15))
    assert len(readings) >= 10
    assert {r.unit for r in readings} == {"mm/h", "cm"}
    assert all(r.level in ("normal", "warning", "alarm") and r.value >= 0 for r in readings)


def test_crowds_cross_thresholds_sometimes() -> None:
    """Xidan is mostly normal but becomes crowded or critical at peaks."""
    spot = CrowdSpot("xidan", 20_000, "shopping")
    levels = Counter(crowd_at(spot, epoch(2023, 1, 1) + k * 1800.0).level for k in range(365 * 48))
    assert levels["normal"] > levels["crowded"] + levels["critical"] > 0
    assert set(levels) <= {"normal", "busy", "crowded", "critical"}
    changes = crowd_level_changes(spot, epoch(2023, 10, 1), epoch(2023, 10, 8))
    assert len(changes) > 7
    assert all(a.level != b.level for a, b in itertools.pairwise(changes))


def test_crowds_peak_on_holidays() -> None:
    """National Day afternoons are busier than a workday afternoon."""
    spot = CrowdSpot("shichahai", 30_000, "scenic")
    holiday = crowd_at(spot, epoch(2023, 10, 3, 15))
    workday = crowd_at(spot, epoch(2023, 10, 17, 15))
    night = crowd_at(spot, epoch(2023, 10, 17, 3))
    assert holiday.count > workday.count > night.count
    assert crowd_level(1.2) == "critical" and crowd_level(0.1) == "normal"


def fake_point(grid: str, u: float, v: float) -> tuple[float, float]:
    """Place grid ``grid`` on a lattice and (u, v) inside its cell."""
    row, col = int(grid[-6:-3]), int(grid[-3:])
    return 39.88 + row * 0.001 + u * 0.001, 116.33 + col * 0.001 + v * 0.001


def test_roster_beats_cover_every_grid(grid_codes: list[str]) -> None:
    """420 supervisors S001..S420 share all grids, each grid in one beat."""
    roster = PatrolRoster(grid_codes, fake_point)
    assert [s.staff_id for s in roster.supervisors][:2] == ["S001", "S002"]
    assert len(roster.supervisors) == 420 and roster.supervisors[-1].staff_id == "S420"
    beats = [g for s in roster.supervisors for g in s.grid_codes]
    assert sorted(beats) == sorted(grid_codes)


def test_patrol_positions_follow_shifts(grid_codes: list[str]) -> None:
    """Many supervisors walk their beats by day, none at 03:00, deterministically."""
    roster = PatrolRoster(grid_codes, fake_point, seed=4)
    noon = roster.positions_at(epoch(2023, 6, 14, 12, 7))
    assert len(noon) > 200 and roster.positions_at(epoch(2023, 6, 14, 3)) == []
    beats = {s.staff_id: set(s.grid_codes) for s in roster.supervisors}
    assert all(p.grid_code in beats[p.staff_id] for p in noon)
    assert noon == PatrolRoster(grid_codes, fake_point, seed=4).positions_at(epoch(2023, 6, 14, 12, 7))
    later = roster.positions_at(epoch(2023, 6, 14, 12, 9))
    moved = sum((a.lat, a.lon) != (b.lat, b.lon) for a, b in zip(noon, later, strict=True))
    assert moved > len(noon) // 2


def test_case_boost_grows_with_level() -> None:
    """A rainstorm boosts 积水, more so at red than at blue."""
    weather = Weather(11)
    storms = [w for w in weather.warnings_between(*TEN_YEARS) if w.kind == "rainstorm"]
    blue = next(w for w in storms if w.level == "blue")
    red = next(w for w in storms if w.level in ("orange", "red"))
    code = load_taxonomy().subclass_by_name("积水").code
    assert case_boost([red])[code] > case_boost([blue])[code] > 1
    assert case_boost([]) == {}


def test_vocabulary_matches_the_wire_protocol() -> None:
    """Hazard, level, crowd and sensor codes are ones the protocol accepts."""
    assert {w.code for w in WARNING_TYPES} <= HAZARDS
    assert tuple(LEVELS) == WARNING_LEVELS
    assert crowd_level(0.0) in CROWD_LEVELS and crowd_level(0.9) in CROWD_LEVELS
    assert {s.kind for s in SENSORS} <= SENSOR_KINDS
