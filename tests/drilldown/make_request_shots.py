"""Render a 全响应 request's case detail on the wall, in Chinese and English (not a test).

Usage: ``python tests/drilldown/make_request_shots.py [--out docs/img] [--days 30]``

Seeds a store with simulated history (city cases and 全响应 requests), starts the case
server with the analytics queries and the live simulator, opens the wall (1920×1080,
windowed, offscreen), opens the newest seeded request that was re-opened after an
unresolved return visit, evaluated again and closed (its history has the seeded first
visit and re-opening rows), and saves ``drilldown-request-zh.png`` and ``drilldown-request-en.png``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_screenshots import OPERATOR, PRODUCER, WALL, settle, wait


def main() -> int:
    """Seed, serve, render the request in both languages."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=Path("docs/img"))
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "gridwall-request-shots.db")
    args = parser.parse_args()
    from desktop.app import WallOptions, create_application, prepare_environment

    prepare_environment(headless=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app, translations = create_application("zh")
    from sqlalchemy import select

    from desktop.session import WallSession
    from feeds.analytics.server_queries import AnalyticsQueries
    from feeds.server import ServerConfig, ServerThread, TokenBook
    from feeds.simulator.history.seed import seed_history
    from feeds.simulator.live.live_thread import SimulatorThread
    from feeds.store import open_store
    from feeds.store.schema import cases

    for stale in args.db.parent.glob(args.db.name + "*"):
        stale.unlink()
    store = open_store(str(args.db))
    now = int(time.time())
    print(f"seeding {args.days} days into {args.db}…", flush=True)
    seed_history(store, now - args.days * 86400, now, seed=7)
    with store.engine.connect() as conn:
        query = (
            select(cases.c.id)
            .where(
                cases.c.platform == "response",
                cases.c.reworks > 0,
                cases.c.satisfaction.is_not(None),
                cases.c.stage == "closed",
            )
            .order_by(cases.c.reported_at.desc())
        )
        case_id = conn.execute(query).scalars().first()
    if case_id is None:
        raise SystemExit("no re-opened, re-evaluated request in the seeded days: seed more --days")
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
        options = WallOptions(language="zh", windowed=True, size=(1920, 1080))
        wall = WallSession(server.url, WALL, options, translations)
        wall.show()
        gmap = wall.wall_windows[0].panels.get("map")
        ready = (lambda: gmap.is_ready) if gmap is not None else (lambda: True)  # type: ignore[attr-defined]
        wait(app, lambda: wall.bridge.status.state == "live" and ready(), 60)
        wait(app, lambda: False, 10)  # live events, warnings, charts
        view = wall.drill.view
        wall.drill.drill("case", case_id)
        settle(app, view, 1.5)
        for lang in ("zh", "en"):
            wall.set_language(lang)
            settle(app, view, 1.5)
            wall.windows[0].grab().save(str(args.out / f"drilldown-request-{lang}.png"))
            print(lang, case_id, view.breadcrumb.texts(), view.last_error or "ok", flush=True)
        wall.close()
    finally:
        simulator.stop()
        server.stop()
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
