"""The 3×3 video wall on nine real X screens, driven and measured from inside (run by ``test_video_wall.py``).

Usage (on a display with nine monitors, see ``tests/virtual_monitors.py``)::

    DISPLAY=:N QT_QPA_PLATFORM=xcb python tests/desktop/video_wall_probe.py --out DIR [--layout FILE]

Seeds a small store (two days; ``--days``), starts the case server with its analytics and the live
simulator, opens ``wall3x3.toml`` as the wall does (kiosk windows over their screens,
the drill-down on its own screen), and writes ``DIR/probe.json``:

* ``screens``: what Qt lists; ``windows``: every wall window's panels, the screens the
  layout gives it, the rectangle of those screens and the window's real geometry;
* ``tour``: scene by scene (on a stepped clock), the caption's window and global
  rectangle and the framed panel's window and rectangle; then a click on another
  screen's window (paused, caption gone) and the resume after ``idle_s``;
* ``drill``: the drill-down window's geometry after a subdistrict click on the map and
  the figures it loaded; ``map_page_kept``: the map page was never loaded again meanwhile;

and ``DIR/wall-overview.png`` / ``DIR/wall-tour-drill.png``: the whole 5760×3240 desktop
grabbed from the X server (the overview once the map and panels are painted; then with a
tour scene and the drill-down open).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from waiting import WAIT_S  # noqa: E402

SUBDISTRICT = "110102003"  # 什刹海, clicked on the map


def _rect(r: Any) -> list[int]:
    return [r.x(), r.y(), r.width(), r.height()]


def main() -> int:
    """Open the wall, drive it, write what was seen."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--layout", type=Path, default=ROOT / "resources" / "layouts" / "wall3x3.toml")
    parser.add_argument("--days", type=int, default=2, help="days of history to seed")
    parser.add_argument("--settle", type=float, default=3.0, help="seconds of live data before the overview grab")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("GRIDWALL_DATA_DIR", str(args.out / "data"))

    from desktop.app import WallOptions, create_application, prepare_environment

    prepare_environment(headless=False)
    app, translations = create_application("zh")
    from PySide6.QtCore import QPoint, QRect, Qt
    from PySide6.QtGui import QGuiApplication, QImage
    from PySide6.QtTest import QTest

    from desktop.kiosk import screens_rect
    from desktop.replay import ReplaySource
    from desktop.session import WallSession
    from desktop.startup import server_config
    from desktop.tour import Tour
    from feeds.server import ServerThread, TokenBook
    from feeds.simulator.history.seed import seed_history
    from feeds.simulator.live.live_thread import SimulatorThread
    from feeds.store import open_store

    def pump(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.02)

    def pump_until(condition: Any, what: str) -> None:
        end = time.monotonic() + WAIT_S
        while not condition():
            if time.monotonic() > end:
                raise TimeoutError(f"gave up waiting for {what}")
            pump(0.05)

    def grab(name: str) -> list[int]:
        screen = QGuiApplication.primaryScreen()
        whole = screen.virtualGeometry()
        image = screen.grabWindow(0, whole.x(), whole.y(), whole.width(), whole.height()).toImage()
        image = image.convertToFormat(QImage.Format.Format_RGB888)
        image.save(str(args.out / name), "PNG", 1)
        return [image.width(), image.height()]

    def page(gmap: Any, expression: str) -> Any:
        box: list[Any] = []
        gmap.run_js(f"JSON.stringify({expression})", box.append)
        pump_until(lambda: bool(box), "the map page's answer")
        return json.loads(box[0]) if box[0] is not None else None

    def painted(gmap: Any) -> None:
        """The district drawn on the map, then two more animation frames."""
        pump_until(lambda: (page(gmap, "document.querySelectorAll('path.leaflet-interactive').length") or 0) > 15,
                   "the district on the map")  # fmt: skip
        page(gmap, "(window.__wallPainted = false, requestAnimationFrame(() => requestAnimationFrame(() => "
                   "{ window.__wallPainted = true; })), 1)")  # fmt: skip
        pump_until(lambda: page(gmap, "window.__wallPainted") is True, "two painted frames")

    def map_colours(name: str, window: Any) -> int:
        """Distinct colours in the map's part of a grab (a blank map has a handful)."""
        image = QImage(str(args.out / name))
        g = window.geometry()
        colours = {
            image.pixel(x, y)
            for x in range(g.x() + 100, g.x() + g.width() - 100, 16)
            for y in range(g.y() + 400, g.y() + g.height() - 400, 16)
        }
        return len(colours)

    def global_rect(widget: Any) -> QRect:
        return QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())

    result: dict[str, Any] = {}
    started = time.monotonic()
    store = open_store(str(args.out / "wall.db"))
    now = time.time()
    seed_history(store, now - args.days * 86_400, now, seed=14)
    book = TokenBook()
    book.add("probe-wall", "wall", "wall")
    book.add("probe-producer", "producer", "simulator")
    server = ServerThread(server_config(book, store=store)).start()
    simulator = SimulatorThread(server.url, "probe-producer", speed=1.0, seed=14)
    simulator.start()
    wall = WallSession(
        server.url,
        "probe-wall",
        WallOptions(layout=args.layout),
        translations,
        replay_source=ReplaySource(store.engine, book),
    )
    try:
        wall.show()
        screens = QGuiApplication.screens()
        result["screens"] = [_rect(s.geometry()) for s in screens]
        centre = next(w for w in wall.wall_windows if "map" in w.panels)
        gmap: Any = centre.panels["map"]
        pump_until(lambda: wall.bridge.status.state == "live" and gmap.is_ready, "the live feed and the map")
        # the state on the panels: the seeded history's totals (today's count may still be 0 just after
        # Beijing midnight, at the simulator's night rate: this wait timed out at 00:15)
        pump_until(lambda: bool(wall.state.kpi().total_cases), "the seeded history on the panels")
        pump(args.settle)
        painted(gmap)
        result["windows"] = [
            {
                "panels": sorted(w.panels),
                "screens": list(w.screen_layout.screens),
                "expected": _rect(screens_rect(w.screen_layout.screens)),
                "geometry": _rect(w.geometry()),
                "frame": _rect(w.frameGeometry()),
                "visible": w.isVisible(),
            }
            for w in wall.wall_windows
        ]
        result["started_s"] = round(time.monotonic() - started, 1)
        result["overview_png"] = grab("wall-overview.png")
        result["overview_map_colours"] = map_colours("wall-overview.png", centre)
        mark = time.monotonic()

        # -- the tour across the three windows, on a stepped clock
        page(gmap, "(window.__probeMark = 14, 1)")  # gone if the page were loaded again
        config = wall.layout.tour
        assert config is not None, "the layout has no [tour]"
        clock = [0.0]
        tour = Tour(wall, config, clock=lambda: clock[0], parent=wall)
        scenes: list[dict[str, Any]] = []
        tour.start()
        for i, scene in enumerate(config.scenes):
            if i:
                clock[0] += config.scenes[i - 1].seconds
                tour.step()
            pump_until(lambda: tour.caption.showing, "the caption")
            if scene.kind == "response":  # its rates come from the server's ``response`` query
                pump_until(lambda: tour.response is not None, "the response query's answer")
                figures = tour.response.figures  # type: ignore[union-attr]
                result["response_query"] = [figures.response_rate, figures.resolution_rate, figures.satisfaction_rate]
            pump(0.3)
            framed = [
                (w, spot.target) for w in wall.wall_windows if (spot := tour._spotlights[id(w)]).target is not None
            ]
            scenes.append(
                {
                    "kind": scene.kind,
                    "index": tour.index,
                    "language": wall.language,
                    "caption": list(tour.caption.shown_text),
                    "caption_window": sorted(tour.caption.window().panels),
                    "caption_rect": _rect(global_rect(tour.caption)),
                    "framed": [
                        {
                            "window": sorted(w.panels),
                            "panel": sorted(k for k, p in w.panels.items() if p is t),
                            "rect": _rect(global_rect(t)),
                        }
                        for w, t in framed
                    ],
                }
            )
        result["tour"] = scenes
        result["tour_s"] = round(time.monotonic() - mark, 1)
        # a click on the left column's window (another three screens) hands the wall to the duty leader
        left = next(w for w in wall.wall_windows if "kpi" in w.panels)
        kpi = left.panels["kpi"]
        QTest.mouseClick(
            left.windowHandle(),
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
            kpi.mapTo(left, kpi.rect().center()),
        )
        paused = {"paused": tour.paused, "caption_showing": tour.caption.showing}
        clock[0] += config.idle_s - 1
        tour.step()
        paused["still_paused_before_idle"] = tour.paused
        clock[0] += 2
        tour.step()
        pump_until(lambda: tour.caption.showing, "the caption after the resume")
        paused["resumed"] = not tour.paused
        paused["resumed_index"] = tour.index
        result["pause"] = paused

        # -- the drill-down: a subdistrict clicked on the map opens on its own screen
        mark = time.monotonic()
        view = wall.drill.view
        gmap.run_js(f"gridwall.clickUnit('{SUBDISTRICT}')")
        pump_until(lambda: view.isVisible() and view.path.unit == SUBDISTRICT, "the drill-down")
        pump_until(lambda: not view.book.busy and bool(view.unit_page.indicators.values), "its figures")
        # the week's figures, not today's: at Beijing dawn a subdistrict may have no case yet today,
        # while the seeded days always hold some
        today = view.unit_page.drill.period.start
        view.range_bar.buttons["7d"].click()
        pump_until(
            lambda: not view.book.busy and view.unit_page.drill.period.start not in ("", today),
            "the week's figures",
        )
        window = view.window()
        drill_screen = int(wall.layout.drilldown)
        result["drill"] = {
            "screen": drill_screen,
            "expected": _rect(screens[drill_screen].geometry()),
            "geometry": _rect(window.geometry()),
            "separate_window": window not in wall.wall_windows,
            "unit": view.unit_page.drill.unit.code,
            "reported": view.unit_page.indicators.values.reported,
        }
        # the tour resumes over the open drill-down: a caption on the map, the drill-down still up
        clock[0] += config.idle_s + 1
        tour.step()
        pump_until(lambda: tour.caption.showing, "the caption over the drill-down")
        pump(1.0)
        result["drill"]["visible_with_tour"] = view.isVisible()
        result["map_page_kept"] = page(gmap, "window.__probeMark") == 14  # through eight scenes and two languages
        result["tour_drill_png"] = grab("wall-tour-drill.png")
        result["drill_s"] = round(time.monotonic() - mark, 1)
        tour.stop()
        result["total_s"] = round(time.monotonic() - started, 1)
    finally:
        wall.close()
        simulator.stop()
        server.stop()
        store.close()
    (args.out / "probe.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
