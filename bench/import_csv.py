"""311 CSV import benchmark: GridWall's importer vs a plain ``csv`` + ``executemany`` baseline.

Usage: PYTHONPATH=. python bench/import_csv.py [--rows 500000] [--points 1000000] [--quick]

Writes a synthetic CSV in the NYC 311 layout (41 columns, the shipped ``nyc311``
mapping) with points spread over Xicheng, then, each on a fresh SQLite store:

* **gridwall**: :func:`feeds.importers.csv311.import_csv`: parse times in the
  layout's zone, map types and statuses, assign every point to its unit grid
  (STRtree), upsert by id into the store's bulk path with KPI counters;
* **baseline**: ``csv.DictReader`` + ``datetime.strptime`` per time + one
  ``executemany`` of ``INSERT OR REPLACE`` per 50,000 rows into a plain table of
  the same columns (no unit assignment, no counters, no mapping);
* **re-import**: the GridWall import again over the same store (every row an update).

It also times the point-in-polygon assignment alone on ``--points`` random points
(the locator's raster index, its build included, vs the plain STRtree query and
one ``grid_at`` call per point on a sample), by wall clock and per CPU-second.
"""

from __future__ import annotations

import argparse
import csv
import random
import sqlite3
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from feeds.geo.locate import GridLocator
from feeds.geo.units import load_units
from feeds.importers.csv311 import import_csv
from feeds.importers.mapping import load_csv_mapping
from feeds.importers.units import store_locator
from feeds.store import open_store

HEADER_FILE = Path(__file__).resolve().parents[1] / "tests" / "importers" / "data" / "nyc311_300.csv"
TYPES = ("Illegal Parking", "Noise - Residential", "Blocked Driveway", "Street Light Condition", "Graffiti", "Rodent")
STATUSES = ("Closed",) * 9 + ("Open",)


def write_csv(path: Path, rows: int, seed: int = 7) -> None:
    """``rows`` synthetic NYC-layout requests with Xicheng coordinates."""
    with HEADER_FILE.open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    col = {name: i for i, name in enumerate(header)}
    rng = random.Random(seed)
    start = datetime(2019, 1, 1).timestamp()
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for i in range(rows):
            rec = [""] * len(header)
            created = datetime.fromtimestamp(start + i * 30)
            status = STATUSES[rng.randrange(len(STATUSES))]
            rec[col["Unique Key"]] = str(40_000_000 + i)
            rec[col["Created Date"]] = created.strftime("%m/%d/%Y %I:%M:%S %p")
            if status == "Closed":
                rec[col["Closed Date"]] = datetime.fromtimestamp(start + i * 30 + 5400).strftime("%m/%d/%Y %I:%M:%S %p")
            rec[col["Due Date"]] = datetime.fromtimestamp(start + i * 30 + 86400).strftime("%m/%d/%Y %I:%M:%S %p")
            rec[col["Complaint Type"]] = TYPES[rng.randrange(len(TYPES))]
            rec[col["Status"]] = status
            rec[col["Agency"]] = "NYPD"
            rec[col["Incident Address"]] = f"{rng.randrange(1, 300)} MAIN STREET"
            rec[col["Descriptor"]] = "Loud Music/Party"
            rec[col["Open Data Channel Type"]] = "PHONE"
            rec[col["Latitude"]] = f"{39.88 + rng.random() * 0.08:.6f}"
            rec[col["Longitude"]] = f"{116.33 + rng.random() * 0.05:.6f}"
            w.writerow(rec)


def baseline(path: Path, db: Path) -> tuple[float, int]:
    """Plain csv + strptime + executemany; returns (seconds, rows)."""
    fmt = "%m/%d/%Y %I:%M:%S %p"
    tz = ZoneInfo("America/New_York")
    t0 = time.perf_counter()
    conn = sqlite3.connect(db)
    conn.execute(
        "CREATE TABLE requests (id TEXT PRIMARY KEY, reported_at INTEGER, closed_at INTEGER, deadline_at INTEGER,"
        " status TEXT, type TEXT, lat REAL, lon REAL, address TEXT, description TEXT, source TEXT)"
    )

    def ts(text: str) -> int | None:
        return int(datetime.strptime(text, fmt).replace(tzinfo=tz).timestamp()) if text else None

    n = 0
    batch: list[tuple[object, ...]] = []
    with path.open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            batch.append(
                (
                    r["Unique Key"],
                    ts(r["Created Date"]),
                    ts(r["Closed Date"]),
                    ts(r["Due Date"]),
                    r["Status"],
                    r["Complaint Type"],
                    float(r["Latitude"]),
                    float(r["Longitude"]),
                    r["Incident Address"],
                    r["Descriptor"],
                    r["Open Data Channel Type"],
                )
            )
            if len(batch) == 50_000:
                conn.executemany("INSERT OR REPLACE INTO requests VALUES (?,?,?,?,?,?,?,?,?,?,?)", batch)
                conn.commit()
                n += len(batch)
                batch = []
    conn.executemany("INSERT OR REPLACE INTO requests VALUES (?,?,?,?,?,?,?,?,?,?,?)", batch)
    conn.commit()
    n += len(batch)
    conn.close()
    return time.perf_counter() - t0, n


def bench_locate(points: int) -> tuple[float, float, float, float]:
    """Points per second (wall and CPU): the vectorised locator and one ``grid_at`` call per point.

    The locator is new, so the timed call includes building its raster index; the
    plain ``STRtree`` query of point objects (the path before the raster) is timed too.
    """
    registry = load_units()
    locator = GridLocator((u.code, registry.shape(u.code)) for u in registry.grids)
    rng = np.random.default_rng(3)
    west, south, east, north = locator.bounds
    lons, lats = rng.uniform(west, east, points), rng.uniform(south, north, points)
    t0, c0 = time.perf_counter(), time.process_time()
    codes = locator.locate_arrays(lons, lats)
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    c0 = time.process_time()
    tree_codes = locator.locate_with_tree(lons, lats)
    cpu_tree = time.process_time() - c0
    assert list(codes) == list(tree_codes)
    sample = 20_000
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(sample):
        registry.grid_at(float(lons[i]), float(lats[i]))
    dt_one = (time.perf_counter() - t0) / sample
    cpu_one = (time.process_time() - c0) / sample
    inside = sum(c is not None for c in codes)
    print(
        f"locate: {points:,} points over {len(locator):,} grids in {dt:.2f} s = {points / dt:,.0f} points/s "
        f"({inside:,} inside); one grid_at call per point: {1 / dt_one:,.0f} points/s; "
        f"ratio {dt_one * points / dt:.1f}×"
    )
    print(
        f"locate per CPU-second: {points / cpu:,.0f} points (raster index, its build included); "
        f"STRtree query of point objects {points / cpu_tree:,.0f} points; "
        f"one grid_at call per point {1 / cpu_one:,.0f} points"
    )
    return points / dt, 1 / dt_one, points / cpu, 1 / cpu_one


def run(quick: bool = False, *, rows: int = 500_000, points: int = 1_000_000) -> list[dict[str, Any]]:
    """Import, re-import and baseline once each, then the locator; returns the figure rows."""
    rows, points = (2_000, 20_000) if quick else (rows, points)
    with tempfile.TemporaryDirectory(prefix="gridwall-import-bench-") as tmp:
        root = Path(tmp)
        path = root / "nyc_layout.csv"
        write_csv(path, rows)
        size_mb = path.stat().st_size / 1e6
        print(f"file: {rows:,} rows, {size_mb:.0f} MB, NYC 311 layout")
        store = open_store(str(root / "gw.db"))
        mapping = load_csv_mapping("nyc311")
        locator = store_locator(store.engine)
        cpu = time.process_time()
        report = import_csv(path, mapping, store.engine, locator)
        cpu_rate = report.read / (time.process_time() - cpu)
        rate = report.read / report.seconds
        print(
            f"gridwall:  {report.seconds:.2f} s = {rate:,.0f} rows/s "
            f"(taken {report.taken:,}, skipped {report.skipped_total:,})"
        )
        again = import_csv(path, mapping, store.engine, locator)
        again_rate = again.read / again.seconds
        print(f"re-import: {again.seconds:.2f} s = {again_rate:,.0f} rows/s (updated {again.updated:,})")
        store.close()
        cpu = time.process_time()
        secs, n = baseline(path, root / "baseline.db")
        base_cpu_rate = n / (time.process_time() - cpu)
        base_rate = n / secs
        print(f"baseline:  {secs:.2f} s = {base_rate:,.0f} rows/s (csv.DictReader + strptime + executemany)")
        print(f"ratio gridwall/baseline rate: {rate / base_rate:.2f}×")
        print(
            f"per CPU-second (this process, SQLite included; the load of other processes left out): "
            f"gridwall {cpu_rate:,.0f} rows, baseline {base_cpu_rate:,.0f} rows, ratio {cpu_rate / base_cpu_rate:.2f}×"
        )
    located, one_by_one, located_cpu, one_cpu = bench_locate(points)
    return [
        {"figure": "311 CSV import (rows/s)", "value": rate, "baseline": base_rate, "ratio": rate / base_rate,
         "target": 50_000, "baseline_label": "csv.DictReader + strptime + executemany"},
        {"figure": "311 CSV import (rows per CPU-second)", "value": cpu_rate, "baseline": base_cpu_rate,
         "ratio": cpu_rate / base_cpu_rate, "target": 50_000, "baseline_label": "the same baseline, per CPU-second"},
        {"figure": "311 CSV re-import, every row an update (rows/s)", "value": again_rate, "baseline": base_rate,
         "ratio": again_rate / base_rate, "target": None, "baseline_label": "the same first-import baseline"},
        {"figure": "point-in-polygon grid assignment (points/s)", "value": located, "baseline": one_by_one,
         "ratio": located / one_by_one, "target": 100_000, "baseline_label": "one grid_at call per point"},
        {"figure": "point-in-polygon grid assignment (points per CPU-second)", "value": located_cpu,
         "baseline": one_cpu, "ratio": located_cpu / one_cpu, "target": 100_000,
         "baseline_label": "one grid_at call per point, per CPU-second"},
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="2,000 rows and 20,000 points (checks the benchmark runs)")
    args = parser.parse_args()
    run(args.quick, rows=args.rows, points=args.points)


if __name__ == "__main__":
    main()
