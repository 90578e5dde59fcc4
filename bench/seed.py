"""Seeding benchmark: ten years of simulated history (3.22M cases) end to end vs plain ``sqlite3.executemany``.

Usage: PYTHONPATH=. python bench/seed.py [--years 10] [--runs 1] [--quick] [--dir /tmp]

* **gridwall**: :func:`feeds.simulator.history.seed.seed_history` into a fresh SQLite
  store, everything a first ``gridwall demo`` does before the server starts: plan and cut
  every year, build the column chunks, write them with the KPI counters, rebuild the
  secondary indexes and the text index of case search, build the analytics cube from
  the same chunks and save its cache.
* **baseline**: the same rows (the same generator and seed, built beforehand and not
  timed) written by one raw ``sqlite3.executemany`` per 50,000 rows into a table of the
  same columns with only its primary key (same WAL/synchronous pragmas): what the engine
  does with no counters, no secondary index, no text index and no cube.

Prints wall-clock and CPU seconds (the machine is shared: CPU seconds show the work
done whatever the load), the medians over ``--runs``, the ratio to the baseline and the
30 s target of issue 11. ``--quick`` seeds a week (for CI: checks the benchmark runs).
:func:`run` returns the figures as rows.
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from feeds.simulator.history.seed import seed_history
from feeds.simulator.history.seed_plan import history_chunks
from feeds.simulator.model.arrivals import YEAR_S
from feeds.simulator.model.district import load_district
from feeds.store import open_store
from feeds.store.bulk import CASE_COLUMNS, column_tuples

END = 1_764_900_000.0  # 2025-12-05 10:00 Beijing: fixed, so every run writes the same rows
SEED = 1
TARGET_S = 30.0


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _fresh(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", ".cube.npz"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def seed_once(path: Path, span_s: float) -> dict[str, float]:
    """One end-to-end seeding into a fresh store; wall and CPU seconds, cases, cube seconds."""
    _fresh(path)
    store = open_store(str(path))
    wall, cpu = time.perf_counter(), _cpu()
    report = seed_history(store, END - span_s, END, seed=SEED)
    wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    store.close()
    return {"wall": wall, "cpu": cpu, "cases": report.cases, "cube": report.cube_s, "planning": report.planning_s}


def baseline_once(path: Path, span_s: float) -> dict[str, float]:
    """The same rows by raw ``executemany`` into a primary-key-only table; only the writing is timed."""
    _fresh(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    columns = ", ".join(f"{c} PRIMARY KEY" if c == "id" else c for c in CASE_COLUMNS)
    conn.execute(f"CREATE TABLE cases ({columns})")
    sql = f"INSERT INTO cases VALUES ({', '.join('?' * len(CASE_COLUMNS))})"
    district = load_district(0)
    wall = cpu = 0.0
    n = 0
    for item in history_chunks(END - span_s, END, SEED, district, 50_000):
        if not isinstance(item, dict):
            continue
        rows = list(column_tuples("cases", item))
        t, c = time.perf_counter(), _cpu()
        conn.execute("BEGIN")
        conn.executemany(sql, rows)
        conn.execute("COMMIT")
        wall, cpu = wall + time.perf_counter() - t, cpu + _cpu() - c
        n += len(rows)
    conn.close()
    return {"wall": wall, "cpu": cpu, "cases": n}


def run(
    quick: bool = False, *, years: float | None = None, runs: int = 1, where: str | None = None
) -> list[dict[str, Any]]:
    """Seed and baseline ``runs`` times each; returns the figure rows (medians)."""
    span = (7 / 365 if quick else (years if years is not None else 10.0)) * YEAR_S
    with tempfile.TemporaryDirectory(prefix="gridwall-seed-bench-", dir=where) as tmp:
        ours = [seed_once(Path(tmp) / "seed.db", span) for _ in range(runs)]
        base = [baseline_once(Path(tmp) / "base.db", span) for _ in range(runs)]
    med = {k: statistics.median(r[k] for r in ours) for k in ours[0]}
    bmed = {k: statistics.median(r[k] for r in base) for k in base[0]}
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f}; runs: {runs}")
    print(f"cases: {int(med['cases']):,}")
    for r in ours:
        print(
            f"  run: {r['wall']:.1f} s wall, {r['cpu']:.1f} s CPU "
            f"(cube {r['cube']:.1f} s, planning {r['planning']:.1f} s)"
        )
    print(f"seeding with cube: median {med['wall']:.1f} s wall, {med['cpu']:.1f} s CPU (target <= {TARGET_S:.0f} s)")
    print(f"baseline executemany: median {bmed['wall']:.1f} s wall, {bmed['cpu']:.1f} s CPU")
    print(f"ratio seeding/baseline: {med['wall'] / bmed['wall']:.1f}x wall, {med['cpu'] / bmed['cpu']:.1f}x CPU")
    return [
        {
            "figure": f"seeding {int(med['cases']):,} cases incl. indexes, text index and cube (wall s)",
            "value": med["wall"],
            "baseline": bmed["wall"],
            "baseline_label": "raw sqlite3.executemany of the same rows, primary key only",
            "ratio": med["wall"] / bmed["wall"],
            "target": TARGET_S if not quick else None,
            "cpu_s": med["cpu"],
            "baseline_cpu_s": bmed["cpu"],
        }
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=float, default=10.0)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="a week of history (checks the benchmark runs)")
    parser.add_argument("--dir", default=None, help="where the temporary stores go")
    args = parser.parse_args()
    run(args.quick, years=args.years, runs=args.runs, where=args.dir)


if __name__ == "__main__":
    main()
