"""Weather warnings, crowd flow, sensors and staff: latest values with bounded history."""

from __future__ import annotations

from collections import deque
from typing import Any

from feeds.live.names import NameLookup
from feeds.live.records import CrowdView, SensorView, WeatherView
from feeds.protocol import CrowdFlow, SensorReading, StaffPosition, WeatherWarning
from feeds.protocol.vocab import WARNING_LEVELS

HISTORY = 30
"""Readings kept per crowd spot and per sensor (for sparklines and trend arrows)."""
MAX_WARNINGS = 32
MAX_SPOTS = 500
MAX_SENSORS = 5000
TREND_TOLERANCE = 0.03


def _evict_oldest(table: dict[str, Any], limit: int) -> None:
    while len(table) > limit:
        del table[next(iter(table))]


def trend_of(history: deque[int] | tuple[int, ...]) -> int:
    """+1 rising, -1 falling, 0 steady: latest reading vs the mean of up to five before it."""
    if len(history) < 2:
        return 0
    values = list(history)
    before = values[-6:-1]
    mean = sum(before) / len(before)
    latest = values[-1]
    if latest > mean * (1 + TREND_TOLERANCE) and latest - mean >= 1:
        return 1
    if latest < mean * (1 - TREND_TOLERANCE) and mean - latest >= 1:
        return -1
    return 0


class Environment:
    """Latest environment state (pure data, GUI-thread only like the rest of the live state)."""

    def __init__(self, names: NameLookup) -> None:
        self._names = names
        self._weather: dict[str, WeatherView] = {}
        self._crowd: dict[str, tuple[CrowdFlow, deque[int], float]] = {}
        self._sensors: dict[str, tuple[SensorReading, deque[float], float]] = {}
        self.staff: tuple[StaffPosition, ...] = ()

    def clear(self) -> None:
        """Forget everything (before a snapshot)."""
        self._weather.clear()
        self._crowd.clear()
        self._sensors.clear()
        self.staff = ()

    def on_weather(self, msg: WeatherWarning, now: float) -> None:
        """Add, update or lift a warning."""
        if not msg.active:
            self._weather.pop(msg.alert_id, None)
            return
        old = self._weather.pop(msg.alert_id, None)
        issued = old.issued_at if old is not None else (msg.ts or now)
        self._weather[msg.alert_id] = WeatherView(msg.alert_id, msg.hazard, msg.level, msg.text, issued)
        _evict_oldest(self._weather, MAX_WARNINGS)

    def on_crowd(self, msg: CrowdFlow, now: float) -> None:
        """Record a crowd reading."""
        old = self._crowd.pop(msg.spot_id, None)
        history: deque[int] = old[1] if old is not None else deque(maxlen=HISTORY)
        history.append(msg.count)
        self._crowd[msg.spot_id] = (msg, history, msg.ts or now)
        _evict_oldest(self._crowd, MAX_SPOTS)

    def on_sensor(self, msg: SensorReading, now: float) -> None:
        """Record a sensor reading."""
        old = self._sensors.pop(msg.sensor_id, None)
        history: deque[float] = old[1] if old is not None else deque(maxlen=HISTORY)
        history.append(msg.value)
        self._sensors[msg.sensor_id] = (msg, history, msg.ts or now)
        _evict_oldest(self._sensors, MAX_SENSORS)

    def weather(self) -> list[WeatherView]:
        """Active warnings, most severe first (then newest)."""
        rank = {level: i for i, level in enumerate(WARNING_LEVELS)}
        return sorted(self._weather.values(), key=lambda w: (-rank.get(w.level, -1), -w.issued_at))

    def crowd(self) -> list[CrowdView]:
        """Every spot, fullest (count / capacity) first."""
        views = [
            CrowdView(m.spot_id, self._names.spot(m.spot_id), m.count, m.capacity, m.level, tuple(h), trend_of(h), at)
            for m, h, at in self._crowd.values()
        ]
        return sorted(views, key=lambda c: (-c.count / max(c.capacity, 1), c.spot_id))

    def sensors(self) -> list[SensorView]:
        """Every sensor, alarms first, then by value relative to threshold."""
        views = [
            SensorView(
                m.sensor_id,
                m.sensor_kind,
                self._names.sensor(m.sensor_id, m.name),
                m.value,
                m.unit,
                m.threshold,
                m.alarm,
                m.lon,
                m.lat,
                tuple(h),
                at,
            )
            for m, h, at in self._sensors.values()
        ]
        return sorted(views, key=lambda s: (not s.alarm, -(s.value / s.threshold if s.threshold else 0), s.sensor_id))

    @property
    def sizes(self) -> dict[str, int]:
        """Table sizes (for memory tests)."""
        return {"weather": len(self._weather), "crowd": len(self._crowd), "sensors": len(self._sensors)}
