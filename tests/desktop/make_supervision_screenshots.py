"""Screenshots of the supervision view for docs/img (not a test): components at street zoom, a supervisor's
track playback beside their drill-down page, the supervisors ranking, a case with its nearest camera playing a
local ffmpeg stream, and a separate wall flown to the workstation's look-up.

Usage: PYTHONPATH=.:tests python tests/desktop/make_supervision_screenshots.py STORE.db OUT_DIR

STORE.db: a demo store (``gridwall demo`` prepared it: history, components, supervisors, tracks).
A camera 'CAM-LIVE' is added next to the newest open case, streaming HLS from ffmpeg on 127.0.0.1.
The component looked up is one with cases (the one nearest 西单 among those with two or more), so its card
lists its case history.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from desktop.app import WallOptions, create_application, prepare_environment

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "widgets"))


def pump(app: Any, until: Any, timeout: float = 90.0, at_least: float = 0.0) -> None:
    start = time.monotonic()
    while not until() or time.monotonic() - start < at_least:
        if time.monotonic() - start > timeout:
            raise TimeoutError("condition not reached")
        app.processEvents()
        time.sleep(0.01)


def page(app: Any, gmap: Any, expression: str) -> Any:
    """Evaluate a JS expression in the map page (through JSON)."""
    box: list[Any] = []
    gmap.run_js(f"JSON.stringify({expression})", box.append)
    pump(app, lambda: bool(box))
    return json.loads(box[0]) if box[0] is not None else None


def painted(app: Any, gmap: Any) -> None:
    """Wait until the page has drawn two more frames and Qt has had time to show them."""
    page(app, gmap, "(window.__gwPainted = false, requestAnimationFrame(() => requestAnimationFrame(() => "
                    "{ window.__gwPainted = true; })), 1)")  # fmt: skip
    pump(app, lambda: page(app, gmap, "window.__gwPainted") is True, at_least=5.0)


def near(a: Any, lat: float, lon: float) -> bool:
    return a is not None and abs(a[0] - lat) < 1e-5 and abs(a[1] - lon) < 1e-5


XIDAN = (116.3736, 39.9105)


def component_with_cases(store: Any) -> str:
    """The component nearest 西单 among those with the most cases (at least two where any has two)."""
    from sqlalchemy import func, select

    from feeds.store.schema import cases, components

    with store.engine.connect() as conn:
        rows = conn.execute(
            select(cases.c.component, func.count(), components.c.lon, components.c.lat)
            .join(components, components.c.code == cases.c.component)
            .where(cases.c.component.is_not(None))
            .group_by(cases.c.component, components.c.lon, components.c.lat)
        ).all()
    assert rows, "no case names a component: seed a demo store first"
    most = min(2, max(int(r[1]) for r in rows))
    best = min((r for r in rows if int(r[1]) >= most), key=lambda r: (r[2] - XIDAN[0]) ** 2 + (r[3] - XIDAN[1]) ** 2)
    return str(best[0])


def main() -> int:
    store_path, out = sys.argv[1], Path(sys.argv[2])
    prepare_environment(headless=True)
    app, translations = create_application("zh")
    from sqlalchemy import select
    from test_camera_panel import HlsCamera

    from desktop.session import WallSession
    from desktop.startup import server_config
    from feeds.server import ServerThread, TokenBook
    from feeds.store import open_store
    from feeds.store.schema import cases, staff_tracks
    from feeds.supervision.cameras import modelled_cameras, write_cameras

    store = open_store(store_path)
    with store.engine.connect() as conn:
        case = conn.execute(
            select(cases.c.id, cases.c.lon, cases.c.lat)
            .where(cases.c.stage == "dispatched")
            .order_by(cases.c.reported_at.desc())
        ).first()
        staff = conn.execute(select(staff_tracks.c.staff_id).order_by(staff_tracks.c.at.desc())).first()
    assert case is not None and staff is not None
    camera = HlsCamera(Path(tempfile.mkdtemp(prefix="gw-cam-")))
    live = {
        "id": "CAM-LIVE",
        "name_zh": "案发路口东侧探头",
        "name_en": "Junction camera (east)",
        "lon": case.lon + 0.0006,
        "lat": case.lat + 0.0002,
        "url": camera.url,
        "grid": "",
    }
    write_cameras(store.engine, [*modelled_cameras(), live])
    book = TokenBook()
    book.add("shot-operator", "operator", "screenshots")
    book.add("shot-wall", "wall", "wall")
    server = ServerThread(server_config(book, store=store)).start()
    session = WallSession(server.url, "shot-operator", WallOptions(workstation=True, size=(1920, 1080)), translations)
    session.show()
    wall = WallSession(server.url, "shot-wall", WallOptions(windowed=True, size=(1920, 1080)), translations)
    wall.show()
    wall_map = wall.wall_windows[0].panels["map"]
    window = session.windows[0]
    gmap = session.wall_windows[0].panels["map"]
    sup = session.supervision
    try:
        pump(app, lambda: session.bridge.status.state == "live" and gmap.is_ready)
        pump(app, lambda: gmap._model.components is not None and gmap.is_idle)
        code = component_with_cases(store)  # its card lists its cases
        window.supervisors_dock.raise_()
        sup.look_up(staff.staff_id)
        pump(app, lambda: any(p.playing for p in sup.playback), timeout=60)
        pump(
            app,
            lambda: sup.playback[0].time > sup.playback[0].start + 0.55 * (sup.playback[0].end - sup.playback[0].start),
        )
        sup.playback[0].pause()
        pump(app, lambda: page(app, gmap, "gridwall.state().trackPoints") > 0)
        pump(app, lambda: gmap.is_idle, at_least=2.0)
        painted(app, gmap)
        window.grab().save(str(out / "supervision-track.png"))
        view = session.drill.view
        view.back()  # the drill-down's ranking of the district's supervisors
        pump(app, lambda: view.supervisors_page.answer is not None and not view.book.busy, at_least=1.0)
        window.grab().save(str(out / "supervision-ranking.png"))
        sup.playback[0].load(None)
        sup.last_lookup = []
        window.supervisors_dock.raise_()  # the component's card
        sup.look_up(code)
        pump(app, lambda: bool(sup.last_lookup))
        target = sup.last_lookup[0]
        pump(app, lambda: near(page(app, gmap, "gridwall.state().pin"), target["lat"], target["lon"]))
        pump(app, lambda: page(app, gmap, "gridwall.map.getZoom()") >= 17.9, at_least=2.0)
        pump(app, lambda: gmap.is_idle, at_least=2.0)
        painted(app, gmap)
        window.grab().save(str(out / "supervision-components.png"))
        pump(app, lambda: wall.supervision.focused is not None and wall.supervision.focused.target == code)
        pump(app, lambda: near(page(app, wall_map, "gridwall.state().pin"), target["lat"], target["lon"]))
        pump(app, lambda: page(app, wall_map, "gridwall.map.getZoom()") >= 17.9, at_least=2.0)
        pump(app, lambda: wall_map.is_idle, at_least=2.0)
        painted(app, wall_map)
        wall.windows[0].grab().save(str(out / "supervision-wall-focus.png"))
        pump(app, camera.ready, timeout=60)
        sup.look_up(case.id)
        video = sup.cameras[-1]
        pump(app, lambda: near(page(app, gmap, "gridwall.state().pin"), case.lat, case.lon))
        pump(app, lambda: video.player.frames > 20, timeout=90)
        window.video_dock.raise_()
        pump(app, lambda: gmap.is_idle, at_least=2.0)
        painted(app, gmap)
        window.grab().save(str(out / "supervision-camera.png"))
    finally:
        wall.close()
        session.close()
        server.stop()
        camera.close()
        store.close()
    print("saved", *(p.name for p in sorted(out.glob("supervision-*.png"))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
