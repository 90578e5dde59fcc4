"""The cube answers exactly what the plain-SQL GROUP BY answers, at every level, range and filter."""

from __future__ import annotations

import pytest
from synthetic_cases import DAY, NOW

from feeds.analytics import CaseCube, Filters, Selection, SqlIndicators
from feeds.analytics.periods import named_period, previous, year_ago

FILTERS = [
    Filters(),
    Filters(overdue=True),
    Filters(overdue=False),
    Filters(difficult=True),
    Filters(stage=("handling", "closed", "reported")),
    Filters(subclass=("1201", "1109")),
    Filters(classes=("12",)),
    Filters(kind=("component",), source=("patrol", "app")),
    Filters(department=("D01", "D05"), difficult=False),
    Filters(source=("nonexistent",)),
]
RANGES = ["today", "7d", "30d", "year"]


def _units(cube: CaseCube) -> list[str]:
    grid = max(cube.vocabs["grid"].values)
    return ["110102", grid[:9], grid[:12], grid]


@pytest.mark.parametrize("range_name", RANGES)
def test_every_level_and_filter_matches_sql(cube: CaseCube, sql: SqlIndicators, range_name: str) -> None:
    """Counters per child unit and in total equal SQL for every level × filter of a named range."""
    period = named_period(range_name, NOW)
    for unit in _units(cube):
        for f in FILTERS:
            sel = Selection(unit, period.start, period.end, NOW, f)
            assert cube.counters(sel) == sql.counters(sel), (unit, f)
            for by in ("subdistrict", "community", "grid"):
                assert cube.counters(sel, by) == sql.counters(sel, by), (unit, f, by)


@pytest.mark.parametrize("by", ["department", "subclass", "class", "source", "kind", "stage"])
def test_groupings_match_sql(cube: CaseCube, sql: SqlIndicators, by: str) -> None:
    """Ranking groupings and comparison periods (同比, 环比, custom) equal SQL."""
    year = named_period("year", NOW)
    periods = [year, year_ago(year), previous(named_period("30d", NOW))]
    periods.append(named_period("custom", NOW, NOW - 123 * DAY + 4321, NOW - 17 * DAY + 99))
    for p in periods:
        for f in (Filters(), Filters(overdue=False, kind=("event",))):
            sel = Selection("110102", p.start, p.end, NOW, f)
            got = cube.counters(sel, by)
            assert got == sql.counters(sel, by), (p, f)
            assert sum(c[0] for c in got.values()) == cube.counters(sel)[""][0]


def test_as_of_changes_due_and_overdue_alike(cube: CaseCube, sql: SqlIndicators) -> None:
    """Judging deadlines at another time moves due/overdue counters the same way in both engines."""
    for as_of in (NOW - 5 * DAY, NOW, NOW + 30 * DAY):
        sel = Selection("110102", NOW - 60 * DAY, NOW, as_of, Filters())
        assert cube.counters(sel, "subdistrict") == sql.counters(sel, "subdistrict")
    early = cube.counters(Selection("110102", NOW - 60 * DAY, NOW, NOW - 5 * DAY))[""]
    late = cube.counters(Selection("110102", NOW - 60 * DAY, NOW, NOW + 30 * DAY))[""]
    overdue = 8  # index of overdue_unhandled
    assert late[overdue] > early[overdue]


@pytest.mark.parametrize(
    "keys",
    [("day",), ("hour",), ("subclass",), ("grid", "subclass"), ("grid", "subclass", "day"), ("community", "day")],
)
def test_count_by_matches_sql(cube: CaseCube, sql: SqlIndicators, keys: tuple[str, ...]) -> None:
    """Counts per key combination (trend buckets, hot-spot pairs) equal SQL."""
    for start, end in ((NOW - 30 * DAY, NOW), (NOW - 380 * DAY + 777, NOW - 200 * DAY)):
        for unit in _units(cube)[:3]:
            sel = Selection(unit, start, end, NOW, Filters(overdue=False))
            assert cube.count_by(sel, keys) == sql.count_by(sel, keys), (keys, unit)


def test_empty_and_unknown_selections(cube: CaseCube, sql: SqlIndicators) -> None:
    """An empty period or a unit without cases gives zero counters in both engines."""
    empty = Selection("110102", NOW + DAY, NOW + 2 * DAY, NOW)
    assert cube.counters(empty) == sql.counters(empty) == {"": [0] * 15}
    nowhere = Selection("110102999999999", NOW - 30 * DAY, NOW, NOW)
    assert cube.counters(nowhere, "grid") == sql.counters(nowhere, "grid") == {}
