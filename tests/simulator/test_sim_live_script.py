"""The live simulation's timeline without a network: determinism, continuity, environment events."""

from __future__ import annotations

import collections
import random

import numpy as np
import pytest

from feeds.protocol import CaseClosed, CaseCreated, CaseInfo, CaseStageChanged, Message, encode
from feeds.protocol import WeatherWarning as WeatherAlert
from feeds.simulator.environment.weather import Weather
from feeds.simulator.history.as_of import batch_as_of
from feeds.simulator.live.continuation import continue_case, defer_night, draw_after
from feeds.simulator.live.outbox import Outbox, delivery_key
from feeds.simulator.live.script import LiveScript, last_seq_by_day
from feeds.simulator.model import plan_cases_batch
from feeds.simulator.model.calendar import DAY_S, HOUR_S, epoch
from feeds.simulator.model.district import District, load_district

START = epoch(2023, 7, 12, 9, 0)
NEXT = {
    "reported": {"filed", "cancelled"},
    "filed": {"dispatched"},
    "dispatched": {"handling"},
    "handling": {"closure_requested"},
    "closure_requested": {"verifying"},
    "verifying": {"closed", "handling"},
}


@pytest.fixture(scope="module")
def district() -> District:
    """The packaged district."""
    return load_district(0)


@pytest.fixture(scope="module")
def open_cases(district: District) -> list[CaseInfo]:
    """Cases of two planned days as they stood at START (the shape of a snapshot)."""
    batch = plan_cases_batch(START - 2 * DAY_S, START, np.random.default_rng(4), district.grid_codes, district.weights)
    state = batch_as_of(batch, START)
    out = []
    for i in range(len(batch)):
        plan = batch.plan(i)
        step = plan.stage_at(START)
        assert step is not None
        hd = state.handle_deadline_at[i]
        out.append(
            CaseInfo(
                id=plan.case_id,
                kind=plan.kind,
                subclass=plan.subclass_code,
                source=plan.source,
                grid=plan.grid_code,
                lon=116.37,
                lat=39.91,
                stage=step.stage,
                reported_at=plan.reported_at,
                department=plan.department,
                deadline=step.deadline,
                handle_deadline=None if np.isnan(hd) else float(hd),
                urges=int(state.urges[i]),
                reworks=int(state.reworks[i]),
                difficult=bool(state.difficult[i]),
            )
        )
    return out


def _run(script: LiveScript, hours: float) -> list[Message]:
    out: list[Message] = []
    for k in range(1, int(hours * 60) + 1):
        out += script.advance(script.start + k * 60.0)
    return out


def test_same_seed_same_timeline(district: District, open_cases: list[CaseInfo]) -> None:
    """Same seed, start and snapshot give the same messages whatever the tick rhythm; another seed differs."""
    a = LiveScript(start=START, seed=5, district=district, cases=open_cases)
    b = LiveScript(start=START, seed=5, district=district, cases=open_cases)
    c = LiveScript(start=START, seed=6, district=district, cases=open_cases)
    first = [encode(m) for m in _run(a, 3)]
    second: list[str] = []
    for k in range(1, 3 * 13 + 1):  # odd tick lengths
        second += [encode(m) for m in b.advance(START + k * 277.0) if m.ts is not None and m.ts <= START + 3 * HOUR_S]
    assert first == second[: len(first)] and len(first) > 300
    assert [encode(m) for m in _run(c, 3)] != first


def test_snapshot_cases_drain_and_numbers_continue(district: District, open_cases: list[CaseInfo]) -> None:
    """Open snapshot cases move on and mostly close within two days; new numbers follow the snapshot's."""
    script = LiveScript(start=START, seed=9, district=district, cases=open_cases)
    open_ids = {c.id for c in open_cases if c.stage not in ("closed", "cancelled")}
    msgs = _run(script, 48)
    assert script.stats.taken_over > 0.9 * len(open_ids)
    assert script.stats.taken_over_closed > 0.85 * len(open_ids)
    stage_of = {c.id: c.stage for c in open_cases}
    for msg in msgs:
        if isinstance(msg, CaseStageChanged | CaseClosed) and msg.case_id in open_ids:
            new = msg.stage if isinstance(msg, CaseStageChanged) else "closed"
            assert new in NEXT[stage_of[msg.case_id]], (msg.case_id, stage_of[msg.case_id], new)
            stage_of[msg.case_id] = new
            assert msg.ts is not None and msg.ts >= int(START)
    last = last_seq_by_day([c.id for c in open_cases])
    created = [m.case for m in msgs if isinstance(m, CaseCreated)]
    assert created and len({c.id for c in created}) == len(created)
    today = max(last)
    todays = [int(c.id[-6:]) for c in created if c.id[2:10] == "20230712" and c.platform == "city"]
    assert todays and min(todays) == last[today] + 1


def test_continuation_conditions_on_elapsed_time(open_cases: list[CaseInfo]) -> None:
    """Remaining steps all lie after the take-over; cases long past their deadline stay open."""
    for case in open_cases[:3000]:
        plan = continue_case(case, START, seed=1)
        if plan is None:
            continue
        assert all(s.at >= START for s in plan.steps)
        assert all(t > START for t in plan.urges)
    stale = CaseInfo(
        id="XC20230101000001",
        kind="event",
        subclass="1201",
        source="patrol",
        grid=open_cases[0].grid,
        lon=116.37,
        lat=39.91,
        stage="handling",
        reported_at=START - 90 * DAY_S,
        department=open_cases[0].department,
        deadline=START - 80 * DAY_S,
        handle_deadline=START - 80 * DAY_S,
        urges=3,
    )
    assert continue_case(stale, START, seed=1) is None
    rng = random.Random(2)
    draws = [draw_after(rng, 0.0, 3600.0, 0.3, 0.6, 1800.0) for _ in range(2000)]
    assert min(draws) > 1800.0


def test_environment_events_cover_weather_crowds_and_sensors(district: District) -> None:
    """A rainstorm in progress is issued at the start; crowds and sensors are published every few minutes."""
    weather = Weather(3)
    t = next(
        epoch(2023, 7, 1) + h * HOUR_S
        for h in range(24 * 60)
        if any(w.kind == "rainstorm" for w in weather.weather_at(epoch(2023, 7, 1) + h * HOUR_S))
    )
    stale = WeatherAlert("W20200101-haze", "haze", "yellow", True, "霾黄色预警")
    script = LiveScript(start=t, seed=3, district=district, weather=[stale])
    msgs = _run(script, 2)
    kinds = collections.Counter(m.TYPE for m in msgs)
    weather_msgs = [m for m in msgs if isinstance(m, WeatherAlert)]
    assert any(m.hazard == "rainstorm" and m.active for m in weather_msgs)
    assert any(m.alert_id == stale.alert_id and not m.active for m in weather_msgs)
    assert kinds["alert.crowd"] >= 16 * 2 * 60 // 5 * 0.9
    assert kinds["alert.sensor"] >= 11 * 2 * 60 // 5 * 0.9
    positions = script.positions(t)
    assert all(p.on_duty for p in positions)
    later = script.positions(t + 600)
    assert later and len(later) <= len(positions) + 420


def test_weather_warnings_change_level() -> None:
    """Some orange and red warnings start one level lower and are upgraded; phases are ordered."""
    warnings = Weather(1).warnings_between(epoch(2014, 1, 1), epoch(2024, 1, 1))
    upgraded = [w for w in warnings if w.first_level != w.level]
    assert upgraded and all(w.level in ("orange", "red") for w in upgraded)
    for w in warnings:
        phases = w.phases()
        assert [p[0] for p in phases] == sorted(p[0] for p in phases)
        assert phases[0][2] and not phases[-1][2]
        assert w.level_at(w.issued_at) == w.first_level
        assert w.title_zh(w.first_level).endswith("预警")


def test_outbox_resends_lost_messages_in_order() -> None:
    """Lost messages go out again in their original order; stream echoes and conflicts count as committed."""
    box = Outbox()
    msgs = [CaseClosed(f"XC2023071200000{i}", ts=START + i) for i in range(5)]
    for m in msgs:
        box.add(m)
    sent = [box.next_to_send() for _ in range(4)]
    assert all(e is not None for e in sent)
    box.committed(sent[0])  # type: ignore[arg-type]
    assert box.seen(msgs[1])
    box.refused(sent[2], "conflict")  # type: ignore[arg-type]
    box.lost(sent[3])  # type: ignore[arg-type]
    assert box.resume() == 1
    order = [box.next_to_send() for _ in range(2)]
    assert [e.message for e in order if e is not None] == [msgs[3], msgs[4]]
    assert box.stats.published["case.closed"] == 3 and box.stats.conflicts == 1 and box.stats.from_stream == 1
    assert delivery_key(msgs[0]) != delivery_key(msgs[1])


def test_taken_over_cases_are_not_deferred_past_their_deadline() -> None:
    """A night closure request moves to 07:00-08:30 only when that still meets its deadline (as in the model)."""
    rng = random.Random(3)
    night = epoch(2024, 7, 1, 23, 30)
    morning = defer_night(rng, night)
    assert epoch(2024, 7, 2, 7) <= morning <= epoch(2024, 7, 2, 8, 30)
    assert defer_night(rng, night, latest=epoch(2024, 7, 2, 2)) == night
    assert defer_night(rng, epoch(2024, 7, 1, 15), latest=0.0) == epoch(2024, 7, 1, 15)
