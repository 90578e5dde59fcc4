"""Wires the live feed to the panels of every wall window (GUI thread only)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QObject, QTimer

from desktop.bridge import LiveBridge
from desktop.map_feed import MapFeed
from desktop.panels import Follow, Placed, Translatable, widgets_of
from feeds.client.status import ClientStatus
from feeds.live import Changes, LiveState
from feeds.protocol import ReplayStatus
from widgets.case_feed import CaseFeed
from widgets.gridmap import GridMap
from widgets.panel import Panel
from widgets.title_bar import TitleBar

CYCLE_S = 30
"""Seconds between colouring switches when the layout asks for ``cycle``."""


class WallController(QObject):
    """Routes each :class:`Changes` batch to the panels it concerns, once per batch.

    What a panel reads and how it follows is its :class:`~desktop.panels.PanelKind`;
    each part of the state is read once per batch however many panels show it. Maps
    follow through a :class:`MapFeed` each.

    A follow with a pace (the charts) is shown at most once per pace: a change within it is
    shown, read afresh, when the pace is over.

    Nothing reaches a panel before the first snapshot: until then every panel
    shows "no data" (never a zero or an all-clear). While the connection is not
    live the panels keep their figures greyed, "as of" the last data received.

    Args:
        bridge: The feed bridge (owns the live state).
        panels: Every built panel of every window (a kind may appear in several windows).
        map_colour: Grid colouring: ``density``, ``overdue`` or ``cycle`` (alternate every
            :data:`CYCLE_S` seconds).
        platforms: The platforms whose cases the feed and the map show (layout ``[wall] platforms``).
    """

    def __init__(
        self,
        bridge: LiveBridge,
        panels: Iterable[Placed[Any]],
        parent: QObject | None = None,
        *,
        map_colour: str = "density",
        platforms: frozenset[str] = frozenset({"city", "response"}),
    ):
        super().__init__(parent)
        self.bridge = bridge
        self.state = bridge.state
        self.placed = list(panels)
        first_mode = "density" if map_colour == "cycle" else map_colour
        self.map_feeds = [MapFeed(m, self.state, first_mode, platforms) for m in widgets_of(self.placed, GridMap)]
        for case_feed in widgets_of(self.placed, CaseFeed):
            case_feed.platforms = platforms
        self._cycle: QTimer | None = None
        if map_colour == "cycle" and self.map_feeds:
            self._cycle = QTimer(self)
            self._cycle.setInterval(CYCLE_S * 1000)
            self._cycle.timeout.connect(self._on_cycle)
            self._cycle.start()
        bridge.sigChanged.connect(self._on_changed)
        bridge.sigStatus.connect(self._on_status)
        bridge.sigSecond.connect(self._on_second)
        bridge.sigReplay.connect(self._on_replay)
        self._shown_at: dict[Follow[Any, Any], float] = {}  # paced follows: monotonic time last shown
        self._held: set[Follow[Any, Any]] = set()  # paced follows changed since, waiting for their pace
        self._pace = QTimer(self)
        self._pace.setSingleShot(True)
        self._pace.timeout.connect(self._show_held)
        self._freshness: tuple[str, float | None] | None = None
        self._show_freshness()
        self._on_second(bridge.clock.now())

    def stop(self) -> None:
        """Stop the timers (before the panels close): no held chart is shown after this."""
        self._pace.stop()
        self._held.clear()
        if self._cycle is not None:
            self._cycle.stop()

    def _on_cycle(self) -> None:
        for feed in self.map_feeds:
            feed.set_mode("overdue" if feed.mode == "density" else "density")

    def set_language(self, language: str) -> None:
        """Switch domain names (types, places) in every panel; UI strings follow the translator."""
        for panel in self.placed:
            if isinstance(panel.widget, Translatable):
                panel.widget.set_language(language)
        for feed in self.map_feeds:
            if feed.checklist is not None:
                feed.checklist.set_language(language)

    def _show_freshness(self) -> None:
        status = self.bridge.status
        if self.state.store_id is None:  # no snapshot yet: nothing to show
            freshness: tuple[str, float | None] = ("none", None)
        elif status.state == "live":
            freshness = ("live", None)
        else:
            freshness = ("stale", status.last_update)
        if freshness == self._freshness:
            return
        self._freshness = freshness
        for panel in self.placed:
            if isinstance(panel.widget, Panel | GridMap):
                panel.widget.set_freshness(*freshness)
        for feed in self.map_feeds:  # the plan overlay over the map
            feed.set_freshness(*freshness)

    def _on_changed(self, ch: Changes) -> None:
        if self.state.store_id is None:
            return  # a day roll before any data: there is nothing to show
        self._show_freshness()
        due = {f for p in self.placed for f in p.kind.follows if ch.reset or f.changed(ch)}
        mono = time.monotonic()
        for follow in [f for f in due if f.pace_s > 0 and not ch.reset]:
            if mono - self._shown_at.get(follow, -math.inf) < follow.pace_s:
                due.discard(follow)
                self._held.add(follow)
        self._show(due, mono)
        self._arm_pace(mono)
        for feed in self.map_feeds:
            feed.update(ch)

    def _show(self, follows: set[Follow[Any, Any]], mono: float) -> None:
        """Hand each of ``follows`` to its panels, each part read once."""
        if not follows:
            return
        now = self.bridge.clock.now()
        read: dict[Callable[[LiveState], Any], Any] = {}
        for panel in self.placed:
            for follow in panel.kind.follows:
                if follow in follows:
                    if follow.read not in read:
                        read[follow.read] = follow.read(self.state)
                    follow.show(panel.widget, read[follow.read], now)
        for follow in follows:
            self._held.discard(follow)
            if follow.pace_s > 0:
                self._shown_at[follow] = mono

    def _arm_pace(self, mono: float) -> None:
        if not self._held or self._pace.isActive():
            return
        ends = min(self._shown_at.get(f, -math.inf) + f.pace_s for f in self._held)
        self._pace.start(max(0, math.ceil((ends - mono) * 1000)))

    def _show_held(self) -> None:
        mono = time.monotonic()
        ready = {f for f in self._held if mono - self._shown_at.get(f, -math.inf) >= f.pace_s - 0.001}
        self._show(ready, mono)
        self._arm_pace(mono)

    def _on_status(self, status: ClientStatus) -> None:
        for panel in self.placed:
            if panel.kind.status is not None:
                panel.kind.status(panel.widget, status.state, status.last_update, self.bridge.latency_ms, status.detail)
        self._show_freshness()

    def _on_replay(self, status: ReplayStatus | None) -> None:
        for title in widgets_of(self.placed, TitleBar):
            title.set_replay(status.speed if status else None, status.paused if status else False)
        self._on_second(self.bridge.clock.now())

    def _on_second(self, now: float) -> None:
        for panel in self.placed:
            if panel.kind.tick is not None:
                panel.kind.tick(panel.widget, now)
        self._on_status(self.bridge.status)
