"""Crowd flow at hot spots: daily rhythm by profile, day type, month and smooth noise."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from feeds.simulator.model.calendar import DAY_S, HOUR_S, UTC_OFFSET_S, day_type, local_day
from feeds.simulator.model.noise import hash_normal

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
    wiggle = (
        hash_normal(seed, spot.spot_id, int(knot)) * (1 - frac) + hash_normal(seed, spot.spot_id, int(knot) + 1) * frac
    )
    noise = math.exp(0.08 * hash_normal(seed, spot.spot_id, "day", day) + 0.07 * wiggle)
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
