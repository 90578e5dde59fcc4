"""Map renderer memory over 24 simulated hours of a live wall's updates, against a bare Leaflet page.

Usage: PYTHONPATH=. python bench/renderer_memory.py [--runs 5] [--hours 24] [--step-min 2]

Each run opens a fresh :class:`~widgets.gridmap.GridMap` (offscreen, 1280x800, the district's
real subdistricts, communities and 2,432 grids) fed the way a wall feeds it: the simulator's
timeline (:class:`~feeds.simulator.live.script.LiveScript`: every case, stage change,
weather, crowd and sensor event and staff position of ``--hours`` hours, advanced
``--step-min`` simulated minutes at a time) folded into a :class:`~feeds.live.LiveState`,
pushed by the wall's :class:`~desktop.map_feed.MapFeed`, each step waiting until the page
applied its batch. Every simulated hour it samples the renderer process's resident memory
(VmRSS: counts the pages it shares with the browser process, Chromium's code among them), its
proportional share (PSS, from ``smaps_rollup``: shared pages divided among their users) and the
page's ``performance.memory`` JS heap; at the end, the renderer's CPU time over the run.
Per run it prints the samples; at the end the median over the runs of the final RSS, of the
growth over the last 12 simulated hours, and the baseline: a bare Leaflet page (same size, same
profile kind) with as many plain markers as the wall's map ended with, measured the same way.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--enable-precise-memory-info")  # exact performance.memory

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QEventLoop, QUrl
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QApplication

from bench.soak import pss_mb, rss_mb
from desktop.app import prepare_environment
from desktop.map_feed import MapFeed
from feeds.geo.units import load_units
from feeds.live import LiveState
from feeds.live.names import load_names
from feeds.protocol import Snapshot, StaffPositions
from feeds.simulator.history.seed import seed_history
from feeds.simulator.live.script import LiveScript
from feeds.simulator.model.district import load_district
from feeds.store import open_store
from widgets.gridmap import GridMap, MapConfig, register_schemes
from widgets.gridmap.adapters import unit_collections

SIZE = (1280, 800)
HOUR_S = 3600.0


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process used so far (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pump(app: QApplication, until: Any, timeout: float = 60.0) -> bool:
    """Process events until ``until()`` or the timeout."""
    end = time.monotonic() + timeout
    while not until():
        if time.monotonic() > end:
            return False
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
    return True


def js(app: QApplication, page: QWebEnginePage, script: str) -> Any:
    """Run ``script`` in ``page`` and wait for its result."""
    out: list[Any] = []
    page.runJavaScript(script, 0, out.append)
    pump(app, lambda: bool(out), 30)
    return out[0] if out else None


HEAP_JS = "performance.memory ? performance.memory.usedJSHeapSize / 1048576 : -1"
NODES_JS = "document.getElementsByTagName('*').length"


def sample(app: QApplication, page: QWebEnginePage) -> tuple[float, float, int, float]:
    """(renderer RSS MB, JS heap MB, DOM elements, renderer PSS MB)."""
    heap = float(js(app, page, HEAP_JS) or -1)
    nodes = int(js(app, page, NODES_JS) or 0)
    pid = page.renderProcessPid()
    return rss_mb(pid), heap, nodes, pss_mb(pid)


def history(days: int, end: float) -> Snapshot:
    """The snapshot a wall gets from a store holding ``days`` of simulated history up to ``end``."""
    with tempfile.TemporaryDirectory(prefix="gridwall-rmem-") as tmp:
        store = open_store(str(Path(tmp) / "h.db"))
        seed_history(store, end - days * 86_400, end, seed=3)
        snap = store.snapshot()
        store.close()
    return snap


def one_run(app: QApplication, snap: Snapshot, hours: float, step_s: float, seed: int) -> dict[str, Any]:
    """One fresh map fed ``hours`` simulated hours after ``snap``; returns the hourly samples."""
    gmap = GridMap(MapConfig(), scale=SIZE[1] / 1080.0, language="zh")
    gmap.resize(*SIZE)
    gmap.show()
    gmap.set_units(*unit_collections(load_units()))
    pump(app, lambda: gmap.is_ready and gmap.is_idle, 120)
    state = LiveState(load_names())
    feed = MapFeed(gmap, state)
    end = time.time()
    start = end - hours * HOUR_S
    script = LiveScript(start=start, seed=seed, district=load_district(0), cases=snap.cases, weather=snap.weather)
    feed.update(state.apply([snap]))
    pump(app, lambda: gmap.is_idle, 60)
    samples = [(0.0, *sample(app, gmap.page()))]
    sim, next_hour, events = start, start + HOUR_S, 0
    t0 = time.monotonic()
    while sim < end:
        sim = min(end, sim + step_s)
        msgs: list[Any] = list(script.advance(sim))
        positions = script.positions(sim)
        if positions:
            msgs.append(StaffPositions(tuple(positions)))
        events += len(msgs)
        changes = state.apply(msgs)
        changes.merge(state.tick(sim))
        if changes:
            feed.update(changes)
        pump(app, lambda: gmap.is_idle, 30)
        if sim >= next_hour or sim >= end:
            samples.append(((sim - start) / HOUR_S, *sample(app, gmap.page())))
            next_hour += HOUR_S
    markers = int(js(app, gmap.page(), "window.gridwall.cases.size") or 0)
    took = time.monotonic() - t0
    cpu = cpu_s(gmap.page().renderProcessPid())
    gmap.close()
    gmap.deleteLater()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return {"samples": samples, "events": events, "markers": markers, "seconds": took, "cpu": cpu}


BARE = """<html><head><link rel="stylesheet" href="leaflet.css"/><script src="leaflet.js"></script></head>
<body style="margin:0;background:#0b1220"><div id="m" style="height:100vh"></div><script>
var m = L.map('m').setView([39.915, 116.366], 13);
for (var i = 0; i < %d; i++) L.marker([39.87 + (i %% 97) * 0.0009, 116.30 + (i %% 89) * 0.0013]).addTo(m);
</script></body></html>"""


def bare_page(app: QApplication, markers: int) -> tuple[float, float]:
    """Renderer RSS and PSS of a bare Leaflet page with ``markers`` plain markers, in MB."""
    import xstatic.pkg.leaflet as xs

    profile = QWebEngineProfile(app)
    view = QWebEngineView()
    page = QWebEnginePage(profile, view)
    view.setPage(page)
    view.resize(*SIZE)
    view.show()
    done: list[bool] = []
    page.loadFinished.connect(done.append)
    page.setHtml(BARE % markers, QUrl.fromLocalFile(str(Path(xs.BASE_DIR)) + "/"))
    pump(app, lambda: bool(done), 60)
    pump(app, lambda: False, 2.0)  # settle
    rss, pss = rss_mb(page.renderProcessPid()), pss_mb(page.renderProcessPid())
    view.close()
    view.deleteLater()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return rss, pss


def main() -> int:
    """Run the soak ``--runs`` times and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--hours", type=float, default=24.0)
    parser.add_argument("--step-min", type=float, default=2.0, help="simulated minutes per wall update")
    parser.add_argument("--history-days", type=int, default=30, help="history behind the first snapshot")
    args = parser.parse_args()
    prepare_environment(headless=True)  # the wall's Chromium flags
    register_schemes()
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    snap = history(args.history_days, time.time() - args.hours * HOUR_S)
    print(f"snapshot: {len(snap.cases):,} cases from {args.history_days} days of history", flush=True)
    finals, growths, bases, heaps, psss, cpus = [], [], [], [], [], []
    for run in range(1, args.runs + 1):
        result = one_run(app, snap, args.hours, args.step_min * 60, seed=run)
        samples = result["samples"]
        print(
            f"run {run}: {result['events']:,} messages over {args.hours:g} simulated h in {result['seconds']:.0f} s; "
            f"{result['markers']:,} case markers at the end; renderer CPU {result['cpu']:.1f} s",
            flush=True,
        )
        for hour, rss, heap, nodes, pss in samples:
            print(
                f"  sim {hour:5.1f} h  renderer {rss:6.1f} MB  JS heap {heap:6.1f} MB  DOM elements {nodes:6d}"
                f"  PSS {pss:6.1f} MB"
            )
        half = [s for s in samples if s[0] >= args.hours / 2]
        heaps.append((samples[0][2], samples[-1][2]))
        finals.append(samples[-1][1])
        psss.append(samples[-1][4])
        cpus.append(result["cpu"])
        growths.append(samples[-1][1] - half[0][1])
        bare_rss, bare_pss = bare_page(app, max(result["markers"], 1))
        bases.append(bare_rss)
        print(
            f"  bare Leaflet page with {result['markers']:,} markers: "
            f"renderer {bare_rss:.1f} MB (PSS {bare_pss:.1f} MB)",
            flush=True,
        )
    print(f"runs: {args.runs}; simulated hours per run: {args.hours:g}")
    print(f"renderer at the end: median {statistics.median(finals):.1f} MB (max {max(finals):.1f})")
    print(
        f"renderer growth over the second half: median {statistics.median(growths):+.1f} MB "
        f"(runs: {', '.join(f'{g:+.1f}' for g in growths)})"
    )
    print(f"renderer PSS at the end: median {statistics.median(psss):.1f} MB (max {max(psss):.1f})")
    print(f"renderer CPU over the run: median {statistics.median(cpus):.1f} s")
    print(f"baseline bare Leaflet page with the same markers: renderer median {statistics.median(bases):.1f} MB")
    first, last = statistics.median(h[0] for h in heaps), statistics.median(h[1] for h in heaps)
    print(f"JS heap (performance.memory, used): median {first:.1f} MB at the start, {last:.1f} MB at the end")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
