"""Named ranges are anchored at Beijing midnight; 同比 and 环比 shift them as documented."""

from __future__ import annotations

from datetime import datetime

import pytest

from feeds.analytics.periods import named_period, previous, week_ago, year_ago
from feeds.protocol import BEIJING


def bj(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> int:
    """Epoch seconds of a Beijing wall-clock time."""
    return int(datetime(year, month, day, hour, minute, tzinfo=BEIJING).timestamp())


NOW = bj(2024, 3, 1, 9, 30)


@pytest.mark.parametrize(
    ("name", "start"),
    [("today", bj(2024, 3, 1)), ("7d", bj(2024, 2, 24)), ("30d", bj(2024, 2, 1)), ("year", bj(2024, 1, 1))],
)
def test_named_ranges_end_now(name: str, start: int) -> None:
    """Each named range starts at a local midnight and ends at now."""
    p = named_period(name, NOW)
    assert (p.start, p.end, p.label) == (start, NOW, name)


def test_comparisons() -> None:
    """环比 moves back by the nominal length, 同比 by a calendar year (29 Feb → 28 Feb)."""
    today = named_period("today", NOW)
    assert (previous(today).start, previous(today).end) == (bj(2024, 2, 29), bj(2024, 2, 29, 9, 30))
    assert (year_ago(today).start, year_ago(today).end) == (bj(2023, 3, 1), bj(2023, 3, 1, 9, 30))
    week = named_period("7d", NOW)
    assert previous(week).start == bj(2024, 2, 17) and week_ago(week).end == bj(2024, 2, 23, 9, 30)
    year = named_period("year", NOW)
    assert previous(year) == year_ago(year).__class__(bj(2023, 1, 1), bj(2023, 3, 1, 9, 30), "pop:year")
    leap = named_period("custom", NOW, bj(2024, 2, 29), bj(2024, 3, 1))
    assert year_ago(leap).start == bj(2023, 2, 28)
    assert previous(leap).start == bj(2024, 2, 28)
    with pytest.raises(ValueError):
        named_period("custom", NOW, NOW, NOW)
