"""Render the drill-down screenshots of ``docs/drilldown.md`` against a real server (not a test).

Usage: ``python tests/drilldown/make_screenshots.py [--lang en|zh] [--suffix=-zh] [--out docs/img] [--days 400]``

Seeds a store with simulated history (plus the showcase case of
``drill_fixtures``), starts the case server with the analytics queries and
the live simulator, then:

1. opens the wall (1920×1080, windowed), clicks a subdistrict on the map,
   chooses 7 days and saves ``drilldown-wall-figures.png``, drills down to the
   showcase case by clicking rows, and saves ``drilldown-wall.png``;
2. opens the operator workstation, lists the cases of the showcase's
   subdistrict, opens the showcase case and saves ``drilldown-workstation.png``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

WALL, OPERATOR, PRODUCER = "shot-wall", "shot-operator", "shot-producer"


def wait(app: object, until: Callable[[], bool], timeout: float = 30.0) -> bool:
    """Run the event loop until ``until()`` or the timeout."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        app.processEvents()  # type: ignore[attr-defined]
        if until():
            return True
        time.sleep(0.02)
    return False


def settle(app: object, view: object, extra: float = 0.6) -> None:
    """Wait for a view's answers, then let it paint."""
    wait(app, lambda: not view.book.busy, 20)  # type: ignore[attr-defined]
    end = time.monotonic() + extra
    while time.monotonic() < end:
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.02)


def main() -> int:
    """Seed, serve, render both screenshots."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", default="en", choices=("en", "zh"))
    parser.add_argument("--out", type=Path, default=Path("docs/img"))
    parser.add_argument("--days", type=int, default=400)
    parser.add_argument("--suffix", default="", help="added to the file names, e.g. -zh")
    parser.add_argument("--size", default="1920x1080", help="window size of the wall (sizes scale with height)")
    parser.add_argument("--layout", type=Path, help="wall layout file (default: single.toml)")
    parser.add_argument("--overview", type=Path, metavar="PNG", help="also save the wall before drilling down")
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "gridwall-shots.db", help="replaced")
    args = parser.parse_args()
    from desktop.app import WallOptions, create_application, prepare_environment

    prepare_environment(headless=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app, translations = create_application(args.lang)
    from drill_fixtures import SHOWCASE_GRID, showcase, showcase_id

    from desktop.session import WallSession
    from feeds.analytics.server_queries import AnalyticsQueries
    from feeds.server import ServerConfig, ServerThread, TokenBook
    from feeds.simulator.history.seed import seed_history
    from feeds.simulator.live.live_thread import SimulatorThread
    from feeds.store import open_store

    for stale in args.db.parent.glob(args.db.name + "*"):
        stale.unlink()
    store = open_store(str(args.db))
    now = int(time.time())
    case_id = showcase_id(now)
    print(f"seeding {args.days} days into {args.db}…", flush=True)
    seed_history(store, now - args.days * 86400, now, seed=7)
    row, history = showcase(now)
    store.bulk_insert_cases([row], history)
    book = TokenBook()
    for token, role in ((WALL, "wall"), (OPERATOR, "operator"), (PRODUCER, "producer")):
        book.add(token, role, role)
    server = ServerThread(
        ServerConfig(host="127.0.0.1", port=0, store=store, tokens=book, queries=AnalyticsQueries().handlers())
    ).start()
    simulator = SimulatorThread(server.url, PRODUCER, speed=1.0, seed=11)
    simulator.start()
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        w, h = (int(v) for v in args.size.split("x"))
        options = WallOptions(language=args.lang, windowed=True, layout=args.layout, size=(w, h))
        wall = WallSession(server.url, WALL, options, translations)
        wall.show()
        gmap = wall.wall_windows[0].panels.get("map")
        ready = (lambda: gmap.is_ready) if gmap is not None else (lambda: True)  # type: ignore[attr-defined]
        wait(app, lambda: wall.bridge.status.state == "live" and ready(), 60)
        wait(app, lambda: False, 10)  # live events, warnings, charts
        if args.overview is not None:
            wall.windows[0].grab().save(str(args.overview))
        if gmap is None:
            wall.close()
            return 0
        view = wall.drill.view
        gmap.run_js(f"gridwall.clickUnit('{SHOWCASE_GRID[:9]}')")  # type: ignore[attr-defined]
        wait(app, lambda: view.path.unit == SHOWCASE_GRID[:9], 10)
        settle(app, view)
        view.range_bar.buttons["7d"].click()
        settle(app, view, 1.0)
        wall.windows[0].grab().save(str(args.out / f"drilldown-wall-figures{args.suffix}.png"))
        view.unit_page.children_table.sigActivated.emit(SHOWCASE_GRID[:12])
        settle(app, view)
        view.unit_page.children_table.sigActivated.emit(SHOWCASE_GRID)
        settle(app, view)
        view.unit_page.sigCasesWanted.emit()
        settle(app, view)
        view.case_list.sigCaseActivated.emit(case_id)
        settle(app, view, 1.5)
        wall.windows[0].grab().save(str(args.out / f"drilldown-wall{args.suffix}.png"))
        print("wall:", view.breadcrumb.texts(), view.last_error or "ok", flush=True)
        wall.close()

        desk = WallSession(server.url, OPERATOR, WallOptions(language=args.lang, workstation=True), translations)
        desk.show()
        wait(app, lambda: desk.bridge.status.state == "live", 30)
        browser = desk.drill.extra["browser"]
        browser.unit_combo.setCurrentIndex(browser.unit_combo.findData(SHOWCASE_GRID[:9]))
        settle(app, browser)
        browser.open_case(case_id)
        settle(app, browser, 4.0)
        desk.windows[0].grab().save(str(args.out / f"drilldown-workstation{args.suffix}.png"))
        print("workstation:", browser.case_list.total, "cases", flush=True)
        desk.close()
    finally:
        simulator.stop()
        server.stop()
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
