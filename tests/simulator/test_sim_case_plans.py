"""Tests of single case plans, determinism, arrivals and the live stream."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from feeds.protocol.vocab import SOURCES as PROTOCOL_SOURCES
from feeds.protocol.vocab import STAGES as PROTOCOL_STAGES
from feeds.simulator.live.stream import CaseStream
from feeds.simulator.model import (
    STAGES,
    CaseBatch,
    CasePlan,
    arrivals,
    describe,
    expected_rate,
    plan_cases_batch,
    source_shares_for_year,
    yearly_volumes,
)
from feeds.simulator.model.calendar import epoch
from feeds.taxonomy import load_taxonomy

NEXT = {
    "reported": {"filed", "cancelled"},
    "filed": {"dispatched"},
    "dispatched": {"handling"},
    "handling": {"closure_requested"},
    "closure_requested": {"verifying"},
    "verifying": {"closed", "handling"},
}


def check_plan(plan: CasePlan) -> None:
    """Assert the workflow invariants of one plan."""
    stages = [s.stage for s in plan.steps]
    assert stages[0] == "reported" and set(stages) <= set(STAGES)
    for a, b in itertools.pairwise(plan.steps):
        assert b.stage in NEXT[a.stage]
        assert b.at >= a.at
    if plan.final_stage == "closed":
        assert plan.closed_at == plan.steps[-1].at
    else:
        assert plan.closed_at is None
    assert plan.final_stage in {"closed", "cancelled", "handling"}
    assert all(u >= plan.steps[0].at for u in plan.urges)


def test_stages_match_the_wire_protocol() -> None:
    """The model's stage and source codes are exactly the protocol's."""
    assert STAGES == PROTOCOL_STAGES
    city = tuple(s.code for s in load_taxonomy().sources)
    assert (*city, "online", "grid_member") == PROTOCOL_SOURCES  # the last two are 全响应 channels


def test_sampled_plans_keep_workflow_invariants(year_batch: CaseBatch) -> None:
    """Stages follow the workflow, times never go backwards, rework returns to handling."""
    rng = np.random.default_rng(1)
    reworked = np.flatnonzero(year_batch.rework_count > 0)[:300]
    sample = np.concatenate([rng.choice(len(year_batch), 3000, replace=False), reworked])
    for i in sample:
        plan = year_batch.plan(int(i))
        check_plan(plan)
        assert plan.rework_count == int(year_batch.rework_count[i])
    double = year_batch.plan(int(np.flatnonzero(year_batch.rework_count == 2)[0]))
    assert [s.stage for s in double.steps].count("verifying") == 3


def test_cancelled_and_unclosed_plans(year_batch: CaseBatch) -> None:
    """Cancelled cases stop after the report; unclosed ones stay in handling, urged."""
    cancelled = year_batch.plan(int(np.flatnonzero(year_batch.cancelled)[0]))
    assert [s.stage for s in cancelled.steps] == ["reported", "cancelled"]
    open_idx = np.flatnonzero(~year_batch.cancelled & np.isnan(year_batch.closed_at))[0]
    stuck = year_batch.plan(int(open_idx))
    assert stuck.final_stage == "handling" and stuck.overdue
    assert len(stuck.urges) == 3 and stuck.escalated_at is not None


def test_overdue_flag_matches_deadline(year_batch: CaseBatch) -> None:
    """A closed case is overdue iff its last closure request is past its last pass's deadline (whole seconds)."""
    closed = np.flatnonzero(~np.isnan(year_batch.closed_at))
    deadline = year_batch.handling_deadline.copy()
    last_pass = np.searchsorted(year_batch.rework_case, closed, side="right") - 1
    reworked = year_batch.rework_count[closed] > 0
    hours = np.array([s.deadlines_h.handling for s in year_batch.taxonomy.subclasses]) * 3600
    again = year_batch.rework_failed_at[last_pass[reworked]] + hours[year_batch.subclass[closed[reworked]]]
    deadline[closed[reworked]] = again
    late = np.floor(year_batch.closure_requested_at[closed]) > np.floor(deadline[closed])
    assert reworked.sum() > 1000
    assert np.array_equal(late, year_batch.overdue[closed])


def test_stage_at_walks_the_timeline(year_batch: CaseBatch) -> None:
    """stage_at returns None before the report and the final stage long after."""
    plan = year_batch.plan(int(np.flatnonzero(~np.isnan(year_batch.closed_at))[0]))
    assert plan.stage_at(plan.reported_at - 1) is None
    assert plan.stage_at(plan.reported_at).stage == "reported"  # type: ignore[union-attr]
    assert plan.stage_at(plan.reported_at + 400 * 86400).stage == "closed"  # type: ignore[union-attr]


def test_same_seed_same_plans(grid_codes: list[str]) -> None:
    """The batch path is deterministic given the seed; another seed differs."""
    start, end = epoch(2024, 7, 1), epoch(2024, 7, 8)
    a = plan_cases_batch(start, end, np.random.default_rng(42), grid_codes)
    b = plan_cases_batch(start, end, np.random.default_rng(42), grid_codes)
    c = plan_cases_batch(start, end, np.random.default_rng(43), grid_codes)
    assert np.array_equal(a.reported_at, b.reported_at) and np.array_equal(a.subclass, b.subclass)
    assert [a.plan(i) for i in range(0, len(a), 97)] == [b.plan(i) for i in range(0, len(b), 97)]
    assert len(a) != len(c) or not np.array_equal(a.reported_at, c.reported_at)


def test_hot_spot_weights_bias_grids(grid_codes: list[str]) -> None:
    """A grid weighted 200x receives far more cases than an average grid."""
    weights = np.ones(len(grid_codes))
    weights[7] = 200.0
    batch = plan_cases_batch(epoch(2024, 5, 1), epoch(2024, 5, 15), np.random.default_rng(3), grid_codes, weights)
    counts = np.bincount(batch.grid, minlength=len(grid_codes))
    assert counts[7] > 50 * np.median(counts)
    with pytest.raises(ValueError, match="grid_weights"):
        plan_cases_batch(0.0, 3600.0, np.random.default_rng(), grid_codes, weights[:-1])


def test_batch_of_a_year_has_a_years_volume(grid_codes: list[str]) -> None:
    """A year's batch holds ~500k cases (its speed budget is measured in bench/unit_speed.py)."""
    batch = plan_cases_batch(epoch(2022, 1, 1), epoch(2023, 1, 1), np.random.default_rng(9), grid_codes)
    assert len(batch) > 450_000


def test_expected_rate_rhythm_and_volume() -> None:
    """The rate integrates to ~500k a year and is much higher at 10:00 than 03:00."""
    start = epoch(2023, 1, 1)
    total = sum(expected_rate(start + h * 3600.0) for h in range(0, 365 * 24))
    assert total == pytest.approx(500_000, rel=0.02)
    assert expected_rate(epoch(2023, 5, 10, 10)) > 5 * expected_rate(epoch(2023, 5, 10, 3))


def test_arrivals_follow_the_rate() -> None:
    """A week of arrivals is sorted, in range and close to the integrated rate."""
    start, end = epoch(2023, 9, 4), epoch(2023, 9, 11)
    times = list(arrivals(start, end, np.random.default_rng(5)))
    expected = sum(expected_rate(start + h * 3600.0) for h in range(7 * 24))
    assert times == sorted(times) and start <= times[0] and times[-1] < end
    assert len(times) == pytest.approx(expected, rel=0.05)


def test_case_stream_continues_numbering(grid_codes: list[str]) -> None:
    """The live stream returns plans in order with ids unique after the history."""
    start = epoch(2024, 6, 3, 9)
    history = plan_cases_batch(epoch(2024, 6, 3), start, np.random.default_rng(1), grid_codes)
    stream = CaseStream(
        grid_codes, start=start, seed=2, last_seq=history.last_seq_by_day(), place_of=lambda grid: "西单北大街"
    )
    plans = [p for k in range(1, 13) for p in stream.advance(start + k * 600.0)]
    assert plans and stream.clock == start + 7200.0
    ids = [history.case_id(i) for i in range(len(history))] + [p.case_id for p in plans]
    assert len(set(ids)) == len(ids)
    assert [p.reported_at for p in plans] == sorted(p.reported_at for p in plans)
    assert all(p.description.startswith(("西单北大街", "市民", "来信", "物联")) for p in plans)
    assert stream.advance(start) == []


def test_descriptions_formal_and_colloquial() -> None:
    """Supervisors write formally; citizens write colloquially."""
    sub = load_taxonomy().subclass_by_name("非法小广告")
    formal = describe(sub, "西单北大街", "patrol", random.Random(1))
    assert formal.startswith("西单北大街") and "非法小广告" in formal
    spoken = describe(sub, "西单北大街", "hotline_12345", random.Random(1))
    assert spoken.startswith("市民来电反映") and "小广告" in spoken
    cover = describe(load_taxonomy().subclass_by_name("上水井盖"), "牛街", "patrol", random.Random(2))
    assert cover.startswith("牛街") and "上水井盖" in cover


def test_history_helpers() -> None:
    """Ten yearly volumes sum to 3.22M ending at 500k; old years are patrol-only."""
    vols = yearly_volumes(2015, 2024)
    assert sum(vols.values()) == 3_220_000 and vols[2024] == 500_000 and vols[2015] < vols[2020]
    tax = load_taxonomy()
    assert source_shares_for_year(2008)[tax.source_index("patrol")] > 0.99
    assert source_shares_for_year(2030)[tax.source_index("patrol")] == pytest.approx(0.9925)
