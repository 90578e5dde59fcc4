"""Rain gauges and underpass water-level sensors, driven by the weather."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from feeds.simulator.environment.weather import Weather
from feeds.simulator.model.calendar import HOUR_S
from feeds.simulator.model.noise import hash_unit


@dataclass(frozen=True)
class Sensor:
    """A simulated IoT sensor (approximate WGS-84 position, ±500 m).

    Attributes:
        sensor_id: ``RGnn`` rain gauge or ``WLnn`` underpass water level.
        kind: ``"rain_gauge"`` (mm/h) or ``"water_level"`` (cm).
        name_zh: Location name.
        name_en: English name.
        lat: Latitude.
        lon: Longitude.
        warn: Value from which the reading is ``"warning"``.
        alarm: Value from which the reading is ``"alarm"``.
        factor: Local exposure (rain) or susceptibility (water level).
    """

    sensor_id: str
    kind: str
    name_zh: str
    name_en: str
    lat: float
    lon: float
    warn: float
    alarm: float
    factor: float


SENSORS = (
    Sensor("RG01", "rain_gauge", "什刹海雨量站", "Shichahai rain gauge", 39.940, 116.385, 20, 50, 1.05),
    Sensor("RG02", "rain_gauge", "金融街雨量站", "Financial Street rain gauge", 39.916, 116.360, 20, 50, 0.95),
    Sensor("RG03", "rain_gauge", "展览路雨量站", "Zhanlanlu rain gauge", 39.933, 116.345, 20, 50, 1.0),
    Sensor("RG04", "rain_gauge", "天桥雨量站", "Tianqiao rain gauge", 39.884, 116.388, 20, 50, 1.1),
    Sensor("RG05", "rain_gauge", "广安门外雨量站", "Guang'anmenwai rain gauge", 39.890, 116.330, 20, 50, 0.9),
    Sensor("WL01", "water_level", "西便门桥下凹桥区", "Xibianmen underpass", 39.900, 116.354, 15, 27, 1.5),
    Sensor("WL02", "water_level", "白纸坊桥下凹桥区", "Baizhifang underpass", 39.878, 116.351, 15, 27, 1.3),
    Sensor("WL03", "water_level", "天宁寺桥下凹桥区", "Tianningsi underpass", 39.896, 116.343, 15, 27, 1.1),
    Sensor("WL04", "water_level", "官园桥下凹桥区", "Guanyuan underpass", 39.931, 116.356, 15, 27, 1.0),
    Sensor("WL05", "water_level", "积水潭桥下凹桥区", "Jishuitan underpass", 39.948, 116.372, 15, 27, 0.9),
    Sensor("WL06", "water_level", "广安门桥下凹桥区", "Guang'anmen underpass", 39.889, 116.349, 15, 27, 1.2),
)  # fmt: skip
"""Modelled sensors at real places; 27 cm is Beijing's underpass closure depth."""


@dataclass(frozen=True)
class SensorReading:
    """One sensor value: ``level`` is ``"normal"``, ``"warning"`` or ``"alarm"``."""

    sensor_id: str
    kind: str
    t: float
    value: float
    unit: str
    level: str

    @property
    def alarm(self) -> bool:
        """Whether the reading is at alarm level."""
        return self.level == "alarm"


class SensorNetwork:
    """Readings of :data:`SENSORS` driven by a :class:`Weather`.

    Water depth in an underpass integrates the last four hours of rain with
    a drainage time constant of 45 minutes, scaled by the sensor's factor.
    """

    DRAIN_H = 0.75
    GAIN = 0.8

    def __init__(self, weather: Weather, sensors: Sequence[Sensor] = SENSORS) -> None:
        self.weather = weather
        self.sensors = tuple(sensors)

    def _rain_memory(self, t: float) -> float:
        """Rain of the last four hours, weighted by what has not drained (mm)."""
        step = 600.0
        decay = self.DRAIN_H * HOUR_S
        return (
            sum(self.weather.rain_rate(t - k * step) * math.exp(-k * step / decay) for k in range(24)) * step / HOUR_S
        )

    def water_depth(self, sensor: Sensor, t: float) -> float:
        """Water depth in cm at a water-level sensor."""
        return round(self.GAIN * sensor.factor * self._rain_memory(t), 1)

    def readings_at(self, t: float) -> list[SensorReading]:
        """Current reading of every sensor."""
        out = []
        rain, memory = self.weather.rain_rate(t), self._rain_memory(t)
        for s in self.sensors:
            if s.kind == "rain_gauge":
                noise = 0.9 + 0.2 * hash_unit(self.weather.seed, s.sensor_id, int(t // 600))
                value, unit = round(rain * s.factor * noise, 1), "mm/h"
            else:
                value, unit = round(self.GAIN * s.factor * memory, 1), "cm"
            level = "alarm" if value >= s.alarm else "warning" if value >= s.warn else "normal"
            out.append(SensorReading(s.sensor_id, s.kind, t, value, unit, level))
        return out
