"""City-scale benchmark on PostgreSQL: 16 districts × ten years of cases, the cube, and three servers.

Usage::

    PYTHONPATH=. python bench/city.py seed    --db postgresql://… [--districts 16] [--per-district 2000000]
    PYTHONPATH=. python bench/city.py copy    --db postgresql://… [--copy-rows 200000] [--repeat 3]
    PYTHONPATH=. python bench/city.py queries --db postgresql://… [--reps 20] [--sql-reps 3]
    PYTHONPATH=. python bench/city.py fanout  --db postgresql://… [--servers 3] [--clients 100] [--rate 500]

``seed`` fills an empty PostgreSQL store with ``--districts`` copies of the simulated
Xicheng history (``plan_cases_batch``, yearly volumes growing to 500k, the same rows
as ``bench/drilldown.py``), each under its own Beijing district code with its own
random seed, through :meth:`feeds.store.Store.bulk_insert_cases` (``COPY``); it copies
Xicheng's units under every district code so that every district can be drilled. It
prints the COPY rate per district, the index rebuild and the total.

``copy`` loads the same pre-built rows (generation not timed) with ``COPY`` (the seeding
path) and with a Core ``executemany`` INSERT, alternately, each into an empty schema.

``queries`` builds the cube from PostgreSQL (time, memory) and runs drill-down and
indicator queries for the whole city and for Xicheng's units warm on the cube (p50/p95
over ``--reps``) and as plain ``GROUP BY`` on PostgreSQL (``SqlIndicators``) side by side.

``fanout`` starts ``--servers`` case servers (child processes) on the store,
``--clients`` walls per server (one asyncio process per server's walls), and one
producer publishing ``case.created`` to the first server at ``--rate`` events/s for
``--seconds``. Every wall records every ``seq`` it receives and the send-to-receive
latency; printed: events committed, deliveries expected/received, lost, duplicated,
latency p50/p99/max, per server.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import json
import multiprocessing as mp
import os
import statistics
import sys
import time
from collections.abc import Iterator
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from drilldown import NOW, _ask, _cpu, _strip, batch_rows, p95, rss_mb, timed

from feeds.analytics import QueryService
from feeds.analytics.cube_store import build, case_count
from feeds.analytics.drill import drill, ranking, trend, types
from feeds.geo.units import load_units
from feeds.simulator.model import plan_cases_batch, yearly_volumes
from feeds.store import open_store
from feeds.store.schema import units as units_table

BEIJING = dt.timezone(dt.timedelta(hours=8))
FIRST_YEAR, LAST_YEAR = 2016, 2025
XICHENG = "110102"
DISTRICTS = (
    "110102", "110101", "110105", "110106", "110107", "110108", "110109", "110111",
    "110112", "110113", "110114", "110115", "110116", "110117", "110118", "110119",
)  # fmt: skip
"""Beijing's 16 districts (Xicheng first: its real geodata; the others reuse its grid layout)."""


def _rebased(rows: Iterator[dict[str, Any]], district: str, tag: str) -> Iterator[dict[str, Any]]:
    for row in rows:
        grid = district + row["grid"][6:]
        row["grid"], row["community"], row["subdistrict"] = grid, grid[:12], grid[:9]
        row["id"] = tag + row["id"][2:]
        yield row


def _copy_units(store: Any, districts: tuple[str, ...]) -> None:
    """Xicheng's units under every other district code (names tagged), so that each district can be drilled."""
    with store.engine.begin() as conn:
        base = [
            dict(r) for r in conn.execute(select(units_table).where(units_table.c.code.like(XICHENG + "%"))).mappings()
        ]
        known = set(conn.execute(select(units_table.c.code)).scalars())
        rows = []
        for d in districts[1:]:
            for r in base:
                code = d + r["code"][6:]
                if code in known:
                    continue
                parent = d + r["parent"][6:] if r["parent"] and r["parent"].startswith(XICHENG) else r["parent"]
                rows.append({**r, "code": code, "parent": parent, "name_en": f"{r['name_en']} ({d})"})
        if rows:
            conn.execute(insert(units_table), rows)


def seed(args: argparse.Namespace) -> None:
    store = open_store(args.db)
    if case_count(store.engine):
        sys.exit("the store already holds cases; seed an empty database")
    districts = DISTRICTS[: args.districts]
    _copy_units(store, districts)
    grid_codes = [g.code for g in load_units().grids]
    units = load_units()
    final = round(500_000 * args.per_district / 3_220_000)  # Xicheng's growth curve, scaled
    volumes = yearly_volumes(FIRST_YEAR, LAST_YEAR, args.per_district, final)
    _drop_indexes(store)
    started, done = time.perf_counter(), 0
    print(f"seeding {len(districts)} districts × {args.per_district:,} cases into {store.engine.url.database}")
    for k, district in enumerate(districts):
        rng = np.random.default_rng(2026 + k)

        def rows(rng: Any = rng, district: str = district, k: int = k) -> Iterator[dict[str, Any]]:
            for year, volume in volumes.items():
                start = int(dt.datetime(year, 1, 1, tzinfo=BEIJING).timestamp())
                end = min(int(dt.datetime(year + 1, 1, 1, tzinfo=BEIJING).timestamp()), NOW)
                per_year = volume * 365 * 86400 / (end - start)
                batch = plan_cases_batch(start, end, rng, grid_codes, cases_per_year=per_year)
                yield from _rebased(batch_rows(batch, NOW, units), district, f"D{k:02d}")

        t, cpu = time.perf_counter(), time.process_time()
        n = store.bulk_insert_cases(rows(), defer_indexes=False)  # dropped before the first, rebuilt after the last
        done += n
        took, cpu = time.perf_counter() - t, time.process_time() - cpu
        print(
            f"  {district}: {n:,} cases in {took:.0f} s ({n / took:,.0f} rows/s; this process used {cpu:.0f} s CPU "
            f"generating and sending them); {done:,} total; load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    t = time.perf_counter()
    _rebuild_indexes(store)
    print(f"  indexes rebuilt + ANALYZE: {time.perf_counter() - t:.0f} s", flush=True)
    total_s = time.perf_counter() - started
    print(f"seeding: {done:,} cases in {total_s:.0f} s = {done / total_s:,.0f} cases/s (generation included)")
    with store.engine.connect() as conn:
        size = conn.exec_driver_sql("SELECT pg_size_pretty(pg_database_size(current_database()))").scalar()
    print(f"database size: {size}")
    store.close()


def _drop_indexes(store: Any) -> None:
    from feeds.store.schema import case_history, cases

    with store.engine.begin() as conn:
        for index in [*cases.indexes, *case_history.indexes]:
            index.drop(conn, checkfirst=True)


def _rebuild_indexes(store: Any) -> None:
    from feeds.store.schema import case_history, cases

    with store.engine.connect() as conn:
        for index in [*cases.indexes, *case_history.indexes]:
            with conn.begin():
                index.create(conn, checkfirst=True)
        with conn.begin():
            conn.exec_driver_sql("ANALYZE cases")


# -- COPY vs INSERT -------------------------------------------------------------------


def copy_rate(args: argparse.Namespace) -> None:
    """COPY (the seeding path) against Core ``executemany`` INSERT on the same pre-built rows, alternately."""
    from sqlalchemy import insert as sa_insert

    from feeds.store import bulk
    from feeds.store.schema import cases

    units = load_units()
    grid_codes = [g.code for g in units.grids]
    rng = np.random.default_rng(7)
    start = int(dt.datetime(2025, 1, 1, tzinfo=BEIJING).timestamp())
    batch = plan_cases_batch(start, start + 365 * 86400, rng, grid_codes, cases_per_year=args.copy_rows)
    rows = [bulk._complete(r) for r in batch_rows(batch, NOW, units)]
    print(f"{len(rows):,} rows built in memory; each run loads them into an empty schema (indexes kept)")

    def run_copy(conn: Any) -> None:
        bulk._insert(conn, rows)

    def run_insert(conn: Any) -> None:
        for i in range(0, len(rows), 10_000):
            conn.execute(sa_insert(cases), rows[i : i + 10_000])

    results: dict[str, list[float]] = {"COPY": [], "INSERT executemany": []}
    for _ in range(args.repeat):
        for label, fn in (("COPY", run_copy), ("INSERT executemany", run_insert)):
            with _fresh_schema(args.db) as url:
                store = open_store(url, load_reference_data=False)
                with store.engine.connect() as conn, conn.begin():
                    t = time.perf_counter()
                    fn(conn)
                results[label].append(len(rows) / (time.perf_counter() - t))
                store.close()
    for label, rates in results.items():
        runs = ", ".join(f"{r:,.0f}" for r in rates)
        print(f"{label:20} median {statistics.median(rates):9,.0f} rows/s  (runs: {runs})")
    ratio = statistics.median(results["COPY"]) / statistics.median(results["INSERT executemany"])
    print(f"COPY / INSERT: {ratio:.1f}x; load average {os.getloadavg()[0]:.1f}")


class _fresh_schema:
    def __init__(self, base: str) -> None:
        self.base = base
        self.schema = f"bench_{os.getpid()}_{time.monotonic_ns()}"

    def __enter__(self) -> str:
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        from feeds.store.engine import resolve_url

        self.admin = create_engine(resolve_url(self.base))
        with self.admin.begin() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {self.schema}")
        url = make_url(resolve_url(self.base)).update_query_dict({"options": f"-csearch_path={self.schema}"})
        return url.render_as_string(hide_password=False)

    def __exit__(self, *exc: object) -> None:
        with self.admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {self.schema} CASCADE")
        self.admin.dispose()


# -- queries -----------------------------------------------------------------------


def queries(args: argparse.Namespace) -> None:
    store = open_store(args.db)
    engine = store.engine
    print(f"cases in store: {case_count(engine):,}")
    gc.collect()
    rss0 = rss_mb()
    t = time.perf_counter()
    cube = build(engine)
    build_s = time.perf_counter() - t
    gc.collect()
    print(
        f"cube build from PostgreSQL: {build_s:.0f} s; {cube.nbytes() / 1e6:,.0f} MB in columns for {cube.n:,} cases "
        f"({cube.nbytes() / cube.n:.1f} B/case); process RSS +{rss_mb() - rss0:,.0f} MB; {len(cube.open):,} open"
    )
    svc = QueryService(engine, clock=lambda: NOW, sync_interval_s=1e9, create_indexes=False, cache_path=None)
    svc.cube = cube
    units = load_units()
    sub = units.subdistricts[0].code
    comm = units.children(sub)[0].code
    plan: list[tuple[str, Any, dict[str, Any]]] = []
    # The wire protocol addresses Xicheng's unit codes only; the district level applies no unit
    # filter, so "city" queries below count every case of all districts in the store.
    for rng in ("today", "30d", "year"):
        plan.append((f"drill city {rng} (by subdistrict)", drill, {"range": rng}))
    plan += [
        ("drill subdistrict year (Xicheng)", drill, {"unit": sub, "range": "year"}),
        ("drill community 30d (Xicheng)", drill, {"unit": comm, "range": "30d"}),
        ("indicators city 30d", lambda e, n, p: drill(e, n, p, children=False), {"range": "30d"}),
        ("ranking subdistrict year", ranking, {"by": "subdistrict", "indicator": "closure_rate", "range": "year"}),
        ("ranking department 30d", ranking, {"by": "department", "indicator": "ontime_handling_rate", "range": "30d"}),
        ("trend year daily vs last year", trend, {"range": "year", "compare": "yoy"}),
        ("types year top 10", types, {"range": "year"}),
    ]  # fmt: skip
    print(f"\n{'query':42} {'cube p50':>9} {'p95':>8} {'GROUP BY p50':>13} {'p95':>9} {'ratio':>7}  equal")
    worst = 0.0
    for label, fn, params in plan:
        ct, cres = timed(partial(_ask, fn, cube, svc, params), args.reps)
        st, sres = timed(partial(_ask, fn, svc.sql, svc, params), args.sql_reps)
        equal = json.dumps(_strip(cres), sort_keys=True) == json.dumps(_strip(sres), sort_keys=True)
        c50, s50 = statistics.median(ct), statistics.median(st)
        worst = max(worst, p95(ct))
        print(f"{label:42} {c50:8.1f}ms {p95(ct):6.1f}ms {s50:11.0f}ms {p95(st):7.0f}ms {s50 / c50:6.0f}x  {equal}")
    print(f"worst cube p95: {worst:.1f} ms")


# -- fan-out -------------------------------------------------------------------------


def _serve(db: str, pipe: Connection) -> None:
    from feeds.server import CaseServer, ServerConfig, TokenBook

    async def main() -> None:
        tokens = TokenBook()
        tokens.add("wall", "wall", "bench wall")
        tokens.add("prod", "producer", "bench producer")
        server = CaseServer(ServerConfig(port=0, store_url=db, tokens=tokens, client_queue=20_000))
        await server.start()
        pipe.send(server.port)
        await asyncio.to_thread(pipe.recv)
        stats = server.stats.as_dict(server.hub)
        await server.stop()
        pipe.send(stats)

    asyncio.run(main())


def _walls(port: int, n: int, pipe: Connection) -> None:
    """``n`` walls on one server; returns every wall's (seq list, latencies)."""
    from websockets.asyncio.client import connect

    from feeds.protocol import Hello, decode, encode

    async def wall(out: dict[str, Any], ready: asyncio.Event, counter: list[int]) -> None:
        async with connect(f"ws://127.0.0.1:{port}", max_size=None, compression=None, ping_interval=None) as ws:
            await ws.send(encode(Hello("wall", None, None, "bench")))
            async for raw in ws:
                now = time.time()
                msg = decode(raw, max_bytes=None)
                if msg.TYPE == "caught_up":
                    counter[0] += 1
                    if counter[0] == n:
                        ready.set()
                elif msg.seq is not None:
                    out["seqs"].append(msg.seq)
                    sent = float(msg.case.description)  # type: ignore[attr-defined]
                    out["lat"].append((now - sent) * 1000)

    async def main() -> None:
        ready = asyncio.Event()
        counter = [0]
        outs = [{"seqs": [], "lat": []} for _ in range(n)]
        tasks = [asyncio.create_task(wall(o, ready, counter)) for o in outs]
        await ready.wait()
        pipe.send("ready")
        head = await asyncio.to_thread(pipe.recv)  # the last committed seq: wait (bounded) until every wall has it
        deadline = time.monotonic() + 300
        while any(not o["seqs"] or o["seqs"][-1] < head for o in outs) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        pipe.send(outs)

    asyncio.run(main())


def _produce(port: int, rate: float, seconds: float) -> int:
    from websockets.asyncio.client import connect

    from feeds.protocol import CaseCreated, CaseInfo, Hello, encode

    grid = load_units().grids[0].code

    async def main() -> int:
        async with connect(f"ws://127.0.0.1:{port}", max_size=None, compression=None) as ws:
            await ws.send(encode(Hello("prod", None, None, "bench producer")))
            while json.loads(await ws.recv())["type"] != "caught_up":
                pass
            acks = 0

            async def read() -> None:
                nonlocal acks
                async for raw in ws:
                    if json.loads(raw)["type"] == "ack":
                        acks += 1

            reader = asyncio.create_task(read())
            n = int(rate * seconds)
            t0 = time.perf_counter()
            for i in range(n):
                delay = t0 + i / rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                info = CaseInfo(f"BENCH{os.getpid()}-{i}", "event", "1201", "app", grid, 116.37, 39.91, "reported",
                                time.time(), "D01", description=repr(time.time()))  # fmt: skip
                await ws.send(encode(CaseCreated(info)))
            sent_s = time.perf_counter() - t0
            deadline = time.perf_counter() + 900
            while acks < n and time.perf_counter() < deadline:
                await asyncio.sleep(0.05)
            reader.cancel()
            print(
                f"producer: {n:,} events sent in {sent_s:.1f} s; all acked after {time.perf_counter() - t0:.1f} s "
                f"(append throughput {acks / (time.perf_counter() - t0):,.0f} events/s)"
            )
            return acks

    return asyncio.run(main())


def fanout(args: argparse.Namespace) -> None:
    ctx = mp.get_context("spawn")
    servers, ports = [], []
    for _ in range(args.servers):
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_serve, args=(args.db, child))
        proc.start()
        servers.append((proc, parent))
        ports.append(parent.recv())
    store = open_store(args.db, load_reference_data=False)
    head0 = store.head()
    walls = []
    for port in ports:
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_walls, args=(port, args.clients, child))
        proc.start()
        walls.append((proc, parent))
    for _, pipe in walls:
        assert pipe.recv() == "ready"
    print(f"{args.servers} servers × {args.clients} walls connected; producer → server 1 at {args.rate}/s")
    acks = _produce(ports[0], args.rate, args.seconds)
    head = store.head()
    committed = list(range(head0 + 1, head + 1))
    results = []
    for _, pipe in walls:
        pipe.send(head)
    for _, pipe in walls:
        results.append(pipe.recv())
    stats = []
    for proc, pipe in servers:
        pipe.send("stop")
        stats.append(pipe.recv())
        proc.join(10)
    for proc, _ in walls:
        proc.join(10)
    store.close()
    print(f"events acked {acks:,}; committed {len(committed):,} (seq {head0 + 1}..{head})")
    all_lat: list[float] = []
    for k, outs in enumerate(results):
        lost = sum(len(set(committed) - set(o["seqs"])) for o in outs)
        doubled = sum(len(o["seqs"]) - len(set(o["seqs"])) for o in outs)
        in_order = all(o["seqs"] == sorted(o["seqs"]) for o in outs)
        lat = [x for o in outs for x in o["lat"]]
        all_lat += lat
        got = sum(len(o["seqs"]) for o in outs)
        print(
            f"server {k + 1}: {got:,}/{len(committed) * len(outs):,} delivered, lost {lost}, duplicated {doubled}, "
            f"in order {in_order}; latency p50 {np.percentile(lat, 50):.1f} ms p99 {np.percentile(lat, 99):.1f} ms "
            f"max {max(lat):.0f} ms; relayed {stats[k]['relayed']:,}, notifications {stats[k]['notifications']:,}"
        )
    print(
        f"all walls: latency p50 {np.percentile(all_lat, 50):.1f} ms, p99 {np.percentile(all_lat, 99):.1f} ms, "
        f"max {max(all_lat):.0f} ms over {len(all_lat):,} deliveries"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("what", choices=("seed", "copy", "queries", "fanout"))
    ap.add_argument("--db", required=True, help="postgresql://… (an empty database for seed)")
    ap.add_argument("--districts", type=int, default=16)
    ap.add_argument("--per-district", type=int, default=2_000_000)
    ap.add_argument("--copy-rows", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--sql-reps", type=int, default=3)
    ap.add_argument("--servers", type=int, default=3)
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--rate", type=float, default=500)
    ap.add_argument("--seconds", type=float, default=20)
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores, {_cpu()}; load average {os.getloadavg()[0]:.1f}")
    {"seed": seed, "copy": copy_rate, "queries": queries, "fanout": fanout}[args.what](args)


if __name__ == "__main__":
    main()
