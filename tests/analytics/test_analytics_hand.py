"""Indicators on eleven hand-written cases equal the figures worked out by hand, in both engines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from feeds.analytics import CaseCube, Filters, QueryService, Selection, SqlIndicators, build, derive
from feeds.analytics.indicators import COUNTERS
from feeds.geo.units import load_units
from feeds.store import Store, open_store

H = 3600
T0 = 1_749_484_800  # 2025-06-10 00:00 Beijing
AS_OF = T0 + 48 * H  # 2025-06-12 00:00: deadlines are judged here

_units = load_units()
S1, S2 = _units.subdistricts[0].code, _units.subdistricts[1].code
GRID_A = _units.children(_units.children(S1)[0].code)[0].code
GRID_B = _units.children(_units.children(S1)[1].code)[0].code
GRID_C = _units.children(_units.children(S2)[0].code)[0].code

# id, grid, stage, hours after T0 of: reported, filed, dispatched, handle deadline, handled, closed, cancelled;
# reworks, difficult
CASES: list[tuple[Any, ...]] = [
    ("c1", GRID_A, "closed", 1, 2, 3, 27, 10, 12, None, 0, False),  # closed on time
    ("c2", GRID_A, "closed", 2, 3, 4, 28, 30, 31, None, 0, False),  # handled and closed late
    ("c3", GRID_B, "closed", 3, 4, 5, 20, 19, 21, None, 1, False),  # handled in time, closed late, one rework
    ("c4", GRID_B, "closed", 4, 5, 6, 30, 30, 30, None, 0, False),  # everything exactly at the deadline
    ("c5", GRID_C, "handling", 5, 6, 7, 20, None, None, None, 0, False),  # overdue, not handled
    ("c6", GRID_C, "handling", 6, 7, 8, 72, None, None, None, 0, True),  # open, deadline still ahead
    ("c7", GRID_A, "verifying", 7, 8, 9, 30, 29, None, None, 0, False),  # handled in time, closing overdue
    ("c8", GRID_A, "cancelled", 8, None, None, None, None, None, 9, 0, False),
    ("c9", GRID_C, "reported", 23, None, None, None, None, None, None, 0, False),
    ("c10", GRID_A, "closed", -4, -3, -2, 20, 1, 2, None, 0, False),  # the day before (环比 period)
    ("c11", GRID_B, "closed", 10, 11, 12, None, 14, 15, None, 0, False),  # legacy: no handling deadline
]
COLUMNS = ("reported_at", "filed_at", "dispatched_at", "handle_deadline_at", "handled_at", "closed_at", "cancelled_at")

JUNE_10 = Selection("110102", T0, T0 + 24 * H, AS_OF)
EXPECTED = {
    "reported": 10,  # c1-c9, c11
    "filed": 8,  # not c8 (cancelled) nor c9 (not filed yet)
    "dispatched": 8,
    "closed": 5,  # c1 c2 c3 c4 c11
    "due_close": 7,  # the 5 closed + c5 and c7 (open, deadline passed); c6 is not due yet
    "closed_on_time": 3,  # c1, c3 (handled in time, verified after the deadline), c4 (handled at the deadline)
    "due_handle": 7,  # handled c1 c2 c3 c4 c7 c11 + c5 (open, passed)
    "handled_on_time": 4,  # c1 c3 c4 c7
    "overdue_unhandled": 1,  # c5
    "handled": 6,
    "reworked": 1,  # c3
    "handle_time_n": 6,
    "handle_time_sum_s": (7 + 26 + 14 + 24 + 20 + 2) * H,
    "open": 4,  # c5 c6 c7 c9
    "difficult": 1,  # c6
}


def _row(spec: tuple[Any, ...]) -> dict[str, Any]:
    case_id, grid, stage, *hours, reworks, difficult = spec
    row: dict[str, Any] = {
        "id": case_id, "kind": "event", "subclass": "1201", "source": "patrol", "grid": grid,
        "department": "D05", "lon": 116.36, "lat": 39.91, "stage": stage, "reworks": reworks,
        "difficult": difficult,
    }  # fmt: skip
    for col, h in zip(COLUMNS, hours, strict=True):
        row[col] = None if h is None else T0 + h * H
    return row


@pytest.fixture(scope="module")
def hand_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A store holding exactly the hand-written cases."""
    store = open_store(str(Path(tmp_path_factory.mktemp("hand")) / "hand.db"))
    store.bulk_insert_cases([_row(c) for c in CASES])
    return store


@pytest.fixture(scope="module")
def engines(hand_store: Store) -> list[CaseCube | SqlIndicators]:
    """The cube and the SQL reference on the hand store."""
    return [build(hand_store.engine), SqlIndicators(hand_store.engine)]


def test_counters_equal_hand_figures(engines: list[CaseCube | SqlIndicators]) -> None:
    """Every counter of 10 June equals the hand count, in the cube and in SQL."""
    for eng in engines:
        assert dict(zip(COUNTERS, eng.counters(JUNE_10)[""], strict=True)) == EXPECTED


def test_indicators_equal_hand_figures(engines: list[CaseCube | SqlIndicators]) -> None:
    """Rates and the mean handling time follow the documented formulas."""
    for eng in engines:
        got = derive(eng.counters(JUNE_10)[""])
        assert got["closure_rate"] == pytest.approx(5 / 7)
        assert got["ontime_closure_rate"] == pytest.approx(3 / 7)
        assert got["ontime_handling_rate"] == pytest.approx(4 / 7)
        assert got["rework_rate"] == pytest.approx(1 / 6)
        assert got["mean_handling_h"] == pytest.approx(15.5)
        assert got["overdue_unhandled"] == 1


def test_by_subdistrict_and_filters(engines: list[CaseCube | SqlIndicators]) -> None:
    """Per subdistrict, and with the overdue / stage / difficult filters, the hand figures hold."""
    for eng in engines:
        by_sub = {k: derive(v) for k, v in eng.counters(JUNE_10, "subdistrict").items()}
        assert set(by_sub) == {S1, S2}
        assert by_sub[S1]["reported"] == 7 and by_sub[S1]["closure_rate"] == pytest.approx(5 / 6)
        assert by_sub[S2]["reported"] == 3 and by_sub[S2]["closure_rate"] == 0.0
        assert by_sub[S2]["overdue_unhandled"] == 1 and by_sub[S2]["rework_rate"] is None

        def count(f: Filters, eng: CaseCube | SqlIndicators = eng) -> int:
            sel = Selection("110102", JUNE_10.start, JUNE_10.end, AS_OF, f)
            return eng.counters(sel)[""][0]

        assert count(Filters(overdue=True)) == 1
        assert count(Filters(overdue=False)) == 9
        assert count(Filters(stage=("handling",))) == 2
        assert count(Filters(difficult=True)) == 1
        # judged a day later, c6's deadline (72 h) has passed too
        later = Selection("110102", JUNE_10.start, JUNE_10.end, T0 + 80 * H)
        assert eng.counters(later)[""][COUNTERS.index("overdue_unhandled")] == 2


def test_drill_compares_with_previous_day(hand_store: Store, engines: list[CaseCube | SqlIndicators]) -> None:
    """A custom one-day drill: 环比 is the day before (only c10), with deltas and ratios."""
    svc = QueryService(hand_store.engine, cache_path=None, clock=lambda: AS_OF, create_indexes=False)
    cube = engines[0]
    assert isinstance(cube, CaseCube)
    svc.cube = cube
    out = svc.handle("drill", {"range": "custom", "start": T0, "end": T0 + 24 * H})
    assert out["indicators"]["reported"] == 10 and out["engine"] == "cube"
    pop = out["pop"]
    assert pop["indicators"]["reported"] == 1 and pop["indicators"]["closure_rate"] == 1.0
    assert pop["indicators"]["mean_handling_h"] == pytest.approx(3.0)
    assert pop["change"]["reported"] == {"before": 1, "delta": 9, "ratio": 9.0}
    assert out["yoy"]["indicators"]["reported"] == 0 and out["yoy"]["change"]["reported"]["ratio"] is None
    children = {c["unit"]["code"]: c["indicators"]["reported"] for c in out["children"]}
    assert children[S1] == 7 and children[S2] == 3 and len(children) == len(_units.subdistricts)
