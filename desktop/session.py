"""A running wall: client thread, live state, bridge, windows, kiosk and screenshot handling."""

from __future__ import annotations

import logging
import time
from typing import Any

from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QWidget

from desktop import gc_policy
from desktop.app import CLIENT_NAME, WallOptions
from desktop.bridge import LiveBridge
from desktop.briefing_button import BriefingExport
from desktop.controller import WallController
from desktop.drill import install_drilldown
from desktop.i18n import Translations
from desktop.kiosk import IdleCursor, ScreensaverInhibitor, make_kiosk, screens_rect
from desktop.layout import ScreenLayout, WallLayout, load_layout
from desktop.replay import ReplayDesk, ReplaySource, install_replay_bar
from desktop.supervision import install_supervision
from desktop.tour import DEFAULT_TOUR, Tour
from desktop.wall import WallWindow
from desktop.workstation import Workstation
from feeds.alarms import load_alarm_config
from feeds.client import ClientThread
from feeds.live import Changes, LiveState
from feeds.live.names import load_names
from feeds.protocol import Focus, TourControl
from feeds.startup_trace import mark
from widgets.theme import Scale

log = logging.getLogger(__name__)
WORKSTATION_OVERVIEW = 0.62
"""Overview panels on a workstation are sized for this fraction of the window height."""
NOT_TAKEN = "the wall was closed before the screenshot was taken"
SETTLE_HEAP_MS = 2000
"""How long after its first state is on the panels the wall freezes its heap (desktop/gc_policy.py)."""


def let_qt_run() -> None:
    """Run the events pending now, user input excluded: a turn of the event loop in the middle of the start.

    Chromium's browser side runs on the GUI thread, in Qt's event loop, so the map page (built first)
    loads and draws its units only when this thread turns that loop; called between the steps of
    building the windows, Chromium's work goes on beside Python's instead of after it. Nothing that
    is not yet wired can be reached: the client's updates reach the panels only once the bridge is
    started (:meth:`WallSession.show`), and user input waits for the event loop.
    """
    QApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)


def wall_state() -> LiveState:
    """The wall's live state: it groups alarm floods by its own settings file's ``[flood]`` rule
    until its server's ``welcome`` brings the server's rule (the authority; see docs/alarms.md)."""
    alarm_config = load_alarm_config()
    return LiveState(load_names(), flood_count=alarm_config.flood_count, flood_window_s=alarm_config.flood_window_s)


class WallSession(QObject):
    """Everything one wall (or workstation) process shows, connected to a case server.

    Args:
        url: Case server URL.
        token: Access token (``wall`` or ``operator``).
        options: Display options from the command line.
        translations: The application's translator switcher.
        client_options: Passed to :class:`ClientThread` (e.g. ``reconnect_delays``).
        layout: The wall layout, when the caller has read it already (else read from ``options.layout``).
        client: A client thread already connecting to ``url`` (a cold start asks for the snapshot
            while the windows are built); ``client_options`` are then unused.
        replay_source: A store this session may replay periods of itself (``None``: it can only
            steer a replay server it is connected to).
    """

    def __init__(
        self,
        url: str,
        token: str,
        options: WallOptions,
        translations: Translations,
        *,
        client_options: dict[str, Any] | None = None,
        layout: WallLayout | None = None,
        client: ClientThread | None = None,
        replay_source: ReplaySource | None = None,
    ) -> None:
        super().__init__()
        self.options = options
        self.translations = translations
        self.layout: WallLayout = layout if layout is not None else load_layout(options.layout)
        if options.screens is not None and len(self.layout.screens) > 1:
            log.warning(
                "--screens is ignored: %s places its %d windows itself", self.layout.source, len(self.layout.screens)
            )
        self.language = options.language or self.layout.language
        translations.set_language(self.language)
        self.client = client or ClientThread(url, token, client_name=CLIENT_NAME, **(client_options or {}))
        self.state = wall_state()
        self.bridge = LiveBridge(self.client, self.state, self)
        self.windows: list[QWidget] = []
        self.wall_windows: list[WallWindow] = []
        self._build_windows()
        mark("panels built")
        panels = [panel for window in self.wall_windows for panel in window.placed]
        self.workstation = self.windows[0] if isinstance(self.windows[0], Workstation) else None
        self.controller = WallController(
            self.bridge, panels, self, map_colour=self.layout.map_colour, platforms=self.layout.platforms
        )
        self.drill = install_drilldown(
            self,
            backend=self.client,
            names=self.state.names,
            layout=self.layout,
            options=options,
            language=self.language,
            wall_windows=self.wall_windows,
            panels=panels,
            workstation=self.workstation,
        )
        mark("drill-down built")
        let_qt_run()
        self.bridge.sigChanged.connect(self.drill.warnings_feed.on_changed)
        self.bridge.sigTour.connect(self._on_tour)
        browser = self.drill.extra.get("browser")
        if browser is not None:  # the workstation's case list loads once the connection is live
            self.bridge.sigStatus.connect(lambda status: browser.on_connection(status.state))
            browser.on_connection(self.bridge.status.state)
        self.replays = ReplayDesk(self.client, token, replay_source, self)
        self.bridge.sigReplay.connect(self.replays.on_replay)  # a replay that ends sends the wall back to live
        self.replay_bar = None
        if isinstance(self.windows[0], Workstation):
            scale = Scale(max(720.0, float(options.size[1]) * 0.8))
            self.replay_bar = install_replay_bar(self.windows[0], self.replays, self.bridge, scale)
        self.briefing: BriefingExport | None = None
        self.tour = Tour(self, self.layout.tour or DEFAULT_TOUR, parent=self)
        if isinstance(self.windows[0], Workstation):
            self.windows[0].add_tour_actions(self.ask_walls_to_tour)
            self.briefing = BriefingExport(self.client, self)
            self.windows[0].add_briefing_actions(self.briefing, lambda: self.language)
        desk = self.drill.extra.get("alarms")
        if desk is not None:  # the alarm desk follows the live alarms and plans
            self.bridge.sigChanged.connect(lambda ch: self._follow_alarms(desk, ch))
        self.supervision = install_supervision(self, self.drill, panels, workstation=self.workstation)
        self.bridge.sigStatus.connect(self.supervision.on_status)
        self.bridge.sigFocus.connect(self._on_focus)
        if self.workstation is not None:  # a workstation's look-up also steers every wall of the server
            self.supervision.send_focus = self.client.publish_async
        mark("supervision built")
        gc_policy.freeze_now()  # what the start built lives as long as the wall: no walk of it until settle()
        self.bridge.sigChanged.connect(self._settle_heap)
        self._cursor: IdleCursor | None = None
        self._inhibitor: ScreensaverInhibitor | None = None
        self.screenshot_error: str | None = NOT_TAKEN if options.screenshot is not None else None
        """Why ``--screenshot`` did not give a good picture (the run then ends with exit code 1): not taken
        yet (the wall closed first, e.g. by Ctrl+C), or not saved."""

    def _settle_heap(self, ch: Changes) -> None:
        """Once the first state is on the panels: freeze what the start made (desktop/gc_policy.py).

        :data:`SETTLE_HEAP_MS` later, so the pause (~0.1 s) does not hold up the map page, which
        is usually still loading then.
        """
        if ch.reset:
            self.bridge.sigChanged.disconnect(self._settle_heap)
            QTimer.singleShot(SETTLE_HEAP_MS, gc_policy.settle)

    def _follow_alarms(self, desk: Any, ch: Changes) -> None:
        if self.state.store_id is None:
            return
        if ch.reset or ch.plans:
            desk.update_plans(self.state.plans())
        if ch.reset or ch.alarms:
            desk.alarms_changed(time.time())

    # ------------------------------------------------------------------ windows
    def _scale_for(self, screen_layout: ScreenLayout) -> Scale:
        if self.options.workstation:  # the overview shares the window with the case docks
            return Scale(float(self.options.size[1]) * WORKSTATION_OVERVIEW)
        if self.options.windowed or self.options.headless:
            return Scale(float(self.options.size[1]))
        return Scale(float(screens_rect(self._screens_of(screen_layout)).height()))

    def _screens_of(self, screen_layout: ScreenLayout) -> tuple[int, ...]:
        """``--screens`` places a one-window layout; a layout with several windows names its own."""
        if self.options.screens is not None and len(self.layout.screens) == 1:
            return self.options.screens
        return screen_layout.screens

    def _build_windows(self) -> None:
        layouts = self.layout.screens
        if self.options.workstation or self.options.headless or self.options.windowed:
            layouts = layouts[:1]  # a desk window shows the first screen's layout
        for screen_layout in layouts:
            window = WallWindow(
                screen_layout,
                self._scale_for(screen_layout),
                self.language,
                self.layout.map_config,
                between_panels=let_qt_run,
            )
            self.wall_windows.append(window)
            if self.options.workstation:
                self.windows.append(Workstation(window))
            else:
                self.windows.append(window)

    def show(self) -> None:
        """Show every window (kiosk, windowed or workstation) and start the feed."""
        w, h = self.options.size
        for window, wall in zip(self.windows, self.wall_windows, strict=True):
            self._shortcuts(window)
            if self.options.workstation or self.options.windowed or self.options.headless:
                window.resize(w, h)
                window.show()
            else:
                make_kiosk(window, self._screens_of(wall.screen_layout))
        if not (self.options.workstation or self.options.windowed or self.options.headless):
            self._cursor = IdleCursor(self.layout.cursor_idle_s, self)
            self._inhibitor = ScreensaverInhibitor(self)
        self.client.start()
        self.bridge.start()
        if self.options.tour:
            self.tour.start()
        if self.options.screenshot is not None:
            QTimer.singleShot(int(self.options.after * 1000), self._take_screenshot)

    def ask_walls_to_tour(self, action: str) -> None:
        """Operator: ``start`` or ``stop`` the tour on every wall of the server (a ``tour`` message)."""
        self.client.publish_async(TourControl(action))

    def _on_tour(self, action: str) -> None:
        """An operator asked the walls to start or stop the tour (a workstation only asks)."""
        if self.options.workstation:
            return
        if action == "start":
            self.tour.start()
        else:
            self.tour.stop()

    def _on_focus(self, target: Focus) -> None:
        """An operator's look-up: walls fly there (a workstation has already gone there itself)."""
        if not self.options.workstation:
            self.supervision.focus(target)

    def _shortcuts(self, window: QWidget) -> None:
        QShortcut(QKeySequence("F2"), window, self.toggle_language)
        QShortcut(QKeySequence("Ctrl+Q"), window, QApplication.quit)
        QShortcut(QKeySequence("F11"), window, lambda: _toggle_full_screen(window))

    def toggle_language(self) -> None:
        """Switch between Chinese and English (F2)."""
        self.set_language("en" if self.language == "zh" else "zh")

    def set_language(self, language: str) -> None:
        """Switch the whole wall to ``zh`` or ``en``."""
        if self.translations.set_language(language):
            self.language = language
            self.controller.set_language(language)
            self.drill.set_language(language)
            self.supervision.set_language(language)

    # --------------------------------------------------------------- screenshot
    def _take_screenshot(self) -> None:
        """Save every window (``PNG``, ``PNG-1``, …) and quit; a picture not saved, or saved of a wall that never
        reached its server (it shows no data: not a good screenshot), is :attr:`screenshot_error`."""
        path = self.options.screenshot
        assert path is not None  # only scheduled with --screenshot
        failed: list[str] = []
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            failed.append(f"{path} ({exc.strerror or exc})")
        for i, window in enumerate(self.windows if not failed else []):
            target = path if i == 0 else path.with_name(f"{path.stem}-{i}{path.suffix}")
            if window.grab().save(str(target)):
                log.info("screenshot saved: %s", target)
            else:
                failed.append(str(target))
        self.screenshot_error = f"could not save the screenshot {', '.join(failed)}" if failed else None
        if not failed and self.state.store_id is None:  # no snapshot ever reached the panels
            self.screenshot_error = f"saved {path}, but the wall never reached its server: {self._why_not_live()}"
        QApplication.exit(1 if self.screenshot_error else 0)

    def _why_not_live(self) -> str:
        """The client's reason for not being live (a refused token, a server that cannot be reached)."""
        status = self.bridge.status
        if status.state == "refused":
            return f"{self.client.url} refused the token: {status.detail.removeprefix('access refused: ')}"
        if status.detail:
            return status.detail
        return f"no answer from {self.client.url} yet ({status.state})"

    def close(self) -> None:
        """Stop the feed, close the windows and free them (web pages before their profiles)."""
        self.tour.stop()
        self.bridge.stop()
        self.controller.stop()
        self.replays.shutdown()
        if self.briefing is not None:
            self.briefing.shutdown()
        self.supervision.shutdown()
        self.drill.shutdown()
        self.client.stop()
        for window in self.windows:
            window.close()
            window.deleteLater()
        self.windows.clear()
        self.wall_windows.clear()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _toggle_full_screen(window: QWidget) -> None:
    if window.isFullScreen():
        window.showNormal()
    else:
        window.showFullScreen()
    window.setWindowState(window.windowState() | Qt.WindowState.WindowActive)


def primary_height() -> int:
    """Height of the primary screen (1080 when unknown)."""
    screen = QGuiApplication.primaryScreen()
    return screen.geometry().height() if screen else 1080
