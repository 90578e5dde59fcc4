"""Alarm performance figures in the terms of ISA-18.2 / EEMUA 191 (pure functions).

Everything here takes plain numbers (raise times, acknowledge delays) so it is tested
without a store; :mod:`feeds.alarms.queries` reads them from ``alarms``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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


def operator_figures(
    times: Sequence[float],
    start: float,
    end: float,
    present: Mapping[int, set[str]],
    fallback: int,
    forced: bool = False,
) -> dict[str, Any]:
    """Alarms per operator per 10 minutes, dividing each 10-minute window's raises by its own operators.

    ``present`` maps the start of each epoch-aligned 10-minute window to the operators connected
    (or acting) in it. The period ``[start, end)`` is cut at those windows; each piece's raises are
    divided by that window's operators, or by ``fallback`` when none was there (or always, with
    ``forced``: an explicit count). The sum over the pieces, divided by the period's length in
    10-minute units, is ``per_operator_10min``.

    Returns ``per_operator_10min``, ``operators`` (most operators in one window, or the fallback),
    ``operators_mean`` (mean over the windows of the divisor used), ``operator_windows`` (windows
    with operators seen), ``windows`` and ``operators_source``: ``connected`` (every window had
    operators), ``fallback`` (none had), ``mixed``, or ``param`` (forced).
    """
    step = int(TEN_MIN)
    first = int(start) // step * step
    windows = list(range(first, int(end), step)) or [first]
    ts = sorted(times)
    total = 0.0
    divisors: list[int] = []
    seen = 0
    lo = 0
    for w in windows:
        names = set() if forced else present.get(w, set())
        seen += bool(names)
        n = len(names) or fallback
        divisors.append(n)
        hi = lo
        while hi < len(ts) and ts[hi] < w + step:
            hi += 1
        total += sum(1 for t in ts[lo:hi] if t >= w) / n
        lo = hi
    tens = max((end - start) / TEN_MIN, 1e-9)
    observed = "connected" if seen == len(windows) else "fallback" if seen == 0 else "mixed"
    source = "param" if forced else observed
    most = max((len(present.get(w, ())) for w in windows), default=0) if not forced else 0
    return {
        "per_operator_10min": total / tens,
        "operators": most or fallback,
        "operators_mean": sum(divisors) / len(divisors),
        "operator_windows": seen,
        "windows": len(windows),
        "operators_source": source,
    }
