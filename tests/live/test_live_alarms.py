"""The wall's alarms: priority order, acknowledged ones calm down, shelved counted, floods grouped."""

from __future__ import annotations

from live_factories import fake_names

from feeds.live import LiveState
from feeds.protocol import (
    AlarmChanged,
    AlarmInfo,
    AlarmRaised,
    PlanClosed,
    PlanRun,
    PlanStarted,
    PlanStep,
    PlanStepDone,
    Snapshot,
    Welcome,
)

T0 = 1_796_000_000.0


def _state(**kw: float) -> LiveState:
    state = LiveState(fake_names(), **kw)  # type: ignore[arg-type]
    state.apply([Snapshot(head=0, store_id="s1")], now=T0)
    return state


def _alarm(n: int, priority: str = "low", at: float = T0) -> AlarmInfo:
    return AlarmInfo(f"sensor:s{n}:{int(at)}", "sensor", f"s{n}", priority, at, level="rain_gauge", text=f"雨量站{n}")


def test_unacknowledged_first_by_priority_then_acknowledged_shelved_only_counted() -> None:
    """High before medium before low; an acknowledged alarm sinks; a shelved one is counted, not listed."""
    state = _state()
    alarms = [_alarm(1, "low"), _alarm(2, "high"), _alarm(3, "medium"), _alarm(4, "high")]
    ch = state.apply([AlarmRaised(a, seq=i + 1) for i, a in enumerate(alarms)], now=T0 + 1)
    assert ch.alarms
    view = state.alarms()
    assert [r.source for r in view.rows] == ["s2", "s4", "s3", "s1"] and view.unacked == (2, 1, 1)
    state.apply([AlarmChanged(alarms[1].id, "ack", "duty officer", seq=5, ts=T0 + 2)], now=T0 + 2)
    state.apply([AlarmChanged(alarms[2].id, "shelve", "duty officer", T0 + 600, "maintenance", seq=6)], now=T0 + 3)
    view = state.alarms()
    assert [(r.source, r.state) for r in view.rows] == [("s4", "active"), ("s1", "active"), ("s2", "acknowledged")]
    assert (view.unacked, view.acked, view.shelved) == ((1, 0, 1), 1, 1)
    assert view.rows[-1].acked_by == "duty officer" and view.flood is None
    state.apply([AlarmChanged(alarms[3].id, "clear", "system", seq=7)], now=T0 + 4)
    assert [r.source for r in state.alarms().rows] == ["s1", "s2"]


def test_more_than_ten_new_alarms_in_ten_minutes_collapse_into_one_line() -> None:
    """10 new alarms: listed; the 11th makes a flood: one line with the count; acknowledging thins it out."""
    state = _state()
    old = _alarm(99, "high", at=T0 - 3600)
    state.apply([AlarmRaised(old, seq=1)], now=T0)
    batch = [_alarm(n, "high" if n < 2 else "low", at=T0 + n * 30) for n in range(10)]
    state.apply([AlarmRaised(a, seq=n + 2) for n, a in enumerate(batch)], now=T0 + 300)
    assert state.alarms().flood is None and len(state.alarms().rows) == 11
    eleventh = _alarm(10, "medium", at=T0 + 320)
    ch = state.apply([AlarmRaised(eleventh, seq=12)], now=T0 + 320)
    assert ch.alarms
    view = state.alarms()
    assert view.flood is not None and (view.flood.count, view.flood.high, view.flood.medium, view.flood.low) == (
        11,
        2,
        1,
        8,
    )
    assert [r.source for r in view.rows] == ["s99"]  # the old alarm stays listed
    assert view.flood.alarm_ids[0] in {batch[0].id, batch[1].id}  # highest priority first (for one-click ack)
    state.apply([AlarmChanged(batch[0].id, "ack", "duty officer", seq=13)], now=T0 + 330)
    view = state.alarms()
    assert view.flood is not None and view.flood.count == 10 and view.rows[-1].source == "s0"
    assert view.flood.raised == 11  # the acknowledged one still counts towards the flood
    later = state.tick(T0 + 30 + 600)  # the first raises leave the window: 10 left, no flood
    assert later.alarms and state.alarms().flood is None


def test_flood_threshold_is_configurable() -> None:
    """flood_count=3: four alarms in the window already make a flood."""
    state = _state(flood_count=3, flood_window_s=60)
    state.apply([AlarmRaised(_alarm(n, at=T0 + n), seq=n + 1) for n in range(4)], now=T0 + 5)
    view = state.alarms()
    assert view.flood is not None and view.flood.count == 4 and view.rows == ()


def test_the_servers_flood_rule_from_its_welcome_wins_over_the_walls_own() -> None:
    """welcome flood {4, 600 s}: five raises held are a flood at once; a welcome without one brings back 10/600."""
    state = _state()  # the wall's own rule: the shipped 10 in 10 min
    assert state.flood_rule == (10, 600.0)
    state.apply([AlarmRaised(_alarm(n, at=T0 - 300 + n), seq=n + 1) for n in range(5)], now=T0)
    assert state.alarms().flood is None
    ch = state.apply([Welcome("wall", "s1", 5, "backfill", flood_count=4, flood_window_s=60)], now=T0)
    assert ch.alarms and state.flood_rule == (4, 60.0) and state.alarms().flood is None  # raised 5 min ago
    ch = state.apply([Welcome("wall", "s1", 5, "backfill", flood_count=4, flood_window_s=600)], now=T0)
    view = state.alarms()  # the window refilled from the alarms held
    assert ch.alarms and view.flood is not None and (view.flood.raised, view.flood_window_s) == (5, 600.0)
    ch = state.apply([Welcome("wall", "s1", 5, "backfill")], now=T0)  # a server without alarm engine
    assert ch.alarms and state.flood_rule == (10, 600.0) and state.alarms().flood is None
    assert not state.apply([Welcome("wall", "s1", 5, "backfill")], now=T0).alarms  # unchanged: nothing to redraw


def test_plans_fold_start_tick_close() -> None:
    """A plan's checklist with departments; a tick shows who; closing removes it."""
    state = _state()
    run = PlanRun(
        "plan:w1:orange:1", "rainstorm-orange", "w1", "rainstorm", "orange", "暴雨橙色预警联动预案", "Rainstorm orange",
        T0, ("waterlogging",), (PlanStep("watch", "盯守积水点", "Watch", "D01"), PlanStep("x", "其他", "Other", "D07")),
    )  # fmt: skip
    ch = state.apply([PlanStarted(run, seq=1)], now=T0)
    assert ch.plans
    state.apply([PlanStepDone(run.id, "watch", True, "duty officer", seq=2, ts=T0 + 60)], now=T0 + 60)
    (plan,) = state.plans()
    assert plan.title.en == "Rainstorm orange" and plan.done == 1 and plan.layers == ("waterlogging",)
    assert (plan.steps[0].department.zh, plan.steps[0].by, plan.steps[0].at) == ("街道办事处", "duty officer", T0 + 60)
    state.apply([PlanClosed(run.id, "warning lifted", seq=3)], now=T0 + 90)
    assert state.plans() == []
