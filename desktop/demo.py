"""``gridwall demo``: everything on one machine.

1. open (or create) the SQLite store in the user data folder;
2. if it holds no cases, seed ``--history-days`` of realistic history, with progress;
3. start the case server on loopback, the live simulator as a producer, and
4. open the wall as a websocket client of that server, like any other wall.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
import time

from desktop.app import WallOptions

log = logging.getLogger(__name__)


def _seed_with_splash(store: object, days: int, seed: int | None, app: object) -> None:
    """Seed in a worker thread while a splash shows progress (console too)."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from desktop.splash import ProgressSplash
    from feeds.simulator.seed import seed_history

    splash = ProgressSplash(QApplication.translate("Demo", "Preparing the case history…"))
    splash.show()
    progress = {"done": 0, "total": 1}
    result: dict[str, object] = {}
    end = time.time()
    start = end - days * 86400.0

    def work() -> None:
        try:
            result["report"] = seed_history(
                store,  # type: ignore[arg-type]
                start,
                end,
                seed=seed,
                progress=lambda done, total: progress.update(done=done, total=max(total, 1)),
            )
        except BaseException as exc:  # reported on the GUI thread
            result["error"] = exc

    worker = threading.Thread(target=work, name="gridwall-seed", daemon=True)
    t0 = time.monotonic()
    worker.start()
    last_print = 0.0
    while worker.is_alive():
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 100)  # type: ignore[attr-defined]
        worker.join(0.05)
        done, total = progress["done"], progress["total"]
        frac = done / total
        rate = done / max(time.monotonic() - t0, 1e-6)
        detail = QApplication.translate("Demo", "%1 of %2 cases · %3 cases/s").replace("%1", f"{done:,}")
        detail = detail.replace("%2", f"~{total:,}").replace("%3", f"{rate:,.0f}")
        splash.set_progress(frac, detail)
        if time.monotonic() - last_print > 1.0:
            sys.stderr.write(f"\r[gridwall] seeding history: {frac:5.1%}  {done:,}/{total:,} cases")
            sys.stderr.flush()
            last_print = time.monotonic()
    sys.stderr.write("\n")
    splash.close()
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    log.info("seeded %s", result.get("report"))


def run_demo(args: argparse.Namespace, options: WallOptions) -> int:
    """Run the whole demo until the wall is closed."""
    from desktop.commands import UserError, _kpi_enricher, _queries, run_wall_session, start_application

    app, translations = start_application(options)

    from feeds.server import ServerConfig, ServerThread
    from feeds.server.tokens import ensure_default_tokens
    from feeds.simulator.live_thread import SimulatorThread
    from feeds.store import StoreError, open_store

    try:
        store = open_store(args.db)
    except StoreError as exc:
        raise UserError(str(exc)) from None
    _, tokens = ensure_default_tokens()
    from feeds.simulator.seed_store import holds_cases

    if not holds_cases(store):
        _seed_with_splash(store, args.history_days, args.seed, app)
    server = ServerThread(
        ServerConfig(
            host="127.0.0.1",
            port=args.port,
            store=store,
            tokens=tokens,
            queries=_queries(),
            kpi_enricher=_kpi_enricher(),
        )
    )
    try:
        server.start()
    except RuntimeError as exc:
        raise UserError(str(exc)) from None
    log.info("case server on %s", server.url)
    producer = tokens.token_for("producer")
    viewer = tokens.token_for("operator" if options.workstation else "wall")
    if producer is None or viewer is None:
        raise UserError("the tokens file lacks a producer or wall token; see 'gridwall tokens'")
    simulator = SimulatorThread(server.url, producer, speed=args.speed, seed=args.seed)
    simulator.start()
    try:
        return run_wall_session(app, server.url, viewer, options, translations)
    finally:
        simulator.stop()
        server.stop()
        store.close()
