"""Turns live-state changes into the plain data the grid map takes."""

from __future__ import annotations

import time
from typing import Any

from feeds.geo.units import load_hotspots
from feeds.live import Changes, LiveState
from feeds.live.records import CaseView
from feeds.privacy import mask_text
from widgets.gridmap import GridMap
from widgets.gridmap.adapters import hotspot_item
from widgets.plan_checklist import MapPlanOverlay
from widgets.theme import Scale

NEW_FOR_S = 60.0
"""A case counts as "new" (pulsing marker) for this long after it was reported."""
SENSOR_LAYERS = {"waterlogging": "water_level", "rain_gauge": "rain_gauge", "manhole": "manhole"}
"""Linkage-plan map layers that are sensors of one kind (water-logging points are the water-level gauges)."""


def case_item(view: CaseView, status: str, now: float) -> dict[str, Any]:
    """One marker for :meth:`GridMap.push_cases`."""
    if view.stage == "closed":
        marker = "closed"
    elif status in ("overdue", "due_soon"):
        marker = status
    elif now - view.reported_at < NEW_FOR_S:
        marker = "new"
    else:
        marker = "open"
    return {
        "id": view.id,
        "lon": view.lon,
        "lat": view.lat,
        "status": marker,
        "title_zh": view.type.zh,
        "title_en": view.type.en,
        "description": mask_text(view.description),  # a wall view: never personal data
        "address": mask_text(view.address),
        "grid": view.grid,
        "reported_at": view.reported_at,
    }


class MapFeed:
    """Keeps one :class:`GridMap` in step with a :class:`LiveState`.

    While a bad-weather linkage plan runs, its checklist sits over the map and the map
    switches to the plan's layers: only the sensors of the plan's kinds (``waterlogging``:
    the underpass water-level gauges, ``rain_gauge``, ``manhole``), hot spots only with
    ``crowd``, grids coloured by overdue cases with ``overdue``. It switches back when the
    last plan closes.

    Args:
        gmap: The map widget.
        state: The live state.
        mode: Grid colouring: ``density`` (open cases per grid) or ``overdue``.
        platforms: Whose case markers to show (``city``, ``response``); grid colours count every open case.
    """

    def __init__(
        self,
        gmap: GridMap,
        state: LiveState,
        mode: str = "density",
        platforms: frozenset[str] = frozenset({"city", "response"}),
    ) -> None:
        self.gmap = gmap
        self.state = state
        self.mode = mode
        self.layers: frozenset[str] = frozenset()
        self.platforms = platforms
        self._shown: set[str] = set()
        self._spots = {s.id: s for s in load_hotspots()}
        self.checklist: MapPlanOverlay | None = None  # made when the first plan runs
        self.freshness: tuple[str, float | None] = ("live", None)

    def update(self, ch: Changes) -> None:
        """Push what ``ch`` says changed (everything after a snapshot)."""
        now = time.time()
        if ch.reset:
            self._push_all(now)
        elif ch.map_cases and ch.cases:
            self._push_some(ch.cases, now)
        if ch.reset or ch.plans:
            self._push_plans()
        if ch.reset or ch.grid_values:
            self._push_grid_values()
        if ch.reset or ch.staff:
            self.gmap.set_staff(
                {"id": p.staff_id, "lon": p.lon, "lat": p.lat, "grid": p.grid, "on_duty": p.on_duty}
                for p in self.state.staff()
            )
        if ch.reset or ch.crowd or ch.plans:
            self._push_spots()
        if ch.reset or ch.sensors or ch.plans:
            self._push_sensors()
        if ch.reset:  # the whole state: to the renderer before the panels repaint, drawn at once
            self.gmap.flush_now()

    def set_freshness(self, freshness: str, as_of: float | None = None) -> None:
        """The wall's data freshness: a stale wall greys the plan overlay and says "as of HH:MM" on it."""
        self.freshness = (freshness, as_of)
        if self.checklist is not None:
            self.checklist.set_freshness(freshness, as_of)

    def set_mode(self, mode: str) -> None:
        """Colour grids by ``density`` or ``overdue`` (a running plan with the ``overdue`` layer keeps ``overdue``)."""
        self.mode = mode
        self._push_grid_values()

    @property
    def grid_mode(self) -> str:
        """The colouring shown: the plan's ``overdue`` layer wins over the configured mode."""
        return "overdue" if "overdue" in self.layers else self.mode

    def _push_plans(self) -> None:
        plans = self.state.plans()
        if plans and self.checklist is None:
            self.checklist = MapPlanOverlay(self.gmap, Scale(1080.0 * self.gmap.size_factor))
            self.checklist.set_language(self.gmap.language)
            self.checklist.set_freshness(*self.freshness)
        if self.checklist is not None:
            self.checklist.update_plans(plans)
        layers = frozenset(layer for plan in plans for layer in plan.layers)
        if layers != self.layers:
            self.layers = layers
            self._push_grid_values()

    def _push_sensors(self) -> None:
        kinds = {SENSOR_LAYERS[layer] for layer in self.layers if layer in SENSOR_LAYERS}
        self.gmap.set_sensors(
            {
                "id": s.sensor_id,
                "lon": s.lon,
                "lat": s.lat,
                "kind": s.kind,
                "alarm": s.alarm,
                "name_zh": s.name.zh,
                "name_en": s.name.en,
                "value": s.value,
                "unit": s.unit,
            }
            for s in self.state.sensors()
            if not self.layers or s.kind in kinds
        )

    def _push_all(self, now: float) -> None:
        items = [
            case_item(v, self.state.deadline_status(v.id), now)
            for v in self.state.open_cases()
            if v.platform in self.platforms
        ]
        current = {item["id"] for item in items}
        self.gmap.push_cases(updated=items, removed=sorted(self._shown - current))
        self._shown = current

    def _push_some(self, ids: set[str], now: float) -> None:
        added, updated, removed = [], [], []
        for case_id in ids:
            view = self.state.case(case_id)
            if view is not None and view.platform not in self.platforms:
                continue
            if view is None:
                if case_id in self._shown:
                    removed.append(case_id)
                    self._shown.discard(case_id)
                continue
            item = case_item(view, self.state.deadline_status(case_id), now)
            if view.stage == "closed":
                self._shown.discard(case_id)
                updated.append(item)  # the map fades closed markers out by itself
            elif case_id in self._shown:
                updated.append(item)
            else:
                added.append(item)
                self._shown.add(case_id)
        self.gmap.push_cases(added, updated, removed)

    def _push_grid_values(self) -> None:
        mode = self.grid_mode
        self.gmap.set_grid_values(self.state.grid_counts(mode), mode)

    def _push_spots(self) -> None:
        if self.layers and "crowd" not in self.layers:
            self.gmap.set_hotspots([])
            return
        levels = {c.spot_id: c for c in self.state.crowd()}
        items = []
        for spot in self._spots.values():
            crowd = levels.get(spot.id)
            if crowd is None:
                items.append(hotspot_item(spot))
            else:
                items.append(hotspot_item(spot, crowd.level, crowd.count, crowd.capacity))
        self.gmap.set_hotspots(items)
