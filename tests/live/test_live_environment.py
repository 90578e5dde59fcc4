"""Weather warnings, crowd flow and sensors in the live state."""

from __future__ import annotations

from live_factories import T0, snapshot

from feeds.live import LiveState
from feeds.protocol import CrowdFlow, SensorReading, WeatherWarning


def _sensor(value: float, alarm: bool, sid: str = "wl1", seq: int | None = None) -> SensorReading:
    return SensorReading(sid, "water_level", value, "cm", 25.0, alarm, 116.35, 39.9, "天宁寺桥下穿", seq=seq)


def test_weather_warnings_are_ordered_and_lifted(state: LiveState) -> None:
    """Active warnings list most severe first; a lifted warning disappears."""
    ch = state.apply(
        [
            WeatherWarning("w1", "heat", "yellow", text="高温黄色预警", seq=1),
            WeatherWarning("w2", "rainstorm", "orange", text="暴雨橙色预警", seq=2),
        ],
        now=T0,
    )
    assert ch.weather and [w.alert_id for w in state.weather()] == ["w2", "w1"]
    state.apply([WeatherWarning("w2", "rainstorm", "orange", active=False, seq=3)], now=T0)
    assert [w.level for w in state.weather()] == ["yellow"]


def test_crowd_history_trend_and_bound(state: LiveState) -> None:
    """Each spot keeps a bounded history; the trend follows the latest readings."""
    msgs = [CrowdFlow("xidan", 1000 + 100 * i, 20000, "busy", seq=i + 1) for i in range(50)]
    state.apply(msgs, now=T0)
    (spot,) = state.crowd()
    assert spot.name.zh == "西单" and spot.count == 5900 and len(spot.history) == 30 and spot.trend == 1
    state.apply([CrowdFlow("xidan", 3000, 20000, "normal", seq=51)], now=T0)
    assert state.crowd()[0].trend == -1
    state.apply([CrowdFlow("other", 100, 100, "critical", seq=52)], now=T0)
    assert state.crowd()[0].spot_id == "other"


def test_sensor_alarm_sorts_first(state: LiveState) -> None:
    """Sensors in alarm come first, with their short history."""
    state.apply([_sensor(10, False, "a", 1), _sensor(20, False, "b", 2), _sensor(31, True, "b", 3)], now=T0)
    sensors = state.sensors()
    assert sensors[0].sensor_id == "b" and sensors[0].alarm and sensors[0].history == (20.0, 31.0)


def test_snapshot_carries_environment(state: LiveState) -> None:
    """A snapshot restores warnings, crowd and sensors and drops the old ones."""
    state.apply([WeatherWarning("old", "haze", "blue", seq=1)], now=T0)
    snap = snapshot(
        5,
        weather=(WeatherWarning("w", "gale", "blue"),),
        crowd=(CrowdFlow("xidan", 5, 10, "normal"),),
        sensors=(_sensor(1, False),),
    )
    state.apply([snap], now=T0)
    assert [w.alert_id for w in state.weather()] == ["w"]
    assert len(state.crowd()) == 1 and len(state.sensors()) == 1
