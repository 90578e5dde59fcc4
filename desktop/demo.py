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
from typing import TYPE_CHECKING, Any

from desktop.app import WallOptions
from desktop.startup import (
    StartedApp,
    UserError,
    check_can_listen,
    run_wall_session,
    server_config,
    start_application,
)
from feeds.startup_trace import mark

if TYPE_CHECKING:
    from feeds.simulator.history.seed import SeedReport
    from feeds.store import Store

log = logging.getLogger(__name__)

DEMO_HOST = "127.0.0.1"
"""The demo's case server listens on loopback only."""
SIMULATOR_AFTER_MS = 1000
"""The live simulator starts this long after the wall shows its first state: its start (its imports,
the day's script, its own snapshot) and its first events would compete with the wall's first screen
(the map's markers, the wall's first paint) for the interpreter and the cores."""


def seed_with_splash(store: Store, days: int, seed: int | None, started: StartedApp) -> SeedReport:
    """Seed in a worker thread while a splash (and the console's progress bar) show progress."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication
    from sqlalchemy.exc import SQLAlchemyError

    from desktop.splash import ProgressSplash
    from feeds.simulator.history.progress import ProgressBar
    from feeds.simulator.history.seed import seed_history

    splash = ProgressSplash(QApplication.translate("Demo", "Preparing the case history…"))
    splash.show()
    bar = ProgressBar(sys.stderr, label="[gridwall] seeding history")
    progress = {"done": 0, "total": 1}
    reports: list[SeedReport] = []
    errors: list[BaseException] = []
    end = time.time()
    start = end - days * 86400.0

    def work() -> None:
        try:
            reports.append(
                seed_history(
                    store,
                    start,
                    end,
                    seed=seed,
                    progress=lambda done, total: progress.update(done=done, total=max(total, 1)),
                    escalations=True,
                )
            )
        except BaseException as exc:  # reported on the GUI thread
            errors.append(exc)

    worker = threading.Thread(target=work, name="gridwall-seed", daemon=True)
    worker.start()
    while worker.is_alive():
        started.app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 100)
        worker.join(0.05)
        done, total = progress["done"], progress["total"]
        if done:
            bar.update(done, total)
        detail = QApplication.translate("Demo", "%1 of %2 cases · %3 cases/s").replace("%1", f"{done:,}")
        detail = detail.replace("%2", f"~{total:,}").replace("%3", f"{bar.rate(done):,.0f}")
        splash.set_progress(min(done / total, 0.99), detail)
    splash.close()
    if errors:
        bar.abort()
        if isinstance(errors[0], (SQLAlchemyError, OSError)):  # a full disk, a locked or unwritable store
            reason = getattr(errors[0], "orig", None) or errors[0]
            raise UserError(
                f"seeding the history stopped: {reason}. The store keeps what was written and is seeded "
                "again from the start by the next 'gridwall demo'"
            ) from None
        raise errors[0]
    bar.finish(progress["done"])
    log.info("%s", reports[0].summary())
    return reports[0]


def run_demo(args: argparse.Namespace, options: WallOptions) -> int:
    """Run the whole demo until the wall is closed."""
    check_can_listen(DEMO_HOST, args.port)  # before the store is made and seeded (minutes), not after
    started = start_application(options)

    from feeds.server import ServerThread
    from feeds.server.tokens import ensure_default_tokens
    from feeds.simulator.history.seed_store import holds_cases, open_for_seeding, seeding_unfinished
    from feeds.store import StoreError, open_store

    try:
        store = open_store(args.db)
        if holds_cases(store) and seeding_unfinished(store):
            shown = store.engine.url.render_as_string(hide_password=True)
            log.warning("the store %s holds an unfinished history (its seeding stopped): seeding it again", shown)
            store.close()
            store = open_for_seeding(args.db, replace=True)
    except StoreError as exc:
        raise UserError(str(exc)) from None
    mark("store open")
    try:
        tokens = ensure_default_tokens()
    except (OSError, ValueError) as exc:
        raise UserError(f"cannot read tokens: {exc}") from None
    if not holds_cases(store):
        seed_with_splash(store, args.history_days, args.seed, started)
    from feeds.store.imported_units import imported_unit_rows
    from feeds.supervision.prepare import prepare_supervision

    rows = imported_unit_rows(store.engine)
    imported = rows is not None
    if rows is not None:  # the wall adopts the store's units here: no need to ask the in-process server
        from feeds.geo.unit_rows import registry_from_rows
        from feeds.geo.units import adopt_units

        adopt_units(registry_from_rows(rows))
    if imported:  # the simulator, components and supervisors model Xicheng: not for another city's store
        log.info("the store holds an imported city: no simulator; replay its days with the workstation's Replay dock")
    else:
        prepare_supervision(store, seed=args.seed or 0)
    server = ServerThread(server_config(tokens.book, host=DEMO_HOST, port=args.port, store=store))
    try:
        server.start()
    except RuntimeError as exc:
        raise UserError(str(exc)) from None
    log.info("case server on %s", server.url)
    mark("server started")
    producer = tokens.token_for("producer")
    viewer = tokens.token_for("operator" if options.workstation else "wall")
    if producer is None or viewer is None:
        raise UserError("the tokens file lacks a producer or wall token; see 'gridwall tokens'")
    simulators: list[Any] = []

    def launch_simulator() -> None:
        from feeds.simulator.live.live_thread import SimulatorThread

        simulators.append(SimulatorThread(server.url, producer, speed=args.speed, seed=args.seed).start())

    def start_simulator() -> None:  # its snapshot and its first events wait for the wall's first screen
        from PySide6.QtCore import QTimer

        QTimer.singleShot(SIMULATOR_AFTER_MS, launch_simulator)

    try:
        from desktop.replay import ReplaySource

        return run_wall_session(
            started,
            server.url,
            viewer,
            options,
            on_first_state=None if imported else start_simulator,
            replay_source=ReplaySource(store.engine, tokens.book),
            ask_units=False,
        )
    finally:
        for simulator in simulators:
            simulator.stop()
        server.stop()
        store.close()
