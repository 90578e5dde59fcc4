"""Bulk-seeding benchmark: Core executemany into the SQLite store vs ORM-free per-row inserts.

Usage: python bench/store_bulk.py [N=500000] [--baseline N_BASELINE]

Prints the rate of :meth:`feeds.store.Store.bulk_insert_cases` on ``N``
synthetic cases (with KPI counters maintained), the extrapolated time for
3.22M cases, and, side by side, a naive baseline that inserts the same rows
one ``execute`` per row in one transaction.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from feeds.store import open_store
from feeds.store.schema import cases

STAGES_DONE = ("closed",) * 996 + ("handling",) * 2 + ("cancelled",) * 2
SPAN_S = 10 * 365 * 86_400  # ten years, ending now


def synthetic_cases(
    n: int, grids: list[str], subclasses: list[tuple[str, str, str]], seed: int = 7
) -> Iterator[dict[str, Any]]:
    """Plausible historical case rows (ten years, mostly closed)."""
    rng = random.Random(seed)
    start = int(time.time()) - SPAN_S
    for i in range(n):
        reported = start + int(SPAN_S * i / n) - rng.randrange(60)
        code, kind, dept = subclasses[rng.randrange(len(subclasses))]
        stage = STAGES_DONE[rng.randrange(len(STAGES_DONE))]
        filed = reported + 600 if stage != "cancelled" else None
        row: dict[str, Any] = {
            "id": f"XC{i:09d}",
            "kind": kind,
            "subclass": code,
            "source": "patrol",
            "grid": grids[rng.randrange(len(grids))],
            "department": dept,
            "lon": 116.36 + rng.random() * 0.03,
            "lat": 39.90 + rng.random() * 0.04,
            "stage": stage,
            "reported_at": reported,
            "filed_at": filed,
            "dispatched_at": reported + 1200 if filed else None,
            "handled_at": reported + 7200 if stage == "closed" else None,
            "closed_at": reported + 10_800 if stage == "closed" else None,
            "cancelled_at": reported + 900 if stage == "cancelled" else None,
            "on_time": (rng.random() < 0.97) if stage == "closed" else None,
            "deadline_at": reported + 86_400 if stage == "handling" else None,
        }
        yield row


def _median_ms(fn: Any, runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return sorted(times)[len(times) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=500_000)
    parser.add_argument("--baseline", type=int, default=50_000, help="rows for the per-row baseline (0: skip)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "bench.db"))
        grids = sorted(store.reference.grids) or ["110102001001001"]
        subs = [(c, k, d) for c, (k, d) in sorted(store.reference.subclasses.items())] or [("1201", "event", "D01")]
        rows = list(synthetic_cases(args.n, grids, subs))
        t = time.perf_counter()
        store.bulk_insert_cases(rows)
        bulk_s = time.perf_counter() - t
        kpi = store.kpis()
        kpi_ms = _median_ms(store.kpis)
        snap_ms = _median_ms(store.snapshot, runs=3)
        snap = store.snapshot()
        rate = args.n / bulk_s
        print(f"bulk_insert_cases: {args.n} cases in {bulk_s:.2f} s = {rate:,.0f} cases/s")
        print(f"  extrapolated 3.22M cases: {3_220_000 / rate:.1f} s (target <= 60 s)")
        print(f"  totals from counters: {kpi.totals}")
        print(f"  kpis(): {kpi_ms:.2f} ms; snapshot(): {snap_ms:.0f} ms for {len(snap.cases)} cases")
        store.close()
        if args.baseline:
            base = open_store(str(Path(tmp) / "baseline.db"), load_reference_data=False)
            sample = [dict(r, id="B" + r["id"]) for r in rows[: args.baseline]]
            t = time.perf_counter()
            with base.engine.connect() as conn, conn.begin():
                for r in sample:
                    conn.execute(insert(cases).values(community=r["grid"][:12], subdistrict=r["grid"][:9], **r))
            base_s = time.perf_counter() - t
            base_rate = len(sample) / base_s
            print(f"baseline one execute per row: {len(sample)} cases in {base_s:.2f} s = {base_rate:,.0f} cases/s")
            print(f"  ratio bulk/baseline: {rate / base_rate:.1f}x")
            base.close()


if __name__ == "__main__":
    main()
