"""Weather warnings (CMA colour levels) and district rainfall for a seed.

Everything is a pure function of the seed and the time; see ``docs/simulation.md``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import lru_cache

from feeds.simulator.model.calendar import HOUR_S, day_start, local_day
from feeds.simulator.model.noise import hash_unit

LEVELS = ("blue", "yellow", "orange", "red")
"""CMA warning colours in rising severity."""
LEVEL_NAMES_ZH = {"blue": "蓝色", "yellow": "黄色", "orange": "橙色", "red": "红色"}


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
        level: Highest level it reaches, one of :data:`LEVELS` (``name_zh``/``name_en`` say this level).
        issued_at: Epoch seconds of issue.
        expires_at: Epoch seconds of lifting.
        changes: Level changes after issue, ``(time, new level)`` in time order;
            an orange or red warning is often issued one level lower and
            upgraded, and may be downgraded before it is lifted.
    """

    warning_id: str
    kind: str
    name_zh: str
    name_en: str
    level: str
    issued_at: float
    expires_at: float
    changes: tuple[tuple[float, str], ...] = ()

    def active(self, t: float) -> bool:
        """Whether the warning is in force at ``t``."""
        return self.issued_at <= t < self.expires_at

    @property
    def first_level(self) -> str:
        """Level at issue."""
        if not self.changes:
            return self.level
        return LEVELS[LEVELS.index(self.changes[0][1]) - 1] if self.changes[0][1] == self.level else self.level

    def level_at(self, t: float) -> str:
        """Level in force at ``t`` (the level at issue before it, the last one after lifting)."""
        level = self.first_level
        for when, new in self.changes:
            if when <= t:
                level = new
        return level

    def phases(self) -> list[tuple[float, str, bool]]:
        """``(time, level, active)`` for the issue, each level change and the lifting."""
        out = [(self.issued_at, self.first_level, True)]
        out += [(when, new, True) for when, new in self.changes]
        out.append((self.expires_at, out[-1][1], False))
        return out

    def title_zh(self, level: str | None = None) -> str:
        """Chinese title at a level, e.g. ``"暴雨黄色预警"`` (the peak level by default)."""
        base = self.name_zh.removesuffix(f"{LEVEL_NAMES_ZH[self.level]}预警")
        return f"{base}{LEVEL_NAMES_ZH[level or self.level]}预警"


class Weather:
    """Deterministic weather: warnings and district rainfall for a seed."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self._issued = lru_cache(maxsize=4096)(self._issued_uncached)

    def _raw(self, day: int, k: int) -> tuple[float, float, str] | None:
        wt = WARNING_TYPES[k]
        month = dt.date.fromordinal(dt.date(1970, 1, 1).toordinal() + day).month
        if hash_unit(self.seed, "wx", k, day) >= wt.daily_p[month - 1]:
            return None
        lo, hi = wt.start_hours
        start = day_start(day) + (lo + (hi - lo) * hash_unit(self.seed, "wx-start", k, day)) * HOUR_S
        length = wt.hours[0] + (wt.hours[1] - wt.hours[0]) * hash_unit(self.seed, "wx-len", k, day)
        u, acc, level = hash_unit(self.seed, "wx-level", k, day), 0.0, wt.levels[-1][0]
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
                    self._changes(day, k, *raw),
                )
            )
        return tuple(out)

    def _changes(self, day: int, k: int, start: float, end: float, level: str) -> tuple[tuple[float, str], ...]:
        """Upgrade from one level lower (60 % of orange/red), downgrade before lifting (30 %)."""
        allowed = {name for name, _ in WARNING_TYPES[k].levels}
        rank = LEVELS.index(level)
        lower = LEVELS[rank - 1] if rank > 0 and LEVELS[rank - 1] in allowed else None
        if lower is None:
            return ()
        span = end - start
        changes: list[tuple[float, str]] = []
        if rank >= 2 and hash_unit(self.seed, "wx-up", k, day) < 0.6:
            changes.append((start + span * (0.15 + 0.3 * hash_unit(self.seed, "wx-up-at", k, day)), level))
        if hash_unit(self.seed, "wx-down", k, day) < 0.3:
            changes.append((start + span * (0.7 + 0.2 * hash_unit(self.seed, "wx-down-at", k, day)), lower))
        return tuple((round(t), lvl) for t, lvl in changes)

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
                rate += peak * math.sin(math.pi * phase) * (0.6 + 0.8 * hash_unit(self.seed, "rain", slot))
        day = local_day(t)
        month = dt.date.fromordinal(dt.date(1970, 1, 1).toordinal() + day).month
        wet = (0.05, 0.05, 0.08, 0.12, 0.15, 0.25, 0.4, 0.35, 0.2, 0.12, 0.08, 0.05)[month - 1]
        if hash_unit(self.seed, "drizzle", day) < wet:
            begin = day_start(day) + 24 * HOUR_S * hash_unit(self.seed, "drizzle-start", day)
            if begin <= t < begin + (2 + 6 * hash_unit(self.seed, "drizzle-len", day)) * HOUR_S:
                rate += 0.5 + 4.5 * hash_unit(self.seed, "drizzle-rate", day) * hash_unit(self.seed, "rain", slot, 7)
        return round(rate, 1)
