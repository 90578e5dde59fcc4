"""Alarm performance figures in the terms of ISA-18.2 / EEMUA 191 (pure functions).

Everything here takes plain numbers (raise times, acknowledge delays) so it is tested
without a store; :mod:`feeds.alarms.queries` reads them from ``alarms``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

TEN_MIN = 600.0

BENCHMARKS = {
    "per_10min_acceptable": 1.0,
    "per_10min_manageable": 2.0,
    "peak_10min": 10,
    "flood_time_share": 0.01,
    "stale_max": 5,
    "priority_share": {"high": 0.05, "medium": 0.15, "low": 0.80},
}
"""The reference figures the drill-down compares with (docs/alarms.md says where they come from)."""


@dataclass(frozen=True)
class FloodFigures:
    """Floods in a period: how many, how long in total, the busiest 10 minutes."""

    floods: int
    flood_s: float
    peak_10min: int


def flood_figures(times: Sequence[float], *, count: int = 10, window_s: float = TEN_MIN) -> FloodFigures:
    """Floods among alarms raised at ``times``: more than ``count`` within any ``window_s``.

    The trailing window ending at ``x`` holds more than ``count`` raises exactly while
    ``x`` lies in ``[t[j], t[j - count] + window_s)`` for some ``j``; the union of those
    intervals is the time in flood, its separate pieces are the floods.
    """
    ts = sorted(times)
    floods, flood_s = 0, 0.0
    end = float("-inf")
    for j in range(count, len(ts)):
        start, stop = ts[j], ts[j - count] + window_s
        if start >= stop:
            continue
        if start > end:
            floods += 1
            flood_s += stop - start
            end = stop
        elif stop > end:
            flood_s += stop - end
            end = stop
    return FloodFigures(floods, flood_s, peak_in_window(ts, window_s))


def peak_in_window(times: Sequence[float], window_s: float = TEN_MIN) -> int:
    """Most raises within any ``window_s`` (``times`` sorted)."""
    best = lo = 0
    for hi, t in enumerate(times):
        while t - times[lo] >= window_s:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-quantile (0–1, nearest rank) of ``values``; ``None`` when empty."""
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]
