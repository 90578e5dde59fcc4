"""What every way of starting a wall shares: options, the application, the server settings.

``gridwall wall`` and ``gridwall demo`` both go through :func:`wall_options`,
:func:`start_application` (the layout file is read and checked once, before any
slow work) and :func:`run_wall_session`; ``gridwall server`` and ``gridwall demo``
both build their :class:`~feeds.server.ServerConfig` with :func:`server_config`.
Nothing here imports Qt at module level, so the back-end commands stay Qt-free.
"""

from __future__ import annotations

import argparse
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.app import CLIENT_NAME, WallOptions, parse_screens, parse_size
from desktop.app import UserError as UserError  # raised by the commands, defined where every layer can reach it
from feeds.startup_trace import enabled as trace_enabled
from feeds.startup_trace import mark

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


@dataclass(frozen=True)
class StartedApp:
    """The application, its translator switcher and the wall layout (read once)."""

    app: QApplication
    translations: Translations
    layout: WallLayout


def start_application(options: WallOptions) -> StartedApp:
    """Read and check the layout and the display, then create the application (before any slow work)."""
    from desktop.app import create_application, prepare_environment
    from desktop.layout import LayoutError, load_layout

    try:
        layout = load_layout(options.layout)
        prepare_environment(headless=options.headless)
    except (LayoutError, RuntimeError) as exc:
        raise UserError(str(exc)) from None
    app, translations = create_application(options.language or layout.language)
    mark("qt application")
    return StartedApp(app, translations, layout)


def run_wall_session(
    started: StartedApp,
    url: str,
    token: str,
    options: WallOptions,
    on_first_state: Callable[[], None] | None = None,
    replay_source: ReplaySource | None = None,
) -> int:
    """Open the wall on ``url`` and run the event loop until it is closed.

    The client connects first, so the server prepares the snapshot while the windows are
    built. ``on_first_state`` runs once the first full state reached the panels (the demo
    starts its simulator then, so its own snapshot does not compete with the wall's).
    A watchdog logs any freeze of the GUI thread longer than ``FREEZE_S`` (with its stack).
    ``replay_source`` lets the session replay periods of that store itself (the demo's).
    """
    from feeds.client import ClientThread

    client = ClientThread(url, token, client_name=CLIENT_NAME).start()
    from PySide6.QtCore import QTimer

    from desktop.session import WallSession
    from feeds.watchdog import FreezeWatchdog

    mark("wall imports")
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
        return int(started.app.exec())
    finally:
        beat.stop()
        watchdog.stop()
        session.close()


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
    from feeds.analytics.server_queries import analytics_kpis, analytics_queries
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
        alarms=AlarmEngine(alarm_config, plans),
    )
