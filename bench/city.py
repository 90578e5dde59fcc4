"""City-scale benchmark on PostgreSQL: 16 districts × ten years of cases, the cube, and three servers.

Usage::

    PYTHONPATH=. python bench/city.py seed    --db postgresql://… [--districts 16] [--per-district 2000000]
    PYTHONPATH=. python bench/city.py copy    --db postgresql://… [--copy-rows 200000] [--repeat 3]
    PYTHONPATH=. python bench/city.py queries --db postgresql://… [--reps 20] [--sql-reps 3]
    PYTHONPATH=. python bench/city.py fanout  --db postgresql://… [--servers 3] [--clients 100] [--rate 500]
    PYTHONPATH=. python bench/city.py all     --db postgresql://… [--seed-log FILE]   (python -m bench --only city)
    PYTHONPATH=. python bench/city.py fanouts --db postgresql://…   (python -m bench --only city-fanout)

``seed`` fills an empty PostgreSQL store through the store's own seeding path
(:meth:`feeds.store.Store.bulk_insert_columns`: binary ``COPY`` per chunk, KPI counters
in the same transaction, indexes dropped first and rebuilt once at the end): for each of
``--districts`` Beijing districts the simulator's ten years of Xicheng history
(``history_chunks``, its own seed per district), thinned at random to ``--per-district``
cases and moved under that district's code (grids, ids); Xicheng's units are copied under
every district code so that every district can be drilled. It prints the time spent
generating rows (not the store's), the COPY rate, the index rebuild and the total.

``copy`` loads the same pre-built rows (generation not timed) with binary ``COPY`` (the
seeding path), text ``COPY`` (one ``write_row`` per tuple, the path before) and a Core
``executemany`` INSERT, alternately, each into an empty schema without secondary indexes.

``queries`` builds the cube from PostgreSQL (time, memory) and runs drill-down and
indicator queries for the whole city and for Xicheng's units warm on the cube (p50/p95
over ``--reps``) and as plain ``GROUP BY`` on PostgreSQL (``SqlIndicators``) side by side.

``fanout`` starts ``--servers`` case servers (child processes, from ``--server-root`` for
a before/after comparison), ``--clients`` walls per server (one process per server's
walls; ``--client raw``: a minimal RFC 6455 reader that only finds ``seq`` and the send
time, so that 300 walls cost little; ``full``: websockets and the protocol decoder), and
one producer publishing ``case.created`` to the first server at ``--rate`` events/s for
``--seconds``. Every wall records every ``seq`` it receives and the send-to-receive
latency; printed: events committed, deliveries, lost, duplicated, order, latency
p50/p99/max per server, and the CPU of each side (servers, walls, producer, the local
PostgreSQL) over the run.

``all`` (``python -m bench --only city``, never under ``--quick``) runs them in turn:
``seed`` when the store is empty (else prints ``--seed-log``, default
``$GRIDWALL_BENCH_SEED_LOG``: the log of the run that seeded it), ``copy``, ``queries``.
``fanouts`` (``python -m bench --only city-fanout``) runs ``fanout`` on an empty store (a
fresh schema) with ``--clients`` walls per server and again with 10 as the same-run
baseline; it needs no seeded city, so it can run apart, on a quiet machine.
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
import subprocess
import sys
import time
from collections.abc import Iterator
from functools import partial
from itertools import compress
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from drilldown import NOW, _ask, _cpu, _strip, p95, rss_mb, timed

from feeds.analytics import QueryService
from feeds.analytics.cube_store import build, case_count
from feeds.analytics.drill import drill, ranking, trend, types
from feeds.geo.units import load_units
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


def _rebase_columns(chunk: dict[str, list[Any]], keep: list[bool], district: str, tag: str) -> dict[str, list[Any]]:
    """A Xicheng chunk thinned by ``keep`` and moved under ``district`` (grid codes and case ids)."""
    out = {k: list(compress(v, keep)) for k, v in chunk.items()}
    if district != XICHENG:
        out["grid"] = [district + g[6:] for g in out["grid"]]
        out["community"] = [g[:12] for g in out["grid"]]
        out["subdistrict"] = [g[:9] for g in out["grid"]]
        out["id"] = [tag + i[2:] for i in out["id"]]
    return out


def seed(args: argparse.Namespace) -> None:
    """The city through the store's seeding path: the simulator's column chunks, ``bulk_insert_columns``."""
    from feeds.simulator.history.seed_plan import WindowDone, expected_cases, history_chunks
    from feeds.simulator.model.district import load_district

    store = open_store(args.db)
    if case_count(store.engine):
        sys.exit("the store already holds cases; seed an empty database")
    districts = DISTRICTS[: args.districts]
    _copy_units(store, districts)
    district_model = load_district(0)
    end = float(NOW)
    start = end - 10 * 365.25 * 86400
    keep_share = min(1.0, args.per_district / expected_cases(start, end))
    print(
        f"seeding {len(districts)} districts × ~{args.per_district:,} cases (Xicheng's simulated ten years, "
        f"{keep_share:.1%} of its rows kept, each district its own seed) into {store.engine.url.database}",
        flush=True,
    )
    made = {"s": 0.0, "cpu": 0.0, "cases": 0}
    marks: dict[str, float] = {}
    hist: list[dict[str, list[Any]]] = []
    load0 = os.getloadavg()[0]

    def rows() -> Iterator[dict[str, list[Any]]]:
        for k, district in enumerate(districts):
            tag = "XC" if district == XICHENG else f"B{k:X}"
            rng = np.random.default_rng(2026 + k)
            kept: set[str] = set()
            source = history_chunks(start, end, 2026 + k, district_model, 50_000)
            while True:
                t, cpu = time.perf_counter(), time.process_time()
                item = next(source, None)
                if isinstance(item, WindowDone):
                    for h in item.history:
                        keep_h = [c in kept for c in h["case_id"]]
                        hist.append(_rebase_history(h, keep_h, tag))
                    made["s"] += time.perf_counter() - t
                    made["cpu"] += time.process_time() - cpu
                    continue
                if item is None:
                    break
                keep = (rng.random(len(item["id"])) < keep_share).tolist()
                chunk = _rebase_columns(item, keep, district, tag)
                kept.update(compress(item["id"], keep))
                made["s"] += time.perf_counter() - t
                made["cpu"] += time.process_time() - cpu
                made["cases"] += len(chunk["id"])
                yield chunk
            print(
                f"  {district}: {made['cases']:,} cases so far, {time.perf_counter() - started:.0f} s; "
                f"load average {os.getloadavg()[0]:.1f}",
                flush=True,
            )
        marks["cases"] = time.perf_counter()

    def history() -> Iterator[dict[str, list[Any]]]:
        yield from hist
        marks["history"] = time.perf_counter()

    started, cpu0 = time.perf_counter(), time.process_time()
    n = store.bulk_insert_columns(rows(), history())
    done = time.perf_counter()
    cpu = time.process_time() - cpu0
    copy_s = marks["cases"] - started - made["s"]
    n_hist = sum(len(h["case_id"]) for h in hist)
    print(f"cases written: {n:,}; history rows {n_hist:,}")
    print(
        f"generation (simulator, thinning, rebasing; not part of the store's path): {made['s']:.0f} s wall, "
        f"{made['cpu']:.0f} s CPU"
    )
    print(f"COPY of the cases (binary, KPI counters, no indexes): {copy_s:.0f} s = {n / copy_s:,.0f} rows/s")
    print(f"COPY of the history rows: {marks['history'] - marks['cases']:.0f} s")
    print(f"indexes rebuilt + ANALYZE: {done - marks['history']:.0f} s")
    total_s = done - started
    print(
        f"seeding: {n:,} cases in {total_s:.0f} s = {n / total_s:,.0f} cases/s end to end (generation and indexes "
        f"included); this process {cpu:.0f} s CPU; load average {load0:.1f} at the start, {os.getloadavg()[0]:.1f} "
        "at the end"
    )
    with store.engine.connect() as conn:
        size = conn.exec_driver_sql("SELECT pg_size_pretty(pg_database_size(current_database()))").scalar()
    print(f"database size: {size}")
    store.close()


def _rebase_history(h: dict[str, list[Any]], keep: list[bool], tag: str) -> dict[str, list[Any]]:
    out = {k: list(compress(v, keep)) for k, v in h.items()}
    out["case_id"] = [tag + i[2:] for i in out["case_id"]]
    return out


# -- COPY vs INSERT -------------------------------------------------------------------


def copy_rate(args: argparse.Namespace) -> None:
    """The seeding path's binary COPY against text COPY and Core ``executemany`` INSERT, same rows, alternately.

    Rows are the simulator's column chunks (built once, not timed), loaded as the seeding path
    does: into ``cases`` with its secondary and text indexes dropped (rebuilt after a load).
    """
    from sqlalchemy import insert as sa_insert

    from feeds.simulator.history.seed_plan import WindowDone, history_chunks
    from feeds.simulator.model.district import load_district
    from feeds.store import bulk
    from feeds.store.schema import cases

    end = float(NOW)
    chunks = [
        c for c in history_chunks(end - 365 * 86400, end, 7, load_district(0), 50_000) if not isinstance(c, WindowDone)
    ]
    rows = [r for c in chunks for r in bulk.column_tuples("cases", c, bulk._REQUIRED)]
    rows = rows[: args.copy_rows]
    columns = bulk._CASE_COLUMNS
    print(f"{len(rows):,} rows built in memory; each run loads them into an empty schema without secondary indexes")

    def run_binary(conn: Any) -> None:
        bulk.copy_rows(conn, "cases", columns, rows)

    def run_text(conn: Any) -> None:  # the previous seeding path: text COPY, one write_row per tuple
        raw: Any = conn.connection.driver_connection
        with raw.cursor() as cur, cur.copy(f"COPY cases ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def run_insert(conn: Any) -> None:
        for i in range(0, len(rows), 10_000):
            conn.execute(sa_insert(cases), [dict(zip(columns, r, strict=True)) for r in rows[i : i + 10_000]])

    modes = (("binary COPY", run_binary), ("text COPY", run_text), ("INSERT executemany", run_insert))
    results: dict[str, list[float]] = {label: [] for label, _ in modes}
    cpu: dict[str, list[float]] = {label: [] for label, _ in modes}
    for _ in range(args.repeat):
        for label, fn in modes:
            with _fresh_schema(args.db) as url:
                store = open_store(url, load_reference_data=False)
                with store.engine.begin() as conn:
                    for index in cases.indexes:
                        index.drop(conn, checkfirst=True)
                    conn.exec_driver_sql("DROP INDEX IF EXISTS ix_cases_address_trgm, ix_cases_description_trgm")
                with store.engine.connect() as conn, conn.begin():
                    t, c = time.perf_counter(), time.process_time()
                    fn(conn)
                results[label].append(len(rows) / (time.perf_counter() - t))
                cpu[label].append((time.process_time() - c) / len(rows) * 1e6)
                store.close()
    for label, rates in results.items():
        runs = ", ".join(f"{r:,.0f}" for r in rates)
        print(
            f"{label:20} median {statistics.median(rates):9,.0f} rows/s, this process "
            f"{statistics.median(cpu[label]):.1f} us CPU per row  (runs: {runs})"
        )
    ratio = statistics.median(results["binary COPY"]) / statistics.median(results["INSERT executemany"])
    text = statistics.median(results["binary COPY"]) / statistics.median(results["text COPY"])
    print(f"binary COPY / INSERT: {ratio:.1f}x; binary / text COPY: {text:.2f}x; load average {os.getloadavg()[0]:.1f}")


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
    worst = worst_sql = 0.0
    for label, fn, params in plan:
        ct, cres = timed(partial(_ask, fn, cube, svc, params), args.reps)
        st, sres = timed(partial(_ask, fn, svc.sql, svc, params), args.sql_reps)
        equal = json.dumps(_strip(cres), sort_keys=True) == json.dumps(_strip(sres), sort_keys=True)
        c50, s50 = statistics.median(ct), statistics.median(st)
        worst, worst_sql = max(worst, p95(ct)), max(worst_sql, p95(st))
        print(f"{label:42} {c50:8.1f}ms {p95(ct):6.1f}ms {s50:11.0f}ms {p95(st):7.0f}ms {s50 / c50:6.0f}x  {equal}")
    print(f"worst cube p95: {worst:.1f} ms; worst GROUP BY p95: {worst_sql:.0f} ms")


# -- fan-out -------------------------------------------------------------------------


_SERVER = """
import asyncio, json, sys, time
from feeds.server import CaseServer, ServerConfig, TokenBook

async def main():
    tokens = TokenBook()
    tokens.add("wall", "wall", "bench wall")
    tokens.add("prod", "producer", "bench producer")
    server = CaseServer(ServerConfig(port=0, store_url=sys.argv[1], tokens=tokens, client_queue=20_000,
                                    **({"max_batch": int(sys.argv[2])} if len(sys.argv) > 2 else {})))
    await server.start()
    print(server.port, flush=True)
    assert (await asyncio.to_thread(sys.stdin.readline)).strip() == "go"
    cpu = time.process_time()
    assert (await asyncio.to_thread(sys.stdin.readline)).strip() == "stop"
    cpu = time.process_time() - cpu
    stats = server.stats.as_dict(server.hub)
    await server.stop()
    print(json.dumps({"relayed": stats["relayed"], "notifications": stats["notifications"], "cpu_s": cpu}), flush=True)

asyncio.run(main())
"""
"""One case server as a child process (``--server-root``: another checkout's ``feeds``); its CPU seconds are
counted between "go" and "stop" on its stdin."""


def _start_server(db: str, root: Path, max_batch: int | None) -> tuple[subprocess.Popen[str], int]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    proc = subprocess.Popen(
        [sys.executable, "-c", _SERVER, db, *([str(max_batch)] if max_batch else [])],
        cwd=root,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    return proc, int(proc.stdout.readline())


def _server_say(proc: subprocess.Popen[str], line: str) -> None:
    assert proc.stdin is not None
    proc.stdin.write(line + "\n")
    proc.stdin.flush()


_HANDSHAKE = (
    "GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: Z3JpZHdhbGxiZW5jaGtleQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
)


def _client_frame(opcode: int, payload: bytes) -> bytes:
    """A masked client frame (RFC 6455 §5.3; the zero mask keeps the payload as it is)."""
    n = len(payload)
    head = bytes([0x80 | opcode]) + (bytes([0x80 | n]) if n < 126 else bytes([0xFE]) + n.to_bytes(2, "big"))
    return head + b"\0\0\0\0" + payload


class _RawWall(asyncio.Protocol):
    """A wall that only parses what it needs: RFC 6455 frame headers, then ``"seq":`` and the send time.

    No websockets library, no JSON: its cost per frame is a few byte searches, so that the
    benchmark's 300 clients do not hide the servers' cost behind their own.
    """

    def __init__(self, port: int, on_caught_up: Any) -> None:
        self.port = port
        self.on_caught_up = on_caught_up
        self.buf = bytearray()
        self.open = False
        self.seqs: list[int] = []
        self.lat: list[float] = []
        self.transport: Any = None
        self.closed = ""

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = self.closed or f"connection lost ({exc or 'closed'})"

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self.transport.write(_HANDSHAKE.format(port=self.port).encode())

    def data_received(self, data: bytes) -> None:
        now = time.time()
        buf = self.buf
        buf += data
        pos = 0
        if not self.open:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            assert buf.startswith(b"HTTP/1.1 101"), bytes(buf[:80])
            self.open = True
            pos = end + 4
            hello = b'{"type":"hello","v":1,"token":"wall","client":"bench raw"}'
            self.transport.write(_client_frame(0x1, hello))
        size = len(buf)
        while size - pos >= 2:
            opcode, n = buf[pos] & 0x0F, buf[pos + 1] & 0x7F
            start = pos + 2
            if n == 126:
                n, start = int.from_bytes(buf[pos + 2 : pos + 4], "big"), pos + 4
            elif n == 127:
                n, start = int.from_bytes(buf[pos + 2 : pos + 10], "big"), pos + 10
            end = start + n
            if end > size:
                break
            if opcode == 0x1:
                k = buf.find(b'"seq":', start, end)
                if k >= 0:
                    k += 6
                    j = k
                    while 48 <= buf[j] <= 57:
                        j += 1
                    self.seqs.append(int(buf[k:j]))
                    d = buf.find(b'"description":"', j, end)
                    if d >= 0:
                        d += 15
                        self.lat.append((now - float(buf[d : buf.find(b'"', d, end)])) * 1000)
                elif buf.find(b'"type":"caught_up"', start, end) >= 0:
                    self.on_caught_up()
            elif opcode == 0x8:  # the server closed the connection: say why in the report
                code = int.from_bytes(buf[start : start + 2], "big") if n >= 2 else 0
                self.closed = f"closed by the server: {code} {bytes(buf[start + 2 : end]).decode(errors='replace')}"
            elif opcode == 0x9:  # ping: pong with the same payload
                self.transport.write(_client_frame(0xA, bytes(buf[start:end])))
            pos = end
        del buf[:pos]


def _walls(port: int, n: int, pipe: Connection, kind: str) -> None:
    """``n`` walls on one server (``raw``: :class:`_RawWall`; ``full``: websockets + ``decode``).

    Sends "ready" once all are caught up, then measures its own CPU until it is given the
    last committed ``seq`` and every wall has it (bounded); returns every wall's seqs and latencies.
    """

    async def full_wall(out: dict[str, Any], caught_up: Any) -> None:
        from websockets.asyncio.client import connect

        from feeds.protocol import Hello, decode, encode

        async with connect(f"ws://127.0.0.1:{port}", max_size=None, compression=None, ping_interval=None) as ws:
            await ws.send(encode(Hello("wall", None, None, "bench")))
            async for raw in ws:
                now = time.time()
                msg = decode(raw, max_bytes=None)
                if msg.TYPE == "caught_up":
                    caught_up()
                elif msg.seq is not None:
                    out["seqs"].append(msg.seq)
                    sent = float(msg.case.description)  # type: ignore[attr-defined]
                    out["lat"].append((now - sent) * 1000)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        ready = asyncio.Event()
        counter = [0]

        def caught_up() -> None:
            counter[0] += 1
            if counter[0] == n:
                ready.set()

        outs: list[Any] = []
        tasks = []
        if kind == "raw":
            for _ in range(n):
                _, proto = await loop.create_connection(lambda: _RawWall(port, caught_up), "127.0.0.1", port)
                outs.append(proto)
        else:
            outs = [{"seqs": [], "lat": []} for _ in range(n)]
            tasks = [asyncio.create_task(full_wall(o, caught_up)) for o in outs]
        await ready.wait()
        pipe.send("ready")
        cpu = time.process_time()
        head = await asyncio.to_thread(pipe.recv)  # the last committed seq: wait (bounded) until every wall has it

        def seqs(o: Any) -> list[int]:
            return o.seqs if kind == "raw" else o["seqs"]  # type: ignore[no-any-return]

        deadline = time.monotonic() + 300
        while any(not seqs(o) or seqs(o)[-1] < head for o in outs) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        cpu = time.process_time() - cpu
        short = [o for o in outs if not seqs(o) or seqs(o)[-1] < head]
        if short:
            lowest = min((seqs(o)[-1] if seqs(o) else 0) for o in short)
            why = sorted({o.closed for o in short if kind == "raw" and o.closed})
            print(
                f"walls on port {port}: {len(short)} of {n} still short of seq {head} after 300 s (lowest last seq "
                f"{lowest}){'; ' + '; '.join(why) if why else ''}",
                file=sys.stderr,
                flush=True,
            )
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if kind == "raw":
            for o in outs:
                o.transport.close()
            outs = [{"seqs": o.seqs, "lat": o.lat} for o in outs]
        pipe.send({"walls": outs, "cpu_s": cpu})

    asyncio.run(main())


def _wall_results(k: int, proc: Any, pipe: Connection) -> Any:
    """One server's walls' report; a clear failure instead of a hang when their process is gone or stuck."""
    if not pipe.poll(420):  # the walls give up waiting for events after 300 s
        alive = "alive" if proc.is_alive() else f"gone (exit code {proc.exitcode})"
        raise SystemExit(f"the walls of server {k + 1} did not report within 420 s; their process is {alive}")
    return pipe.recv()


def _produce(port: int, rate: float, seconds: float) -> dict[str, float]:
    from websockets.asyncio.client import connect

    from feeds.protocol import CaseCreated, CaseInfo, Hello, encode

    grid = load_units().grids[0].code

    async def main() -> dict[str, float]:
        # no keepalive pings: on a starved machine a late pong would close the producer's connection
        async with connect(f"ws://127.0.0.1:{port}", max_size=None, compression=None, ping_interval=None) as ws:
            await ws.send(encode(Hello("prod", None, None, "bench producer")))
            while json.loads(await ws.recv())["type"] != "caught_up":
                pass
            acks = 0

            async def read() -> None:
                nonlocal acks
                async for raw in ws:
                    if '"type":"ack"' in (raw if isinstance(raw, str) else raw.decode()):
                        acks += 1

            reader = asyncio.create_task(read())
            n = int(rate * seconds)
            run = f"{os.getpid()}-{time.time_ns() % 10**12}"  # ids unique per run: runs may share a store
            t0, cpu = time.perf_counter(), time.process_time()
            for i in range(n):
                delay = t0 + i / rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                info = CaseInfo(f"BENCH{run}-{i}", "event", "1201", "app", grid, 116.37, 39.91, "reported",
                                time.time(), "D01", description=repr(time.time()))  # fmt: skip
                await ws.send(encode(CaseCreated(info)))
            sent_s = time.perf_counter() - t0
            deadline = time.perf_counter() + 300
            while acks < n and time.perf_counter() < deadline and not reader.done():
                await asyncio.sleep(0.05)
            took = time.perf_counter() - t0
            reader.cancel()
            print(
                f"producer: {n:,} events sent in {sent_s:.1f} s; {acks:,} acked after {took:.1f} s "
                f"(append throughput {acks / took:,.0f} events/s)"
            )
            return {"acks": acks, "cpu_s": time.process_time() - cpu, "seconds": took}

    return asyncio.run(main())


def _machine_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine (``/proc/stat``)."""
    with open("/proc/stat") as fh:
        values = [float(x) for x in fh.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def _pg_cpu_s(store: Any) -> float:
    """CPU seconds used so far by the local PostgreSQL server behind ``store`` (postmaster and its backends)."""
    with store.engine.connect() as conn:
        data_dir = conn.exec_driver_sql("SHOW data_directory").scalar()
    try:
        with open(Path(data_dir) / "postmaster.pid") as fh:
            master = int(fh.readline())
    except OSError:
        return float("nan")  # not a local server this process can see
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat.parent.name) == master or int(fields[1]) == master:
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def fanout(args: argparse.Namespace) -> None:
    ctx = mp.get_context("spawn")
    root = Path(args.server_root or Path(__file__).resolve().parent.parent)
    servers, ports = [], []
    for _ in range(args.servers):
        server, port = _start_server(args.db, root, args.max_batch)
        servers.append(server)
        ports.append(port)
    store = open_store(args.db, load_reference_data=False)
    head0 = store.head()
    walls = []
    for port in ports:
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_walls, args=(port, args.clients, child, args.client))
        proc.start()
        walls.append((proc, parent))
    for _, pipe in walls:
        assert pipe.recv() == "ready"
    print(
        f"{args.servers} servers ({root}) × {args.clients} walls ({args.client} clients, one process per server's "
        "walls) "
        f"connected; producer → server 1 at {args.rate:g}/s for {args.seconds:g} s; load average "
        f"{os.getloadavg()[0]:.1f}",
        flush=True,
    )
    for server in servers:
        _server_say(server, "go")
    busy0, total0 = _machine_cpu()
    pg0 = _pg_cpu_s(store)
    prod = _produce(ports[0], args.rate, args.seconds)
    if prod["acks"] < int(args.rate * args.seconds):
        for server in servers:
            server.kill()
        raise SystemExit(f"the producer's events were not all acknowledged ({prod['acks']:,.0f}): see above")
    head = store.head()
    committed = list(range(head0 + 1, head + 1))
    for _, pipe in walls:
        pipe.send(head)
    results = [_wall_results(k, proc, pipe) for k, (proc, pipe) in enumerate(walls)]
    busy1, total1 = _machine_cpu()
    pg_s = _pg_cpu_s(store) - pg0
    stats = []
    for server in servers:
        _server_say(server, "stop")
        assert server.stdout is not None
        stats.append(json.loads(server.stdout.readline()))
        server.wait(30)
    for proc, _ in walls:
        proc.join(10)
    store.close()
    span = prod["seconds"]
    print(f"events acked {prod['acks']:,.0f}; committed {len(committed):,} (seq {head0 + 1}..{head})")
    all_lat: list[float] = []
    lost_all = doubled_all = 0
    for k, res in enumerate(results):
        outs = res["walls"]
        lost = sum(len(set(committed) - set(o["seqs"])) for o in outs)
        doubled = sum(len(o["seqs"]) - len(set(o["seqs"])) for o in outs)
        lost_all, doubled_all = lost_all + lost, doubled_all + doubled
        in_order = all(o["seqs"] == sorted(o["seqs"]) for o in outs)
        lat = [x for o in outs for x in o["lat"]]
        all_lat += lat
        got = sum(len(o["seqs"]) for o in outs)
        print(
            f"server {k + 1}: {got:,}/{len(committed) * len(outs):,} delivered, lost {lost}, duplicated {doubled}, "
            f"in order {in_order}; latency p50 {np.percentile(lat, 50):.1f} ms p99 {np.percentile(lat, 99):.1f} ms "
            f"max {max(lat):.0f} ms; relayed {stats[k]['relayed']:,}, notifications {stats[k]['notifications']:,}; "
            f"CPU: server {stats[k]['cpu_s'] / span:.0%} of a core, its walls {res['cpu_s'] / span:.0%}"
        )
    server_cpu = sum(s["cpu_s"] for s in stats) / span
    client_cpu = sum(r["cpu_s"] for r in results) / span
    machine = (busy1 - busy0) / (total1 - total0) * (os.cpu_count() or 1)
    print(
        f"CPU over the {span:.1f} s run (cores; 1.00 = one core busy): servers {server_cpu:.2f}, walls "
        f"{client_cpu:.2f}, producer {prod['cpu_s'] / span:.2f}, PostgreSQL {pg_s / span:.2f}; whole machine "
        f"{machine:.2f} of {os.cpu_count()} (the rest: other users); load average {os.getloadavg()[0]:.1f}"
    )
    per = len(committed) * args.clients
    relay_us = [s["cpu_s"] / per * 1e6 for s in stats[1:]]
    print(
        f"CPU per delivery (one event to one wall): server 1 (appends too) {stats[0]['cpu_s'] / per * 1e6:.1f} us, "
        f"relaying servers {statistics.median(relay_us) if relay_us else float('nan'):.1f} us, walls "
        f"{statistics.median(r['cpu_s'] for r in results) / per * 1e6:.1f} us"
    )
    every = sum(s["cpu_s"] for s in stats) + sum(r["cpu_s"] for r in results) + prod["cpu_s"] + pg_s
    print(
        f"CPU per event, everything (servers, walls, producer, PostgreSQL): {every / len(committed) * 1e3:.2f} ms: "
        f"{os.cpu_count()} free cores would carry {(os.cpu_count() or 1) / (every / len(committed)):,.0f} events/s "
        f"to {args.servers} x {args.clients} walls"
    )
    print(f"lost {lost_all}, duplicated {doubled_all}")
    print(
        f"all walls: latency p50 {np.percentile(all_lat, 50):.1f} ms, p99 {np.percentile(all_lat, 99):.1f} ms, "
        f"max {max(all_lat):.0f} ms over {len(all_lat):,} deliveries"
    )


def everything(args: argparse.Namespace) -> None:
    """What ``python -m bench --only city`` runs: seed (if empty), COPY rates, queries."""
    store = open_store(args.db)
    seeded = case_count(store.engine)
    store.close()
    if not seeded:
        seed(args)
    elif args.seed_log:
        print(f"== seed: the store holds {seeded:,} cases, seeded earlier by `city.py seed`; that run's log:")
        print(Path(args.seed_log).read_text().rstrip())
    print("== copy", flush=True)
    copy_rate(args)
    print("== queries", flush=True)
    queries(args)


def fanouts(args: argparse.Namespace) -> None:
    """What ``python -m bench --only city-fanout`` runs: fan-out 3 x 100, then 3 x 10 as the baseline.

    On an empty store (a fresh schema of the same database): each wall's snapshot would
    otherwise hold the open cases of 16 districts, which is not what is measured here.
    """
    with _fresh_schema(args.db) as url:
        open_store(url).close()
        for clients in (args.clients, 10):
            print(f"== fanout {args.servers} x {clients}", flush=True)
            fanout(argparse.Namespace(**{**vars(args), "clients": clients, "db": url}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("what", choices=("seed", "copy", "queries", "fanout", "fanouts", "all"))
    ap.add_argument(
        "--seed-log",
        default=os.environ.get("GRIDWALL_BENCH_SEED_LOG"),
        help="all: the log of the `seed` run that filled this store (printed as it is)",
    )
    ap.add_argument(
        "--db",
        default=os.environ.get("GRIDWALL_BENCH_PG_URL"),
        help="postgresql://… (an empty database for seed; default $GRIDWALL_BENCH_PG_URL)",
    )
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
    ap.add_argument("--max-batch", type=int, help="fanout: the servers' max_batch (default: the server's own)")
    ap.add_argument("--server-root", help="fanout: run the servers from this checkout (a before/after comparison)")
    ap.add_argument("--client", choices=("raw", "full"), default="raw", help="fanout: cheap raw or websockets walls")
    args = ap.parse_args()
    if not args.db:
        ap.error("no PostgreSQL database: --db or $GRIDWALL_BENCH_PG_URL")
    print(f"machine: {os.cpu_count()} cores, {_cpu()}; load average {os.getloadavg()[0]:.1f}")
    {"seed": seed, "copy": copy_rate, "queries": queries, "fanout": fanout, "fanouts": fanouts, "all": everything}[
        args.what
    ](args)


if __name__ == "__main__":
    main()
