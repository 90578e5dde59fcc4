"""Map frame time with the component (部件) layer on vs off, while the map pans at street zoom.

Usage: PYTHONPATH=. python bench/component_layer.py [--quick] [--components 48000] [--frames 240] [--repeat 3] [--json]

A :class:`~widgets.gridmap.GridMap` (offscreen, software rendering, 1920x1080) with the real
Xicheng units, ~1,500 open cases and the generated inventory is put at zoom 16 over 西单. The
page is then dragged 6 px per animation frame for ``--frames`` frames (the pane moves and
``move`` fires, as in a mouse drag; tiles load during the drag), recording the interval between
``requestAnimationFrame`` callbacks (the frame time, rendering included), first with the
component layer hidden (the baseline), then shown, alternating ``--repeat`` times, each time
over fresh ground so new tiles are drawn. Printed: p50/p95/p99/max frame time per side, the
on/off ratio of the medians, canvas tiles drawn and their drawing time per tile. ``--quick``:
one repeat of 40 frames (the harness's CI check).
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu")

import argparse
import json
import statistics
import time
from typing import Any

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from bench.renderer_crash import _pump
from widgets.gridmap import GridMap, register_schemes

PAN_JS = """
(function () {
  const gw = window.gridwall; const out = [];
  let last = null; let n = 0; const frames = %d; const dx = %d;
  window.__gwBench = null;
  function step(ts) {
    if (last !== null) out.push(ts - last);
    last = ts; n += 1;
    if (n > frames) { gw.map.fire('moveend'); window.__gwBench = out; return; }
    gw.map._rawPanBy([dx, 0]);   /* what a drag does each frame: move the pane, fire 'move' */
    gw.map.fire('move');
    requestAnimationFrame(step);
  }
  requestAnimationFrame(step);
  return 1;
})()
"""


def _js(app: QApplication, gmap: GridMap, script: str) -> Any:
    box: list[Any] = []
    gmap.run_js(f"JSON.stringify({script})", box.append)
    _pump(app, lambda: bool(box))
    return json.loads(box[0]) if box[0] is not None else None


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _run(app: QApplication, gmap: GridMap, frames: int, on: bool, start: tuple[float, float]) -> list[float]:
    _js(app, gmap, f"gridwall.showComponents({'true' if on else 'false'})")
    _js(app, gmap, f"(gridwall.map.setView([{start[1]}, {start[0]}], 16, {{animate: false}}), 1)")
    for _ in range(10):  # let the first tiles settle
        app.processEvents()
        time.sleep(0.02)
    _js(app, gmap, PAN_JS % (frames, 6))
    _pump(app, lambda: _js(app, gmap, "window.__gwBench !== null"), timeout=60.0 + 2.0 * frames)  # a limit, per frame
    return [float(x) for x in _js(app, gmap, "window.__gwBench")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one repeat of 40 frames")
    parser.add_argument("--components", type=int, default=48_000)
    parser.add_argument("--frames", type=int, default=240)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args()
    frames, repeat = (40, 1) if args.quick else (args.frames, args.repeat)

    register_schemes()
    app = QApplication.instance() or QApplication([])
    from feeds.geo.units import load_units
    from feeds.supervision.components import generate_inventory
    from widgets.gridmap.adapters import unit_collections

    rows = generate_inventory(seed=0, total=args.components)
    inventory = {
        "codes": [r["code"] for r in rows],
        "subclass": [r["subclass"] for r in rows],
        "lon": [r["lon"] for r in rows],
        "lat": [r["lat"] for r in rows],
        "state": [r["state"] for r in rows],
        "generated": True,
    }
    gmap = GridMap(flush_hz=10)
    gmap.resize(1920, 1080)
    gmap.show()
    gmap.set_units(*unit_collections(load_units()))
    cases = [
        {
            "id": f"C{i}",
            "lon": 116.33 + (i * 37 % 500) * 0.0001,
            "lat": 39.88 + (i * 53 % 700) * 0.0001,
            "status": "open",
        }
        for i in range(1500)
    ]
    gmap.push_cases(added=cases)
    gmap.set_components(inventory)
    _pump(app, lambda: gmap.is_ready and gmap.is_idle)
    off: list[float] = []
    on: list[float] = []
    for r in range(repeat):
        for layer_on in (False, True):
            start = (116.345 + 0.004 * r + (0.002 if layer_on else 0.0), 39.905 + 0.003 * r)
            (on if layer_on else off).extend(_run(app, gmap, frames, layer_on, start))
    state = _js(app, gmap, "gridwall.state()")
    tiles = max(1, int(state["componentTiles"]))
    figures = {
        "components": len(rows),
        "frames_per_side": len(on),
        "off_ms": {"p50": _pct(off, 0.5), "p95": _pct(off, 0.95), "p99": _pct(off, 0.99), "max": max(off)},
        "on_ms": {"p50": _pct(on, 0.5), "p95": _pct(on, 0.95), "p99": _pct(on, 0.99), "max": max(on)},
        "ratio_p50": statistics.median(on) / statistics.median(off),
        "ratio_p95": _pct(on, 0.95) / _pct(off, 0.95),
        "tiles_drawn": state["componentTiles"],
        "points_drawn": state["componentPoints"],
        "draw_ms_per_tile": state["componentDrawMs"] / tiles,
    }
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"component layer: {figures['components']:,} components, {figures['frames_per_side']} frames per side")
        for side in ("off", "on"):
            f = figures[f"{side}_ms"]
            print(
                f"  layer {side:<3}  frame p50 {f['p50']:6.1f} ms  p95 {f['p95']:6.1f}  "
                f"p99 {f['p99']:6.1f}  max {f['max']:6.1f}"
            )
        print(f"  on/off ratio: p50 {figures['ratio_p50']:.2f}×, p95 {figures['ratio_p95']:.2f}×")
        print(
            f"  canvas tiles drawn {figures['tiles_drawn']}, points {figures['points_drawn']:,}, "
            f"{figures['draw_ms_per_tile']:.2f} ms per tile"
        )
    gmap.close()
    gmap.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # the page goes before its profile
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
