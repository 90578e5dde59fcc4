"""A seeded store against the source document: every fact within its tolerance, ``gridwall stats``, weather, growth."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import text

from desktop.cli import main
from feeds.analytics.facts import FactRow, _response_facts, document_facts, render_markdown, render_text
from feeds.simulator.environment.weather import Weather
from feeds.simulator.model import CaseBatch, plan_cases_batch
from feeds.simulator.model.arrivals import YEAR_S, history_windows, hour_rates
from feeds.simulator.model.calendar import DAY_S, HOUR_S, epoch
from feeds.simulator.model.district import load_district
from feeds.simulator.response.history import seed_requests
from feeds.store import Store, open_store
from feeds.taxonomy import load_taxonomy

START, END = epoch(2024, 6, 25), epoch(2024, 9, 1)
"""68 summer days (~100k cases): July and August for the storm check, old enough cases for closure."""
SEED = 7
NEEDS_LONGER_SPAN = {
    "ten_year_total",
    "bbq",
    "wall_openings",
    "r_ten_year_total",
    "r_resolution_2019",
    "r_satisfaction_2019",
}


@pytest.fixture(scope="module")
def summer_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, Path]:
    """A store seeded with the summer sample (seed 7)."""
    from feeds.simulator.history.seed import seed_history

    path = Path(tmp_path_factory.mktemp("document")) / "summer.db"
    store = open_store(str(path))
    seed_history(store, START, END, seed=SEED)
    return store, path


@pytest.fixture(scope="module")
def facts(summer_store: tuple[Store, Path]) -> dict[str, FactRow]:
    """The facts measured on the summer store, by key."""
    return {row.key: row for row in document_facts(summer_store[0].engine)}


def test_every_fact_within_its_tolerance(facts: dict[str, FactRow]) -> None:
    """Each fact of the document and each shape check is within tolerance; only span-bound ones are skipped."""
    off = {k: (r.simulated, r.tolerance) for k, r in facts.items() if r.status == "off"}
    assert not off
    assert {k for k, r in facts.items() if r.status == "skipped"} == NEEDS_LONGER_SPAN
    assert len(facts) >= 20


def test_issue_table_mismatches_are_fixed(facts: dict[str, FactRow]) -> None:
    """The issue's table: patrol > 99 %, components ~1.9 %, filed 97.2 %, app ~126 in 3.22M, skewed grids."""
    assert facts["patrol_share"].simulated is not None and facts["patrol_share"].simulated > 0.99
    assert facts["component_share"].simulated == pytest.approx(0.019, abs=0.004)
    assert facts["filed_share"].simulated == pytest.approx(0.972, abs=0.005)
    assert facts["app_reports"].simulated is not None and facts["app_reports"].simulated < 500
    assert facts["grid_day_dispersion"].simulated is not None and facts["grid_day_dispersion"].simulated > 1.3
    assert facts["top_decile_grids"].simulated is not None and facts["top_decile_grids"].simulated > 0.3
    assert facts["empty_grids"].simulated is not None and facts["empty_grids"].simulated > 0.01
    assert facts["ontime_agreement"].simulated == pytest.approx(0.0, abs=1e-3)


def test_rainstorms_bring_waterlogging_peaks(summer_store: tuple[Store, Path]) -> None:
    """In July-August, 积水 is reported at least four times as often per hour under a rainstorm warning."""
    code = load_taxonomy().subclass_by_name("积水").code
    july = epoch(2024, 7, 1)
    with summer_store[0].engine.connect() as conn:
        query = text("SELECT reported_at FROM cases WHERE subclass = :s AND reported_at >= :t")
        times = np.array([int(t) for (t,) in conn.execute(query, {"s": code, "t": july})])
    minutes = np.arange(july, END, 60.0)
    storm = np.zeros(minutes.size, dtype=bool)
    for w in Weather(SEED).warnings_between(july, END):
        if w.kind == "rainstorm":
            storm |= (minutes >= w.issued_at) & (minutes < w.expires_at)
    in_storm = storm[((times - july) // 60).astype(np.int64)]
    assert 2 * 60 <= storm.sum() <= minutes.size // 4
    rate_storm = in_storm.sum() / storm.sum()
    rate_other = (~in_storm).sum() / (~storm).sum()
    assert rate_storm > 4 * rate_other


def test_stats_command_prints_the_table(summer_store: tuple[Store, Path], capsys: pytest.CaptureFixture[str]) -> None:
    """``gridwall stats`` prints every fact with its status and exits 0; ``--markdown`` gives the docs table."""
    assert main(["stats", "--db", str(summer_store[1])]) == 0
    out = capsys.readouterr().out
    assert "found by supervisors' patrol" in out and "0 outside, 6 skipped" in out
    assert main(["stats", "--db", str(summer_store[1]), "--markdown", "--lang", "zh"]) == 0
    assert "| 监督员巡查发现 · found by supervisors' patrol | > 99 % |" in capsys.readouterr().out


def test_stats_command_refuses_a_missing_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A store path that does not exist is one line and exit code 1, and no file is created."""
    missing = tmp_path / "none.db"
    assert main(["stats", "--db", str(missing)]) == 1
    assert "no store at" in capsys.readouterr().err and not missing.exists()


def test_closure_is_skipped_on_a_store_shorter_than_a_week(tmp_path: Path) -> None:
    """A store of three days has no case old enough to judge closure: skipped with the reason (it was 0.00 %, off),
    as the 全响应 closure is."""
    from feeds.simulator.history.seed import seed_history

    store = open_store(str(tmp_path / "short.db"))
    try:
        seed_history(store, END - 3 * DAY_S, END, seed=SEED, build_cube=False)
        rows = {row.key: row for row in document_facts(store.engine)}
    finally:
        store.close()
    assert rows["closure_rate"].status == "skipped" and rows["r_closure"].status == "skipped"
    assert rows["closure_rate"].note == "needs cases 7 days old; the store spans 3 days"


def test_volume_ramps_without_steps_between_years() -> None:
    """Adjacent seeding years meet at the same rate, and counts do not jump at the boundary."""
    end = epoch(2024, 3, 20)
    windows = history_windows(end - 3 * YEAR_S, end)
    for (_, hi, _, v_end), (lo, _, v_start, _) in itertools.pairwise(windows):
        assert hi == lo and v_end == pytest.approx(v_start)
    tax, grids = load_taxonomy(), load_district(0).grid_codes
    boundary = windows[1][0]
    counts, expected = [], []
    for k, (lo, hi, v0, v1) in enumerate(windows[:2]):
        a, b = (boundary - 28 * DAY_S, boundary) if k == 0 else (boundary, boundary + 28 * DAY_S)
        volume = v0 + (v1 - v0) * (a - lo) / (hi - lo)
        volume_b = v0 + (v1 - v0) * (b - lo) / (hi - lo)
        batch = plan_cases_batch(
            a, b, np.random.default_rng(k), grids, cases_per_year=volume, cases_per_year_end=volume_b
        )
        counts.append(len(batch))
        flat = hour_rates(a, b, tax, 400_000, None)  # the same hours at a constant volume: seasonality only
        expected.append(float((flat[2].sum(axis=1) * flat[1] / HOUR_S).sum()))
    step = (counts[1] / expected[1]) / (counts[0] / expected[0])
    assert step == pytest.approx(1.0, abs=0.03)  # was 1.06-1.09 with a volume per year


def test_night_rule_makes_no_case_late(year_batch_stats: dict[str, float]) -> None:
    """8 h cleaning types are late no more often than the rest; verification keeps its own deadline."""
    assert year_batch_stats["late_8h"] == pytest.approx(year_batch_stats["late_all"], abs=0.01)
    assert year_batch_stats["verify_overrun"] < 0.01


@pytest.fixture(scope="module")
def year_batch_stats(year_batch: CaseBatch) -> dict[str, float]:
    """Lateness of the 8 h types, of all closed cases, and verification overruns in the simulated year."""
    tax = year_batch.taxonomy
    closed = ~np.isnan(year_batch.closed_at)
    handling_h = np.array([s.deadlines_h.handling for s in tax.subclasses])[year_batch.subclass]
    verify_s = np.array([s.deadlines_h.verifying for s in tax.subclasses])[year_batch.subclass] * HOUR_S
    overrun = year_batch.closed_at[closed] > year_batch.closure_requested_at[closed] + verify_s[closed]
    return {
        "late_8h": float(year_batch.overdue[closed & (handling_h == 8)].mean()),
        "late_all": float(year_batch.overdue[closed].mean()),
        "verify_overrun": float(overrun.mean()),
    }


def test_taxonomy_levels_row_shows_the_counts(tmp_path: Path) -> None:
    """The 全响应 taxonomy row shows its levels 5 / 21 / 109 / 571, not the match flag (1), in both renderings."""
    store = open_store(str(tmp_path / "levels.db"))
    try:
        seed_requests(store, END - 3 * DAY_S, END, load_district(0, frozenset(store.reference.grids)), seed=1)
        row = {r.key: r for r in _response_facts(store.engine)}["r_taxonomy"]
    finally:
        store.close()
    assert row.status == "ok" and row.simulated == 1.0
    assert row.shown(row.simulated) == "5 / 21 / 109 / 571" and row.tolerance == "= 5 / 21 / 109 / 571"
    table = render_markdown([row])
    assert "| 5 / 21 / 109 / 571 | 5 / 21 / 109 / 571 | = 5 / 21 / 109 / 571 | ok |" in table
    assert "| 1 |" not in table and "5 / 21 / 109 / 571  = 5 / 21 / 109 / 571  ok" in render_text([row])
