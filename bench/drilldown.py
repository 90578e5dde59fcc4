"""Drill-down benchmark: the CaseCube against the plain indexed SQL GROUP BY, on the full 3.22M-case store.

Usage::

    python bench/drilldown.py [--db /tmp/gridwall-bench/drilldown.db] [--cases 3220000] [--reps 7]

Seeds (or reuses) a SQLite store with ten years of simulated history
(:func:`feeds.simulator.model.plan_cases_batch`, yearly volumes growing to
500k), builds the cube, saves and reloads its cache, then runs every query
kind at every level ``--reps`` times warm on the cube and ``--sql-reps`` times
on the SQL reference (:class:`feeds.analytics.SqlIndicators`, the same
queries through plain GROUP BYs) in the same process, checks that both
answer the same, and prints p50/p95 and the ratio of medians.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import resource
import statistics
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from feeds.analytics import QueryService, Selection, apply_events, forecast
from feeds.analytics.cube_store import build, case_count, load, save, sync
from feeds.analytics.drill import drill, ranking, trend, types
from feeds.analytics.early_warning import find_anomalies, warnings
from feeds.analytics.indexes import ensure_indexes
from feeds.analytics.params import Params
from feeds.analytics.periods import DAY_S, local_day, local_midnight
from feeds.geo.units import load_units
from feeds.protocol import CaseCreated, CaseInfo, CaseStageChanged, Message
from feeds.simulator.model import plan_cases_batch, yearly_volumes
from feeds.store import open_store
from feeds.store.schema import cases

BEIJING = dt.timezone(dt.timedelta(hours=8))
NOW = int(dt.datetime(2025, 12, 20, 15, 30, tzinfo=BEIJING).timestamp())
FIRST_YEAR, LAST_YEAR = 2016, 2025
STAGE_ORDER = ("filed_at", "dispatched_at", "handling_at", "closure_requested_at", "verifying_at", "closed_at")
STAGE_NAMES = ("filed", "dispatched", "handling", "closure_requested", "verifying", "closed")


def rss_mb() -> float:
    """Current resident set size in MB (Linux)."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def _opt(a: np.ndarray, now: int) -> list[Any]:
    """Epoch seconds as ints, ``None`` where NaN or after ``now``."""
    values = np.nan_to_num(a).astype(np.int64).astype(object)
    values[np.isnan(a) | (a > now)] = None
    return list(values)


def batch_rows(batch: Any, now: int, units: Any) -> Iterator[dict[str, Any]]:
    """Store rows of a planned batch as they stand at ``now`` (future steps not yet taken)."""
    tax = batch.taxonomy
    n = len(batch)
    subs = tax.subclasses
    stage = np.full(n, "reported", dtype=object)
    for attr, name in zip(STAGE_ORDER, STAGE_NAMES, strict=True):
        t = getattr(batch, attr)
        stage[~np.isnan(t) & (t <= now)] = name
    stage[batch.cancelled & (np.nan_to_num(batch.cancelled_at, nan=np.inf) <= now)] = "cancelled"
    closed = stage == "closed"
    dates = {d: (dt.date(1970, 1, 1) + dt.timedelta(days=int(d))).strftime("%Y%m%d") for d in np.unique(batch.day)}
    grids = [batch.grid_codes[g] for g in batch.grid.tolist()]
    centroid = {g.code: g.centroid for g in units.grids}
    hdl = np.where(np.isnan(batch.dispatched_at) | (batch.dispatched_at > now), np.nan, batch.handling_deadline)
    columns = {
        "filed_at": _opt(batch.filed_at, now),
        "dispatched_at": _opt(batch.dispatched_at, now),
        "handled_at": _opt(batch.closure_requested_at, now),
        "closed_at": _opt(batch.closed_at, now),
        "cancelled_at": _opt(batch.cancelled_at, now),
        "handle_deadline_at": _opt(hdl, np.inf),  # type: ignore[arg-type]
    }
    open_ = ~np.isin(stage, ("closed", "cancelled"))
    for i in range(n):
        sub = subs[batch.subclass[i]]
        lon, lat = centroid[grids[i]]
        row = {
            "id": f"XC{dates[batch.day[i]]}{batch.seq[i]:06d}",
            "kind": sub.kind,
            "subclass": sub.code,
            "source": tax.sources[batch.source[i]].code,
            "grid": grids[i],
            "department": sub.department,
            "lon": lon,
            "lat": lat,
            "stage": stage[i],
            "reported_at": int(batch.reported_at[i]),
            "address": f"{grids[i][-6:]}号",
            "description": f"{sub.name_zh}：巡查发现，请处置",
            "difficult": bool(batch.difficult[i]),
            "reworks": int(batch.rework_count[i]) if closed[i] else 0,
            "urges": int(batch.urge_count[i]),
            "on_time": bool(not batch.overdue[i]) if closed[i] else None,
            "deadline_at": columns["handle_deadline_at"][i] if open_[i] else None,
        }
        for k, values in columns.items():
            row[k] = values[i]
        yield row


def seed(db: Path, total: int) -> None:
    """Seed ten years of history ending at :data:`NOW` (prints progress)."""
    store = open_store(str(db))
    units = load_units()
    grid_codes = [g.code for g in units.grids]
    volumes = yearly_volumes(FIRST_YEAR, LAST_YEAR, total, final=round(total * 500_000 / 3_220_000))  # any --cases
    rng = np.random.default_rng(2026)
    started, done = time.perf_counter(), 0
    for year, volume in volumes.items():
        start = int(dt.datetime(year, 1, 1, tzinfo=BEIJING).timestamp())
        end = min(int(dt.datetime(year + 1, 1, 1, tzinfo=BEIJING).timestamp()), NOW)
        batch = plan_cases_batch(start, end, rng, grid_codes, cases_per_year=volume * 365 * 86400 / (end - start))
        done += store.bulk_insert_cases(batch_rows(batch, NOW, units))
        took = time.perf_counter() - started
        print(f"  seeded {year}: {len(batch):,} cases, {done:,} total, {took:.0f} s", flush=True)
    print(f"seeding: {done:,} cases in {time.perf_counter() - started:.1f} s", flush=True)
    store.close()


def timed(fn: Callable[[], Any], reps: int) -> tuple[list[float], Any]:
    """Run ``fn`` once to warm up, then ``reps`` times; returns the times in ms and the last result."""
    result = fn()
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return times, result


def p95(xs: list[float]) -> float:
    """95th percentile (nearest rank)."""
    s = sorted(xs)
    return s[min(len(s) - 1, int(np.ceil(0.95 * len(s))) - 1)]


def _strip(d: Any) -> Any:
    if isinstance(d, dict):
        return {k: _strip(v) for k, v in d.items() if k not in ("elapsed_ms", "engine", "query")}
    if isinstance(d, list):
        return [_strip(x) for x in d]
    return d


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, default=Path("/tmp/gridwall-bench/drilldown.db"))
    ap.add_argument("--cases", type=int, default=3_220_000)
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--sql-reps", type=int, default=3)
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores, {_cpu()}; load average {os.getloadavg()[0]:.1f}; numpy {np.__version__}")
    print(f"store: {args.db}")
    if not args.db.exists():
        args.db.parent.mkdir(parents=True, exist_ok=True)
        partial = args.db.with_name(args.db.name + ".partial")  # a seeding cut short is never reused
        partial.unlink(missing_ok=True)
        seed(partial, args.cases)
        partial.rename(args.db)
    engine = open_store(str(args.db)).engine
    t = time.perf_counter()
    ensure_indexes(engine)
    print(f"extra indexes (updated_seq, community+reported_at): {time.perf_counter() - t:.1f} s")
    svc = QueryService(engine, clock=lambda: NOW, sync_interval_s=1e9, create_indexes=False)
    print(f"cases in store: {case_count(engine):,}")
    gc.collect()
    rss0 = rss_mb()
    peak = [rss0]

    def progress(n: int) -> None:
        peak.append(rss_mb())
        if n % 1_000_000 == 0:
            print(f"  read {n:,} rows", flush=True)

    t = time.perf_counter()
    cube = build(engine, progress=progress)
    build_s = time.perf_counter() - t
    path = args.db.with_name(args.db.name + ".cube.npz")
    t = time.perf_counter()
    save(cube, path)
    save_s = time.perf_counter() - t
    del cube
    gc.collect()
    t = time.perf_counter()
    loaded = load(path)
    assert loaded is not None
    sync(loaded, engine)
    load_s = time.perf_counter() - t
    svc.cube = loaded
    print(
        f"cube build from SQLite: {build_s:.1f} s; cache save {save_s:.2f} s ({path.stat().st_size / 1e6:.0f} MB); "
        f"cache load + sync {load_s:.2f} s"
    )
    print(
        f"cube memory: {loaded.nbytes() / 1e6:.0f} MB in columns for {loaded.n:,} cases "
        f"({loaded.nbytes() / loaded.n:.1f} B/case); RSS peak +{max(peak) - rss0:.0f} MB during the build; "
        f"{len(loaded.open):,} open cases indexed"
    )
    run_queries(svc, args.reps, args.sql_reps)
    extras(svc)
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo") as fh:
            return next(line.split(":", 1)[1].strip() for line in fh if line.startswith("model name"))
    except (OSError, StopIteration):
        return "unknown CPU"


def extras(svc: QueryService) -> None:
    """Forecast MAPE and anomaly false alarms on the seeded history; live apply and sync costs."""
    cube = svc.cube
    assert cube is not None
    end = local_midnight(NOW)
    weeks = 20
    sel = Selection("110102", end - weeks * 7 * DAY_S, end, NOW)
    first = local_day(sel.start)
    series: dict[str, np.ndarray] = {}
    for (sub, day), n in cube.count_by(sel, ("subclass", "day")).items():
        series.setdefault(str(sub), np.zeros(weeks * 7))[int(day) - first] = n
    ranked = sorted(series, key=lambda k: -series[k].sum())
    for top in (5, 20):
        y = np.array([series[k] for k in ranked[:top]])
        scores = {
            m: np.mean([forecast.backtest(y[:, : y.shape[1] - 7 * k], 7, m)["mape"] for k in range(4)])
            for m in forecast.METHODS
        }
        print(
            f"forecast MAPE, top {top} types district-wide, 4 held-out weeks: "
            + ", ".join(f"{m} {v:.3f}" for m, v in scores.items())
        )
    alarms = 0
    for d in range(28):
        day_start = end - (d + 1) * DAY_S
        alarms += len(find_anomalies(cube, svc.names, Selection("110102", day_start, day_start + DAY_S, NOW)))
    print(f"anomaly alarms on the last 28 simulated days (no planted anomalies; 15 x 179 series a day): {alarms}")
    msgs: list[Message] = []
    spec = svc.names.subclass_info("1201")
    assert spec is not None
    grid = load_units().grids[0].code
    for k in range(2000):
        case_id, at = f"BENCH{k:06d}", NOW + k
        info = CaseInfo(case_id, spec.kind, spec.code, "app", grid, 116.37, 39.91, "reported", at, spec.department)
        msgs += [CaseCreated(info, ts=at), CaseStageChanged(case_id, "filed", ts=at + 60)]
        msgs.append(CaseStageChanged(case_id, "handling", deadline=at + 7200, ts=at + 120))
    t = time.perf_counter()
    for i in range(0, len(msgs), 60):
        apply_events(cube, msgs[i : i + 60])
    took = time.perf_counter() - t
    print(f"live apply: {len(msgs):,} events in batches of 60 in {took:.2f} s = {len(msgs) / took:,.0f} events/s")
    times, _ = timed(partial(sync, cube, svc.engine), 20)
    print(f"sync with nothing new (indexed updated_seq): median {statistics.median(times):.2f} ms")


def run_queries(svc: QueryService, reps: int, sql_reps: int) -> None:
    """Time every query kind on the cube and on SQL, check equality, print a table."""
    units = load_units()
    sub = max(units.subdistricts, key=lambda u: len(units.children(u.code))).code
    comm = units.children(sub)[0].code
    grid = units.children(comm)[0].code
    levels = {"district": "110102", "subdistrict": sub, "community": comm, "grid": grid}
    custom = {"range": "custom", "start": "2024-03-01T00:00:00+08:00", "end": "2024-06-01T00:00:00+08:00"}
    ranges: dict[str, dict[str, Any]] = {r: {"range": r} for r in ("today", "7d", "30d", "year")}
    ranges["custom 3 mo"] = custom
    plan: list[tuple[str, Callable[..., dict[str, Any]], dict[str, Any]]] = []
    for level, code in levels.items():
        for rname, rp in ranges.items():
            plan.append((f"drill {level} {rname}", drill, {"unit": code, **rp}))
    plan += [
        ("drill district all 10 y", drill, {"range": "custom", "start": "2016-01-01T00:00:00+08:00", "end": NOW}),
        (
            "drill district year, filter class 12+overdue",
            drill,
            {"range": "year", "filters": {"class": "12", "overdue": False}},
        ),
        ("indicators subdistrict 30d", lambda e, n, p: drill(e, n, p, children=False), {"unit": sub, "range": "30d"}),
        (
            "ranking subdistrict year closure",
            ranking,
            {"by": "subdistrict", "indicator": "closure_rate", "range": "year"},
        ),
        (
            "ranking department 30d on-time",
            ranking,
            {"by": "department", "indicator": "ontime_handling_rate", "range": "30d"},
        ),
        ("trend today hourly vs last week", trend, {"range": "today", "compare": "wow"}),
        ("trend year daily vs last year", trend, {"range": "year", "compare": "yoy"}),
        ("types year top 10", types, {"range": "year"}),
        ("warnings (hot spots 30d + anomalies)", warnings, {}),
        ("forecast 7 days top 5 types", forecast.forecast, {}),
    ]
    print(f"\n{'query':46} {'cube p50':>9} {'p95':>8} {'sql p50':>9} {'p95':>8} {'ratio':>7}  equal")
    rows = []
    for label, fn, params in plan:
        assert svc.cube is not None
        ct, cres = timed(partial(_ask, fn, svc.cube, svc, params), reps)
        st, sres = timed(partial(_ask, fn, svc.sql, svc, params), sql_reps)
        equal = json.dumps(_strip(cres), sort_keys=True) == json.dumps(_strip(sres), sort_keys=True)
        c50, s50 = statistics.median(ct), statistics.median(st)
        rows.append((label, c50, p95(ct), s50, p95(st)))
        print(
            f"{label:46} {c50:8.1f}ms {p95(ct):6.1f}ms {s50:8.1f}ms {p95(st):6.1f}ms {s50 / c50:6.0f}x  {equal}",
            flush=True,
        )
    for label, params in (
        ("cases page (SQL) district 30d", {"range": "30d", "limit": 50}),
        ("cases search (SQL) year '暴露'", {"range": "year", "q": "暴露", "limit": 50}),
        ("case detail (SQL)", {"id": _some_case(svc)}),
    ):
        name = "case" if "id" in params else "cases"
        ct, _ = timed(partial(svc.handle, name, dict(params)), reps)
        print(f"{label:46} {statistics.median(ct):8.1f}ms {p95(ct):6.1f}ms")
    worst = max(r[2] for r in rows if "10 y" not in r[0])
    print(
        f"\nworst cube p95 (excluding the 10-year query): {worst:.1f} ms; "
        f"median ratio SQL/cube: {statistics.median(r[3] / r[1] for r in rows):.0f}x"
    )


def _ask(fn: Callable[..., dict[str, Any]], eng: Any, svc: QueryService, params: dict[str, Any]) -> dict[str, Any]:
    return fn(eng, svc.names, Params(dict(params), NOW))


def _some_case(svc: QueryService) -> str:
    from sqlalchemy import select

    with svc.engine.connect() as conn:
        return str(conn.execute(select(cases.c.id).where(cases.c.reported_at < NOW - 86400).limit(1)).scalar_one())


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()
