"""Fan-out benchmark: GridWall's fan-out vs a naive per-client ``await send`` loop, same run.

Usage: PYTHONPATH=. python bench/fanout.py [--clients 200] [--rate 100] [--seconds 10] [--repeat 3]
       [--stalled 1 --pad 900]

For each mode the real case server runs in a child process on a fresh SQLite
store; the parent connects ``--clients`` walls plus ``--stalled`` clients that
say hello and then never read, and a producer that publishes ``--rate``
``case.created`` events per second, each stamped with its send time.
``--probes`` walls read at once and record the send-to-receive latency of every
event; the other walls read every 100 ms and count what they get (one Python
client process could not otherwise parse 20,000+ frames/s without becoming the
bottleneck it is meant to measure). Printed per mode:
events delivered, latency median / p99 / max (an event never delivered
counts as infinitely late), server CPU (one core = 100 %, including the store
appends), clients kicked as too slow, frames that went through a client queue
rather than the direct write, then the medians over ``--repeat`` runs and the
naive/gridwall ratios.

Modes:
    gridwall  the server as shipped (:class:`feeds.server.fanout.Fanout`).
    naive     the same server with broadcast replaced by one task doing
              ``for ws in clients: await ws.send(frame)``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import multiprocessing as mp
import statistics
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.client import ClientProtocol
from websockets.exceptions import ConnectionClosed
from websockets.uri import parse_uri

from feeds.protocol import CaseCreated, CaseInfo, Hello, encode

GRID = "110102001004001"
TOKENS = {"wall": "wall", "producer": "producer"}
CLIENT_CPU: list[float] = []  # client process CPU % of each run (a saturated client would skew latency)


# -- server side (child process) ----------------------------------------------


def _naive_fanout_class() -> type:
    from feeds.server.fanout import Fanout

    class NaiveFanout(Fanout):
        """Broadcast by awaiting ``send`` on each client in turn (the baseline)."""

        def __init__(self) -> None:
            super().__init__()
            self._frames: asyncio.Queue[str] | None = None  # every frame waits here: counted as queued

        def broadcast(self, frame: str, seq: int = 0) -> None:
            if seq > self.head:
                self.head = seq
            if self._frames is None:
                self._frames = asyncio.Queue()
                asyncio.get_running_loop().create_task(self._send_all(self._frames))
            self._frames.put_nowait(frame)

        async def _send_all(self, frames: asyncio.Queue[str]) -> None:
            while True:
                frame = await frames.get()
                for sub in list(self._subscribers):
                    with contextlib.suppress(ConnectionClosed):
                        await sub.ws.send(frame)

    return NaiveFanout


def _serve(mode: str, db: str, pipe: Connection) -> None:
    import feeds.server.hub as hub_module
    from feeds.server import CaseServer, ServerConfig, TokenBook

    if mode == "naive":
        setattr(hub_module, "Fanout", _naive_fanout_class())  # noqa: B010 - swap the class the Hub instantiates
    book = TokenBook()
    for token, role in TOKENS.items():
        book.add(token, role)

    async def serve() -> None:
        server = CaseServer(ServerConfig(port=0, store_url=db, tokens=book, kpi_interval_s=3600, client_queue=5000))
        await server.start()
        pipe.send(server.port)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, pipe.recv)  # "mark"
        cpu0, wall0 = time.process_time(), time.perf_counter()
        await loop.run_in_executor(None, pipe.recv)  # "stop"
        fanout = server.hub.fanout
        pipe.send(
            {
                "cpu_s": time.process_time() - cpu0,
                "wall_s": time.perf_counter() - wall0,
                "kicked": fanout.kicked,
                "queued": fanout.queued,
            }
        )
        await server.stop()

    asyncio.run(serve())


# -- client side (this process) -----------------------------------------------


def _case(i: int, pad: int) -> CaseInfo:
    return CaseInfo(
        id=f"B{i:08d}",
        kind="event",
        subclass="1201",
        source="patrol",
        grid=GRID,
        lon=116.368,
        lat=39.92,
        stage="reported",
        reported_at=time.time(),
        department="D01",
        description=f"{time.time():.6f}|" + "广" * pad,
    )


async def _hello(ws: ClientConnection, token: str) -> None:
    await ws.send(encode(Hello(token)))
    while '"caught_up"' not in str(await ws.recv()):
        pass


async def _drain(ws: ClientConnection) -> None:
    with contextlib.suppress(ConnectionClosed):
        async for _ in ws:
            pass


class RawWall(asyncio.Protocol):
    """A wall that costs the client process almost nothing per frame.

    The handshake and ``hello`` use websockets' Sans-I/O protocol; after that the
    unmasked server frames are scanned as bytes. ``probe`` walls read at once and
    record the send-to-receive latency of every event; ``batch`` walls read every
    100 ms (like a GUI draining per tick) and only count events, so that this one
    client process can keep up with hundreds of connections; ``stalled`` walls
    never read after ``hello``.
    """

    MARKER = b'"description":"'
    BATCH_S = 0.1

    def __init__(self, port: int, mode: str) -> None:
        self.protocol = ClientProtocol(parse_uri(f"ws://127.0.0.1:{port}"))
        self.mode = mode
        self.latencies: list[float] = []
        self.count = 0
        self.caught_up = asyncio.get_running_loop().create_future()
        self._open = False
        self._buf = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.protocol.send_request(self.protocol.connect())
        self._flush()

    def _flush(self) -> None:
        assert self.transport is not None
        for data in self.protocol.data_to_send():
            if data:
                self.transport.write(data)

    def data_received(self, data: bytes) -> None:
        now = time.time()
        assert self.transport is not None
        if not self._open:
            self.protocol.receive_data(data)
            if self.protocol.events_received():
                self._open = True
                self.protocol.send_text(encode(Hello("wall")).encode())
                self._flush()
                if self.mode == "stalled":
                    self.transport.pause_reading()
            return
        buf = self._buf + data
        if not self.caught_up.done() and b'"caught_up"' in buf:
            self.caught_up.set_result(None)
        if self.mode == "batch":
            self.count += buf.count(self.MARKER)
            self._buf = buf[-(len(self.MARKER) - 1) :]
            self.transport.pause_reading()
            asyncio.get_running_loop().call_later(self.BATCH_S, self._resume)
            return
        pos = 0
        while (i := buf.find(self.MARKER, pos)) >= 0:
            j = buf.find(b"|", i + len(self.MARKER))
            if j < 0:
                pos = i
                break
            self.latencies.append(now - float(buf[i + len(self.MARKER) : j]))
            pos = j
        self.count = len(self.latencies)
        rest = buf[pos:]
        self._buf = rest if rest.startswith(self.MARKER) else rest[-64:]

    def _resume(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.resume_reading()


async def _raw_wall(port: int, mode: str) -> RawWall:
    loop = asyncio.get_running_loop()
    _, wall = await loop.create_connection(lambda: RawWall(port, mode), "127.0.0.1", port)
    return wall


async def _run_clients(port: int, args: argparse.Namespace, pipe: Connection) -> tuple[list[RawWall], list[RawWall]]:
    url = f"ws://127.0.0.1:{port}"
    probes = min(args.probes, args.clients)
    walls = [await _raw_wall(port, "probe" if i < probes else "batch") for i in range(args.clients)]
    await asyncio.wait_for(asyncio.gather(*(w.caught_up for w in walls)), 60)
    stalled = [await _raw_wall(port, "stalled") for _ in range(args.stalled)]
    producer = await connect(url, max_size=None, compression=None, proxy=None)
    await _hello(producer, "producer")
    drain = asyncio.create_task(_drain(producer))
    pipe.send("mark")
    total = int(args.rate * args.seconds)
    started = time.perf_counter()
    cpu0 = time.process_time()
    for i in range(total):
        await producer.send(encode(CaseCreated(_case(i, args.pad))))
        delay = started + (i + 1) / args.rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
    deadline = time.perf_counter() + 10
    while time.perf_counter() < deadline and min(w.count for w in walls) < total:
        await asyncio.sleep(0.05)
    CLIENT_CPU.append(100 * (time.process_time() - cpu0) / (time.perf_counter() - started))
    await producer.close()
    drain.cancel()
    for wall in [*walls, *stalled]:
        if wall.transport is not None:
            wall.transport.close()
    return walls[:probes], walls


def run_mode(mode: str, args: argparse.Namespace) -> dict[str, Any]:
    """One server process, one client run; returns the figures."""
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    with tempfile.TemporaryDirectory() as tmp:
        proc = ctx.Process(target=_serve, args=(mode, str(Path(tmp) / "bench.db"), child))
        proc.start()
        port = parent.recv()
        probes, walls = asyncio.run(_run_clients(port, args, parent))
        parent.send("stop")
        server = parent.recv()
        proc.join(30)
    total = int(args.rate * args.seconds)
    measured = sorted(x for w in probes for x in w.latencies)
    flat = measured + [math.inf] * (total * len(probes) - len(measured))  # never delivered: infinitely late
    return {
        "mode": mode,
        "delivered": sum(min(w.count, total) for w in walls),
        "expected": total * len(walls),
        "median_ms": statistics.median(flat) * 1000,
        "p99_ms": flat[int(len(flat) * 0.99)] * 1000,
        "max_ms": flat[-1] * 1000,
        "cpu_pct": 100 * server["cpu_s"] / server["wall_s"],
        "kicked": server["kicked"],
        "queued": server["queued"],
        "client_cpu_pct": CLIENT_CPU[-1],
    }


def _row(r: dict[str, Any]) -> str:
    return (
        f"{r['mode']:<10}{r['delivered']:>9}/{r['expected']:<8}{r['median_ms']:>11.2f}{r['p99_ms']:>10.2f}"
        f"{r['max_ms']:>10.1f}{r['cpu_pct']:>11.1f}%{r['kicked']:>8}{r['queued']:>9}{r['client_cpu_pct']:>11.1f}%"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="GridWall fan-out vs naive await-send loop")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--rate", type=float, default=100.0, help="events per second")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--probes", type=int, default=20, help="walls that measure latency (others read per 100 ms)")
    parser.add_argument("--stalled", type=int, default=0, help="clients that never read")
    parser.add_argument("--pad", type=int, default=0, help="CJK characters added to each description (<= 980)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per mode (alternating); medians are reported")
    parser.add_argument("--modes", default="gridwall,naive")
    args = parser.parse_args()
    modes = args.modes.split(",")
    size = len(encode(CaseCreated(_case(0, args.pad))).encode())
    print(
        f"{args.clients} walls + {args.stalled} stalled, {args.rate:g} events/s of ~{size} B for {args.seconds:g} s,"
        f" loopback, server in one process, clients in another, {args.repeat} runs per mode"
    )
    header = f"{'mode':<10}{'delivered':>18}{'median ms':>11}{'p99 ms':>10}{'max ms':>10}{'server CPU':>12}"
    print(header + f"{'kicked':>8}{'queued':>9}{'client CPU':>12}")
    runs: dict[str, list[dict[str, Any]]] = {mode: [] for mode in modes}
    for _ in range(args.repeat):
        for mode in modes:
            result = run_mode(mode, args)
            runs[mode].append(result)
            print(_row(result), flush=True)
    print("medians of the runs:")
    medians: dict[str, dict[str, Any]] = {}
    for mode, results in runs.items():
        med = {
            k: statistics.median(r[k] for r in results)
            for k in ("median_ms", "p99_ms", "max_ms", "cpu_pct", "client_cpu_pct")
        }
        medians[mode] = {**results[0], **med, "delivered": min(r["delivered"] for r in results)}
        medians[mode]["kicked"] = max(r["kicked"] for r in results)
        medians[mode]["queued"] = max(r["queued"] for r in results)
        print(_row(medians[mode]))
    if "naive" in medians and "gridwall" in medians:
        g, n = medians["gridwall"], medians["naive"]
        print(
            f"naive/gridwall: median latency {n['median_ms'] / g['median_ms']:.2f}x, "
            f"p99 {n['p99_ms'] / g['p99_ms']:.2f}x, server CPU {n['cpu_pct'] / g['cpu_pct']:.2f}x"
        )


if __name__ == "__main__":
    main()
