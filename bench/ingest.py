"""Server ingest: events committed, applied and fanned out per second, against a bare websockets relay.

Usage::

    PYTHONPATH=. python bench/ingest.py [--walls 2] [--seconds 5] [--rate 5000] [--repeat 3] [--quick]
                                        [--profile /tmp/ingest.prof]

The case server runs in a child process on a fresh SQLite store (one process: its
CPU time is measured from inside, so "one core" is 100 %). This process holds one
producer and ``--walls`` walls (role ``wall``, so every frame they get is also
masked for privacy, as on a real wall). Both sides are raw Sans-I/O websockets
clients that scan bytes, so the client process stays cheap enough not to be the
bottleneck.

The producer sends a realistic workflow mix: per case one ``case.created`` and
six steps (filed, dispatched, handling, closure_requested, verifying, closed),
interleaved over many open cases, each step a separate frame as producers send
them. Every ``case.created`` and ``case.stage`` carries its send time in a text
field; the walls read it back to time each event from the producer's send to the
wall's receive.

Phases, each run ``--repeat`` times:

* **flood** — the producer keeps up to ``--window`` events unacknowledged and
  sends as fast as acks return: events/s acknowledged (every ack means committed
  to the store before any wall saw it) and server CPU.
* **rate** — ``--rate`` events/s for ``--seconds``: latency p50 / p99 / max from
  send to each wall, and server CPU.

Baselines measured in the same run:

* **relay** — a bare websockets server in a child process that does the least a
  server can: for every frame from the producer, ``websockets.broadcast`` it to
  the walls and send a small ack back (no decode, no store). Flooded the same way:
  the ceiling of one Python process pushing these frames between these clients.
* **sqlite** — the same number of event frames inserted into a one-table SQLite
  file (WAL, ``synchronous=NORMAL``) with ``executemany`` in one transaction.

Prints each run, the medians, and the ratios gridwall / relay and
gridwall / sqlite. ``--quick`` is a short smoke run (about 15 s).
``measure(quick)`` returns the medians for a harness.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import multiprocessing as mp
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import deque
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from websockets.client import ClientProtocol
from websockets.uri import parse_uri

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fanout import RawWall

from feeds.protocol import CaseClosed, CaseCreated, CaseInfo, CaseStageChanged, Hello, Message, encode

GRID = "110102001004001"
TOKENS = {"wall": "wall", "producer": "producer"}
STEPS = ("filed", "dispatched", "handling", "closure_requested", "verifying")
MARK = "@@T@@"
"""Placeholder in a frame template, replaced by ``TS=<send time>|`` when sent."""
STAMP = b"TS="
OPEN_CASES = 200
"""Cases in flight at once in the workflow mix."""


# -- the event mix ---------------------------------------------------------------


def workflow_frames(n: int, tag: str) -> list[str]:
    """``n`` frame templates: a case is created every 7th event, the others move open cases on.

    Every case goes reported → filed → dispatched → handling → closure_requested →
    verifying → closed. Templates hold :data:`MARK` where the send time goes.
    """
    frames: list[str] = []
    open_cases: deque[tuple[str, int]] = deque()
    created = 0
    while len(frames) < n:
        if len(frames) % 7 == 0 or not open_cases:
            case_id = f"{tag}{created:08d}"
            created += 1
            frames.append(encode(CaseCreated(_case(case_id))))
            open_cases.append((case_id, 0))
            continue
        case_id, step = open_cases.popleft() if len(open_cases) >= OPEN_CASES else open_cases.pop()
        msg: Message
        if step < len(STEPS):
            msg = CaseStageChanged(case_id, STEPS[step], note=MARK)
            open_cases.append((case_id, step + 1))
        else:
            msg = CaseClosed(case_id, on_time=True)
        frames.append(encode(msg))
    return frames


def _case(case_id: str) -> CaseInfo:
    return CaseInfo(
        id=case_id,
        kind="event",
        subclass="1201",
        source="patrol",
        grid=GRID,
        lon=116.368,
        lat=39.92,
        stage="reported",
        reported_at=time.time(),
        department="D01",
        description=f"{MARK}电线杆上贴小广告",
        address="西长安街",
    )


# -- servers (child processes) -----------------------------------------------------


def _serve_gridwall(db: str, pipe: Connection, profile: str | None, src: str | None = None) -> None:
    if src:  # another checkout's server (e.g. main, for a before/after ratio)
        for name in [m for m in sys.modules if m == "feeds" or m.startswith("feeds.")]:
            del sys.modules[name]
        sys.path.insert(0, src)
    from feeds.server import CaseServer, ServerConfig, TokenBook

    book = TokenBook()
    for token, role in TOKENS.items():
        book.add(token, role)

    async def serve() -> None:
        config = ServerConfig(
            port=0, store_url=db, tokens=book, kpi_interval_s=3.0, client_queue=20_000, heartbeat_s=60.0
        )
        server = CaseServer(config)
        await server.start()
        pipe.send(server.port)
        await _measure_between_marks(pipe, profile)
        await server.stop()

    asyncio.run(serve())


def _serve_relay(pipe: Connection) -> None:
    from websockets.asyncio.server import ServerConnection, broadcast, serve
    from websockets.exceptions import ConnectionClosed

    async def main() -> None:
        walls: set[ServerConnection] = set()

        async def handle(ws: ServerConnection) -> None:
            with contextlib.suppress(ConnectionClosed):  # the bench's clients just drop their connections
                hello = str(await ws.recv())
                await ws.send('{"type":"caught_up","v":1,"head":0}')
                if '"producer"' not in hello:
                    walls.add(ws)
                    await ws.wait_closed()
                    walls.discard(ws)
                    return
                async for frame in ws:
                    broadcast(walls, frame)
                    await ws.send('{"type":"ack","v":1,"event_seq":1}')

        async with serve(handle, "127.0.0.1", 0, compression=None, max_size=None, ping_interval=None) as server:
            pipe.send(server.sockets[0].getsockname()[1])
            await _measure_between_marks(pipe, None)

    asyncio.run(main())


async def _measure_between_marks(pipe: Connection, profile: str | None) -> None:
    """Between the client's "mark" and "stop": this process's CPU time (all threads), optionally profiled."""
    loop = asyncio.get_running_loop()
    while True:
        what = await loop.run_in_executor(None, pipe.recv)
        if what == "quit":
            return
        prof = cProfile.Profile(time.process_time) if profile else None  # CPU time: the machine may be shared
        if prof is not None:
            prof.enable()
        cpu0, wall0 = time.process_time(), time.perf_counter()
        await loop.run_in_executor(None, pipe.recv)  # "stop"
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        if prof is not None and profile:
            prof.disable()
            prof.dump_stats(profile)
        pipe.send({"cpu_s": cpu, "wall_s": wall})


# -- clients (this process) ----------------------------------------------------------


class RawClient(RawWall):
    """A websockets client that costs almost nothing per frame (Sans-I/O handshake, then byte scans).

    A ``wall`` records the send-to-receive latency of every stamped event and
    counts events; a ``producer`` counts ``ack`` and ``error`` replies. The
    handshake is :class:`fanout.RawWall`'s.
    """

    def __init__(self, port: int, token: str) -> None:
        super().__init__(port, token)
        self.protocol = ClientProtocol(parse_uri(f"ws://127.0.0.1:{port}"), max_size=None)
        self.token = token
        self.latencies: list[float] = []
        self.events = 0  # frames with a server-given seq (gridwall)
        self.stamped = 0  # stamped frames (the relay forwards the producer's frames, which have no seq)
        self.acks = 0
        self.errors = 0
        self.measuring = False
        self.progress = asyncio.Event()
        self._tail = b""

    def send(self, frames: list[str]) -> None:
        """Send text frames (already encoded JSON)."""
        for frame in frames:
            self.protocol.send_text(frame.encode())
        self._flush()

    def data_received(self, data: bytes) -> None:
        now = time.time()
        if not self._open:
            self.protocol.receive_data(data)
            if self.protocol.events_received():
                self._open = True
                self.send([encode(Hello(self.token))])
            return
        if not self.caught_up.done():
            buf = self._tail + data
            if b'"caught_up"' not in buf:
                self._tail = buf[-16:]
                return
            self.caught_up.set_result(None)
            data = buf[buf.index(b'"caught_up"') :]
            self._tail = b""
        # Only the last len(marker) - 1 bytes are carried over, so no marker is counted twice.
        buf = self._tail + data
        if self.token == "producer":
            self.acks += buf.count(b'"type":"ack"')
            self.errors += buf.count(b'"type":"error"')
            self._tail = buf[-11:]
            self.progress.set()
            return
        self.events += buf.count(b',"seq":')
        pos = 0
        while (i := buf.find(STAMP, pos)) >= 0:
            j = buf.find(b"|", i)
            if j < 0:
                self._tail = buf[i:]  # a stamp cut in two: the rest comes with the next data
                return
            if self.measuring:
                self.latencies.append(now - float(buf[i + len(STAMP) : j]))
            self.stamped += 1
            pos = j
        self._tail = buf[-6:]


async def _connect(port: int, token: str) -> RawClient:
    loop = asyncio.get_running_loop()
    _, client = await loop.create_connection(lambda: RawClient(port, token), "127.0.0.1", port)
    await asyncio.wait_for(client.caught_up, 60)
    return client


def _stamped(frame: str) -> str:
    return frame.replace(MARK, f"TS={time.time():.6f}|", 1)


async def _flood(producer: RawClient, frames: list[str], window: int) -> float:
    """Send every frame keeping at most ``window`` unacknowledged; returns seconds until the last ack."""
    base = producer.acks + producer.errors
    started = time.perf_counter()
    sent = 0
    while producer.acks + producer.errors - base < len(frames):
        room = window - (sent - (producer.acks + producer.errors - base))
        if room > 0 and sent < len(frames):
            chunk = frames[sent : sent + min(room, 256)]
            producer.send([_stamped(f) for f in chunk])
            sent += len(chunk)
            await asyncio.sleep(0)
            continue
        producer.progress.clear()
        await asyncio.wait_for(producer.progress.wait(), 30)
    return time.perf_counter() - started


async def _paced(producer: RawClient, frames: list[str], rate: float) -> float:
    """Send the frames at ``rate`` per second (in 1 ms slices); returns seconds until the last ack."""
    base = producer.acks + producer.errors
    started = time.perf_counter()
    sent = 0
    while sent < len(frames):
        due = min(len(frames), int((time.perf_counter() - started) * rate) + 1)
        if due > sent:
            producer.send([_stamped(f) for f in frames[sent:due]])
            sent = due
        await asyncio.sleep(0.001)
    while producer.acks + producer.errors - base < len(frames):
        producer.progress.clear()
        await asyncio.wait_for(producer.progress.wait(), 30)
    return time.perf_counter() - started


def _delivered(wall: RawClient, relay: bool) -> int:
    return wall.stamped if relay else wall.events


async def _walls_done(walls: list[RawClient], expected: int, relay: bool) -> None:
    deadline = time.perf_counter() + 30
    while min(_delivered(w, relay) for w in walls) < expected and time.perf_counter() < deadline:
        await asyncio.sleep(0.01)


async def _session(
    port: int, pipe: Connection, phases: list[tuple[str, list[str], float]], walls_n: int, relay: bool
) -> list[dict[str, Any]]:
    """Connect the producer and walls once, then run each phase between a mark and a stop."""
    walls = [await _connect(port, "wall") for _ in range(walls_n)]
    producer = await _connect(port, "producer")
    results = []
    for kind, frames, param in phases:
        for w in walls:
            w.latencies.clear()
            w.measuring = True
        events0 = [_delivered(w, relay) for w in walls]
        # the relay's walls are counted by stamp, and only the frames that carry the mark have one
        need = sum(MARK in f for f in frames) if relay else len(frames)
        errors0 = producer.errors
        pipe.send("mark")
        if kind == "flood":
            elapsed = await _flood(producer, frames, int(param))
        else:
            elapsed = await _paced(producer, frames, param)
        await _walls_done(walls, min(events0) + need, relay)
        pipe.send("stop")
        server = pipe.recv()
        lat = sorted(x for w in walls for x in w.latencies)
        results.append(
            {
                "phase": kind,
                "events": need,
                "errors": producer.errors - errors0,
                "delivered": min(_delivered(w, relay) - e0 for w, e0 in zip(walls, events0, strict=True)),
                "rate": len(frames) / elapsed,
                "cpu_pct": 100 * server["cpu_s"] / server["wall_s"],
                "per_cpu_s": len(frames) / server["cpu_s"],
                "p50_ms": 1000 * lat[len(lat) // 2] if lat else float("nan"),
                "p99_ms": 1000 * lat[int(len(lat) * 0.99)] if lat else float("nan"),
                "max_ms": 1000 * lat[-1] if lat else float("nan"),
            }
        )
        for w in walls:
            w.measuring = False
    pipe.send("quit")
    for client in (*walls, producer):
        if client.transport is not None:
            client.transport.close()
    return results


def run_server(
    kind: str, phases: list[tuple[str, int, float]], walls: int, profile: str | None = None, src: str | None = None
) -> list[dict[str, Any]]:
    """One server process (``gridwall``, ``before`` from ``src``, or ``relay``), the phases against it."""
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    with tempfile.TemporaryDirectory() as tmp:
        if kind != "relay":
            db = str(Path(tmp) / "ingest.db")
            proc = ctx.Process(target=_serve_gridwall, args=(db, child, profile, src if kind == "before" else None))
        else:
            proc = ctx.Process(target=_serve_relay, args=(child,))
        proc.start()
        try:
            port = parent.recv()
            tag = f"I{int(time.time() * 1000) % 10**9:09d}"
            built = [(name, workflow_frames(n, f"{tag}{i}"), param) for i, (name, n, param) in enumerate(phases)]
            results = asyncio.run(_session(port, parent, built, walls, kind == "relay"))
            proc.join(30)
        finally:
            if proc.is_alive():
                proc.kill()
    return results


def sqlite_baseline(n: int) -> float:
    """Rows/s: ``n`` event frames into a one-table SQLite file in one ``executemany`` transaction."""
    frames = workflow_frames(n, "S")
    with tempfile.TemporaryDirectory() as tmp:
        conn = sqlite3.connect(Path(tmp) / "base.db", isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("CREATE TABLE events (seq INTEGER PRIMARY KEY, type TEXT, ts INTEGER, frame TEXT)")
        started = time.perf_counter()
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO events VALUES (?, ?, ?, ?)",
            [(i + 1, "case", int(time.time()), f) for i, f in enumerate(frames)],
        )
        conn.execute("COMMIT")
        elapsed = time.perf_counter() - started
        conn.close()
    return n / elapsed


def measure(
    quick: bool = False,
    *,
    walls: int = 2,
    seconds: float = 5.0,
    rate: float = 5000.0,
    repeat: int = 3,
    window: int = 2000,
    profile: str | None = None,
    before: str | None = None,
    out: Any = None,
) -> dict[str, Any]:
    """Run everything; print each run to ``out`` (default stdout) and return the medians and ratios."""
    out = out or sys.stdout
    if quick:
        seconds, repeat = 1.0, 1
    flood_n = int(max(rate, 10_000) * seconds)
    phases = [("flood", flood_n, float(window)), ("rate", int(rate * seconds), rate)]
    print(
        f"{walls} walls, 1 producer; flood {flood_n} events (window {window}); {rate:g} events/s for {seconds:g} s; "
        f"{repeat} run(s)",
        file=out,
    )
    print(
        f"{'server':<10}{'phase':<7}{'events/s':>10}{'server CPU':>12}{'ev/CPU-s':>10}"
        f"{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'delivered':>11}{'errors':>8}",
        file=out,
    )
    runs: dict[tuple[str, str], list[dict[str, Any]]] = {}
    sqlite_rates: list[float] = []
    for _ in range(repeat):
        for kind in ("gridwall", "relay", *(("before",) if before else ())):
            for r in run_server(kind, phases, walls, profile if kind == "gridwall" else None, before):
                runs.setdefault((kind, r["phase"]), []).append(r)
                print(_row(kind, r), file=out, flush=True)
        sqlite_rates.append(sqlite_baseline(flood_n))
        print(f"sqlite executemany: {sqlite_rates[-1]:,.0f} rows/s", file=out, flush=True)
    med = {key: {k: statistics.median(r[k] for r in rs) for k in rs[0] if k != "phase"} for key, rs in runs.items()}
    print("medians:", file=out)
    for (kind, phase), m in med.items():
        print(_row(kind, {"phase": phase, **m}), file=out)
    sqlite_rate = statistics.median(sqlite_rates)
    g, relay = med[("gridwall", "flood")], med[("relay", "flood")]
    print(
        f"gridwall flood: {g['rate']:,.0f} events/s = {g['rate'] / relay['rate']:.2f}x the bare relay "
        f"({relay['rate']:,.0f}/s); {g['per_cpu_s']:,.0f} events per server CPU-second = "
        f"{g['per_cpu_s'] / relay['per_cpu_s']:.2f}x the relay's {relay['per_cpu_s']:,.0f}; "
        f"sqlite executemany {sqlite_rate:,.0f} rows/s",
        file=out,
    )
    p99, relay_p99 = med[("gridwall", "rate")]["p99_ms"], med[("relay", "rate")]["p99_ms"]
    print(f"at {rate:g}/s: p99 {p99:.1f} ms, relay {relay_p99:.1f} ms", file=out)
    if before:
        b = med[("before", "flood")]
        print(
            f"before ({before}): {b['rate']:,.0f} events/s, {b['per_cpu_s']:,.0f} events per CPU-second; "
            f"gridwall/before {g['per_cpu_s'] / b['per_cpu_s']:.2f}x per CPU-second",
            file=out,
        )
    return {"medians": {f"{k}/{p}": m for (k, p), m in med.items()}, "sqlite_rows_s": sqlite_rate}


def _row(kind: str, r: dict[str, Any]) -> str:
    return (
        f"{kind:<10}{r['phase']:<7}{r['rate']:>10,.0f}{r['cpu_pct']:>11.0f}%{r['per_cpu_s']:>10,.0f}{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}"
        f"{r['max_ms']:>9.1f}{int(r['delivered']):>7}/{int(r['events']):<6}{int(r['errors']):>5}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="GridWall server ingest vs a bare websockets relay")
    parser.add_argument("--walls", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=5.0, help="length of the rate phase (and flood size)")
    parser.add_argument("--rate", type=float, default=5000.0, help="events per second in the rate phase")
    parser.add_argument("--window", type=int, default=2000, help="unacknowledged events in flight when flooding")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="one short run of each (smoke test)")
    parser.add_argument("--profile", help="write the gridwall server's cProfile stats here (last run)")
    parser.add_argument("--before", help="also run the server of this checkout (e.g. /work/main) for a ratio")
    args = parser.parse_args()
    measure(
        args.quick,
        walls=args.walls,
        seconds=args.seconds,
        rate=args.rate,
        repeat=args.repeat,
        window=args.window,
        profile=args.profile,
        before=args.before,
    )


if __name__ == "__main__":
    main()
