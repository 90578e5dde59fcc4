"""The alarm engine against a real store: alerts raise and clear alarms, cases escalate, auto-urging."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alarm_helpers import fresh_store, scan

from feeds.alarms import AlarmEngine, load_alarm_config, load_plans
from feeds.alarms.engine import AUTO_ACTOR
from feeds.alarms.queries import alarm_queries
from feeds.protocol import (
    AlarmChanged,
    AlarmRaised,
    CaseCreated,
    CaseInfo,
    CaseStageChanged,
    CaseUrged,
    CrowdFlow,
    PlanStarted,
    SensorReading,
    WeatherWarning,
    iso,
)
from feeds.store import Store

T0 = 1_796_000_000.0  # a fixed moment: no test depends on the wall clock
GRID = "110102001004001"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh SQLite store with the reference data."""
    yield from fresh_store(tmp_path, "alarms.db")


@pytest.fixture
def engine() -> AlarmEngine:
    """The engine with the shipped settings and plans."""
    return AlarmEngine(load_alarm_config(), load_plans())


def case(case_id: str, deadline: float, stage: str = "handling") -> CaseInfo:
    """A case at ``stage`` whose current deadline is ``deadline``."""
    return CaseInfo(
        case_id, "event", "1201", "patrol", GRID, 116.368, 39.92, stage, T0 - 7200, "D05", deadline=deadline
    )


def test_alerts_raise_alarms_by_configured_priority_and_clear_with_their_condition(
    store: Store, engine: AlarmEngine
) -> None:
    """Orange rainstorm → high; critical crowd → high; busy crowd → none; a level change clears and re-raises."""
    store.append(
        [
            WeatherWarning("w1", "rainstorm", "orange", ts=T0),
            CrowdFlow("xidan", 30000, 20000, "critical", ts=T0),
            CrowdFlow("jinrongjie", 9000, 20000, "busy", ts=T0),
            SensorReading("wl-7", "water_level", 0.42, "m", 0.3, True, 116.35, 39.9, "西直门桥下", ts=T0),
        ]
    )
    raised = [m.alarm for m in scan(engine, store, T0 + 1) if isinstance(m, AlarmRaised)]
    assert {(a.kind, a.source, a.priority) for a in raised} == {
        ("weather", "w1", "high"),
        ("crowd", "xidan", "high"),
        ("sensor", "wl-7", "high"),
    }
    assert not [m for m in scan(engine, store, T0 + 2) if isinstance(m, (AlarmRaised, AlarmChanged))]
    store.append(
        [CrowdFlow("xidan", 17000, 20000, "crowded", ts=T0 + 3), WeatherWarning("w1", "rainstorm", "orange", False)]
    )
    events = scan(engine, store, T0 + 4)
    cleared = {m.alarm_id.split(":")[1] for m in events if isinstance(m, AlarmChanged) and m.action == "clear"}
    again = [m.alarm for m in events if isinstance(m, AlarmRaised)]
    assert cleared == {"w1", "xidan"}
    assert [(a.source, a.level, a.priority) for a in again] == [("xidan", "crowded", "medium")]


def test_due_soon_at_lead_time_then_auto_urge_after_delay_recorded_in_history(
    store: Store, engine: AlarmEngine
) -> None:
    """A handling case: due_soon 30 min before, auto-urged 60 min after the deadline, both cleared on handling."""
    deadline = T0 + 3600
    store.append([CaseCreated(case("C1", deadline), ts=T0)])
    assert not scan(engine, store, deadline - 1801)  # before the lead time: nothing
    soon = scan(engine, store, deadline - 1799)
    assert [(m.alarm.kind, m.alarm.priority) for m in soon if isinstance(m, AlarmRaised)] == [("due_soon", "low")]
    passed = scan(engine, store, deadline + 1)
    assert [m.action for m in passed if isinstance(m, AlarmChanged)] == ["clear"]  # due_soon ends at the deadline
    assert not scan(engine, store, deadline + 3599)  # overdue, but not yet by the urge delay
    urged = scan(engine, store, deadline + 3601)
    assert [type(m) for m in urged] == [CaseUrged, AlarmRaised]
    assert isinstance(urged[0], CaseUrged) and urged[0].by == AUTO_ACTOR
    assert isinstance(urged[1], AlarmRaised) and urged[1].alarm.kind == "overdue"
    assert not scan(engine, store, deadline + 7200)  # urged once per deadline, not every scan
    found = store.case("C1")
    assert found is not None and found[0].urges == 1
    assert [h["actor"] for h in found[1] if h["action"] == "urge"] == [AUTO_ACTOR]
    store.append([CaseStageChanged("C1", "closure_requested", ts=deadline + 7300)])
    cleared = scan(engine, store, deadline + 7400)
    assert [(m.action, m.reason) for m in cleared if isinstance(m, AlarmChanged)] == [("clear", "case moved on")]
    until = iso(deadline + 7400)
    ranking = alarm_queries(engine.config)["urge_ranking"](store, {"until": until})
    assert ranking["departments"] == [
        {"department": "D05", "urges": 1, "auto_urges": 1, "overdue": 0, "overdue_h": 0.0}
    ]


def test_the_standing_backlog_is_not_escalated(store: Store, engine: AlarmEngine) -> None:
    """A deadline that passed more than the window ago (挂账) raises nothing."""
    store.append([CaseCreated(case("OLD", T0 - 3 * 86400), ts=T0)])
    assert not scan(engine, store, T0)


def test_a_weather_warning_opens_its_plan_and_a_level_change_swaps_it(store: Store, engine: AlarmEngine) -> None:
    """Yellow opens the blue/yellow plan; orange closes it and opens the orange plan; lifting closes it."""
    store.append([WeatherWarning("w2", "rainstorm", "yellow", ts=T0)])
    started = [m.run for m in scan(engine, store, T0) if isinstance(m, PlanStarted)]
    assert [r.plan_id for r in started] == ["rainstorm-blue-yellow"]
    store.append([WeatherWarning("w2", "rainstorm", "orange", ts=T0 + 60)])
    swapped = scan(engine, store, T0 + 61)
    assert [m.TYPE for m in swapped if m.TYPE.startswith("plan.")] == ["plan.closed", "plan.started"]
    assert store.snapshot(T0 + 62).plans[0].plan_id == "rainstorm-orange"
    store.append([WeatherWarning("w2", "rainstorm", "orange", False, ts=T0 + 120)])
    scan(engine, store, T0 + 121)
    assert store.snapshot(T0 + 122).plans == ()
