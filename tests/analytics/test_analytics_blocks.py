"""Per-block counters (feeds/analytics/cube_blocks.py) and per-bucket counts answer what counting every row does.

The session cube holds 30k cases, fewer than one default block, so here blocks of a few
hundred rows make every long period use them. The equality suite is run again that way
(imported below), then the cube is changed the ways a live wall changes it (events rewrite
rows, a difficult flag flips on a closed case, cases are appended in and out of order) and
every answer is compared with counting every row.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from synthetic_cases import DAY, NOW
from test_analytics_equality import test_every_level_and_filter_matches_sql as test_levels_with_blocks  # noqa: F401
from test_analytics_equality import test_groupings_match_sql as test_groupings_with_blocks  # noqa: F401

from feeds.analytics import CaseCube, Filters, Selection, SqlIndicators, build
from feeds.analytics import indicators as ind
from feeds.analytics.periods import named_period
from feeds.store import Store

SMALL = 256


@pytest.fixture(autouse=True)
def small_blocks(cube: CaseCube) -> Iterator[None]:
    """The session cube counted in blocks of 256 rows while this module's tests run."""
    cube.block_rows = SMALL
    yield
    cube.block_rows = 1 << 16


def _plain(cube: CaseCube, sel: Selection, by: str | None) -> dict[str, list[int]]:
    """The same question answered by counting every row (the blocks put aside, then restored)."""
    kept, cube._blocks = cube._blocks, {}
    cube.block_rows = 1 << 40
    try:
        return cube.counters(sel, by)
    finally:
        cube._blocks, cube.block_rows = kept, SMALL


def _questions() -> list[tuple[Selection, str | None]]:
    year, month = named_period("year", NOW), named_period("30d", NOW)
    as_ofs = (NOW - 3 * DAY, NOW, NOW + 20 * DAY)
    return [
        (Selection("110102", p.start + skew, p.end, as_of), by)
        for p in (year, month)
        for skew in (0, 12_345)
        for as_of in as_ofs
        for by in (None, "subdistrict", "department", "stage", "subclass")
    ]


def _assert_same(cube: CaseCube) -> None:
    for sel, by in _questions():
        assert cube.counters(sel, by) == _plain(cube, sel, by), (sel, by)


def _copy_row(cube: CaseCube, row: int) -> dict[str, np.ndarray]:
    return {name: cube.column(name)[row : row + 1].copy() for name in cube.cols}


def test_blocks_follow_live_changes(seeded: Store) -> None:
    """Rows rewritten, flags flipped and cases appended (in and out of order) are reflected at once."""
    cube = build(seeded.engine)
    cube.block_rows = SMALL
    _assert_same(cube)
    blocks = cube._blocks[None]
    assert blocks.fresh.sum() > 50, "the long periods were answered from blocks"

    rng = np.random.default_rng(7)
    rows = rng.choice(cube.n - SMALL, size=40, replace=False)  # inside counted blocks
    for row, donor in zip(rows.tolist(), rng.choice(cube.n, size=40).tolist(), strict=True):
        values = _copy_row(cube, donor)
        values["rep"] = cube.column("rep")[row : row + 1].copy()  # keep the order by time
        cube.write(row, values)
    for row in rng.choice(cube.n, size=30).tolist():
        cube.set_flags(row, int(cube.column("flags")[row]) ^ ind.DIFFICULT)
    _assert_same(cube)

    late = _copy_row(cube, 10)  # an old case arriving late: the rows are re-sorted
    cube.append(late)
    fresh = _copy_row(cube, cube.n - 1)  # and one at the end
    fresh["rep"] = fresh["rep"] + 1
    cube.append(fresh)
    _assert_same(cube)


def test_blocks_match_sql_after_a_grown_dictionary(cube: CaseCube, sql: SqlIndicators) -> None:
    """A grouping counted in blocks is counted again when its dictionary has grown (new codes)."""
    year = named_period("year", NOW)
    sel = Selection("110102", year.start, year.end, NOW, Filters())
    first = cube.counters(sel, "department")
    blocks = cube._blocks["dept"]
    cube.vocabs["dept"].code("D-new-department")
    assert cube.counters(sel, "department") == first == sql.counters(sel, "department")
    assert cube._blocks["dept"] is not blocks


@pytest.mark.parametrize("key", ["day", "hour"])
def test_counts_per_bucket_match_sql(cube: CaseCube, sql: SqlIndicators, key: str) -> None:
    """Cases per day or hour of a whole district, found by binary search, equal SQL's GROUP BY."""
    for start, end in ((NOW - 30 * DAY, NOW), (NOW - 380 * DAY + 777, NOW - 200 * DAY), (NOW - DAY + 5, NOW)):
        sel = Selection("110102", start, end, NOW)
        got = cube.count_by(sel, (key,))
        assert got and got == sql.count_by(sel, (key,)), (start, end)
