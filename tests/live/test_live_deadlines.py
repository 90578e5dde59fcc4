"""Overdue and due-soon counting: windows, loads by unit, ticking transitions, urgent countdowns."""

from __future__ import annotations

from live_factories import GRID_A1, GRID_B1, SUB_A, SUB_B, T0, created, fake_names

from feeds.live import DeadlineBook, LiveState
from feeds.protocol import CaseClosed, CaseStageChanged


def test_window_is_min_of_one_hour_and_fifth_of_allowance() -> None:
    """A 1 h stage gets a 12 min window; a 24 h stage gets 1 h; unknown start gets 1 h."""
    book = DeadlineBook()
    assert book.window(0, 3600) == 720
    assert book.window(0, 86400) == 3600
    assert book.window(100, 100) == 3600


def test_counts_at_given_now(state: LiveState) -> None:
    """Overdue and due-soon totals and loads by subdistrict and department follow ``now``."""
    state.apply(
        [
            created(1, "late", deadline=T0 - 60),
            created(2, "soon", deadline=T0 + 600, reported_at=T0 - 3000, grid=GRID_B1, department="D07"),
            created(3, "fine", deadline=T0 + 86400),
            created(4, "none"),
        ],
        now=T0,
    )
    view = state.overdue()
    assert (view.overdue, view.due_soon, view.open) == (1, 1, 4)
    subs = {u.code: (u.overdue, u.due_soon) for u in view.by_subdistrict}
    assert subs == {SUB_A: (1, 0), SUB_B: (0, 1)}
    depts = {u.code: (u.overdue, u.due_soon) for u in view.by_department}
    assert depts == {"D01": (1, 0), "D07": (0, 1)}
    assert view.by_department[0].name.en == "Subdistrict offices"
    assert [c.case_id for c in view.urgent] == ["soon", "fine"]
    assert state.deadline_status("none") == ""


def test_tick_moves_cases_through_due_soon_to_overdue(state: LiveState) -> None:
    """Ticking past the window start and the deadline changes status without new events."""
    state.apply([created(1, "a", deadline=T0 + 86400, reported_at=T0)], now=T0)
    assert state.deadline_status("a") == "ok"
    assert not state.tick(T0 + 1000)
    ch = state.tick(T0 + 86400 - 3599)
    assert ch.overdue and ch.grids == {GRID_A1} and state.overdue().due_soon == 1
    ch = state.tick(T0 + 86400)
    assert ch.overdue and state.overdue().overdue == 1 and state.overdue().due_soon == 0
    assert state.grid_values([GRID_A1])[0].overdue == 1
    assert state.overdue().urgent == ()


def test_closing_and_stage_change_clear_overdue(state: LiveState) -> None:
    """Closing an overdue case or moving it to a stage with a new deadline clears its overdue count."""
    state.apply([created(1, "a", deadline=T0 - 1), created(2, "b", deadline=T0 - 1)], now=T0)
    assert state.overdue().overdue == 2
    state.apply([CaseClosed("a", on_time=False, seq=3)], now=T0)
    assert state.overdue().overdue == 1
    state.apply([CaseStageChanged("b", "verifying", deadline=T0 + 4 * 3600, seq=4, ts=T0)], now=T0)
    view = state.overdue()
    assert (view.overdue, view.due_soon) == (0, 0)
    assert view.by_subdistrict == ()


def test_handling_deadline_is_used_when_stage_has_none(state: LiveState) -> None:
    """A handling-stage case without a stage deadline is tracked against its handling deadline."""
    state.apply([created(1, "a", stage="handling", handle_deadline=T0 - 5)], now=T0)
    assert state.overdue().overdue == 1


def test_urgent_list_orders_nearest_first_and_stays_bounded() -> None:
    """The urgent list holds the N nearest not-yet-overdue deadlines, refreshed on changes."""
    st = LiveState(fake_names(), urgent_n=3)
    st.apply([created(i + 1, f"c{i}", deadline=T0 + 100 * (10 - i)) for i in range(10)], now=T0)
    assert [c.case_id for c in st.overdue().urgent] == ["c9", "c8", "c7"]
    st.apply([created(11, "new", deadline=T0 + 50)], now=T0)
    assert [c.case_id for c in st.overdue().urgent] == ["new", "c9", "c8"]
    st.apply([CaseClosed("new", seq=12)], now=T0)
    st.tick(T0 + 150)
    assert [c.case_id for c in st.overdue().urgent] == ["c8", "c7", "c6"]


def test_heap_is_compacted_when_deadlines_churn() -> None:
    """Re-setting one case's deadline many times does not grow the heap without bound."""
    book = DeadlineBook()
    for i in range(20_000):
        book.put("a", T0 + 10_000 + i, T0, SUB_A, "D01", GRID_A1, T0)
    assert len(book) == 1 and book.heap_size <= 1030
