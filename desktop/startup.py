"""What every way of starting a wall shares: options, the application, the server settings.

``gridwall wall`` and ``gridwall demo`` both go through :func:`wall_options`,
:func:`start_application` (the layout file is read and checked once, before any
slow work) and :func:`run_wall_session`; ``gridwall server`` and ``gridwall demo``
both build their :class:`~feeds.server.ServerConfig` with :func:`server_config`.
Nothing here imports Qt at module level, so the back-end commands stay Qt-free.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import logging
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.app import CLIENT_NAME, WallOptions, parse_screens, parse_size
from desktop.app import UserError as UserError  # raised by the commands, defined where every layer can reach it
from feeds.startup_trace import enabled as trace_enabled
from feeds.startup_trace import mark

_log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from desktop.i18n import Translations
    from desktop.layout import WallLayout
    from desktop.replay import ReplaySource
    from desktop.session import WallSession
    from feeds.server import ServerConfig
    from feeds.server.tokens import TokenBook
    from feeds.store import Store


FREEZE_S = 3.0
"""A GUI thread silent this long is logged as frozen (see :class:`feeds.watchdog.FreezeWatchdog`)."""


def wall_options(args: argparse.Namespace) -> WallOptions:
    """The display options of ``gridwall wall`` and ``gridwall demo``."""
    try:
        size = parse_size(args.size)
        screens = parse_screens(args.screens)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if args.layout is not None and not args.layout.is_file():
        raise UserError(f"layout file not found: {args.layout}")
    if args.screenshot is not None:
        check_screenshot_path(args.screenshot)
    return WallOptions(
        language=args.lang,
        layout=args.layout,
        screens=screens,
        workstation=args.workstation,
        windowed=args.windowed,
        size=size,
        screenshot=args.screenshot,
        after=args.after,
        tour=bool(getattr(args, "tour", False)),
    )


def check_screenshot_path(path: Path) -> None:
    """Refuse a ``--screenshot`` target that cannot be written, before any work.

    It must not be a folder, its suffix must be a picture format Qt writes (png, jpg, …),
    its folder must exist or be made (no folder on its way may be a file), and a file must be
    creatable there (tried: a new file is removed again).

    Raises:
        UserError: Naming the path and the reason.
    """
    from PySide6.QtGui import QImageWriter

    if path.is_dir():
        raise UserError(f"--screenshot {path} is a folder")
    formats = sorted(bytes(f.data()).decode() for f in QImageWriter.supportedImageFormats())
    suffix = path.suffix.lower().removeprefix(".")
    if suffix not in formats:
        named = f"a '.{suffix}' file" if suffix else "a file without a suffix"
        raise UserError(f"--screenshot {path}: cannot save a picture as {named} (formats: {', '.join(formats)})")
    blocking = next((folder for folder in path.parents if folder.exists() and not folder.is_dir()), None)
    if blocking is not None:  # mkdir says only "File exists" (or "Not a directory")
        raise UserError(f"--screenshot {path}: cannot make its folder: {blocking} is a file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"--screenshot {path}: cannot make its folder: {exc.strerror or exc}") from None
    existed = path.exists()
    try:
        with path.open("ab"):
            pass
    except OSError as exc:
        raise UserError(f"--screenshot {path}: cannot write it: {exc.strerror or exc}") from None
    if not existed:
        path.unlink(missing_ok=True)


def check_can_listen(host: str, port: int) -> None:
    """Refuse a port this machine cannot listen on (another program holds it), before any slow work.

    The demo seeds its history before its server starts: with a port in use that took minutes and left
    a store behind, then failed. The port is bound as the server binds it (``SO_REUSEADDR``) and
    released at once; port 0 (any free port) always works.

    Raises:
        UserError: ``cannot listen on HOST:PORT: <reason>``, as ``gridwall server`` says it.
    """
    if port == 0:
        return
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as exc:
        raise UserError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def require_store(url: str | None) -> None:
    """Refuse a SQLite store that does not exist: a command that reads it would create an empty one."""
    missing = missing_sqlite_file(url)
    if missing is not None:
        raise UserError(f"no store at {missing} (seed one first: gridwall seed)")


def missing_sqlite_file(url: str | None) -> Path | None:
    """The file of a SQLite store URL or path when it does not exist (opening it would create an empty store)."""
    from feeds.store.engine import sqlite_file

    path = sqlite_file(url)
    return None if path is None or path.is_file() else path


@dataclass(frozen=True)
class StartedApp:
    """The application, its translator switcher and the wall layout (read once)."""

    app: QApplication
    translations: Translations
    layout: WallLayout


def start_application(options: WallOptions) -> StartedApp:
    """Read and check the layout and the display, then create the application (before any slow work).

    The packaged units are loaded meanwhile in a thread (:func:`preload_units`).
    """
    from desktop.app import create_application, prepare_environment
    from desktop.layout import LayoutError, load_layout

    try:
        layout = load_layout(options.layout)
        prepare_environment(headless=options.headless)
    except (LayoutError, RuntimeError) as exc:
        raise UserError(str(exc)) from None
    preload_units()  # after the checks: a bad layout or display costs nothing
    app, translations = create_application(options.language or layout.language)
    mark("qt application")
    return StartedApp(app, translations, layout)


def preload_units() -> threading.Thread:
    """Load the units (~0.16 s: 2,700 polygons) in a thread, while the application is made.

    The wall's state needs them when its windows are built; meanwhile the GUI thread spends part
    of its time in Qt's own code (the application, the fonts), where this thread can run. A
    failure is left to the caller that needs the units (it is not cached: that call reports it).

    Not a daemon: a start that ends early (a store that does not open) waits for it at exit. A
    daemon thread still building polygons while the interpreter shut down crashed the process
    (SIGSEGV after the one-line error, 4 exits in 40 under load in a clock run).
    """

    def load() -> None:
        from feeds.geo.units import load_units

        with contextlib.suppress(Exception):
            load_units()

    thread = threading.Thread(target=load, name="units-preload", daemon=False)
    thread.start()
    return thread


def run_wall_session(
    started: StartedApp,
    url: str,
    token: str,
    options: WallOptions,
    on_first_state: Callable[[], None] | None = None,
    replay_source: ReplaySource | None = None,
    ask_units: bool = True,
) -> int:
    """Open the wall on ``url`` and run the event loop until it is closed.

    ``ask_units``: ask the server which units it holds before building the windows
    (:func:`adopt_server_units`); a caller that read them from the store itself (the
    demo, whose server runs in the process) passes False and the build starts at once.

    The client connects first, so the server prepares the snapshot while the windows are
    built. ``on_first_state`` runs once the first full state reached the panels (the demo
    starts its simulator then, so its own snapshot does not compete with the wall's).
    A watchdog logs any freeze of the GUI thread longer than ``FREEZE_S`` (with its stack).
    ``replay_source`` lets the session replay periods of that store itself (the demo's).
    SIGINT (Ctrl+C) and SIGTERM end the event loop as Ctrl+Q does (:mod:`desktop.stop_signals`):
    the wall closes and the caller stops what it started (the demo's server and simulator).
    """
    from feeds.client import ClientThread

    client = ClientThread(url, token, client_name=CLIENT_NAME).start()
    if ask_units:
        adopt_server_units(client)  # answered after the snapshot on a busy server: up to a second
        mark("server units known")
    from PySide6.QtCore import QTimer

    from desktop import gc_policy
    from desktop.session import WallSession
    from desktop.stop_signals import StopOnSignals
    from feeds.watchdog import FreezeWatchdog

    mark("wall imports")
    gc_policy.freeze_now()  # what the imports made: the collections while the windows are built do not walk it
    session = WallSession(
        url, token, options, started.translations, layout=started.layout, client=client, replay_source=replay_source
    )
    mark("windows built")
    if on_first_state is not None:
        _once_state_shown(session, on_first_state)
    if trace_enabled():
        from desktop.startup_probe import StartupProbe

        StartupProbe(session)
    session.show()
    mark("windows shown")
    watchdog = FreezeWatchdog(FREEZE_S).start()
    beat = QTimer()
    beat.timeout.connect(watchdog.beat)
    beat.start(250)
    try:
        with StopOnSignals(started.app):  # Ctrl+C and SIGTERM close the wall as Ctrl+Q does (exit code 0)
            code = int(started.app.exec())
    finally:
        beat.stop()
        watchdog.stop()
        session.close()
    if session.screenshot_error is not None:  # the run did not do what was asked: exit 1, in one line
        raise UserError(session.screenshot_error)
    return code


UNITS_WAIT_S = 5.0
"""How long a starting wall waits for the server's answer about its units (then: the packaged ones)."""


def adopt_server_units(client: Any, wait_s: float = UNITS_WAIT_S) -> bool:
    """Ask the server for its units (``units`` query) and adopt them when it holds an imported city.

    Called before the windows are built, so the map (centred on the city's units), the
    names in every panel and the drill-down use the server's units. A server of
    Xicheng answers with no units (the packaged files stay); one that cannot be
    reached within ``wait_s``, or does not know the query, leaves them too.
    Returns whether other units were adopted.
    """
    from feeds.client.case_client import NotConnectedError
    from feeds.geo.unit_rows import registry_from_rows
    from feeds.geo.units import adopt_units
    from feeds.protocol import ProtocolError

    deadline = time.monotonic() + wait_s
    while True:
        try:
            answer = client.query("units", {}, timeout=max(deadline - time.monotonic(), 0.1))
            break
        except NotConnectedError:  # not connected yet: the hello is under way
            if time.monotonic() >= deadline:
                _log.warning("no answer about the server's units within %.0f s: the packaged units are shown", wait_s)
                return False
            time.sleep(0.02)
        except (ProtocolError, TimeoutError, concurrent.futures.TimeoutError) as exc:
            _log.warning("the server did not say which units it holds (%s): the packaged units are shown", exc)
            return False
    rows = answer.get("units") if isinstance(answer, dict) else None
    adopt_units(registry_from_rows(rows) if rows else None)
    if rows:
        _log.info("the server holds an imported city: %d units adopted", len(rows))
    return bool(rows)


def _once_state_shown(session: WallSession, callback: Callable[[], None]) -> None:
    """Call ``callback`` once, after the first full state (a snapshot) reached the panels."""
    from feeds.live import Changes

    def on_changed(changes: Changes) -> None:
        if changes.reset:
            session.bridge.sigChanged.disconnect(on_changed)
            callback()

    session.bridge.sigChanged.connect(on_changed)


def server_config(
    tokens: TokenBook,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    store: Store | None = None,
    store_url: str | None = None,
    ssl_context: ssl.SSLContext | None = None,
    alarms_path: Path | None = None,
    plans_path: Path | None = None,
) -> ServerConfig:
    """The case server's settings with the drill-down queries and the KPI indicators of ``feeds.analytics``,
    and the alarm engine with the alarm settings and linkage plans (``feeds.alarms``; default: the shipped files).
    The supervision queries (components, supervisors, tracks, cameras, look-up) of
    ``feeds.supervision.queries`` are registered too.

    Raises:
        UserError: An alarm settings or plan file cannot be read or is not valid (the message says where).
    """
    from feeds.alarms import AlarmEngine, load_alarm_config, load_plans
    from feeds.alarms.queries import alarm_queries
    from feeds.analytics.server_queries import analytics_anomalies, analytics_kpis, analytics_queries
    from feeds.server import ServerConfig
    from feeds.supervision.queries import make_queries

    try:
        alarm_config, plans = load_alarm_config(alarms_path), load_plans(plans_path)
    except (OSError, ValueError) as exc:  # tomllib's errors are ValueErrors
        raise UserError(f"cannot read the alarm settings: {exc}") from None

    return ServerConfig(
        host=host,
        port=port,
        store=store,
        store_url=store_url,
        tokens=tokens,
        ssl_context=ssl_context,
        queries={**analytics_queries(), **alarm_queries(alarm_config), **make_queries()},
        kpi_enricher=analytics_kpis,
        alarms=AlarmEngine(alarm_config, plans, anomalies=analytics_anomalies),
    )
