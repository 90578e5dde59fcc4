"""Event-to-screen benchmark: producer send → feed and counters updated on a live wall, vs a bare client.

Usage: PYTHONPATH=. python bench/event_to_screen.py [--repeat 3] [--slow-rate 100 --slow-seconds 20]
       [--fast-rate 1000 --fast-seconds 10] [--no-wall] [--drain-ms N]

Processes (``time.monotonic()`` is system-wide on Linux, so stamps compare across them):

* **server**: a real :class:`~feeds.server.ServerThread` on a fresh SQLite store (127.0.0.1, port 0).
* **producer**: one websocket that publishes ``case.created`` at a fixed rate (pipelined, acks drained
  in the background) and records the send time of every case id.
* **baseline**: a bare :class:`~feeds.client.ClientThread` (no GUI); latency = send → decoded
  (the ``drain_stamped`` arrival stamp).
* **wall** (this process): a :class:`~desktop.session.WallSession`, windowed 1920x1080 on the offscreen
  platform, map included. A slot connected to ``bridge.sigChanged`` after the controller's runs once
  ``WallController._on_changed`` has updated the feed, overdue, KPI, chart and map panels for the batch;
  latency = send → that moment for every event of the batch.

Each phase (``--slow-rate`` for ``--slow-seconds``, then ``--fast-rate`` for ``--fast-seconds``) runs
``--repeat`` times on the same wall (its state keeps growing, as in a day). An event that never
arrives counts as infinitely late. Loss is checked on the wall: ``LiveState.last_seq`` equals the events
sent so far, ``gaps == 0`` and every sent id is in the state. ``--no-wall`` is the control run without
the GUI; ``--drain-ms`` overrides the bridge's drain interval in this process only (a what-if).
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu")

import argparse
import asyncio
import contextlib
import math
import multiprocessing as mp
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from feeds.protocol import CaseCreated, CaseInfo, Hello, Message, encode

WALL, PRODUCER = "bench-wall", "bench-producer"
Template = tuple[str, float, float, str, str, str]  # grid, lon, lat, subclass, kind, department


# -- server, producer and baseline (child processes) -----------------------------


def _serve(db: str, pipe: Connection) -> None:
    from feeds.server import ServerConfig, ServerThread, TokenBook

    book = TokenBook()
    book.add(WALL, "wall", "wall")
    book.add(PRODUCER, "producer", "simulator")
    server = ServerThread(ServerConfig(host="127.0.0.1", port=0, store_url=db, tokens=book)).start()
    pipe.send(server.url)
    pipe.recv()  # "stop"
    server.stop()


def _case(case_id: str, t: Template, now: float) -> CaseInfo:
    grid, lon, lat, subclass, kind, department = t
    return CaseInfo(
        id=case_id,
        kind=kind,
        subclass=subclass,
        source="patrol",
        grid=grid,
        lon=lon,
        lat=lat,
        stage="reported",
        reported_at=now,
        department=department,
        description=f"bench {case_id}",
        deadline=now + 7200,
    )


async def _produce(url: str, templates: list[Template], pipe: Connection) -> None:
    from websockets.asyncio.client import connect

    ws = await connect(url, max_size=None, compression=None, proxy=None)
    await ws.send(encode(Hello(PRODUCER, client="bench-producer")))
    while '"caught_up"' not in str(await ws.recv()):
        pass

    async def drain_acks() -> None:
        with contextlib.suppress(Exception):
            async for _ in ws:
                pass

    acks = asyncio.create_task(drain_acks())
    loop = asyncio.get_running_loop()
    pipe.send("ready")
    while True:
        cmd = await loop.run_in_executor(None, pipe.recv)
        if cmd == "stop":
            break
        tag, rate, seconds = cmd
        total = int(rate * seconds)
        sent: dict[str, float] = {}
        start = time.monotonic()
        for i in range(total):
            due = start + i / rate
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            case_id = f"{tag}{i:06d}"
            now = time.monotonic()
            await ws.send(encode(CaseCreated(_case(case_id, templates[i % len(templates)], time.time()))))
            sent[case_id] = now
        pipe.send((sent, time.monotonic() - start))
    acks.cancel()
    await ws.close()


def _producer(url: str, templates: list[Template], pipe: Connection) -> None:
    asyncio.run(_produce(url, templates, pipe))


def _baseline(url: str, pipe: Connection) -> None:
    from feeds.client import ClientThread

    client = ClientThread(url, WALL, client_name="bench-baseline").start()
    while client.status.state != "live":
        time.sleep(0.02)
    pipe.send("ready")
    arrived: dict[str, float] = {}
    while True:
        for stamp, msg in client.drain_stamped():
            if isinstance(msg, CaseCreated):
                arrived[msg.case.id] = stamp
        if pipe.poll(0.02):
            cmd = pipe.recv()
            if cmd == "stop":
                break
            expected: int = cmd
            deadline = time.monotonic() + 10
            while len(arrived) < expected and time.monotonic() < deadline:
                for stamp, msg in client.drain_stamped():
                    if isinstance(msg, CaseCreated):
                        arrived[msg.case.id] = stamp
                time.sleep(0.02)
            pipe.send(arrived)
            arrived = {}
    client.stop()


# -- the wall (this process) -------------------------------------------------------


def _spin_until(pred: Callable[[], bool], timeout: float) -> bool:
    """Run the Qt event loop until ``pred()`` or ``timeout`` seconds."""
    from PySide6.QtCore import QEventLoop, QTimer

    deadline = time.monotonic() + timeout
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: loop.quit() if pred() or time.monotonic() > deadline else None)
    timer.start()
    if not pred():
        loop.exec()
    timer.stop()
    return pred()


class WallProbe:
    """Stamps every case of a drained batch when the controller has updated the panels for it."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.arrived: dict[str, float] = {}  # decoded by the wall's client thread
        self.shown: dict[str, float] = {}  # panels updated
        self.update_ms: list[float] = []  # drain end → panels updated, per batch (apply + controller)
        self._pending: list[str] = []
        self._drained = 0.0
        client = session.client
        drain = client.drain_stamped

        def drain_stamped(limit: int | None = None) -> list[tuple[float, Message]]:
            out = drain(limit)
            for stamp, msg in out:
                if isinstance(msg, CaseCreated):
                    self.arrived[msg.case.id] = stamp
                    self._pending.append(msg.case.id)
            self._drained = time.monotonic()
            return out

        client.drain_stamped = drain_stamped  # the bridge calls it through the instance
        session.bridge.sigChanged.connect(self._on_changed)  # after WallController._on_changed

    def _on_changed(self, _changes: object) -> None:
        done = time.monotonic()
        if self._pending:
            self.update_ms.append((done - self._drained) * 1000)
        for case_id in self._pending:
            self.shown[case_id] = done
        self._pending.clear()


def _templates() -> list[Template]:
    from feeds.geo.units import load_units
    from feeds.taxonomy import load_taxonomy

    grids = load_units().grids
    subs = load_taxonomy().subclasses
    return [
        (g.code, g.centroid[0], g.centroid[1], subs[i % len(subs)].code, subs[i % len(subs)].kind,
         subs[i % len(subs)].department)
        for i, g in enumerate(grids)
    ]  # fmt: skip


def _pct(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, max(0, math.ceil(q * len(values)) - 1))]


def _stats(sent: dict[str, float], got: dict[str, float]) -> dict[str, float]:
    lat = sorted((got[k] - t) * 1000 if k in got else math.inf for k, t in sent.items())
    return {
        "n": sum(1 for k in sent if k in got),
        "p50": _pct(lat, 0.50),
        "p95": _pct(lat, 0.95),
        "p99": _pct(lat, 0.99),
        "max": lat[-1],
    }


def _machine() -> str:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    import PySide6

    la = os.getloadavg()
    return (
        f"machine: {os.cpu_count()} cores ({model or platform.machine()}), load average {la[0]:.2f} {la[1]:.2f} "
        f"{la[2]:.2f}; Python {platform.python_version()}, PySide6 {PySide6.__version__}, "
        f"QT_QPA_PLATFORM={os.environ['QT_QPA_PLATFORM']}"
    )


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _busy_s() -> float:
    """CPU seconds spent busy by the whole machine (all cores)."""
    ticks = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU % (one core = 100) of named processes, and of the whole machine, since the last :meth:`reset`."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids
        self.reset()

    def reset(self) -> None:
        self._t0 = time.monotonic()
        self._cpu0 = {name: _cpu_s(pid) for name, pid in self.pids.items()}
        self._busy0 = _busy_s()

    def read(self) -> str:
        dt = time.monotonic() - self._t0
        parts = [f"{name} {100 * (_cpu_s(pid) - self._cpu0[name]) / dt:.0f}" for name, pid in self.pids.items()]
        return " ".join(parts) + f" all {100 * (_busy_s() - self._busy0) / dt:.0f}"


def _ms(x: float) -> str:
    return "      -" if math.isnan(x) else f"{x:>7.1f}"


def _row(rate: float, run: int, sent: int, b: dict[str, float], w: dict[str, float] | None) -> str:
    wall = "-" if w is None else f"{w['n']:.0f}"
    w = w or {k: math.nan for k in ("p50", "p95", "p99", "max")}
    return (
        f"{rate:>7.0f} {run:>3} {sent:>6} {b['n']:>8.0f} {wall:>8}  "
        + "/".join(_ms(b[k]) for k in ("p50", "p95", "p99", "max"))
        + "  "
        + "/".join(_ms(w[k]) for k in ("p50", "p95", "p99", "max"))
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="GridWall event-to-screen latency vs a bare client")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--slow-rate", type=float, default=100.0)
    parser.add_argument("--slow-seconds", type=float, default=20.0)
    parser.add_argument("--fast-rate", type=float, default=1000.0)
    parser.add_argument("--fast-seconds", type=float, default=10.0)
    parser.add_argument("--no-wall", action="store_true", help="control run: server, producer and baseline only")
    parser.add_argument("--drain-ms", type=int, default=0, help="override the bridge's drain interval (0: as shipped)")
    args = parser.parse_args()

    from desktop.app import WallOptions, create_application
    from desktop.session import WallSession

    print(_machine(), flush=True)
    ctx = mp.get_context("spawn")
    templates = _templates()
    app, translations = create_application("en")
    with tempfile.TemporaryDirectory() as tmp:
        srv_pipe, srv_child = ctx.Pipe()
        server = ctx.Process(target=_serve, args=(str(Path(tmp) / "bench.db"), srv_child), daemon=True)
        server.start()
        url = srv_pipe.recv()
        session: Any = None
        probe: WallProbe | None = None
        if not args.no_wall:
            t0 = time.monotonic()
            session = WallSession(url, WALL, WallOptions(language="en", windowed=True, size=(1920, 1080)), translations)
            probe = WallProbe(session)
            if args.drain_ms:
                session.bridge._drain.setInterval(args.drain_ms)  # what-if only; the project file is unchanged
            print(f"bridge drain interval: {session.bridge._drain.interval()} ms", flush=True)
            session.show()
            gmap = session.wall_windows[0].panels["map"]
            ok = _spin_until(lambda: session.bridge.status.state == "live" and bool(gmap.is_ready), 90)
            print(f"wall live with map ready: {ok} after {time.monotonic() - t0:.1f} s", flush=True)
        base_pipe, base_child = ctx.Pipe()
        baseline = ctx.Process(target=_baseline, args=(url, base_child), daemon=True)
        baseline.start()
        prod_pipe, prod_child = ctx.Pipe()
        producer = ctx.Process(target=_producer, args=(url, templates, prod_child), daemon=True)
        producer.start()
        assert base_pipe.recv() == "ready" and prod_pipe.recv() == "ready"
        pids = {"server": server.pid, "producer": producer.pid, "baseline": baseline.pid, "wall": os.getpid()}
        if probe is not None:
            pids["map renderer"] = session.wall_windows[0].panels["map"].page().renderProcessPid()
        meter = CpuMeter({k: v for k, v in pids.items() if v and (k != "wall" or probe)})
        _spin_until(lambda: False, 2.0)  # settle

        phases = [
            (r, sec) for r, sec in ((args.slow_rate, args.slow_seconds), (args.fast_rate, args.fast_seconds)) if sec > 0
        ]
        results: dict[float, list[dict[str, Any]]] = {rate: [] for rate, _ in phases}
        total_sent = 0
        lost_ever = False
        print(
            f"{'rate/s':>7} {'run':>3} {'sent':>6} {'base rcv':>8} {'wall rcv':>8}  "
            f"{'baseline p50/p95/p99/max ms':<31}  {'wall p50/p95/p99/max ms':<31}  no loss  CPU % (core = 100)",
            flush=True,
        )
        for run in range(1, args.repeat + 1):
            for rate, seconds in phases:
                tag = f"EB{run}R{int(rate)}N"
                meter.reset()
                batches = len(probe.update_ms) if probe is not None else 0
                prod_pipe.send((tag, rate, seconds))
                _spin_until(prod_pipe.poll, seconds + 60)
                sent, took = prod_pipe.recv()
                total_sent += len(sent)
                if probe is not None:
                    _spin_until(lambda s=sent, p=probe: all(k in p.shown for k in s), 15)  # type: ignore[misc]
                base_pipe.send(len(sent))
                base = base_pipe.recv()
                cpu = meter.read()
                b = _stats(sent, base)
                w = _stats(sent, probe.shown) if probe is not None else None
                ok = "-"
                if session is not None:
                    st = session.state
                    in_state = sum(1 for k in sent if st.case(k) is not None)
                    seq_ok = st.last_seq == total_sent and st.gaps == 0 and in_state == len(sent)
                    lost_ever |= not seq_ok
                    ok = f"{'yes' if seq_ok else 'NO'}:{st.last_seq}/{st.gaps}"
                results[rate].append({"base": b, "wall": w, "sent": len(sent)})
                if probe is not None:
                    upd = sorted(probe.update_ms[batches:]) or [math.nan]
                    cpu += (
                        f"; per batch {len(upd)} x apply+panels p50 {_pct(upd, 0.5):.1f} p99 {_pct(upd, 0.99):.1f} ms"
                    )
                late = f"  (sending took {took:.1f} s)" if took > seconds * 1.05 else ""
                print(f"{_row(rate, run, len(sent), b, w)}  {ok:<7}  {cpu}{late}", flush=True)
                _spin_until(lambda: False, 1.0)

        print(f"\nmedians over {args.repeat} run(s):")
        for rate, rows in results.items():
            keys = ("p50", "p95", "p99", "max")
            b = {k: statistics.median(r["base"][k] for r in rows) for k in keys}
            sent_n = sum(r["sent"] for r in rows)
            line = (
                f"  {rate:.0f} events/s: baseline received {sum(r['base']['n'] for r in rows):.0f}/{sent_n}, "
                f"p50 {b['p50']:.1f} p99 {b['p99']:.1f} ms"
            )
            if probe is not None:
                w = {k: statistics.median(r["wall"][k] for r in rows) for k in keys}
                line += (
                    f"; wall received {sum(r['wall']['n'] for r in rows):.0f}/{sent_n}, p50 {w['p50']:.1f} "
                    f"p95 {w['p95']:.1f} p99 {w['p99']:.1f} max {w['max']:.1f} ms; "
                    f"wall/baseline p50 {w['p50'] / b['p50']:.1f}x, p99 {w['p99'] / b['p99']:.1f}x"
                )
            print(line)
        if probe is not None:
            print(f"no event lost on the wall (last_seq, gaps, ids in state): {'yes' if not lost_ever else 'NO'}")
        la = os.getloadavg()
        print(f"load average at end: {la[0]:.2f} {la[1]:.2f} {la[2]:.2f}", flush=True)

        prod_pipe.send("stop")
        base_pipe.send("stop")
        producer.join(10)
        baseline.join(10)
        if session is not None:
            session.close()
        srv_pipe.send("stop")
        server.join(15)
    del app


if __name__ == "__main__":
    main()
