"""Environment events of the live simulation: weather warnings, crowd flow, sensor readings.

Weather warnings are published when issued, at each level change and when
lifted. Crowds and sensors are checked every simulated minute and published
every :data:`REFRESH_S` simulated seconds, and at once when a level changes
(busy/crowded/critical; warning/alarm).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

from feeds.protocol import CrowdFlow, SensorReading
from feeds.protocol import WeatherWarning as WeatherAlert
from feeds.simulator.environment.crowd import crowd_at
from feeds.simulator.environment.sensors import SENSORS, SensorNetwork
from feeds.simulator.environment.spots import WatchedSpot
from feeds.simulator.environment.weather import Weather, WeatherWarning
from feeds.simulator.live.schedule import Timed

CHECK_S = 60.0
"""Simulated seconds between two looks at crowds and sensors."""
REFRESH_S = 300.0
"""Simulated seconds after which an unchanged crowd or sensor is published again."""
_SENSORS = {s.sensor_id: s for s in SENSORS}


def weather_alert(w: WeatherWarning, level: str, active: bool) -> WeatherAlert:
    """The wire message of a warning at one of its phases."""
    return WeatherAlert(w.warning_id, w.kind, level, active, w.title_zh(level))


class EnvironmentFeed:
    """Timed environment events for windows of simulated time.

    Args:
        seed: Seed of weather, rain and crowd noise.
        spots: Hot spots watched for crowd flow.
    """

    def __init__(self, seed: int, spots: Sequence[WatchedSpot]) -> None:
        self.seed = seed
        self.weather = Weather(seed)
        self.sensors = SensorNetwork(self.weather)
        self.spots = tuple(spots)
        self._crowd: dict[str, tuple[float, str]] = {}
        self._sensor: dict[str, tuple[float, str]] = {}

    def warnings_at(self, t: float) -> list[WeatherWarning]:
        """Warnings in force at ``t``, each at its level then (for the case-mix boost)."""
        return [dataclasses.replace(w, level=w.level_at(t)) for w in self.weather.weather_at(t)]

    def start(self, t: float, known: Sequence[WeatherAlert] = ()) -> list[Timed]:
        """Events that bring the wall to the state at ``t``.

        Warnings in force are (re)issued at their current level unless ``known``
        (the snapshot's active warnings) already shows them so; known warnings
        no longer in force are lifted; every crowd and sensor is published.
        """
        out: list[Timed] = []
        shown = {(a.alert_id, a.level) for a in known if a.active}
        active = self.weather.weather_at(t)
        for w in active:
            level = w.level_at(t)
            if (w.warning_id, level) not in shown:
                out.append((t, weather_alert(w, level, True)))
        current = {w.warning_id for w in active}
        out += [
            (t, dataclasses.replace(a, active=False, seq=None, ts=None, id=None))
            for a in known
            if a.active and a.alert_id not in current
        ]
        self._crowd.clear()
        self._sensor.clear()
        return out + self._look(t, force=True)

    def window(self, a: float, b: float) -> list[Timed]:
        """Events in ``[a, b)``, in time order."""
        out: list[Timed] = []
        for w in self.weather.warnings_between(a, b):
            out += [(when, weather_alert(w, level, on)) for when, level, on in w.phases() if a <= when < b]
        t = math.ceil(a / CHECK_S) * CHECK_S
        while t < b:
            out += self._look(t, force=False)
            t += CHECK_S
        out.sort(key=lambda item: item[0])
        return out

    def _look(self, t: float, force: bool) -> list[Timed]:
        out: list[Timed] = []
        for spot in self.spots:
            reading = crowd_at(spot.crowd, t, self.seed)
            if self._due(self._crowd, spot.crowd.spot_id, t, reading.level, force):
                out.append((t, CrowdFlow(spot.crowd.spot_id, reading.count, spot.crowd.capacity, reading.level)))
        for r in self.sensors.readings_at(t):
            if self._due(self._sensor, r.sensor_id, t, r.level, force):
                s = _SENSORS[r.sensor_id]
                sensor = SensorReading(r.sensor_id, r.kind, r.value, r.unit, s.alarm, r.alarm, s.lon, s.lat, s.name_zh)
                out.append((t, sensor))
        return out

    @staticmethod
    def _due(last: dict[str, tuple[float, str]], key: str, t: float, level: str, force: bool) -> bool:
        seen = last.get(key)
        if force or seen is None or seen[1] != level or t - seen[0] >= REFRESH_S:
            last[key] = (t, level)
            return True
        return False
