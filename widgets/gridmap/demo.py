"""Render the grid map with the real units and some fake live data, save a PNG.

Usage: ``python -m widgets.gridmap.demo out.png [--size 1920x1080] [--scale 1] [--lang zh|en]``.
Runs headless (offscreen) when there is no display.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

_TOP5 = (
    ("非法小广告", "Illegal small ads"),
    ("机动车乱停放", "Illegal parking"),
    ("暴露垃圾", "Exposed garbage"),
    ("沿街晾挂", "Laundry hung on the street"),
    ("无照经营游商", "Unlicensed street vendor"),
)
_LEVELS = ("normal", "normal", "busy", "busy", "crowded", "critical")


def fake_feed(seed: int = 7, cases_n: int = 1500) -> dict[str, Any]:
    """Cases, grid values, supervisors, hot spots and sensors over the real units."""
    from feeds.geo.units import load_hotspots, load_units
    from widgets.gridmap.adapters import hotspot_item, unit_collections

    rng = random.Random(seed)
    registry = load_units()
    grids = registry.grids
    weights = [rng.paretovariate(1.6) for _ in grids]
    now = time.time()
    cases = []
    for i, grid in enumerate(rng.choices(grids, weights=weights, k=cases_n)):
        lon, lat = registry.random_point_in(grid.code, rng)
        status = rng.choices(("open", "due_soon", "overdue", "closed"), weights=(70, 12, 8, 10))[0]
        zh, en = rng.choices(_TOP5, weights=(30, 20, 10, 7, 6))[0]
        cases.append(
            {
                "id": f"C{i:05d}",
                "lon": lon,
                "lat": lat,
                "status": status,
                "title_zh": zh,
                "title_en": en,
                "grid": grid.code,
                "reported_at": now - rng.uniform(0, 36_000),
                "description": "demo",
            }
        )
    density = Counter(c["grid"] for c in cases if c["status"] != "closed")
    staff = []
    for i, grid in enumerate(rng.sample(grids, 90)):
        lon, lat = registry.random_point_in(grid.code, rng)
        staff.append({"id": f"S{i:03d}", "lon": lon, "lat": lat, "grid": grid.code})
    spots = [hotspot_item(s, rng.choice(_LEVELS), rng.randint(500, 20_000), 20_000) for s in load_hotspots()]
    sensors = []
    for i, grid in enumerate(rng.sample(grids, 14)):
        lon, lat = registry.random_point_in(grid.code, rng)
        sensors.append(
            {
                "id": f"W{i:02d}",
                "kind": "water_level",
                "name_zh": f"下凹桥积水监测 {i}",
                "name_en": f"Underpass water level {i}",
                "lon": lon,
                "lat": lat,
                "alarm": i < 2,
                "value": 32.0 if i < 2 else 3.0,
                "unit": "cm",
            }
        )
    return {
        "units": unit_collections(registry),
        "cases": cases,
        "density": dict(density),
        "staff": staff,
        "hotspots": spots,
        "sensors": sensors,
    }


def main(argv: list[str] | None = None) -> int:
    """Build the map, feed it, wait until the page shows it, save the PNG."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--size", default="1280x1080")
    parser.add_argument("--focus", help="unit code to highlight and fly to (e.g. a subdistrict)")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    parser.add_argument("--settle", type=float, default=1.2, help="seconds to let animations run before the grab")
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.lower().split("x"))
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu")
    if os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

    from PySide6.QtCore import QEvent, QEventLoop
    from PySide6.QtWidgets import QApplication

    from widgets.gridmap import GridMap, MapConfig, register_schemes

    register_schemes()
    app = QApplication(sys.argv[:1])
    gmap = GridMap(MapConfig(), scale=args.scale, language=args.lang)
    gmap.resize(width, height)
    gmap.show()
    feed = fake_feed()
    gmap.set_units(*feed["units"])
    gmap.set_grid_values(feed["density"], "density")
    gmap.set_staff(feed["staff"])
    gmap.set_hotspots(feed["hotspots"])
    gmap.set_sensors(feed["sensors"])
    gmap.push_cases(updated=feed["cases"][:-40])
    if args.focus:
        gmap.highlight(args.focus, fly=True)

    def pump(predicate: Any, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not predicate() and time.monotonic() < deadline:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        return bool(predicate())

    pump(lambda: gmap.is_idle, 60)
    gmap.push_cases(added=feed["cases"][-40:])  # a few arrive live: they pulse
    pump(lambda: False, args.settle)
    state: dict[str, Any] = {}
    gmap.run_js("JSON.stringify(gridwall.state())", lambda r: state.update(json.loads(r or "{}")))
    pump(lambda: bool(state), 10)
    gmap.grab().save(str(args.out))
    print(json.dumps({"out": str(args.out), "state": state, "blocked": gmap.blocked_requests}, ensure_ascii=False))
    gmap.close()
    gmap.deleteLater()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return 0 if state.get("cases") else 1


if __name__ == "__main__":
    sys.exit(main())
