"""Accelerated 24-hour soak: a simulated day through the server into a wall, memory of each process.

Usage: PYTHONPATH=. python bench/soak.py [--minutes 10] [--sample-s 10] [--seed 7] [--hours 24] [--days 30] [--keep]

Processes: the case server (``gridwall server`` on a fresh SQLite store seeded with ``--days`` days),
a wall (``gridwall wall --windowed``, offscreen, 1920x1080) with its QtWebEngine renderer
process(es), and this script as the producer. The producer plays the simulator's timeline
(:class:`~feeds.simulator.live.script.LiveScript`) for the ``--hours`` (24) hours that end now, compressed
into ``--minutes`` real minutes (so at 10 minutes, 144× the real rate; every case, stage change,
weather, crowd and sensor event and staff position of the day), publishing each message
through the producer path and waiting for its ack. Every ``--sample-s`` it records the
resident memory (VmRSS) of the server, the wall and the wall's renderer processes (whose summed
RSS counts their shared pages several times; the summed PSS divides them among their users). It prints
the samples and, per process, the first sample after the wall is live, the last, the maximum
and the growth in MB; then the figures ``bench/suite.py`` reads: each process's growth from the
first sample at or after simulated hour 1 (the map has loaded by then) to the last sample, and
over the second half of the simulated span. It exits 1 when the wall exits early or no sample
was taken.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from feeds.client import ClientThread
from feeds.protocol import ProtocolError, Snapshot, StaffPositions
from feeds.server.tokens import hash_token
from feeds.simulator.live.script import LiveScript
from feeds.simulator.model.district import load_district

ROOT = Path(__file__).resolve().parent.parent


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (0 if it is gone)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    found = re.search(r"VmRSS:\s+(\d+) kB", text)
    return int(found.group(1)) / 1024 if found else 0.0


def pss_mb(pid: int) -> float:
    """Proportional set size of a process in MB: its shared pages divided among their users (0 if gone)."""
    try:
        found = re.search(r"^Pss:\s+(\d+) kB", Path(f"/proc/{pid}/smaps_rollup").read_text(), re.M)
    except OSError:
        return 0.0
    return int(found.group(1)) / 1024 if found else 0.0


def descendants(pid: int) -> list[int]:
    """Every process below ``pid``."""
    out: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        try:
            children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            out.append(child)
            todo.append(child)
    return out


def renderer_pids(wall: int) -> list[int]:
    """The wall's QtWebEngine helper processes (the map's renderer among them)."""
    found = []
    for pid in descendants(wall):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"QtWebEngineProcess" in cmd:
            found.append(pid)
    return found


Sample = tuple[float, float, int, float, float, float, float]
"""(real s, simulated hours, events published, server, wall, renderer RSS, renderer PSS in MB)."""
COLUMNS = (("server", 3), ("wall", 4), ("renderer", 5), ("renderer PSS", 6))


def growth_lines(samples: list[Sample], hours: float) -> list[str]:
    """Each process's growth from the first sample at or after simulated hour 1 to the last; over the second half."""
    from_h1 = next((s for s in samples if s[1] >= 1.0), samples[0])
    half = next((s for s in samples if s[1] >= hours / 2), samples[-1])
    last = samples[-1]
    lines = [
        f"{name} growth from hour 1: {last[col] - from_h1[col]:+.1f} MB ({from_h1[1]:.1f} h to {last[1]:.1f} h)"
        for name, col in COLUMNS
    ]
    lines += [
        f"{name} growth over the second half: {last[col] - half[col]:+.1f} MB ({half[1]:.1f} h to {last[1]:.1f} h)"
        for name, col in COLUMNS
    ]
    return lines


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cli(*args: str, env: dict[str, str] | None = None, **kw: object) -> subprocess.Popen[bytes]:
    """Start ``gridwall <args>`` from this checkout."""
    return subprocess.Popen([sys.executable, "-m", "desktop.cli", *args], cwd=ROOT, env=env, **kw)  # type: ignore[call-overload]


def main() -> int:
    """Run the soak and print the memory figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="real minutes for the simulated day")
    parser.add_argument("--sample-s", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    parser.add_argument("--hours", type=float, default=24.0, help="simulated hours played (ending now)")
    parser.add_argument("--days", type=int, default=30, help="days of history seeded into the store")
    parser.add_argument("--settle-s", type=float, default=20.0, help="seconds the wall gets to start before the day")
    parser.add_argument("--keep", action="store_true", help="keep the store and logs (printed path) after the run")
    args = parser.parse_args()
    args.port = args.port or free_port()
    span_s = args.hours * 3600
    work = Path(tempfile.mkdtemp(prefix="gridwall-soak-"))
    db = work / "soak.db"
    tokens = work / "tokens.json"
    tokens.write_text(
        json.dumps({hash_token("soak-wall"): {"role": "wall"}, hash_token("soak-producer"): {"role": "producer"}})
    )
    env = {
        **os.environ,
        "GRIDWALL_DATA_DIR": str(work / "data"),
        "QT_QPA_PLATFORM": "offscreen",
        "QTWEBENGINE_DISABLE_SANDBOX": "1",
    }
    seed = [sys.executable, "-m", "desktop.cli", "seed", "--db", str(db), "--days", str(args.days)]
    subprocess.run(seed, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    url = f"ws://127.0.0.1:{args.port}"
    server = cli("server", "--db", str(db), "--port", str(args.port), "--tokens", str(tokens), env=env,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    producer = ClientThread(url, "soak-producer").start()
    while producer.status.state != "live":
        time.sleep(0.1)
    wall = cli("wall", "--server", url, "--token", "soak-wall", "--windowed", "--size", "1920x1080", env=env,
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    samples: list[Sample] = []
    code = 0
    try:
        time.sleep(args.settle_s)  # the wall starts, takes its snapshot and loads the map
        end = time.time()
        start = end - span_s
        snapshot = next(m for m in producer.drain() if isinstance(m, Snapshot))
        script = LiveScript(
            start=start, seed=args.seed, district=load_district(0), cases=snapshot.cases, weather=snapshot.weather
        )
        speed = span_s / (args.minutes * 60)
        real0 = time.monotonic()
        published = refused = 0
        next_sample = real0
        sim = start
        print(
            f"store head {snapshot.head}, {len(snapshot.cases)} cases in the snapshot; "
            f"{args.hours:g} h at {speed:.0f}x; {work}"
        )
        while sim < end:
            sim = min(end, start + (time.monotonic() - real0) * speed)
            for msg in script.advance(sim):
                try:
                    producer.publish(msg, timeout=30)
                    published += 1
                except ProtocolError:  # e.g. a case number the seeded history already used
                    refused += 1
            positions = script.positions(sim)
            if positions:
                producer.publish(StaffPositions(tuple(positions)), timeout=30)
            now = time.monotonic()
            if now >= next_sample or sim >= end:  # and once at the end of the span
                renderers = renderer_pids(wall.pid)
                samples.append(
                    (now - real0, (sim - start) / 3600, published, rss_mb(server.pid), rss_mb(wall.pid),
                     sum(rss_mb(p) for p in renderers), sum(pss_mb(p) for p in renderers))
                )  # fmt: skip
                row = samples[-1]
                line = f"{row[0]:6.0f} s  sim {row[1]:5.1f} h  events {row[2]:6d}  server {row[3]:6.1f} MB  "
                line += f"wall {row[4]:6.1f} MB  renderer {row[5]:6.1f} MB ({len(renderers)} proc; "
                line += f"PSS {row[6]:6.1f} MB)"
                print(line, flush=True)
                next_sample = now + args.sample_s
            time.sleep(0.02)
        print(f"published {published} events ({refused} refused) in {time.monotonic() - real0:.0f} s")
        if not samples:
            print("no memory sample was taken")
            return 1
        for name, col in (("server", 3), ("wall", 4), ("renderer", 5), ("rend. PSS", 6)):
            values = [s[col] for s in samples]
            first, last, peak = values[0], values[-1], max(values)
            print(
                f"{name:9} first {first:7.1f} MB  last {last:7.1f} MB  max {peak:7.1f} MB  "
                f"growth {last - first:+7.1f} MB"
            )
        for line in growth_lines(samples, args.hours):
            print(line)
        print(f"simulated hours: {args.hours:g}; samples: {len(samples)}")
        if wall.poll() is not None:
            print(f"the wall exited early with {wall.returncode}")
            code = 1
    finally:
        producer.stop()
        for proc in (wall, server):
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
