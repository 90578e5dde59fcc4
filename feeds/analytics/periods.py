"""Time ranges of drill-down queries and their comparison periods (同比 / 环比).

A period is the half-open interval ``[start, end)`` of epoch seconds. Named
ranges are anchored in Beijing local time (UTC+8, no daylight saving) and end
at ``now`` ("to date"):

* ``today``: local midnight today → now;
* ``7d`` / ``30d``: local midnight 6 / 29 days ago → now (today included);
* ``year``: 1 January local midnight → now;
* ``custom``: any ``[start, end)``.

同比 (``yoy``) is the same dates one calendar year earlier (29 February maps
to 28 February). 环比 (``pop``) is the previous period of the same nominal
length: the range moved back by 1, 7 or 30 days, by one calendar year for
``year`` (so it equals 同比), and by ``end - start`` for ``custom``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from feeds.protocol import BEIJING, iso

DAY_S = 86_400
HOUR_S = 3_600
UTC_OFFSET_S = 8 * HOUR_S
RANGE_NAMES: tuple[str, ...] = ("today", "7d", "30d", "year", "custom")
_RANGE_DAYS = {"today": 1, "7d": 7, "30d": 30}


def local_day(t: int) -> int:
    """Local (Beijing) day number: days since 1970-01-01 local."""
    return (t + UTC_OFFSET_S) // DAY_S


def local_midnight(t: int) -> int:
    """Epoch seconds of the local midnight starting the day of ``t``."""
    return local_day(t) * DAY_S - UTC_OFFSET_S


def year_start(t: int) -> int:
    """Epoch seconds of 1 January 00:00 local of the year of ``t``."""
    d = datetime.fromtimestamp(t, BEIJING)
    return int(d.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0).timestamp())


def year_earlier(t: int) -> int:
    """The same local date and time one calendar year earlier (29 Feb → 28 Feb)."""
    d = datetime.fromtimestamp(t, BEIJING)
    try:
        back = d.replace(year=d.year - 1)
    except ValueError:
        back = d.replace(year=d.year - 1, day=28)
    return int(back.timestamp())


@dataclass(frozen=True, slots=True)
class Period:
    """A half-open time range ``[start, end)`` and how it was named.

    Attributes:
        start: First second included (epoch seconds).
        end: First second excluded.
        label: ``today``, ``7d``, ``30d``, ``year``, ``custom``, or ``yoy:…`` /
            ``pop:…`` for comparison periods.
    """

    start: int
    end: int
    label: str

    @property
    def seconds(self) -> int:
        """Length in seconds."""
        return self.end - self.start

    def to_wire(self) -> dict[str, Any]:
        """JSON form: ISO bounds in Beijing time plus the raw epoch seconds."""
        return {
            "label": self.label,
            "start": iso(self.start),
            "end": iso(self.end),
            "start_s": self.start,
            "end_s": self.end,
        }


def named_period(name: str, now: int, start: int | None = None, end: int | None = None) -> Period:
    """Resolve a range name to a period.

    Args:
        name: One of :data:`RANGE_NAMES`.
        now: The current time (end of to-date ranges).
        start: Start of a ``custom`` range.
        end: End of a ``custom`` range (exclusive).

    Raises:
        ValueError: Unknown name, or a custom range without bounds.
    """
    if name in _RANGE_DAYS:
        return Period(local_midnight(now) - (_RANGE_DAYS[name] - 1) * DAY_S, now, name)
    if name == "year":
        return Period(year_start(now), now, name)
    if name == "custom":
        if start is None or end is None or end <= start:
            raise ValueError("a custom range needs start < end")
        return Period(start, end, name)
    raise ValueError(f"unknown range {name!r}")


def year_ago(p: Period) -> Period:
    """同比: the same dates one calendar year earlier."""
    return Period(year_earlier(p.start), year_earlier(p.end), f"yoy:{p.label}")


def previous(p: Period) -> Period:
    """环比: the previous period of the same nominal length (see the module docstring)."""
    base = p.label.split(":")[-1]
    if base == "year":
        return Period(year_earlier(p.start), year_earlier(p.end), f"pop:{p.label}")
    shift = _RANGE_DAYS[base] * DAY_S if base in _RANGE_DAYS else p.seconds
    return Period(p.start - shift, p.end - shift, f"pop:{p.label}")


def week_ago(p: Period) -> Period:
    """The same range seven days earlier (for "today vs last week" charts)."""
    return Period(p.start - 7 * DAY_S, p.end - 7 * DAY_S, f"wow:{p.label}")
