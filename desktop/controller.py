"""Wires the live feed to the panels of every wall window (GUI thread only)."""

from __future__ import annotations

import time
from collections.abc import Iterable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget

from desktop.bridge import LiveBridge
from desktop.map_feed import MapFeed
from feeds.client.status import ClientStatus
from feeds.live import Changes
from widgets.gridmap import GridMap
from widgets.gridmap.adapters import unit_collections

_LEVEL_RANK = {"blue": 1, "yellow": 2, "orange": 3, "red": 4}
CYCLE_S = 30
"""Seconds between colouring switches when the layout asks for ``cycle``."""


class WallController(QObject):
    """Routes each :class:`Changes` batch to the panels it concerns, once per batch.

    Args:
        bridge: The feed bridge (owns the live state).
        panels: Every panel widget of every window, by layout name (a name may appear in several windows).
        map_colour: Grid colouring: ``density``, ``overdue`` or ``cycle`` (alternate every
            :data:`CYCLE_S` seconds).
    """

    def __init__(
        self,
        bridge: LiveBridge,
        panels: Iterable[tuple[str, QWidget]],
        parent: QObject | None = None,
        *,
        map_colour: str = "density",
    ):
        super().__init__(parent)
        self.bridge = bridge
        self.state = bridge.state
        self.panels: dict[str, list[QWidget]] = {}
        for name, widget in panels:
            self.panels.setdefault(name, []).append(widget)
        first_mode = "density" if map_colour == "cycle" else map_colour
        self.map_feeds = [MapFeed(m, self.state, first_mode) for m in self._all("map") if isinstance(m, GridMap)]
        self._cycle: QTimer | None = None
        if map_colour == "cycle" and self.map_feeds:
            self._cycle = QTimer(self)
            self._cycle.setInterval(CYCLE_S * 1000)
            self._cycle.timeout.connect(self._on_cycle)
            self._cycle.start()
        if self.map_feeds:
            from feeds.geo.units import load_units

            units = unit_collections(load_units())
            for feed in self.map_feeds:
                feed.gmap.set_units(*units)
        bridge.sigChanged.connect(self._on_changed)
        bridge.sigStatus.connect(self._on_status)
        bridge.sigSecond.connect(self._on_second)
        self._on_second(time.time())

    def _all(self, name: str) -> list[QWidget]:
        return self.panels.get(name, [])

    def _on_cycle(self) -> None:
        for feed in self.map_feeds:
            feed.set_mode("overdue" if feed.mode == "density" else "density")

    def set_language(self, language: str) -> None:
        """Switch domain names (types, places) in every panel; UI strings follow the translator."""
        for widgets in self.panels.values():
            for w in widgets:
                setter = getattr(w, "set_language", None)
                if setter is not None:
                    setter(language)

    def _on_changed(self, ch: Changes) -> None:
        s = self.state
        now = time.time()
        everything = ch.reset
        if everything or ch.feed:
            rows = s.feed()
            for w in self._all("feed"):
                w.update_cases(rows, now)  # type: ignore[attr-defined]
        if everything or ch.overdue:
            view = s.overdue()
            for w in self._all("overdue"):
                w.update_overdue(view)  # type: ignore[attr-defined]
        if everything or ch.weather:
            warnings = s.weather()
            for w in self._all("weather"):
                w.update_weather(warnings)  # type: ignore[attr-defined]
            worst = max(warnings, key=lambda x: _LEVEL_RANK.get(x.level, 0), default=None)
            for w in self._all("title"):
                w.set_warning(worst.level if worst else None, worst.hazard if worst else None)  # type: ignore[attr-defined]
        if everything or ch.crowd:
            crowd = s.crowd()
            for w in self._all("crowd"):
                w.update_crowd(crowd)  # type: ignore[attr-defined]
        if everything or ch.sensors:
            sensors = s.sensors()
            for w in self._all("sensors"):
                w.update_sensors(sensors)  # type: ignore[attr-defined]
        if everything or ch.kpi:
            kpi = s.kpi()
            for w in self._all("kpi"):
                w.update_kpi(kpi)  # type: ignore[attr-defined]
        if everything or ch.charts:
            charts = s.charts()
            for name in ("trend", "types", "sources", "ranking"):
                for w in self._all(name):
                    w.update_charts(charts)  # type: ignore[attr-defined]
        for feed in self.map_feeds:
            feed.update(ch)

    def _on_status(self, status: ClientStatus) -> None:
        for w in self._all("title"):
            w.set_status(status.state, status.last_update, self.bridge.latency_ms)  # type: ignore[attr-defined]

    def _on_second(self, now: float) -> None:
        status = self.bridge.status
        for w in self._all("title"):
            w.tick(now)  # type: ignore[attr-defined]
            w.set_status(status.state, status.last_update, self.bridge.latency_ms)  # type: ignore[attr-defined]
        for name in ("feed", "overdue"):
            for w in self._all(name):
                w.tick(now)  # type: ignore[attr-defined]
