"""Environment model: weather warnings, rain and water sensors, crowds, patrols.

Everything here is a pure function of a seed and a time (epoch seconds), so
any process can ask "what was the weather at t?" and get the same answer;
there is no hidden state to replay. Randomness comes from a counter-based
hash (:func:`_unit`) of the seed and what is being asked about.

* :class:`Weather` - ``weather_at(t)`` active warnings (CMA colour levels),
  ``rain_rate(t)`` in mm/h, ``warnings_between(start, end)``.
* :class:`SensorNetwork` - ``readings_at(t)`` for rain gauges (mm/h) and
  underpass water-level sensors (cm, alarm at 27 cm).
* :func:`crowd_at` / :func:`crowd_level_changes` - crowd flow at hot spots.
* :class:`PatrolRoster` - ``positions_at(t)`` of ~420 supervisors.
* :func:`case_boost` - how active warnings shift the case mix.
"""

from __future__ import annotations

import datetime as dt
import math
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from feeds.simulator.calendar import DAY_S, HOUR_S, UTC_OFFSET_S, day_start, day_type, local_day
from feeds.taxonomy import Taxonomy, load_taxonomy

LEVELS = ("blue", "yellow", "orange", "red")
"""CMA warning colours in rising severity."""
LEVEL_NAMES_ZH = {"blue": "蓝色", "yellow": "黄色", "orange": "橙色", "red": "红色"}
_MASK64 = (1 << 64) - 1


def _unit(*keys: int | str) -> float:
    """Deterministic uniform number in [0, 1) from the given keys (splitmix64)."""
    x = 0x9E3779B97F4A7C15
    for key in keys:
        k = zlib.crc32(key.encode()) if isinstance(key, str) else key
        x = (x ^ (k & _MASK64)) * 0xBF58476D1CE4E5B9 & _MASK64
        x = (x ^ (x >> 31)) * 0x94D049BB133111EB & _MASK64
        x ^= x >> 29
    return (x >> 11) / float(1 << 53)


def _normal(*keys: int | str) -> float:
    """Deterministic standard normal number (Box-Muller on two hashes)."""
    u1 = max(_unit(*keys, 1), 1e-12)
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * _unit(*keys, 2))


# ---------------------------------------------------------------- weather


@dataclass(frozen=True)
class WarningType:
    """A kind of weather warning with its Beijing climatology.

    Attributes:
        code: Identifier such as ``"rainstorm"``.
        name_zh: Chinese name (暴雨).
        name_en: English name.
        levels: Colour levels this kind can have, with probabilities.
        daily_p: Chance per day of a new warning, per month (January first).
        hours: Range of durations in hours.
        start_hours: Range of local issue hours.
    """

    code: str
    name_zh: str
    name_en: str
    levels: tuple[tuple[str, float], ...]
    daily_p: tuple[float, ...]
    hours: tuple[float, float]
    start_hours: tuple[float, float] = (0.0, 24.0)


_BYOR = (("blue", 0.55), ("yellow", 0.30), ("orange", 0.12), ("red", 0.03))
_YOR = (("yellow", 0.68), ("orange", 0.27), ("red", 0.05))
WARNING_TYPES = (
    WarningType("rainstorm", "暴雨", "rainstorm", _BYOR,
                (0, 0, 0, 0.002, 0.01, 0.05, 0.12, 0.09, 0.02, 0.003, 0, 0), (3, 18), (11, 23)),
    WarningType("snowstorm", "暴雪", "snowstorm", _BYOR,
                (0.02, 0.02, 0.005, 0, 0, 0, 0, 0, 0, 0, 0.01, 0.015), (6, 24)),
    WarningType("gale", "大风", "gale", (("blue", 0.7), ("yellow", 0.25), ("orange", 0.045), ("red", 0.005)),
                (0.04, 0.05, 0.08, 0.09, 0.05, 0.01, 0.01, 0.01, 0.01, 0.03, 0.04, 0.04), (6, 24), (6, 20)),
    WarningType("haze", "霾", "haze", (("yellow", 0.6), ("orange", 0.33), ("red", 0.07)),
                (0.08, 0.05, 0.03, 0.005, 0.002, 0.002, 0.002, 0.002, 0.005, 0.04, 0.07, 0.08), (12, 72)),
    WarningType("heat", "高温", "heat", (("yellow", 0.6), ("orange", 0.36), ("red", 0.04)),
                (0, 0, 0, 0, 0.01, 0.08, 0.09, 0.04, 0.005, 0, 0, 0), (24, 72), (8, 12)),
    WarningType("cold_wave", "寒潮", "cold wave", (("blue", 0.6), ("yellow", 0.3), ("orange", 0.09), ("red", 0.01)),
                (0.02, 0.02, 0.02, 0.005, 0, 0, 0, 0, 0, 0.01, 0.03, 0.03), (24, 48), (8, 18)),
    WarningType("thunder", "雷电", "lightning", _YOR,
                (0, 0, 0, 0.01, 0.04, 0.10, 0.12, 0.10, 0.04, 0.005, 0, 0), (2, 8), (12, 21)),
    WarningType("road_icing", "道路结冰", "road icing", _YOR,
                (0.04, 0.03, 0.005, 0, 0, 0, 0, 0, 0, 0, 0.01, 0.03), (6, 24), (16, 24)),
    WarningType("sandstorm", "沙尘暴", "sandstorm", _YOR,
                (0, 0.005, 0.02, 0.03, 0.01, 0, 0, 0, 0, 0, 0, 0), (6, 24), (6, 18)),
    WarningType("fog", "大雾", "fog", _YOR,
                (0.02, 0.015, 0.005, 0, 0, 0, 0, 0.002, 0.005, 0.015, 0.025, 0.025), (4, 14), (0, 8)),
)  # fmt: skip
"""Warning kinds issued by the Beijing Meteorological Service (modelled rates).

Codes match the wire protocol's hazard vocabulary (``feeds.protocol.vocab``)."""


@dataclass(frozen=True)
class WeatherWarning:
    """An issued weather warning.

    Attributes:
        warning_id: Stable id, e.g. ``"W20230731-rainstorm"``.
        kind: Warning type code (see :data:`WARNING_TYPES`).
        name_zh: e.g. ``"暴雨黄色预警"``.
        name_en: e.g. ``"yellow rainstorm warning"``.
        level: One of :data:`LEVELS`.
        issued_at: Epoch seconds of issue.
        expires_at: Epoch seconds of lifting.
    """

    warning_id: str
    kind: str
    name_zh: str
    name_en: str
    level: str
    issued_at: float
    expires_at: float

    def active(self, t: float) -> bool:
        """Whether the warning is in force at ``t``."""
        return self.issued_at <= t < self.expires_at


class Weather:
    """Deterministic weather: warnings and district rainfall for a seed."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self._issued = lru_cache(maxsize=4096)(self._issued_uncached)

    def _raw(self, day: int, k: int) -> tuple[float, float, str] | None:
        wt = WARNING_TYPES[k]
        month = dt.date.fromordinal(dt.date(1970, 1, 1).toordinal() + day).month
        if _unit(self.seed, "wx", k, day) >= wt.daily_p[month - 1]:
            return None
        lo, hi = wt.start_hours
        start = day_start(day) + (lo + (hi - lo) * _unit(self.seed, "wx-start", k, day)) * HOUR_S
        length = wt.hours[0] + (wt.hours[1] - wt.hours[0]) * _unit(self.seed, "wx-len", k, day)
        u, acc, level = _unit(self.seed, "wx-level", k, day), 0.0, wt.levels[-1][0]
        for name, prob in wt.levels:
            acc += prob
            if u < acc:
                level = name
                break
        return start, start + length * HOUR_S, level

    def _issued_uncached(self, day: int) -> tuple[WeatherWarning, ...]:
        out = []
        for k, wt in enumerate(WARNING_TYPES):
            raw = self._raw(day, k)
            if raw is None:
                continue
            earlier = (self._raw(day - b, k) for b in (1, 2, 3))
            if any(e is not None and e[1] > raw[0] for e in earlier):
                continue  # the previous warning of this kind is still in force
            date = dt.date.fromordinal(dt.date(1970, 1, 1).toordinal() + day)
            out.append(
                WeatherWarning(
                    f"W{date:%Y%m%d}-{wt.code}",
                    wt.code,
                    f"{wt.name_zh}{LEVEL_NAMES_ZH[raw[2]]}预警",
                    f"{raw[2]} {wt.name_en} warning",
                    raw[2],
                    raw[0],
                    raw[1],
                )
            )
        return tuple(out)

    def issued_on(self, day: int) -> tuple[WeatherWarning, ...]:
        """Warnings issued on local day number ``day``."""
        return self._issued(day)

    def warnings_between(self, start: float, end: float) -> list[WeatherWarning]:
        """Warnings in force at any time in ``[start, end)``, by issue time."""
        found = [
            w
            for d in range(local_day(start) - 4, local_day(end) + 1)
            for w in self._issued(d)
            if w.issued_at < end and w.expires_at > start
        ]
        return sorted(found, key=lambda w: (w.issued_at, w.kind))

    def weather_at(self, t: float) -> list[WeatherWarning]:
        """Warnings in force at ``t``."""
        return [w for w in self.warnings_between(t, t + 1.0) if w.active(t)]

    def rain_rate(self, t: float) -> float:
        """District mean rainfall at ``t`` in mm/h (storms, showers, light rain)."""
        slot = int(t // 600)
        rate = 0.0
        for w in self.weather_at(t):
            peak = {
                "rainstorm": {"blue": 20, "yellow": 35, "orange": 60, "red": 90}.get(w.level, 0),
                "thunder": 12,
            }.get(w.kind, 0)
            if peak:
                phase = (t - w.issued_at) / (w.expires_at - w.issued_at)
                rate += peak * math.sin(math.pi * phase) * (0.6 + 0.8 * _unit(self.seed, "rain", slot))
        day = local_day(t)
        month = dt.date.fromordinal(dt.date(1970, 1, 1).toordinal() + day).month
        wet = (0.05, 0.05, 0.08, 0.12, 0.15, 0.25, 0.4, 0.35, 0.2, 0.12, 0.08, 0.05)[month - 1]
        if _unit(self.seed, "drizzle", day) < wet:
            begin = day_start(day) + 24 * HOUR_S * _unit(self.seed, "drizzle-start", day)
            if begin <= t < begin + (2 + 6 * _unit(self.seed, "drizzle-len", day)) * HOUR_S:
                rate += 0.5 + 4.5 * _unit(self.seed, "drizzle-rate", day) * _unit(self.seed, "rain", slot, 7)
        return round(rate, 1)


# ---------------------------------------------------------------- sensors


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
                noise = 0.9 + 0.2 * _unit(self.weather.seed, s.sensor_id, int(t // 600))
                value, unit = round(rain * s.factor * noise, 1), "mm/h"
            else:
                value, unit = round(self.GAIN * s.factor * memory, 1), "cm"
            level = "alarm" if value >= s.alarm else "warning" if value >= s.warn else "normal"
            out.append(SensorReading(s.sensor_id, s.kind, t, value, unit, level))
        return out


# ---------------------------------------------------------------- case mix

_BOOSTS = {
    "rainstorm": {"积水": 8.0, "下凹桥区积水": 10.0, "下水道堵塞或破损": 3.0, "路面塌陷": 3.0,
                  "树木倒伏": 3.0, "雨水箅子": 3.0, "雨水井盖": 2.0},
    "snowstorm": {"雪后道路积雪": 6.0, "道路结冰": 4.0, "树木倒伏": 2.0},
    "gale": {"广告牌匾坠落隐患": 5.0, "树木倒伏": 4.0, "架空线缆坠落": 4.0, "高空坠物隐患": 4.0,
             "施工围挡破损": 3.0, "非装饰性树挂": 2.0},
    "haze": {"工地扬尘": 3.0, "道路扬尘": 3.0, "焚烧垃圾树叶": 2.0, "渣土车未苫盖": 2.0},
    "heat": {"供电线路故障": 2.0, "露天烧烤": 1.5, "沿街晾挂": 1.3},
    "cold_wave": {"自来水管破裂": 3.0, "热力管道破裂": 3.0, "道路结冰": 2.0},
    "thunder": {"供电线路故障": 2.0, "树木倒伏": 2.0},
    "fog": {"交通事故": 2.0},
    "road_icing": {"道路结冰": 6.0},
    "sandstorm": {"道路不洁": 2.0, "道路扬尘": 3.0},
}  # fmt: skip
_LEVEL_SCALE = {"blue": 0.6, "yellow": 1.0, "orange": 1.5, "red": 2.0}


def case_boost(warnings: Sequence[WeatherWarning], taxonomy: Taxonomy | None = None) -> dict[str, float]:
    """Multipliers per subclass code while these warnings are in force.

    A warning shifts the case mix towards environment-type cases (积水 in a
    rainstorm, 积雪 after a snowstorm ...); the effect grows with the colour
    level. Pass the result as ``subclass_boost`` to the case model.
    """
    tax = taxonomy or load_taxonomy()
    boost: dict[str, float] = {}
    for w in warnings:
        for name, factor in _BOOSTS.get(w.kind, {}).items():
            code = tax.subclass_by_name(name).code
            boost[code] = boost.get(code, 1.0) * (1.0 + (factor - 1.0) * _LEVEL_SCALE[w.level])
    return boost


# ---------------------------------------------------------------- crowds

CROWD_THRESHOLDS = (("busy", 0.6), ("crowded", 0.8), ("critical", 1.0))
"""Occupancy ratios (count / capacity) at which each crowd level starts."""
_CROWD_PROFILES = {
    "shopping": ((0.05, 0.03, 0.02, 0.02, 0.02, 0.03, 0.08, 0.15, 0.25, 0.4, 0.6, 0.7,
                  0.75, 0.8, 0.85, 0.9, 0.9, 0.9, 0.95, 1.0, 0.9, 0.7, 0.4, 0.15), (0.65, 0.95, 1.1)),
    "scenic": ((0.03, 0.02, 0.02, 0.02, 0.02, 0.05, 0.15, 0.3, 0.55, 0.8, 0.95, 1.0,
                0.95, 0.95, 1.0, 0.95, 0.85, 0.7, 0.6, 0.55, 0.45, 0.3, 0.15, 0.05), (0.55, 0.9, 1.15)),
    "nightlife": ((0.35, 0.2, 0.1, 0.05, 0.03, 0.03, 0.05, 0.1, 0.2, 0.3, 0.45, 0.55,
                   0.6, 0.6, 0.65, 0.65, 0.7, 0.75, 0.85, 0.95, 1.0, 1.0, 0.85, 0.6), (0.7, 0.95, 1.1)),
    "business": ((0.02, 0.02, 0.02, 0.02, 0.02, 0.05, 0.2, 0.7, 1.0, 0.8, 0.6, 0.75,
                  0.95, 0.75, 0.6, 0.6, 0.65, 0.9, 0.95, 0.5, 0.3, 0.15, 0.08, 0.04), (0.95, 0.35, 0.3)),
    "transport": ((0.1, 0.05, 0.03, 0.03, 0.05, 0.2, 0.6, 0.95, 1.0, 0.7, 0.6, 0.6,
                   0.6, 0.6, 0.65, 0.75, 0.9, 1.0, 0.95, 0.7, 0.5, 0.4, 0.3, 0.2), (0.8, 0.9, 1.15)),
}  # fmt: skip
_CROWD_MONTHS = (0.75, 0.8, 0.88, 0.95, 1.0, 1.03, 1.08, 1.08, 1.0, 1.05, 0.88, 0.78)


@dataclass(frozen=True)
class CrowdSpot:
    """A hot spot watched for crowd flow.

    Attributes:
        spot_id: Caller's id (e.g. from ``xicheng_hotspots_approx.csv``).
        capacity: People the spot holds safely; ``critical`` at or above it.
        profile: ``shopping``, ``scenic``, ``nightlife``, ``business`` or
            ``transport`` (daily rhythm and weekday/weekend/holiday factors).
    """

    spot_id: str
    capacity: int
    profile: str = "shopping"


@dataclass(frozen=True)
class CrowdReading:
    """Crowd at a spot: ``level`` is normal/busy/crowded/critical."""

    spot_id: str
    t: float
    count: int
    ratio: float
    level: str


def crowd_level(ratio: float) -> str:
    """Map an occupancy ratio to its level name."""
    level = "normal"
    for name, threshold in CROWD_THRESHOLDS:
        if ratio >= threshold:
            level = name
    return level


def crowd_at(spot: CrowdSpot, t: float, seed: int = 0) -> CrowdReading:
    """Crowd at ``spot`` at ``t``: daily rhythm x day type x month x noise."""
    hourly, day_factors = _CROWD_PROFILES[spot.profile]
    local_h = ((t + UTC_OFFSET_S) % DAY_S) / HOUR_S
    h0 = int(local_h)
    shape = hourly[h0] + (hourly[(h0 + 1) % 24] - hourly[h0]) * (local_h - h0)
    day = local_day(t)
    kind = day_type(day)
    factor = day_factors[("workday", "weekend", "holiday").index(kind)]
    month = dt.date.fromordinal(dt.date(1970, 1, 1).toordinal() + day).month
    knot, frac = divmod(t / 1800.0, 1.0)
    wiggle = _normal(seed, spot.spot_id, int(knot)) * (1 - frac) + _normal(seed, spot.spot_id, int(knot) + 1) * frac
    noise = math.exp(0.08 * _normal(seed, spot.spot_id, "day", day) + 0.07 * wiggle)
    ratio = shape * factor * _CROWD_MONTHS[month - 1] * noise
    return CrowdReading(spot.spot_id, t, round(ratio * spot.capacity), round(ratio, 3), crowd_level(ratio))


def crowd_level_changes(
    spot: CrowdSpot, start: float, end: float, step_s: float = 300.0, seed: int = 0
) -> list[CrowdReading]:
    """Readings sampled every ``step_s`` in ``[start, end)`` where the level changed.

    The first sample is always included, so the result starts with the
    level in force at ``start``.
    """
    out: list[CrowdReading] = []
    t = start
    while t < end:
        reading = crowd_at(spot, t, seed)
        if not out or reading.level != out[-1].level:
            out.append(reading)
        t += step_s
    return out


# ---------------------------------------------------------------- patrols

SHIFTS = {"early": (7.0, 15.0), "late": (11.0, 19.0), "night": (17.0, 25.0)}
"""Patrol shifts in local hours (the night shift ends at 01:00)."""


@dataclass(frozen=True)
class Supervisor:
    """A city-management supervisor (监督员) with a beat of unit grids."""

    staff_id: str
    grid_codes: tuple[str, ...]
    shift: str
    rest_days: tuple[int, int]


@dataclass(frozen=True)
class StaffPosition:
    """Where an on-duty supervisor is at ``t``."""

    staff_id: str
    t: float
    grid_code: str
    lat: float
    lon: float


class PatrolRoster:
    """Supervisors ``S001``... with beats, shifts and moving positions.

    Each supervisor owns a contiguous run of the sorted grid codes (so a beat
    is a cluster of neighbouring grids), works five days a week on an early,
    late or night shift (half the team on public holidays), dwells about 30
    minutes per grid and walks between waypoints picked every 5 minutes.

    Args:
        grid_codes: All unit-grid codes.
        point_in_grid: ``(grid_code, u, v) -> (lat, lon)`` for u, v in [0, 1).
        count: Number of supervisors.
        seed: Seed for waypoints.
    """

    DWELL_S = 1800.0
    WAYPOINT_S = 300.0

    def __init__(
        self,
        grid_codes: Sequence[str],
        point_in_grid: Callable[[str, float, float], tuple[float, float]],
        count: int = 420,
        seed: int = 0,
    ) -> None:
        grids = sorted(grid_codes)
        if not grids or count < 1:
            raise ValueError("a roster needs grids and at least one supervisor")
        self._point, self.seed = point_in_grid, seed
        sups = []
        for i in range(count):
            beat = tuple(grids[i * len(grids) // count : (i + 1) * len(grids) // count]) or (grids[i % len(grids)],)
            shift = "early" if i % 20 < 9 else "late" if i % 20 < 18 else "night"
            sups.append(Supervisor(f"S{i + 1:03d}", beat, shift, (i % 7, (i + 3) % 7)))
        self.supervisors = tuple(sups)

    def shift_start(self, index: int, t: float) -> float | None:
        """Start of the shift supervisor ``index`` is working at ``t``, if any."""
        sup = self.supervisors[index]
        begin, end = SHIFTS[sup.shift]
        for day in (local_day(t), local_day(t) - 1):
            kind = day_type(day)
            if (day + 3) % 7 in sup.rest_days or (kind == "holiday" and index % 2):
                continue
            start = day_start(day) + begin * HOUR_S
            if start <= t < day_start(day) + end * HOUR_S:
                return start
        return None

    def _waypoint(self, index: int, start: float, k: int) -> tuple[str, float, float]:
        sup = self.supervisors[index]
        grid = sup.grid_codes[(k * int(self.WAYPOINT_S) // int(self.DWELL_S) + index) % len(sup.grid_codes)]
        u = _unit(self.seed, "walk", index, int(start), k, 1)
        v = _unit(self.seed, "walk", index, int(start), k, 2)
        lat, lon = self._point(grid, u, v)
        return grid, lat, lon

    def positions_at(self, t: float) -> list[StaffPosition]:
        """Positions of all supervisors on duty at ``t``."""
        out = []
        for i, sup in enumerate(self.supervisors):
            start = self.shift_start(i, t)
            if start is None:
                continue
            k, frac = divmod((t - start) / self.WAYPOINT_S, 1.0)
            grid, lat0, lon0 = self._waypoint(i, start, int(k))
            _, lat1, lon1 = self._waypoint(i, start, int(k) + 1)
            out.append(StaffPosition(sup.staff_id, t, grid, lat0 + (lat1 - lat0) * frac, lon0 + (lon1 - lon0) * frac))
        return out
