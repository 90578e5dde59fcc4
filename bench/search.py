"""Case search benchmark: the workstation's free-text search through the text index vs ``LIKE '%…%'``.

Usage: PYTHONPATH=. python bench/search.py [--days 365] [--reps 7] [--quick] [--db PATH]

Seeds (or reuses, at ``--db``) a SQLite store with a year of the district's simulated
history (~500k cases) and asks the workstation's ``cases`` query (count + first page of
50, newest first, the whole district over the year) for each search text ``--reps``
times: through the FTS5 trigram index (counting up to the default limit, and again up
to 10,000), and with the index switched off and every match counted (the ``LIKE`` scan
every store used before schema 3), in the same process, alternately. Answers are
compared: the same rows, the same count up to the limit, "more" exactly when the scan
found more. Each call's CPU time is printed beside its wall-clock time (on a loaded
machine the wall clock mostly measures waiting for a core). Texts shorter than 3
characters have no trigram and scan in both (shown apart).
Prints p50/p95 per text, the p95 over every indexed run, the ratio and the 20 ms target.
``--quick`` seeds a week. :func:`run` returns the figures as rows.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any
from unittest import mock

from feeds.analytics import caselist
from feeds.analytics.naming import Names
from feeds.analytics.params import Params
from feeds.geo.units import load_units
from feeds.simulator.history.seed import seed_history
from feeds.store import Store, open_store
from feeds.store.search import COUNT_LIMIT, MIN_INDEXED_CHARS, store_has_index
from feeds.taxonomy import load_taxonomy

END = 1_764_900_000.0  # 2025-12-05 10:00 Beijing
TEXTS = (
    "小广告",
    "机动车乱停放",
    "暴露垃圾",
    "西单北大街",
    "护国寺",
    "什刹海",
    "露天烧烤",
    "开墙打洞",
    "XC202511",
    "暴露",
)
TARGET_MS = 20.0
EXACT = 100_000_000
WIDE = 10_000


def _store(path: Path, days: float) -> Store:
    store = open_store(str(path))
    if not (store.kpis().totals or {}).get("cases"):
        t = time.perf_counter()
        report = seed_history(store, END - days * 86_400, END, seed=1, build_cube=False)
        print(f"seeded {report.cases:,} cases in {time.perf_counter() - t:.1f} s")
    return store


def _timed(fn: Callable[[], dict[str, Any]], reps: int) -> tuple[list[float], list[float], dict[str, Any]]:
    """Wall-clock and CPU milliseconds of each call (CPU time: what the search itself costs on a loaded machine)."""
    times, cpu, answer = [], [], {}
    for _ in range(reps):
        t, c = time.perf_counter(), time.process_time()
        answer = fn()
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    return times, cpu, answer


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def run(quick: bool = False, *, days: float = 365, reps: int = 7, db: str | None = None) -> list[dict[str, Any]]:
    """Time every text through the index and by ``LIKE``; returns the figure rows."""
    days, reps = (7, 5) if quick else (days, reps)
    with tempfile.TemporaryDirectory(prefix="gridwall-search-bench-") as tmp:
        store = _store(Path(db) if db else Path(tmp) / "search.db", days)
        assert store_has_index(store.engine), "the store has no text index (SQLite without FTS5 trigram?)"
        names = Names(load_units(), load_taxonomy())

        def ask(text: str, indexed: bool, count_limit: int | None = None) -> dict[str, Any]:
            # the baseline is the scan every store used before the index: LIKE, every match counted
            count = {"count_limit": count_limit or EXACT} if count_limit or not indexed else {}
            params = Params({"range": "year", "q": text, "limit": 50, **count}, END)
            with mock.patch.object(caselist, "store_has_index", lambda _engine: indexed):
                return caselist.case_list(store.engine, names, params)

        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; reps: {reps}")
        print(f"count limit: {COUNT_LIMIT:,} (default); 'limit 10k': the same search counting up to {WIDE:,}")
        print(
            f"{'text':14} {'found':>8} {'index p50':>10} {'p95':>8} {'CPU p95':>8} {'limit 10k p95':>13} "
            f"{'LIKE p50':>10} {'p95':>8} {'ratio':>6} equal"
        )
        indexed_all: list[float] = []
        cpu_all: list[float] = []
        wide_all: list[float] = []
        like_all: list[float] = []
        for text in TEXTS:
            ours, cpu, answer = _timed(partial(ask, text, True), reps)
            wide, _, _ = _timed(partial(ask, text, True, WIDE), reps)
            base, _, base_answer = _timed(partial(ask, text, False), reps)
            # the same rows; the same count up to the limit, and "more" exactly when the scan found more
            more = base_answer["total"] > COUNT_LIMIT
            counted = answer["total"] == min(base_answer["total"], COUNT_LIMIT) and answer["total_exact"] != more
            equal = counted and answer["rows"] == base_answer["rows"]
            short = len(text) < MIN_INDEXED_CHARS
            note = "  (short: LIKE both)" if short else ""
            if not short:
                indexed_all += ours
                cpu_all += cpu
                wide_all += wide
                like_all += base
            print(
                f"{text:14} {base_answer['total']:8,} {statistics.median(ours):8.1f}ms {_p95(ours):6.1f}ms "
                f"{_p95(cpu):6.1f}ms {_p95(wide):11.1f}ms {statistics.median(base):8.1f}ms {_p95(base):6.1f}ms "
                f"{statistics.median(base) / statistics.median(ours):5.1f}x {equal}{note}"
            )
        store.close()
    p95, base95 = _p95(indexed_all), _p95(like_all)
    print(f"search p95 over every indexed text: {p95:.1f} ms; LIKE p95: {base95:.1f} ms; ratio {base95 / p95:.1f}x")
    print(f"search CPU p95 over every indexed text: {_p95(cpu_all):.1f} ms")
    print(f"search p95 counting up to {WIDE:,}: {_p95(wide_all):.1f} ms")
    print(f"target: p95 <= {TARGET_MS:.0f} ms: {'met' if p95 <= TARGET_MS else 'missed'}")
    return [
        {
            "figure": "free-text case search p95, a year of the district",
            "value": p95,
            "baseline": base95,
            "baseline_label": "LIKE '%…%' over the same rows",
            "ratio": p95 / base95,
            "target": TARGET_MS,
        }
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=365)
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--db", default=None, help="reuse (or seed once) a store here")
    args = parser.parse_args()
    run(args.quick, days=args.days, reps=args.reps, db=args.db)


if __name__ == "__main__":
    main()
