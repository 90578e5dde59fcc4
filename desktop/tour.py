"""The self-running tour of the wall for visitors: scenes with large captions, on a timer.

:class:`Tour` shows the scenes of the layout's ``[tour]`` (``desktop/tour_scenes.py``) in
turn: each fades in its caption over the map, frames the panel it talks about, and may
fly the map to a subdistrict, colour it by overdue cases, or replay yesterday. Nothing is
rebuilt: the map page stays loaded and live data keeps flowing into every panel. Any
touch, click, wheel or key anywhere in the application pauses the tour and hands the wall
to the duty leader as it is; the tour resumes with the next scene after ``idle_s``
untouched. Time comes from an injected clock, so tests step it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QWindow
from PySide6.QtWidgets import QApplication

from desktop.tour_scenes import SCENE_KINDS, SPOTLIGHT, TourConfig, TourScene, caption, caption_fields
from feeds.analytics.response import WINDOW_S as RESPONSE_WINDOW_S
from feeds.protocol import BEIJING
from feeds.protocol.answers import ResponseAnswer
from widgets.gridmap import GridMap
from widgets.tour_caption import Spotlight, TourCaption

if TYPE_CHECKING:
    from desktop.bridge import LiveBridge
    from desktop.controller import WallController
    from desktop.drill import DrillController
    from desktop.replay import ReplayDesk
    from desktop.wall import WallWindow
    from feeds.live import LiveState


class TourHost(Protocol):
    """What the tour needs of a running wall (:class:`desktop.session.WallSession`)."""

    language: str
    wall_windows: list[WallWindow]
    state: LiveState
    bridge: LiveBridge
    controller: WallController
    replays: ReplayDesk
    drill: DrillController

    def set_language(self, language: str) -> None:
        """Switch the whole wall's language."""


TICK_MS = 250
INPUT_EVENTS = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.TouchBegin,
        QEvent.Type.KeyPress,
        QEvent.Type.Wheel,
    }
)
DEFAULT_TOUR = TourConfig(tuple(TourScene(kind, 20.0) for kind in SCENE_KINDS), 60.0, ("zh", "en"))
"""The tour of a layout without ``[tour]``: every kind of scene, 20 s each, Chinese and English in turn."""


class Tour(QObject):
    """Cycles ``config``'s scenes on ``session``'s wall.

    Args:
        session: The running wall.
        parent: Owner of the tour's timer.
        config: Scenes, idle time, languages.
        clock: Seconds, monotonic (tests inject one and call :meth:`step`).
        wall_time: The machine's time (epoch seconds), for "yesterday".

    Signals:
        sigScene(int): a scene began (its index).
        sigPaused(bool): the tour paused for the duty leader (True) or resumed (False).
        sigRunning(bool): the tour started or stopped.
    """

    sigScene = Signal(int)
    sigPaused = Signal(bool)
    sigRunning = Signal(bool)

    def __init__(
        self,
        session: TourHost,
        config: TourConfig,
        *,
        parent: QObject | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_time: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(parent)
        self.session, self.config = session, config
        self._clock, self._wall_time = clock, wall_time
        self.running = False
        self.paused = False
        self.index = -1
        self._scene_end = 0.0
        self._last_input = 0.0
        self._language = session.language
        self._effects: list[Callable[[], None]] = []  # how to undo what the current scene changed
        self._watched: list[QWindow] = []
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.step)
        map_window = next((w for w in session.wall_windows if "map" in w.panels), session.wall_windows[0])
        self.gmap = map_window.panels.get("map")
        anchor = self.gmap if self.gmap is not None else map_window
        self.caption = TourCaption(anchor, map_window.scale)
        self._spotlights = {id(w): Spotlight(w, w.scale) for w in session.wall_windows}
        self.response: ResponseAnswer | None = None  # the ``response`` query's last answer (the 全响应 scene)
        self._response_request = -1
        session.drill.runner.sigResult.connect(self._on_answer)

    # -- start, stop, input ------------------------------------------------------

    def start(self) -> None:
        """Begin with the first scene (again, if running)."""
        self._watch_windows()
        self._language = self.session.language if not self.running else self._language
        self.running, self.paused, self.index = True, False, -1
        if any(scene.kind == "response" for scene in self.config.scenes):
            self._ask_response()  # ahead of its scene, so the first caption already has the query's figures
        self._next()
        self._timer.start()
        self.sigRunning.emit(True)

    def stop(self) -> None:
        """End the tour: captions and spotlights fade out, the wall's language comes back."""
        if not self.running:
            return
        self.running = False
        self._timer.stop()
        for window in self._watched:
            window.removeEventFilter(self)
        self._watched.clear()
        self._leave()
        self.caption.hide_caption()
        self.session.set_language(self._language)
        self.sigRunning.emit(False)

    def toggle(self) -> None:
        """Start when stopped, stop when running."""
        if self.running:
            self.stop()
        else:
            self.start()

    def on_input(self) -> None:
        """A touch, click or key: pause now, resume after ``idle_s`` without any."""
        self._last_input = self._clock()
        if self.running and not self.paused:
            self.paused = True
            self._leave()
            self.caption.hide_caption()
            self.sigPaused.emit(True)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Notice input to any of the application's windows (never consumes it: the click still does its work)."""
        if event.type() in INPUT_EVENTS:
            self.on_input()
        return False

    def _watch_windows(self) -> None:
        """Filter the events of every top-level window (input reaches a window before its widgets).

        Not an application-wide filter: that crashed PySide6 with the web map and the feed
        threads running (see ``desktop/kiosk.py``); a window's own events are few.
        """
        for widget in QApplication.topLevelWidgets():
            window = widget.windowHandle()
            if window is not None and window not in self._watched:
                window.installEventFilter(self)
                self._watched.append(window)

    # -- the timer ---------------------------------------------------------------

    def step(self) -> None:
        """Next scene when this one is over; resume when idle long enough; refresh the caption's figures."""
        if not self.running:
            return
        self._watch_windows()  # a drill-down window opened since
        now = self._clock()
        if self.paused:
            if now - self._last_input >= self.config.idle_s:
                self.paused = False
                self.sigPaused.emit(False)
                self._next()
            return
        if now >= self._scene_end:
            self._next()
        else:
            self._refresh()

    @property
    def scene(self) -> TourScene | None:
        """The scene shown now."""
        return self.config.scenes[self.index] if self.running and self.index >= 0 else None

    # -- scenes --------------------------------------------------------------------

    def _next(self) -> None:
        self._leave()
        scenes = self.config.scenes
        for _ in range(len(scenes)):  # skip scenes this wall cannot show (a replay without a store)
            self.index = (self.index + 1) % len(scenes)
            if scenes[self.index].kind != "replay" or self.session.replays.can_start:
                break
        scene = scenes[self.index]
        languages = self.config.languages
        self.session.set_language(languages[self.index % len(languages)])
        self._enter(scene)
        self._scene_end = self._clock() + scene.seconds
        title, detail = self._caption(scene)
        self.caption.show_caption(title, detail, self._step_text())
        self.sigScene.emit(self.index)

    def _caption(self, scene: TourScene) -> tuple[str, str]:
        now = self.session.bridge.clock.now()
        return caption(scene, self.session.state, self.session.language, now, self.response)

    def _ask_response(self) -> None:
        """Ask the case server's ``response`` query for the 全响应 scene's rates: the district, the last
        30 days to now (the window of the 全响应 panel's rates, so caption and panel agree)."""
        from widgets.drilldown.requests import next_request_id

        now = int(self.session.bridge.clock.now())
        window = {"unit": "110102", "range": "custom", "start": now - RESPONSE_WINDOW_S, "end": now + 1}
        self._response_request = next_request_id()
        self.session.drill.runner.submit(self._response_request, "response", window)

    def _on_answer(self, request_id: int, data: object) -> None:
        if request_id != self._response_request or not isinstance(data, ResponseAnswer):
            return
        self.response = data
        if self.scene is not None and self.scene.kind == "response":
            self._refresh()

    def _step_text(self) -> str:
        n = len(self.config.scenes)
        return "  ".join("●" if i == self.index else "○" for i in range(n))

    def _refresh(self) -> None:
        scene = self.scene
        if scene is not None and self.caption.showing and scene.kind != "replay":
            self.caption.update_text(*self._caption(scene))

    def _enter(self, scene: TourScene) -> None:
        panel_name = SPOTLIGHT[scene.kind]
        for window in self.session.wall_windows:
            self._spotlights[id(window)].point_at(window.panels.get(panel_name) if panel_name != "map" else None)
        gmap = self.gmap
        if scene.kind == "subdistrict" and isinstance(gmap, GridMap):
            fields = caption_fields(scene, self.session.state, "zh", self._wall_time())
            gmap.highlight(fields["code"] or None, fly=True)
            self._effects.append(lambda: gmap.highlight(None, fly=True))
        elif scene.kind == "overdue":
            feeds = self.session.controller.map_feeds
            before = [feed.mode for feed in feeds]
            for feed in feeds:
                feed.set_mode("overdue")

            def restore() -> None:
                for feed, mode in zip(feeds, before, strict=True):
                    feed.set_mode(mode)

            self._effects.append(restore)
        elif scene.kind == "response":
            self._ask_response()  # the caption shows the server's KPI rates until the answer comes
        elif scene.kind == "replay":
            start, end = self._replay_period(scene)
            self.session.replays.start(start, end, scene.speed)
            self._effects.append(self.session.replays.live)

    def _replay_period(self, scene: TourScene) -> tuple[float, float]:
        today = datetime.fromtimestamp(self._wall_time(), BEIJING).replace(hour=0, minute=0, second=0, microsecond=0)
        hour, minute = (int(x) for x in scene.replay_from.split(":"))
        start = (today - timedelta(days=1)).replace(hour=hour, minute=minute)
        end = min(start + timedelta(seconds=scene.seconds * scene.speed + 60), today)
        return start.timestamp(), end.timestamp()

    def _leave(self) -> None:
        for window in self.session.wall_windows:
            self._spotlights[id(window)].point_at(None)
        effects, self._effects = self._effects, []
        for undo in reversed(effects):
            undo()
