"""Accelerated 24-hour soak: a simulated day through the server into a wall, memory of each process.

Usage: PYTHONPATH=. python bench/soak.py [--minutes 10] [--sample-s 10] [--seed 7]

Processes: the case server (``gridwall server`` on a fresh SQLite store seeded with 30 days),
a wall (``gridwall wall --windowed``, offscreen, 1920x1080) with its QtWebEngine renderer
process(es), and this script as the producer. The producer plays the simulator's timeline
(:class:`~feeds.simulator.live.script.LiveScript`) for the 24 hours that end now, compressed into
``--minutes`` real minutes (so at 10 minutes, 144× the real rate; every case, stage change,
weather, crowd and sensor event and staff position of the day), publishing each message
through the producer path and waiting for its ack. Every ``--sample-s`` it records the
resident memory (VmRSS) of the server, the wall and the wall's renderer processes (whose summed
RSS counts their shared pages several times; the summed PSS divides them among their users). It prints
the samples and, per process, the first sample after the wall is live, the last, the maximum
and the growth in MB.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from feeds.client import ClientThread
from feeds.protocol import ProtocolError, Snapshot, StaffPositions
from feeds.simulator.live.script import LiveScript
from feeds.simulator.model.district import load_district

ROOT = Path(__file__).resolve().parent.parent
DAY_S = 86_400.0


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


def cli(*args: str, env: dict[str, str] | None = None, **kw: object) -> subprocess.Popen[bytes]:
    """Start ``gridwall <args>`` from this checkout."""
    return subprocess.Popen([sys.executable, "-m", "desktop.cli", *args], cwd=ROOT, env=env, **kw)  # type: ignore[call-overload]


def main() -> int:
    """Run the soak and print the memory figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="real minutes for the simulated day")
    parser.add_argument("--sample-s", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--port", type=int, default=18765)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gridwall-soak-"))
    db = work / "soak.db"
    tokens = work / "tokens.json"
    tokens.write_text(json.dumps({"soak-wall": {"role": "wall"}, "soak-producer": {"role": "producer"}}))
    env = {
        **os.environ,
        "GRIDWALL_DATA_DIR": str(work / "data"),
        "QT_QPA_PLATFORM": "offscreen",
        "QTWEBENGINE_DISABLE_SANDBOX": "1",
    }
    subprocess.run([sys.executable, "-m", "desktop.cli", "seed", "--db", str(db), "--days", "30"], cwd=ROOT, env=env,
                   check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    url = f"ws://127.0.0.1:{args.port}"
    server = cli("server", "--db", str(db), "--port", str(args.port), "--tokens", str(tokens), env=env,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    producer = ClientThread(url, "soak-producer").start()
    while producer.status.state != "live":
        time.sleep(0.1)
    wall = cli("wall", "--server", url, "--token", "soak-wall", "--windowed", "--size", "1920x1080", env=env,
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    samples: list[tuple[float, float, int, float, float, float, float]] = []
    try:
        time.sleep(20)  # the wall starts, takes its snapshot and loads the map
        end = time.time()
        start = end - DAY_S
        snapshot = next(m for m in producer.drain() if isinstance(m, Snapshot))
        script = LiveScript(
            start=start, seed=args.seed, district=load_district(0), cases=snapshot.cases, weather=snapshot.weather
        )
        speed = DAY_S / (args.minutes * 60)
        real0 = time.monotonic()
        published = refused = 0
        next_sample = real0
        sim = start
        print(f"store head {snapshot.head}, {len(snapshot.cases)} cases in the snapshot; 24 h at {speed:.0f}x; {work}")
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
            if now >= next_sample:
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
        for name, col in (("server", 3), ("wall", 4), ("renderer", 5), ("rend. PSS", 6)):
            values = [s[col] for s in samples]
            first, last, peak = values[0], values[-1], max(values)
            print(
                f"{name:9} first {first:7.1f} MB  last {last:7.1f} MB  max {peak:7.1f} MB  "
                f"growth {last - first:+7.1f} MB"
            )
        if wall.poll() is not None:
            print(f"the wall exited early with {wall.returncode}")
    finally:
        producer.stop()
        for proc in (wall, server):
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
