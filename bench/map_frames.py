"""Frames the live map draws, and what they cost, at a given rate of new cases.

Usage: PYTHONPATH=. python bench/map_frames.py [--rates 0,10,100,1000] [--seconds 6] [--size 1920x1080]

A :class:`~widgets.gridmap.GridMap` alone (offscreen, software rendering, as on this machine),
with the real units, the demo's 1,200 open cases, supervisors, hot spots (some critical: a
ringing animation) and sensors (some in alarm: a blink). For each rate, new cases are pushed
every 100 ms for ``--seconds``; the script counts the paint events of the view's delegate (one
per frame Chromium hands to Qt) and reads the CPU of this process (GUI thread, Chromium's
compositor thread) and of the renderer process from ``/proc``.

Baseline, measured alternately in the same run: the same map with its animations switched off
in the page (no pulses, hot spots and sensors shown still): the frames the batches alone cause.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu")
if os.geteuid() == 0:
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

STILL = (
    "(function () { const s = document.createElement('style');"
    " s.textContent = '*, *::after, *::before { animation: none !important; }';"
    " document.head.appendChild(s); gridwall.pulseTokens = function () { return 0; }; return true; })()"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="0,10,100,1000", help="new cases per second, comma-separated")
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--size", default="1920x1080")
    parser.add_argument("--repeat", type=int, default=2, help="alternations of animated and still maps")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.lower().split("x"))
    rates = [int(r) for r in args.rates.split(",")]

    from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from bench.event_to_screen import _cpu_s
    from widgets.gridmap import GridMap, MapConfig, register_schemes
    from widgets.gridmap.demo import fake_feed

    register_schemes()
    app = QApplication(sys.argv[:1])

    def pump(seconds: float) -> None:
        loop = QEventLoop()
        QTimer.singleShot(max(0, int(seconds * 1000)), loop.quit)
        loop.exec()

    def pump_until(predicate: Any, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not predicate() and time.monotonic() < deadline:
            pump(0.02)
        return bool(predicate())

    class Frames(QObject):
        n = 0

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                Frames.n += 1
            return False

    feed = fake_feed()
    rng = random.Random(1)
    results: dict[tuple[str, int], list[tuple[float, float, float]]] = {}
    print(f"map {width}x{height}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}", flush=True)
    for repeat in range(args.repeat):
        for mode in ("animated", "still"):
            gmap = GridMap(MapConfig())
            gmap.resize(width, height)
            gmap.show()
            gmap.set_units(*feed["units"])
            gmap.set_grid_values(feed["density"], "density")
            gmap.set_staff(feed["staff"])
            gmap.set_hotspots(feed["hotspots"])
            gmap.set_sensors(feed["sensors"])
            gmap.push_cases(updated=[c for c in feed["cases"] if c["status"] != "closed"][:1200])
            if not pump_until(lambda g=gmap: g.is_ready and g.is_idle, 90):
                print("map never became ready", file=sys.stderr)
                return 1
            if mode == "still":
                done: list[Any] = []
                gmap.run_js(STILL, done.append)
                pump_until(lambda d=done: bool(d), 10)
            pump(2.0)
            counter = Frames()
            view = gmap._view.focusProxy() or gmap._view
            view.installEventFilter(counter)
            renderer = gmap.page().renderProcessPid()
            for rate in rates:
                Frames.n = 0
                c0, r0, t0 = _cpu_s(os.getpid()), _cpu_s(renderer), time.monotonic()
                i = 0
                while (elapsed := time.monotonic() - t0) < args.seconds:
                    if rate:
                        items = []
                        for _ in range(max(1, rate // 10)):
                            case = dict(rng.choice(feed["cases"]))
                            i += 1
                            case.update(id=f"N{repeat}{mode[0]}{rate}_{i}", status="open")
                            items.append(case)
                        gmap.push_cases(added=items)
                    pump(0.1 - elapsed % 0.1)
                dt = time.monotonic() - t0
                row = (Frames.n / dt, 100 * (_cpu_s(os.getpid()) - c0) / dt, 100 * (_cpu_s(renderer) - r0) / dt)
                results.setdefault((mode, rate), []).append(row)
                print(
                    f"run {repeat + 1} {mode:<8} {rate:>5} new cases/s: frames {row[0]:5.1f}/s  "
                    f"wall process CPU {row[1]:4.0f} %  renderer CPU {row[2]:4.0f} %",
                    flush=True,
                )
            view.removeEventFilter(counter)
            gmap.close()
            gmap.deleteLater()
            app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            pump(0.5)
    print(f"medians over {args.repeat} run(s) (one core = 100 %):")
    for rate in rates:
        a = [statistics.median(v) for v in zip(*results[("animated", rate)], strict=True)]
        b = [statistics.median(v) for v in zip(*results[("still", rate)], strict=True)]
        print(
            f"  {rate:>5} new cases/s: frames {a[0]:.1f}/s (still map {b[0]:.1f}/s); wall process CPU {a[1]:.0f} % "
            f"(still {b[1]:.0f} %); renderer CPU {a[2]:.0f} % (still {b[2]:.0f} %)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
