"""Speed of three building blocks whose budgets used to be asserted inside unit tests.

Usage: PYTHONPATH=. python bench/unit_speed.py [--reps 3]

Unit tests check behaviour only (a loaded CI machine must not fail them); the
budgets live here, measured side by side on the same machine:

* planning a simulated year of ~500k cases (``plan_cases_batch``), budget 5 s;
* a cold build of the geographic units (``feeds.geo.units._build``), budget 1 s;
* folding 100k live events in batches of 500 into ``LiveState`` (the stream of
  ``tests/live/test_live_memory.py``), budget 10 s.

Prints the median and the worst of ``--reps`` runs and the ratio to the budget.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from feeds.geo.units import _build
from feeds.live import LiveState
from feeds.simulator.model.batch import plan_cases_batch
from feeds.simulator.model.calendar import epoch
from feeds.simulator.model.district import load_district

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "live"))
from live_factories import T0, fake_names, snapshot
from test_live_memory import _stream


def _plan_year() -> None:
    grids = load_district(0).grid_codes
    plan_cases_batch(epoch(2022, 1, 1), epoch(2023, 1, 1), np.random.default_rng(9), grids)


def _fold_100k() -> None:
    msgs = _stream(100_000, random.Random(7))
    st = LiveState(fake_names())
    st.apply([snapshot(0)], now=T0)
    for i in range(0, len(msgs), 500):
        st.apply(msgs[i : i + 500], now=T0 + i * 0.5)
        st.tick(T0 + i * 0.5)


def _time(fn: Callable[[], object], reps: int) -> list[float]:
    out = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    """Run each block ``--reps`` times and print median, worst and budget ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    reps = parser.parse_args().reps
    blocks: list[tuple[str, Callable[[], object], float]] = [
        ("plan a year (~500k cases)", _plan_year, 5.0),
        ("geo units, cold build", lambda: _build(None), 1.0),
        ("LiveState: fold 100k events", _fold_100k, 10.0),
    ]
    print(f"{'block':32} {'median s':>9} {'worst s':>9} {'budget s':>9} {'worst/budget':>13}")
    for name, fn, budget in blocks:
        times = _time(fn, reps)
        worst = max(times)
        print(f"{name:32} {statistics.median(times):9.3f} {worst:9.3f} {budget:9.1f} {worst / budget:13.2f}")


if __name__ == "__main__":
    main()
