"""What the map page should show, and what changed since the last batch (no Qt).

:class:`MapModel` is the Python side's truth: it lets :class:`GridMap` send
small deltas while the page is alive and the full state after a (re)load.
Overlay coordinates are converted at this edge (WGS-84 → GCJ-02) when the
basemap needs it; callers always hand WGS-84.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from feeds.geo.gcj02 import convert_geometry

Point = Callable[[float, float], tuple[float, float]]
Json = dict[str, Any]

LEVELS = ("subdistrict", "community", "grid")
CASE_STATUSES = frozenset({"new", "open", "due_soon", "overdue", "closed"})
_CASE_FIELDS = ("id", "status", "title_zh", "title_en", "description", "address", "grid", "reported_at")
_UNIT_PROPS = ("code", "name_zh", "name_en")


def _identity(lon: float, lat: float) -> tuple[float, float]:
    return lon, lat


def _rounded(point: Point) -> Point:
    def convert(lon: float, lat: float) -> tuple[float, float]:
        x, y = point(lon, lat)
        return round(x, 6), round(y, 6)

    return convert


class MapModel:
    """Desired page content plus the pending delta.

    Args:
        to_display: Converts a WGS-84 ``(lon, lat)`` to the basemap's datum.
        max_closed: Closed cases kept on the map (newest first out last).
        max_cases: Hard cap on case markers; the oldest closed, then the
            oldest open, are dropped beyond it so memory stays flat.
    """

    def __init__(self, to_display: Point = _identity, max_closed: int = 200, max_cases: int = 20_000) -> None:
        self._point = _rounded(to_display)
        self.max_closed = max_closed
        self.max_cases = max_cases
        self.units: Json | None = None
        self.grid: Json | None = None
        self.cases: OrderedDict[str, Json] = OrderedDict()
        self._closed: OrderedDict[str, None] = OrderedDict()
        self.staff: list[Json] = []
        self.hotspots: list[Json] = []
        self.sensors: list[Json] = []
        self.language = "zh"
        self.scale = 1.0
        self.highlighted: Json | None = None
        self.components: Json | None = None
        self.cameras: list[Json] = []
        self.track: Json | None = None
        self.track_time: float | None = None
        self.pin: Json | None = None
        self._delta: Json = {}
        self._upserts: dict[str, tuple[Json, bool]] = {}
        self._removed: set[str] = set()

    # ----- setters (each records the delta) -----
    def set_units(
        self, subdistricts: Mapping[str, Any], communities: Mapping[str, Any], grids: Mapping[str, Any]
    ) -> None:
        """Replace the three unit layers (GeoJSON FeatureCollections, WGS-84)."""
        self.units = {
            level: self._slim_collection(fc)
            for level, fc in zip(LEVELS, (subdistricts, communities, grids), strict=True)
        }
        self._delta["units"] = self.units

    def set_grid_values(self, values: Mapping[str, float], mode: str) -> None:
        """Replace the per-grid values and what they mean (``density`` / ``overdue``)."""
        self.grid = {"values": {str(k): float(v) for k, v in values.items()}, "mode": str(mode)}
        self._delta["grid"] = self.grid

    def push_cases(
        self, added: Iterable[Mapping[str, Any]], updated: Iterable[Mapping[str, Any]], removed: Iterable[str]
    ) -> None:
        """Fold case changes in; ``added`` pulse on the map, ``updated`` do not."""
        for raw in added:
            self._upsert(self._slim_case(raw), fresh=True)
        for raw in updated:
            self._upsert(self._slim_case(raw), fresh=False)
        for case_id in removed:
            self._remove(str(case_id))
        self._enforce_caps()

    def set_staff(self, positions: Iterable[Mapping[str, Any]]) -> None:
        """Replace supervisor positions (``id, lon, lat``, optional ``grid, on_duty``)."""
        self.staff = [self._slim_point(p, ("id", "grid", "on_duty")) for p in positions]
        self._delta["staff"] = self.staff

    def set_hotspots(self, spots: Iterable[Mapping[str, Any]]) -> None:
        """Replace hot spots (``id, lon, lat, level``, optional ``name_zh, name_en, count, capacity``)."""
        keys = ("id", "name_zh", "name_en", "level", "count", "capacity")
        self.hotspots = [self._slim_point(p, keys) for p in spots]
        self._delta["hotspots"] = self.hotspots

    def set_sensors(self, sensors: Iterable[Mapping[str, Any]]) -> None:
        """Replace sensors (``id, lon, lat, kind, alarm``, optional ``name_zh, name_en, value, unit``)."""
        keys = ("id", "kind", "name_zh", "name_en", "alarm", "value", "unit")
        self.sensors = [self._slim_point(p, keys) for p in sensors]
        self._delta["sensors"] = self.sensors

    def set_language(self, language: str) -> None:
        """Switch names and labels to ``zh`` or ``en``."""
        if language not in ("zh", "en"):
            raise ValueError(f"language must be 'zh' or 'en', not {language!r}")
        self.language = language
        self._delta["language"] = language

    def set_scale(self, scale: float) -> None:
        """Size factor for fonts, strokes and markers."""
        self.scale = float(scale)
        self._delta["scale"] = self.scale

    def highlight(self, code: str | None, fly: bool = False) -> None:
        """Outline one unit (None clears); ``fly`` pans and zooms to it (with None: back to the whole district)."""
        self.highlighted = {"code": code, "fly": fly} if code else None
        self._delta["highlight"] = self.highlighted or {"code": None, "fly": fly}  # None + fly: back to the district

    # ----- supervision view (docs/supervision.md) -----
    def set_components(self, columns: Mapping[str, Any] | None) -> None:
        """Replace the component inventory (columns ``codes, subclass, lon, lat, state``, ``generated``)."""
        if not columns:
            self.components = None
        else:
            points = [self._point(float(x), float(y)) for x, y in zip(columns["lon"], columns["lat"], strict=True)]
            self.components = {
                "codes": [str(c) for c in columns["codes"]],
                "subclass": [str(c) for c in columns["subclass"]],
                "state": [str(c) for c in columns["state"]],
                "lon": [p[0] for p in points],
                "lat": [p[1] for p in points],
                "generated": bool(columns.get("generated")),
            }
        self._delta["components"] = self.components

    def set_cameras(self, cameras: Iterable[Mapping[str, Any]]) -> None:
        """Replace the cameras (``id, lon, lat``, optional ``name_zh, name_en, url, active``)."""
        self.cameras = [self._slim_point(c, ("id", "name_zh", "name_en", "url", "active")) for c in cameras]
        self._delta["cameras"] = self.cameras

    def set_track(self, track: Mapping[str, Any] | None, fit: bool = True) -> None:
        """Show one supervisor's track (columns ``at, lon, lat``), or none."""
        if not track or not track.get("at"):
            self.track = None
        else:
            points = [self._point(float(x), float(y)) for x, y in zip(track["lon"], track["lat"], strict=True)]
            self.track = {
                "id": str(track.get("staff_id", "")),
                "at": [float(t) for t in track["at"]],
                "lon": [p[0] for p in points],
                "lat": [p[1] for p in points],
                "fit": fit,
            }
        self.track_time = self.track["at"][0] if self.track else None
        self._delta["track"] = self.track
        self._delta.pop("trackTime", None)

    def set_track_time(self, t: float) -> None:
        """Move the playback head to time ``t`` (epoch seconds) on the current track."""
        if self.track is not None:
            self.track_time = float(t)
            self._delta["trackTime"] = self.track_time

    def set_pin(self, lon: float | None, lat: float | None = None, label: str = "", zoom: int = 17) -> None:
        """Fly to a looked-up place and pin it (``lon=None`` clears)."""
        if lon is None or lat is None:
            self.pin = None
        else:
            x, y = self._point(float(lon), float(lat))
            self.pin = {"lon": x, "lat": y, "label": label, "zoom": int(zoom)}
        self._delta["pin"] = self.pin

    # ----- batches -----
    def has_delta(self) -> bool:
        """True if something changed since the last :meth:`take_delta`."""
        return bool(self._delta or self._upserts or self._removed)

    def take_delta(self) -> Json:
        """Return and clear the changes since the last call (one page batch)."""
        batch = dict(self._delta)
        added = [case for case, fresh in self._upserts.values() if fresh]
        updated = [case for case, fresh in self._upserts.values() if not fresh]
        if added:
            batch["added"] = added
        if updated:
            batch["updated"] = updated
        if self._removed:
            batch["removed"] = sorted(self._removed)
        self.clear_delta()
        return batch

    def clear_delta(self) -> None:
        """Forget pending changes (the full state is about to be sent)."""
        self._delta = {}
        self._upserts = {}
        self._removed = set()

    def snapshot(self) -> Json:
        """The full state as one batch that first resets the page."""
        batch: Json = {"reset": True, "scale": self.scale, "language": self.language}
        if self.units is not None:
            batch["units"] = self.units
        if self.grid is not None:
            batch["grid"] = self.grid
        batch["updated"] = list(self.cases.values())
        batch["staff"] = self.staff
        batch["hotspots"] = self.hotspots
        batch["sensors"] = self.sensors
        if self.highlighted:
            batch["highlight"] = self.highlighted
        if self.components is not None:
            batch["components"] = self.components
        batch["cameras"] = self.cameras
        if self.track is not None:
            batch["track"] = {**self.track, "fit": False}
            batch["trackTime"] = self.track_time
        return batch

    # ----- internals -----
    def _upsert(self, case: Json, fresh: bool) -> None:
        case_id = case["id"]
        known = case_id in self.cases
        self.cases[case_id] = case
        if case["status"] == "closed":
            self._closed[case_id] = None
            self._closed.move_to_end(case_id)
        else:
            self._closed.pop(case_id, None)
        self._removed.discard(case_id)
        pending = self._upserts.get(case_id)
        self._upserts[case_id] = (case, (fresh and not known) or (pending is not None and pending[1]))

    def _remove(self, case_id: str) -> None:
        if self.cases.pop(case_id, None) is None:
            return
        self._closed.pop(case_id, None)
        if self._upserts.pop(case_id, (None, False))[1]:
            return  # added and removed within one tick: the page never saw it
        self._removed.add(case_id)

    def _enforce_caps(self) -> None:
        while len(self._closed) > self.max_closed:
            self._remove(next(iter(self._closed)))
        while len(self.cases) > self.max_cases:
            oldest = next(iter(self._closed), None) or next(iter(self.cases))
            self._remove(oldest)

    def _slim_case(self, raw: Mapping[str, Any]) -> Json:
        case = {k: raw[k] for k in _CASE_FIELDS if raw.get(k) is not None}
        case["id"] = str(raw["id"])
        status = str(raw.get("status", "open"))
        case["status"] = status if status in CASE_STATUSES else "open"
        case["lon"], case["lat"] = self._point(float(raw["lon"]), float(raw["lat"]))
        return case

    def _slim_point(self, raw: Mapping[str, Any], keys: tuple[str, ...]) -> Json:
        item = {k: raw[k] for k in keys if raw.get(k) is not None}
        item["id"] = str(raw["id"])
        item["lon"], item["lat"] = self._point(float(raw["lon"]), float(raw["lat"]))
        return item

    def _slim_collection(self, fc: Mapping[str, Any]) -> Json:
        features = []
        for feature in fc.get("features", []):
            props = feature.get("properties") or {}
            slim = {k: props[k] for k in _UNIT_PROPS if props.get(k) is not None}
            slim["code"] = str(props.get("code", ""))
            features.append(
                {"type": "Feature", "properties": slim, "geometry": convert_geometry(feature["geometry"], self._point)}
            )
        return {"type": "FeatureCollection", "features": features}
