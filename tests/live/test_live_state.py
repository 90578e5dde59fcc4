"""LiveState folding: snapshot, case events, feed order, seq handling, per-grid values."""

from __future__ import annotations

from live_factories import GRID_A1, GRID_A2, GRID_B1, SUB_A, T0, created, fake_names, make_case, snapshot

from feeds.live import LiveState
from feeds.protocol import (
    CaseClosed,
    CaseDifficultChanged,
    CaseStageChanged,
    CaseUrged,
    Heartbeat,
    Kpis,
    StaffPosition,
    StaffPositions,
)


def test_snapshot_builds_open_set_and_feed(state: LiveState) -> None:
    """A snapshot fills the open set, orders the feed newest first and sets last_seq."""
    cases = (make_case("a", reported_at=T0 - 300), make_case("b", reported_at=T0 - 100), make_case("c", reported_at=T0))
    ch = state.apply([snapshot(42, cases)], now=T0)
    assert ch.reset and ch.feed and ch.overdue and ch.charts and not ch.cases
    assert state.last_seq == 42 and state.store_id == "store1"
    assert state.open_count == 3
    assert [r.id for r in state.feed()] == ["c", "b", "a"]


def test_created_events_go_on_top_and_names_resolve(state: LiveState) -> None:
    """New cases appear at the top of the feed with names from the lookup."""
    state.apply([snapshot(1, (make_case("a"),))], now=T0)
    ch = state.apply([created(2, "b", subclass="1505"), created(3, "c", grid=GRID_B1)], now=T0)
    assert ch.feed and ch.map_cases and ch.cases == {"b", "c"} and ch.grids == {GRID_A1, GRID_B1}
    feed = state.feed()
    assert [r.id for r in feed] == ["c", "b", "a"]
    assert feed[1].type.zh == "机动车乱停放" and feed[1].type.get("en") == "illegal parking"
    assert feed[2].subdistrict.zh == "西长安街街道" and feed[2].community.en == "Fuyoujie South"
    assert feed[0].subdistrict.en == "Xinjiekou"
    assert feed[0].source_name.get("zh") == "监督员巡查"


def test_unknown_codes_fall_back_to_the_code(state: LiveState) -> None:
    """A subclass the lookup does not know is shown as its code."""
    state.apply([created(1, "x", subclass="9999")], now=T0)
    assert state.feed()[0].type.zh == "9999"


def test_closed_cases_leave_the_open_set_but_stay_in_the_feed(state: LiveState) -> None:
    """Closing removes a case from the open set and grid counts; its feed row turns closed."""
    state.apply([created(1, "a"), created(2, "b")], now=T0)
    ch = state.apply([CaseClosed("a", on_time=True, seq=3)], now=T0 + 60)
    assert state.open_count == 1 and state.case("a") is not None
    assert state.feed()[1].stage == "closed" and state.feed()[1].on_time is True
    assert ch.cases == {"a"} and GRID_A1 in ch.grids
    assert state.grid_values([GRID_A1])[0].open == 1
    state.apply([CaseStageChanged("b", "cancelled", seq=4)], now=T0 + 70)
    assert state.open_count == 0
    assert state.grid_values() == []


def test_duplicate_and_out_of_order_seq_are_ignored(state: LiveState) -> None:
    """Events at or below last_seq are dropped and counted; gaps are counted but applied."""
    state.apply([snapshot(10)], now=T0)
    ch = state.apply([created(9, "old"), created(10, "dup"), created(11, "a"), created(11, "a2")], now=T0)
    assert ch.ignored == 3 and state.ignored == 3
    assert [r.id for r in state.feed()] == ["a"]
    state.apply([created(15, "b")], now=T0)
    assert state.gaps == 1 and state.last_seq == 15


def test_volatile_messages_apply_without_seq(state: LiveState) -> None:
    """KPIs and staff positions have no seq and always apply; heartbeats are skipped."""
    state.apply([snapshot(5)], now=T0)
    pos = StaffPosition("s1", GRID_A1, 116.37, 39.91)
    ch = state.apply([StaffPositions((pos,)), Kpis({"filed": 5.0}, {}), Heartbeat(5)], now=T0)
    assert ch.staff and ch.kpi and state.staff() == (pos,)
    assert state.kpi().filed == 5 and state.last_seq == 5


def test_per_grid_density_and_overdue(state: LiveState) -> None:
    """Grid values count open and overdue cases per grid."""
    state.apply(
        [
            created(1, "a", grid=GRID_A1, deadline=T0 - 10),
            created(2, "b", grid=GRID_A1, deadline=T0 + 86400),
            created(3, "c", grid=GRID_A2),
        ],
        now=T0,
    )
    values = {v.grid: v for v in state.grid_values()}
    assert (values[GRID_A1].open, values[GRID_A1].overdue) == (2, 1)
    assert (values[GRID_A2].open, values[GRID_A2].overdue) == (1, 0)
    assert state.grid_values([GRID_B1])[0].open == 0
    assert state.grid_counts("density") == {GRID_A1: 2, GRID_A2: 1}
    assert state.grid_counts("overdue") == {GRID_A1: 1}


def test_stage_change_updates_row_deadline_and_department(state: LiveState) -> None:
    """A stage change replaces the row with the new stage, deadline, department and rework count."""
    state.apply([created(1, "a", stage="reported")], now=T0)
    state.apply(
        [CaseStageChanged("a", "handling", deadline=T0 + 7200, department="D07", rework=True, seq=2, ts=T0 + 5)],
        now=T0 + 10,
    )
    row = state.feed()[0]
    assert row.stage == "handling" and row.deadline == T0 + 7200 and row.handle_deadline == T0 + 7200
    assert row.department.en == "Traffic police" and row.reworks == 1 and row.stage_since == T0 + 5
    assert state.case("a") is row
    assert state.deadline_status("a") == "ok"


def test_urge_and_difficult_update_in_place(state: LiveState) -> None:
    """Urges count up and the difficult flag follows the events."""
    state.apply([created(1, "a")], now=T0)
    ch = state.apply([CaseUrged("a", "op1", seq=2), CaseUrged("a", "op1", seq=3)], now=T0)
    assert ch.feed and state.case("a").urges == 2  # type: ignore[union-attr]
    state.apply([CaseDifficultChanged("a", True, "op1", seq=4)], now=T0)
    assert state.feed()[0].difficult is True


def test_events_for_unknown_cases_are_counted(state: LiveState) -> None:
    """Events about cases the wall never saw change nothing."""
    ch = state.apply([CaseClosed("ghost", seq=1), CaseUrged("ghost", "op", seq=2)], now=T0)
    assert state.unknown == 2 and not ch.feed and state.last_seq == 2


def test_new_snapshot_recounts_today_from_its_cases() -> None:
    """A re-snapshot holds every report of the last 24 h: today's counts are recounted from it, not kept."""
    st = LiveState(fake_names())
    st.apply([snapshot(1), created(2, "a"), created(3, "b")], now=T0)
    closed_today = make_case("c", reported_at=T0)
    st.apply([snapshot(9, (closed_today, make_case("a", reported_at=T0), make_case("b", reported_at=T0)))], now=T0 + 5)
    assert sum(st.charts().hourly_today) == 3 == st.kpi().reported
    st.apply([snapshot(1, (closed_today,), store_id="other")], now=T0 + 6)
    assert sum(st.charts().hourly_today) == 1 and st.last_seq == 1


def test_subdistrict_and_community_codes_come_from_grid_prefix(state: LiveState) -> None:
    """Subdistrict and community are the 9- and 12-digit prefixes of the grid code."""
    state.apply([created(1, "a", grid=GRID_A1)], now=T0)
    row = state.feed()[0]
    assert row.subdistrict_code == SUB_A and row.community.zh == "府右街南社区"


def test_changes_merge_and_names() -> None:
    """Merging or-s the flags, unites the id sets and adds the ignored counts; a reset empties the sets."""
    from feeds.live import Changes

    a = Changes(feed=True, cases={"x"}, ignored=1)
    b = Changes(kpi=True, cases={"y"}, grids={"g"}, ignored=2)
    a.merge(b)
    assert a.names() == ["feed", "kpi"] and a.cases == {"x", "y"} and a.grids == {"g"} and a.ignored == 3
    assert a.merge(Changes(reset=True)).cases == set() and bool(Changes()) is False
