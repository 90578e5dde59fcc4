"""Indicator definitions (GB/T 30428.4 style): base counters and the rates derived from them.

Both engines (the in-memory cube and the plain-SQL reference) produce the same
integer **counters** per group; the indicators are computed from the counters
by :func:`derive` in one place, so the two engines agree to the last bit.
See ``docs/indicators.md`` for the definitions in prose.

Per case, the cube keeps ten static bits (:data:`BITS`) plus one bit that
depends on the query's as-of time (``passed``: ``handle_deadline_at <
as_of``). Every counter is a boolean function of these eleven bits, so a
single ``bincount`` over ``group * 2048 + bits`` followed by a product with
:data:`COUNTER_MATRIX` yields all counters at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from feeds.protocol.answers import INDICATORS

# -- per-case bits -----------------------------------------------------------
FILED = 1 << 0  # filed_at IS NOT NULL
DISPATCHED = 1 << 1  # dispatched_at IS NOT NULL
CLOSED = 1 << 2  # closed_at IS NOT NULL
OPEN = 1 << 3  # stage not in (closed, cancelled)
UNHANDLED = 1 << 4  # stage in (reported, filed, dispatched, handling)
CLOSED_IN_TIME = 1 << 5  # closed, and handled_at <= handle_deadline_at (the last pass handled in time)
HANDLED = 1 << 6  # handled_at IS NOT NULL (closure requested at least once)
HANDLED_IN_TIME = 1 << 7  # handled_at <= handle_deadline_at (both set)
REWORKED = 1 << 8  # reworks > 0
DIFFICULT = 1 << 9  # difficult
PASSED = 1 << 10  # handle_deadline_at < as_of (query-time bit)
N_STATIC_BITS = 10
N_COMBOS = 1 << 11

COUNTERS: tuple[str, ...] = (
    "reported",
    "filed",
    "dispatched",
    "closed",
    "due_close",
    "closed_on_time",
    "due_handle",
    "handled_on_time",
    "overdue_unhandled",
    "handled",
    "reworked",
    "handle_time_n",
    "handle_time_sum_s",
    "open",
    "difficult",
)
"""Integer counters, in this order, for every group. ``handle_time_sum_s`` is a sum of seconds."""
HANDLE_TIME_SUM = COUNTERS.index("handle_time_sum_s")


def _has(c: int, bits: int) -> bool:
    return c & bits == bits


_RULES: dict[str, Callable[[int], bool]] = {
    "reported": lambda c: True,
    "filed": lambda c: _has(c, FILED),
    "dispatched": lambda c: _has(c, DISPATCHED),
    "closed": lambda c: _has(c, FILED | CLOSED),
    "due_close": lambda c: _has(c, FILED) and (_has(c, CLOSED) or _has(c, OPEN | PASSED)),
    "closed_on_time": lambda c: _has(c, FILED | CLOSED | CLOSED_IN_TIME),
    "due_handle": lambda c: _has(c, DISPATCHED) and (_has(c, HANDLED) or _has(c, OPEN | PASSED)),
    "handled_on_time": lambda c: _has(c, DISPATCHED | HANDLED | HANDLED_IN_TIME),
    "overdue_unhandled": lambda c: _has(c, UNHANDLED | PASSED),
    "handled": lambda c: _has(c, HANDLED),
    "reworked": lambda c: _has(c, HANDLED | REWORKED),
    "handle_time_n": lambda c: _has(c, DISPATCHED | HANDLED),
    "handle_time_sum_s": lambda c: False,  # a weighted sum, computed apart
    "open": lambda c: _has(c, OPEN),
    "difficult": lambda c: _has(c, DIFFICULT),
}

COUNTER_MATRIX: NDArray[np.int64] = np.array(
    [[int(_RULES[name](c)) for name in COUNTERS] for c in range(N_COMBOS)], dtype=np.int64
)
"""``COUNTER_MATRIX[bits, k]`` is 1 when a case with these bits counts towards counter ``k``."""


INDICATOR_LABELS: dict[str, tuple[str, str]] = {
    "reported": ("上报数", "reported"),
    "filed": ("立案数", "filed"),
    "dispatched": ("派遣数", "dispatched"),
    "closed": ("结案数", "closed"),
    "closure_rate": ("结案率", "closure rate"),
    "ontime_closure_rate": ("按期结案率", "on-time closure rate"),
    "ontime_handling_rate": ("按期处置率", "on-time handling rate"),
    "overdue_unhandled": ("超期未处置数", "overdue, not handled"),
    "rework_rate": ("返工率", "rework rate"),
    "mean_handling_h": ("平均处置时长", "mean handling time (h)"),
}
RATES = frozenset({"closure_rate", "ontime_closure_rate", "ontime_handling_rate", "rework_rate"})


def case_bits(
    *,
    filed: bool,
    dispatched: bool,
    closed: bool,
    stage: str,
    closed_in_time: bool,
    handled: bool,
    handled_in_time: bool,
    reworks: int,
    difficult: bool,
) -> int:
    """The static bits of one case (the cube's ``flags`` column)."""
    bits = FILED * filed | DISPATCHED * dispatched | CLOSED * closed
    bits |= OPEN * (stage not in ("closed", "cancelled"))
    bits |= UNHANDLED * (stage in ("reported", "filed", "dispatched", "handling"))
    bits |= CLOSED_IN_TIME * closed_in_time | HANDLED * handled | HANDLED_IN_TIME * handled_in_time
    return bits | REWORKED * (reworks > 0) | DIFFICULT * difficult


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def derive(counts: Sequence[int]) -> dict[str, Any]:
    """Indicators from one group's counters (rates are fractions; ``None`` when undefined).

    Args:
        counts: The counters in :data:`COUNTERS` order.
    """
    c = dict(zip(COUNTERS, (int(x) for x in counts), strict=True))
    mean_s = _ratio(c["handle_time_sum_s"], c["handle_time_n"])
    return {
        "reported": c["reported"],
        "filed": c["filed"],
        "dispatched": c["dispatched"],
        "closed": c["closed"],
        "closure_rate": _ratio(c["closed"], c["due_close"]),
        "ontime_closure_rate": _ratio(c["closed_on_time"], c["due_close"]),
        "ontime_handling_rate": _ratio(c["handled_on_time"], c["due_handle"]),
        "overdue_unhandled": c["overdue_unhandled"],
        "rework_rate": _ratio(c["reworked"], c["handled"]),
        "mean_handling_h": mean_s / 3600 if mean_s is not None else None,
    }


def counts_dict(counts: Sequence[int]) -> dict[str, int]:
    """Counters keyed by name (for the JSON answer)."""
    return {name: int(x) for name, x in zip(COUNTERS, counts, strict=True)}


def change(current: dict[str, Any], before: dict[str, Any]) -> dict[str, dict[str, float | None]]:
    """Per indicator: the earlier value, the difference and the relative change.

    For rates the difference is in fraction points (0.012 = 1.2 percentage
    points); ``ratio`` is ``(current - before) / before``.
    """
    out: dict[str, dict[str, float | None]] = {}
    for name in INDICATORS:
        cur, old = current.get(name), before.get(name)
        delta = cur - old if cur is not None and old is not None else None
        ratio = delta / old if delta is not None and old else None
        out[name] = {"before": old, "delta": delta, "ratio": ratio}
    return out
