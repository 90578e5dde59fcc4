"""Cold start of ``gridwall demo`` on a seeded store, phase by phase, against a bare Leaflet page.

Usage: PYTHONPATH=. python bench/cold_start.py [--runs 5] [--store PATH] [--days N]

The store (default ``/tmp/gridwall-bench/cold-start.db``: ten years, ~3.2M cases, seeded on first
use with ``gridwall seed`` and reused) is opened by ``gridwall demo --windowed`` (offscreen,
1920x1080) with ``GRIDWALL_STARTUP_TRACE=exit``: the app prints a mark per phase and quits at
its first complete screen (every panel filled from the snapshot, the map page showing the
snapshot's markers; ``desktop/startup_probe.py``). One warm-up run is not counted (it writes the
byte-code, map page and cube caches a second start finds, and fills the page cache). Each mark
is reported as seconds from exec, median of ``--runs``. Baselines, measured alternately with the
runs: a bare QtWebEngine page with Leaflet (exec to ``loadFinished`` with Leaflet's map drawn),
and GridWall's imports alone (exec to every module the wall and server import).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_STORE = Path("/tmp/gridwall-bench/cold-start.db")
COMPLETE = "first complete screen"

BARE_PAGE = r"""
import sys, time
from pathlib import Path
import xstatic.pkg.leaflet as xs
from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QApplication
from PySide6.QtWebEngineWidgets import QWebEngineView
app = QApplication(sys.argv[:1])
lib = Path(xs.BASE_DIR)
html = ('<html><head><link rel="stylesheet" href="leaflet.css"/><script src="leaflet.js"></script></head>'
        '<body style="margin:0"><div id="m" style="height:100vh"></div><script>'
        'var m = L.map("m").setView([39.915, 116.366], 13);'
        'L.polygon([[39.9, 116.35], [39.93, 116.35], [39.93, 116.38]]).addTo(m);</script></body></html>')
view = QWebEngineView()
view.resize(1920, 1080)
def done(ok):
    print(f"[startup] bare page {time.monotonic():.4f}", file=sys.stderr)
    app.quit()
view.loadFinished.connect(done)
view.setHtml(html, QUrl.fromLocalFile(str(lib) + "/"))
view.show()
app.exec()
"""

IMPORTS = (
    "import desktop.cli, desktop.commands, desktop.demo, desktop.session, desktop.panels, feeds.server, "
    "feeds.store, feeds.simulator.live.live_thread, feeds.analytics.server_queries, widgets.gridmap.page, "
    "folium, sys, time; print(f'[startup] imports {time.monotonic():.4f}', file=sys.stderr)"
)


def _env(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # as installed: .pyc kept
    env.update(
        GRIDWALL_STARTUP_TRACE="exit",
        GRIDWALL_DATA_DIR=str(data),
        GRIDWALL_CONFIG_DIR=str(data),
        QT_QPA_PLATFORM="offscreen",
        QTWEBENGINE_DISABLE_SANDBOX="1",
        PYTHONPATH=str(ROOT),
    )
    return env


def timed_marks(cmd: list[str], env: dict[str, str], timeout: float = 180.0) -> dict[str, float]:
    """Run ``cmd``; returns each ``[startup]`` mark's first time in seconds from exec."""
    start = time.monotonic()
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    marks: dict[str, float] = {}
    for line in done.stderr.splitlines():
        if line.startswith("[startup] "):
            phase, at = line[10:].rsplit(" ", 1)
            marks.setdefault(phase, float(at) - start)
    if done.returncode != 0 or not marks:
        tail = "\n".join(done.stderr.splitlines()[-20:])
        raise SystemExit(f"{cmd[2:5]} failed (exit {done.returncode}):\n{tail}")
    return marks


def seed(store: Path, days: int | None, env: dict[str, str]) -> None:
    """Seed the store once (ten years unless ``days``)."""
    store.parent.mkdir(parents=True, exist_ok=True)
    span = ["--days", str(days)] if days else ["--years", "10"]
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "desktop.cli", "seed", "--db", str(store), *span], cwd=ROOT, env=env,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    print(f"seeded {store} ({f'{days} days' if days else 'ten years'}) in {time.monotonic() - started:.0f} s")


def main() -> int:
    """Run the cold starts and print each phase's median."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--store", type=Path, default=DEFAULT_STORE)
    parser.add_argument("--days", type=int, default=None, help="seed this many days instead of ten years")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gridwall-cold-") as tmp:
        env = _env(Path(tmp))
        if not args.store.exists():
            seed(args.store, args.days, env)
        demo = [sys.executable, "-m", "desktop.cli", "demo", "--db", str(args.store), "--windowed"]
        timed_marks(demo, env)  # warm-up: byte-code, map page and cube caches
        runs: list[dict[str, float]] = []
        pages: list[float] = []
        imports: list[float] = []
        for _ in range(args.runs):
            runs.append(timed_marks(demo, env))
            pages.append(timed_marks([sys.executable, "-c", BARE_PAGE], env)["bare page"])
            imports.append(timed_marks([sys.executable, "-c", IMPORTS], env)["imports"])
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}; store {args.store}")
    print(f"{'phase (seconds from exec)':32} {'median':>7} {'min':>6} {'max':>6}   step")
    phases = sorted({p for r in runs for p in r}, key=lambda p: statistics.median(r.get(p, 99) for r in runs))
    previous = 0.0
    for phase in phases:
        values = [r[phase] for r in runs if phase in r]
        med = statistics.median(values)
        print(f"{phase:32} {med:7.2f} {min(values):6.2f} {max(values):6.2f}   +{med - previous:.2f}")
        previous = med
    complete = [r[COMPLETE] for r in runs]
    print(f"runs: {args.runs}")
    spread = f"{min(complete):.2f}-{max(complete):.2f}"
    print(f"first complete screen: median {statistics.median(complete):.2f} s ({spread})")
    print(f"baseline bare QtWebEngine + Leaflet page: median {statistics.median(pages):.2f} s")
    print(f"baseline imports: median {statistics.median(imports):.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
