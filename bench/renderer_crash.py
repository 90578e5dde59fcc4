"""Renderer-crash benchmark: SIGKILL the map's web render process, time until the map is back with its state.

Usage: PYTHONPATH=. python bench/renderer_crash.py [--runs 5] [--cases 2000]

Each run opens a fresh :class:`~widgets.gridmap.GridMap` (offscreen, 1280x800) with 60 generated
grid squares and ``--cases`` case markers, waits until it is ready, kills its render process
(SIGKILL) and measures the time until ``sigRendererRestarted`` and until the page reports every
case marker again (a change made during the outage included). Target: back within 3 s. A fresh
map per run, because repeated crashes within two minutes back off on purpose (0.3, 1, 3, 10 s).
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu")

import argparse
import json
import signal
import statistics
import time
from typing import Any

from PySide6.QtCore import QEvent

from widgets.gridmap import GridMap, MapConfig, register_schemes


def _square(code: str, lon: float, lat: float, size: float) -> dict[str, Any]:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    props = {"code": code, "name_zh": code[-3:], "name_en": code[-3:]}
    return {"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def _units() -> tuple[dict[str, Any], ...]:
    sub = _square("110102001", 116.34, 39.89, 0.06)
    com = _square("110102001001", 116.34, 39.89, 0.06)
    grids = [_square(f"110102001001{i:03d}", 116.34 + 0.01 * (i % 6), 39.89 + 0.01 * (i // 6), 0.01) for i in range(60)]
    return tuple({"type": "FeatureCollection", "features": f} for f in ([sub], [com], grids))


def _cases(n: int) -> list[dict[str, Any]]:
    return [
        {"id": f"B{i}", "lon": 116.341 + (i % 97) * 0.0006, "lat": 39.891 + (i % 89) * 0.0006, "status": "open"}
        for i in range(n)
    ]


def _pump(app: Any, until: Any, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not until():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not reached")
        app.processEvents()
        time.sleep(0.002)


def _marker_count(app: Any, gmap: GridMap) -> int:
    box: list[Any] = []
    gmap.run_js("JSON.stringify(gridwall.state().cases)", box.append)
    _pump(app, lambda: bool(box))
    return int(json.loads(box[0])) if box[0] is not None else -1


def one_run(app: Any, n_cases: int) -> tuple[float, float]:
    """Seconds from the kill to ``sigRendererRestarted`` and to every marker back."""
    gmap = GridMap(MapConfig())
    gmap.resize(1280, 800)
    gmap.show()
    ready: list[bool] = []
    restarted: list[float] = []
    gmap.sigReady.connect(lambda: ready.append(True))
    gmap.sigRendererRestarted.connect(lambda: restarted.append(time.monotonic()))
    gmap.set_units(*_units())
    gmap.push_cases(added=_cases(n_cases))
    _pump(app, lambda: bool(ready) and _marker_count(app, gmap) == n_cases)
    pid = gmap.page().renderProcessPid()
    killed = time.monotonic()
    os.kill(pid, signal.SIGKILL)
    gmap.push_cases(added=[{"id": "DURING", "lon": 116.35, "lat": 39.9, "status": "overdue"}])
    _pump(app, lambda: bool(restarted))
    _pump(app, lambda: _marker_count(app, gmap) == n_cases + 1)
    back = time.monotonic()
    gmap.close()
    gmap.deleteLater()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)  # the page goes before its profile
    app.processEvents()
    return restarted[0] - killed, back - killed


def main() -> int:
    """Run the benchmark and print per-run and summary figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cases", type=int, default=2000)
    args = parser.parse_args()
    register_schemes()
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    restarts, backs = [], []
    for run in range(args.runs):
        restart, back = one_run(app, args.cases)
        restarts.append(restart)
        backs.append(back)
        print(
            f"run {run + 1}: renderer restarted after {restart:.2f} s, all {args.cases + 1} markers after {back:.2f} s"
        )
    print(
        f"{args.runs} kills, {args.cases} cases: restarted median {statistics.median(restarts):.2f} s, "
        f"state back median {statistics.median(backs):.2f} s, max {max(backs):.2f} s (target 3 s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
