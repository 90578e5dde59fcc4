"""Render one screenshot per tour scene and language for ``docs/tour.md`` (not a test).

Usage: ``python tests/desktop/make_tour_screenshots.py --db STORE.db [--out docs/img] [--lang zh en]
[--kinds response …]``

Opens the store (seed it first, e.g. ``gridwall seed --years 1``), starts the case server
with the analytics queries and the live simulator, opens the wall (1920×1080, windowed)
with the built-in layout's tour on a stepped clock, and saves ``tour-<n>-<kind>-<lang>.png``
for every scene (or those of ``--kinds``; ``<n>`` is the scene's place in the whole tour)
once its caption, spotlight and map have settled.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main() -> int:
    """Serve the store, step through the tour, save the pictures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True, help="a seeded store")
    parser.add_argument("--out", type=Path, default=Path("docs/img"))
    parser.add_argument("--lang", nargs="+", default=["zh", "en"], choices=("zh", "en"))
    parser.add_argument("--kinds", nargs="+", help="only these scene kinds")
    args = parser.parse_args()
    from desktop.app import WallOptions, create_application, prepare_environment

    prepare_environment(headless=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app, translations = create_application("zh")
    from PySide6.QtGui import QImage

    from desktop.replay import ReplaySource
    from desktop.session import WallSession
    from desktop.startup import server_config
    from desktop.tour import DEFAULT_TOUR, Tour
    from feeds.server import ServerThread, TokenBook
    from feeds.simulator.live.live_thread import SimulatorThread
    from feeds.store import open_store

    def page_true(gmap: Any, expression: str) -> bool:
        box: list[Any] = []
        gmap.run_js(expression, box.append)
        while not box:
            app.processEvents()
            time.sleep(0.02)
        return bool(box[0])

    def map_at_rest(gmap: Any) -> bool:
        """No fly or pan under way for a second and no label placement pending."""
        return page_true(
            gmap, "!window.__moving && !gridwall.labelsPending() && Date.now() - (window.__movedAt || 0) > 1000"
        )

    def pump(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.02)

    store = open_store(args.db)
    book = TokenBook()
    book.add("shot-wall", "wall", "wall")
    book.add("shot-producer", "producer", "simulator")
    server = ServerThread(server_config(book, store=store)).start()
    simulator = SimulatorThread(server.url, "shot-producer", speed=1.0, seed=5)
    simulator.start()
    args.out.mkdir(parents=True, exist_ok=True)
    wall = WallSession(
        server.url,
        "shot-wall",
        WallOptions(windowed=True, size=(1920, 1080)),
        translations,
        replay_source=ReplaySource(store.engine, book),
    )
    try:
        wall.show()
        gmap = wall.wall_windows[0].panels["map"]
        end = time.monotonic() + 90
        while time.monotonic() < end and not (wall.bridge.status.state == "live" and gmap.is_ready):  # type: ignore[attr-defined]
            pump(0.1)
        pump(12)  # live events, KPIs, warnings, charts
        whole = wall.layout.tour or DEFAULT_TOUR
        place = {id(scene): n + 1 for n, scene in enumerate(whole.scenes)}
        config = dataclasses.replace(whole, scenes=tuple(s for s in whole.scenes if s.kind in (args.kinds or [s.kind])))
        clock = [0.0]
        for lang in args.lang:
            tour = Tour(wall, dataclasses.replace(config, languages=(lang,)), clock=lambda: clock[0], parent=wall)
            gmap.run_js(
                "gridwall.map.on('movestart', () => { window.__moving = true; });"
                "gridwall.map.on('moveend', () => { window.__moving = false; window.__movedAt = Date.now(); });"
            )
            box: list[Any] = []
            gmap.run_js("gridwall.map.getZoom()", box.append)
            while not box:
                pump(0.05)
            home_zoom = box[0]
            tour.start()
            for i, scene in enumerate(config.scenes):
                if i:
                    clock[0] += scene.seconds + config.scenes[i - 1].seconds
                    tour.step()
                pump(12 if scene.kind == "replay" else 4)
                if i and config.scenes[i - 1].kind == "subdistrict":
                    while not page_true(gmap, f"gridwall.map.getZoom() === {home_zoom}"):  # flown back
                        pump(0.2)
                    pump(3)  # the clusters' own animation after the zoom
                while not map_at_rest(gmap):  # a fly to or from a subdistrict has come to rest
                    pump(0.2)
                while scene.kind == "response" and tour.response is None:  # the ``response`` query's answer
                    pump(0.2)
                tour.step()  # figures refreshed
                pump(0.5)
                image = wall.windows[0].grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
                path = args.out / f"tour-{place[id(scene)]}-{scene.kind}-{lang}.png"
                image.save(str(path), "PNG", 0)
                print(path, tour.caption.shown_text, flush=True)
            tour.stop()
            pump(3)
    finally:
        wall.close()
        simulator.stop()
        server.stop()
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
