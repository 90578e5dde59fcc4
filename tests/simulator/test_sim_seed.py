"""History seeding: counts, stage mix as of the end, ids, history rows, KPIs, the command."""

from __future__ import annotations

import io
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import text

from feeds.analytics.columns import CATEGORICAL, CUBE_DTYPES
from feeds.analytics.cube import CaseCube
from feeds.analytics.cube_store import build, default_cache_path, load
from feeds.simulator.history.as_of import batch_as_of
from feeds.simulator.history.seed import SeedReport, run_seed, seed_history
from feeds.simulator.history.seed_plan import expected_cases
from feeds.simulator.model import STAGES, CaseBatch
from feeds.simulator.model.calendar import DAY_S, epoch, local_day
from feeds.simulator.model.streets import street_of_grid
from feeds.simulator.response.plan import expected_requests
from feeds.store import Store, open_store

END = epoch(2024, 3, 20, 10, 30)
START = END - 14 * DAY_S


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, SeedReport]]:
    """Fourteen days of history ending 2024-03-20 10:30 Beijing time."""
    store = open_store(str(tmp_path_factory.mktemp("seed") / "store.db"))
    report = seed_history(store, START, END, seed=11, requests=False)  # the city model alone
    yield store, report
    store.close()


def _rows(store: Store, sql: str) -> list[tuple[Any, ...]]:
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def test_seed_writes_the_expected_number_of_cases(seeded: tuple[Store, SeedReport]) -> None:
    """All planned cases land in the store, about 1,370 a day, and the KPI counters agree."""
    store, report = seeded
    assert _rows(store, "SELECT count(*), count(DISTINCT id) FROM cases")[0] == (report.cases, report.cases)
    assert abs(report.cases - expected_cases(START, END)) < 0.05 * report.cases
    assert 14 * 1100 < report.cases < 14 * 1700
    totals = store.kpis(now=END).totals or {}
    assert totals["cases"] == report.cases
    assert totals["closed"] == report.closed


def test_older_cases_are_closed_and_open_ones_recent(seeded: tuple[Store, SeedReport]) -> None:
    """Cases older than three days are ~99.6 % closed; most open cases are from the last day."""
    store, report = seeded
    cut = int(END - 3 * DAY_S)
    closed, filed = _rows(
        store, f"SELECT sum(stage = 'closed'), sum(stage != 'cancelled') FROM cases WHERE reported_at < {cut}"
    )[0]
    assert isinstance(closed, int) and isinstance(filed, int)
    assert 0.990 < closed / filed < 0.999
    open_recent, open_all = _rows(
        store,
        f"SELECT sum(reported_at >= {int(END - DAY_S)}), count(*) FROM cases "
        "WHERE stage NOT IN ('closed', 'cancelled')",
    )[0]
    assert open_all == report.open
    assert isinstance(open_recent, int) and open_recent > 0.75 * report.open
    stages = dict(_rows(store, "SELECT stage, count(*) FROM cases GROUP BY stage"))
    assert set(stages) <= set(STAGES)
    assert stages["handling"] > 0 and stages["reported"] > 0


def test_stage_times_and_deadlines_are_consistent(seeded: tuple[Store, SeedReport]) -> None:
    """Closed cases have closing times before the end and no deadline; open ones a deadline; times ordered."""
    store, _ = seeded
    assert _rows(store, f"SELECT count(*) FROM cases WHERE closed_at > {int(END)} OR reported_at >= {int(END)}")[0] == (
        0,
    )
    assert _rows(
        store, "SELECT count(*) FROM cases WHERE stage = 'closed' AND (deadline_at IS NOT NULL OR on_time IS NULL)"
    )[0] == (0,)
    assert _rows(
        store, "SELECT count(*) FROM cases WHERE stage NOT IN ('closed', 'cancelled') AND deadline_at IS NULL"
    )[0] == (0,)
    assert _rows(
        store,
        "SELECT count(*) FROM cases WHERE filed_at < reported_at OR dispatched_at < filed_at "
        "OR handled_at < dispatched_at OR closed_at < handled_at",
    )[0] == (0,)
    late = _rows(store, "SELECT avg(on_time = 0) FROM cases WHERE stage = 'closed'")[0][0]
    assert isinstance(late, float) and 0.02 < late < 0.08


def test_case_numbers_continue_day_by_day(seeded: tuple[Store, SeedReport]) -> None:
    """Each day's numbers run 1..N without gaps, and the report hands the last ones to the live simulator."""
    store, report = seeded
    per_day = _rows(
        store, "SELECT substr(id, 3, 8), max(CAST(substr(id, 11) AS INTEGER)), count(*) FROM cases GROUP BY 1"
    )
    assert all(top == n for _, top, n in per_day)
    today = local_day(END)
    assert set(report.last_seq_by_day) == {today - 1, today}
    last_day = max(per_day)
    assert report.last_seq_by_day[today] == last_day[1]


def test_history_rows_match_urges_and_reworks(seeded: tuple[Store, SeedReport]) -> None:
    """Every counted urge and rework has its case_history row; difficult cases are registered."""
    store, report = seeded
    actions = dict(_rows(store, "SELECT action, count(*) FROM case_history GROUP BY action"))
    urges, reworks, difficult = _rows(store, "SELECT sum(urges), sum(reworks), sum(difficult) FROM cases")[0]
    assert actions["urge"] == urges and actions["rework"] == reworks
    assert actions.get("difficult", 0) == difficult
    assert sum(actions.values()) == report.history_rows
    assert _rows(store, "SELECT count(*) FROM case_history h LEFT JOIN cases c ON c.id = h.case_id WHERE c.id IS NULL")[
        0
    ] == (0,)


def test_cases_sit_in_their_grids_with_street_descriptions(seeded: tuple[Store, SeedReport]) -> None:
    """Points fall near their grid, descriptions and addresses are filled, hot-spot grids draw more cases."""
    store, _ = seeded
    rows = _rows(store, "SELECT grid, lon, lat, description, address FROM cases LIMIT 500")
    units = {u[0]: (u[1], u[2]) for u in _rows(store, "SELECT code, lon, lat FROM units WHERE level = 'grid'")}
    for grid, lon, lat, description, address in rows:
        clon, clat = units[str(grid)]
        assert abs(float(str(lon)) - clon) < 0.01 and abs(float(str(lat)) - clat) < 0.01
        street = street_of_grid(str(grid))
        assert "街道" in str(address) and re.search(f"{street}[0-9]+号$", str(address)) and street in str(description)
    per_grid = [n for (n,) in _rows(store, "SELECT count(*) FROM cases GROUP BY grid")]
    assert max(per_grid) > 3 * float(np.mean(per_grid))


def test_same_seed_same_history(tmp_path: Path) -> None:
    """Seeding the same span with the same seed twice gives identical rows."""
    digests = []
    for name in ("a", "b"):
        store = open_store(str(tmp_path / f"{name}.db"))
        seed_history(store, END - 2 * DAY_S, END, seed=3)
        digests.append(_rows(store, "SELECT id, grid, subclass, stage, closed_at, lon FROM cases ORDER BY id"))
        store.close()
    assert digests[0] == digests[1] and len(digests[0]) > 2000


def test_batch_as_of_agrees_with_each_plan(year_batch: CaseBatch) -> None:
    """The vectorised cut gives every case the stage, deadline, urges and reworks its plan has at that time."""
    at = epoch(2023, 7, 1, 9)
    state = batch_as_of(year_batch, at)
    rng = random.Random(5)
    sample = [i for i in rng.sample(range(len(year_batch)), 1500) if year_batch.reported_at[i] < at]
    sample += [int(i) for i in np.flatnonzero(year_batch.rework_count > 0)[:200] if year_batch.reported_at[i] < at]
    for i in sample:
        plan = year_batch.plan(i)
        step = plan.stage_at(at)
        assert step is not None
        assert STAGES[state.stage[i]] == step.stage
        if step.deadline is None:
            assert np.isnan(state.deadline_at[i])
        else:
            assert state.deadline_at[i] == pytest.approx(step.deadline)
        assert state.urges[i] == sum(1 for u in plan.urges if u <= at)
        assert state.reworks[i] == max(0, sum(1 for s in plan.steps if s.stage == "handling" and s.at <= at) - 1)


def test_run_seed_refuses_a_store_with_cases_unless_replace(tmp_path: Path) -> None:
    """The command draws a progress bar, refuses to seed twice in one line, and starts over with replace."""
    path = str(tmp_path / "cmd.db")
    out = io.StringIO()
    assert run_seed(path, days=1, seed=1, out=out) == 0
    text_out = out.getvalue()
    assert "seeding" in text_out and "cases/s" in text_out and "Traceback" not in text_out
    first_id = open_store(path).store_id
    out = io.StringIO()
    assert run_seed(path, days=1, seed=1, out=out) == 1
    assert out.getvalue().count("\n") == 1 and "--replace" in out.getvalue()
    assert run_seed(path, days=1, seed=2, replace=True, out=io.StringIO()) == 0
    store = open_store(path)
    assert store.store_id != first_id
    assert 800 < (store.kpis().totals or {})["cases"] < 2000
    store.close()
    out = io.StringIO()
    assert run_seed(path, days=1, years=1.0, out=out) == 2 and "not both" in out.getvalue()


def test_a_seeding_stopped_in_its_last_step_says_so_and_the_next_run_finishes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl+C while the patrol tracks were written (after the summary) exited 130 without a word and left a store
    that a re-run refused ('already holds N cases'); now it says what is stored, and the re-run writes the step
    (the tracks too: they are written before the supervisors, whose presence marks the step done)."""
    from sqlalchemy import func, select

    from desktop.cli import main
    from feeds.store.schema import staff_tracks
    from feeds.supervision import cameras, roster

    argv = ["seed", "--days", "1", "--seed", "1", "--db", str(tmp_path / "last.db")]
    tracks = roster.seed_tracks

    def stopped(*args: Any, **kwargs: Any) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(roster, "seed_tracks", stopped)
    assert main(argv) == 130
    assert capsys.readouterr().err.splitlines()[-1] == (
        "gridwall seed: interrupted while writing the supervisors, their patrol tracks and the cameras; the cases "
        "are all stored: run the same command again to write them (--replace starts over)"
    )
    monkeypatch.setattr(roster, "seed_tracks", tracks)
    assert main(argv) == 0
    said = capsys.readouterr().err
    assert said.startswith("gridwall seed: the store holds ") and "cases whose seeding stopped before" in said
    store = open_store(str(tmp_path / "last.db"))
    try:
        assert roster.supervisor_count(store.engine) > 0 and cameras.camera_count(store.engine) > 0
        with store.engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(staff_tracks)).scalar_one() > 0
    finally:
        store.close()
    assert main(argv) == 1 and "--replace" in capsys.readouterr().err  # finished: refused as any seeded store


def test_progress_has_a_stable_total_and_ends_at_100_with_a_summary(tmp_path: Path) -> None:
    """Seeding reports one unchanging expected total; the bar ends at 100 % and a human summary follows."""
    calls: list[tuple[int, int]] = []
    store = open_store(str(tmp_path / "progress.db"))
    try:
        report = seed_history(store, START, END, seed=5, progress=lambda done, total: calls.append((done, total)))
    finally:
        store.close()
    assert report.requests is not None  # the 全响应 requests are seeded too, after the cases
    expected = expected_cases(START, END) + expected_requests(START, END)
    assert len(calls) > 1 and {total for _, total in calls} == {expected}
    done = [done for done, _ in calls]
    assert done == sorted(done) and calls[-1][0] == report.cases + report.requests.requests
    summary = report.summary()
    assert summary.startswith(f"seeded {report.cases:,} cases reported 2024-03-06 - 2024-03-20 (Beijing)")
    assert "SeedReport" not in summary and f"seed {report.seed}" in summary

    out = io.StringIO()
    assert run_seed(str(tmp_path / "cmd.db"), days=2, seed=3, out=out) == 0
    lines = out.getvalue().splitlines()
    totals = {line.split("/~")[1].split()[0] for line in lines if "/~" in line}
    assert len(totals) == 1 and all(" 99%" in line or "ETA" in line for line in lines[:-2])
    assert " 100% " in lines[-2] and lines[-2].endswith("done") and lines[-1].startswith("seeded ")


def _decoded(cube: CaseCube) -> list[tuple[Any, ...]]:
    """Every row of a cube with its codes decoded, in a canonical order."""
    cols = {name: cube.column(name) for name in CUBE_DTYPES}
    names = {short: cube.vocabs[short].values for short in CATEGORICAL.values()}
    return sorted(
        tuple(names[k][int(v)] if k in names else int(v) for k, v in zip(cols, row, strict=True))
        for row in zip(*cols.values(), strict=True)
    )


def test_seeding_leaves_a_cube_cache_equal_to_a_build_from_the_store(seeded: tuple[Store, SeedReport]) -> None:
    """The cube built from the seeding's own chunks is the one a full scan of the store gives."""
    store, report = seeded
    cache = default_cache_path(store.engine)
    assert cache is not None and cache.exists() and report.cube_s > 0
    cached = load(cache)
    assert cached is not None and cached.store_id == store.store_id and cached.n == report.cases
    built = build(store.engine)
    assert _decoded(cached) == _decoded(built)
    assert {k: v[1] for k, v in cached.open.items()} == {k: v[1] for k, v in built.open.items()}
    assert len(cached.open) == report.open


def test_a_finished_seeding_leaves_no_mark_and_a_stopped_one_does(
    seeded: tuple[Store, SeedReport], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store seeded to the end is complete; a seeding stopped midway (here: the disk full after the first
    chunk) leaves the store marked unfinished with what was written, and opening it to seed again empties it."""
    from sqlalchemy.exc import OperationalError

    from feeds.simulator.history.seed_store import holds_cases, open_for_seeding, seeding_unfinished

    store, _ = seeded
    assert not seeding_unfinished(store)
    partial = open_store(str(tmp_path / "partial.db"))
    real = partial.bulk_insert_columns

    def full_after_one(chunks: Iterator[Any], history: Iterator[Any]) -> Any:
        first = next(iter(chunks))
        real(iter([first]), iter(()))
        raise OperationalError("COMMIT", {}, Exception("database or disk is full"))

    monkeypatch.setattr(partial, "bulk_insert_columns", full_after_one)
    with pytest.raises(OperationalError):
        seed_history(partial, START, END, seed=3, requests=False, build_cube=False)
    assert holds_cases(partial) and seeding_unfinished(partial)
    partial.close()
    again = open_for_seeding(str(tmp_path / "partial.db"), replace=True)
    try:
        assert not holds_cases(again) and not seeding_unfinished(again)
    finally:
        again.close()
