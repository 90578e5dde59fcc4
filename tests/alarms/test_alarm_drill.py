"""Drill scenarios never touch real sensors: their own ids and 演练 names; a flood drill is a flood."""

from __future__ import annotations

from feeds.alarms.drill import WARNING_ID, flood, rainstorm
from feeds.protocol import SensorReading, WeatherWarning


def test_rainstorm_drill_and_its_end() -> None:
    """An orange rainstorm with sensors in alarm; --clear lifts the same warning and clears the same sensors."""
    start, end = rainstorm(True), rainstorm(False)
    warning = start[0]
    assert isinstance(warning, WeatherWarning) and (warning.alert_id, warning.level, warning.active) == (
        WARNING_ID,
        "orange",
        True,
    )
    sensors = [m for m in start if isinstance(m, SensorReading)]
    assert sensors and all(s.alarm and s.sensor_id.startswith("drill-") and s.name.startswith("演练") for s in sensors)
    assert [getattr(m, "sensor_id", None) for m in end] == [getattr(m, "sensor_id", None) for m in start]
    assert not any(getattr(m, "alarm", False) or getattr(m, "active", False) for m in end)


def test_flood_drill_raises_more_than_ten() -> None:
    """24 distinct drill sensors in alarm: more than the 10-in-10-minutes flood line."""
    msgs = flood()
    assert len({m.sensor_id for m in msgs if isinstance(m, SensorReading) and m.alarm}) == 24
