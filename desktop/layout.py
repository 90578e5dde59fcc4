"""Wall layout configuration: which panels go where, on which screen.

A layout file (TOML) lists screens; each screen is a grid of ``columns`` ×
``rows`` cells and each panel takes a rectangle of cells::

    [wall]
    language = "zh"          # or "en"
    cursor_idle_s = 3
    drilldown = "panel"      # "panel" (inside the map area) or a screen index
    drilldown_idle_s = 90    # back to the overview after this long untouched (0: never; at most 86400)

    [[screen]]
    index = 0                # QScreen number; "span" = [0, 1, 2] covers several
    columns = 24
    rows = 14
    panels = [
      { name = "title", row = 0, col = 0, rowspan = 1, colspan = 24 },
      ...
    ]

Bad files raise :class:`LayoutError` with the file, the screen and the field.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.panels import PANELS
from desktop.tour_scenes import MAX_SECONDS, TourConfig, TourError, parse_tour
from feeds.config_keys import unknown_keys
from resources import resource_path
from widgets.gridmap.config import MapConfig
from widgets.gridmap.tiles import TileArchive


class LayoutError(ValueError):
    """A layout file that cannot be used."""


@dataclass(frozen=True)
class PanelPlace:
    """Where one panel sits in its screen's cell grid."""

    name: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class ScreenLayout:
    """The panels of one window (one screen, or several spanned)."""

    screens: tuple[int, ...]
    columns: int
    rows: int
    panels: tuple[PanelPlace, ...]


PLATFORM_CHOICES: dict[str, frozenset[str]] = {
    "both": frozenset({"city", "response"}),
    "city": frozenset({"city"}),
    "response": frozenset({"response"}),
}
"""``[wall] platforms``: the cases the feed and the map show (城市管理, 全响应 or both)."""


@dataclass(frozen=True)
class WallLayout:
    """A whole wall: global options and one layout per window."""

    screens: tuple[ScreenLayout, ...]
    language: str = "zh"
    cursor_idle_s: float = 3.0
    drilldown: str = "panel"
    drilldown_idle_s: float = 90.0
    source: str = "<built-in>"
    map_config: MapConfig = field(default_factory=MapConfig)
    map_colour: str = "density"
    tour: TourConfig | None = None
    platforms: frozenset[str] = PLATFORM_CHOICES["both"]

    def panel_names(self) -> set[str]:
        """Every panel named anywhere in the layout."""
        return {p.name for s in self.screens for p in s.panels}


TOP_KEYS = ("wall", "screen", "map", "tour")
WALL_KEYS = ("language", "cursor_idle_s", "drilldown", "drilldown_idle_s", "platforms")
SCREEN_KEYS = ("index", "span", "columns", "rows", "panels")
PANEL_KEYS = ("name", "row", "col", "rowspan", "colspan")
MAP_KEYS = ("colour", "tiles", "tiles_crs", "attribution", "local_tiles", "min_zoom", "max_zoom", "tms")
"""The keys a layout knows, per table; any other is refused (a misspelt key would silently keep its default)."""


def _check_keys(table: dict[str, Any], known: tuple[str, ...], where: str) -> None:
    problem = unknown_keys(table, known)
    if problem is not None:
        raise LayoutError(f"{where}: {problem}")


def _int(d: dict[str, Any], key: str, where: str, default: int | None = None, lo: int = 0) -> int:
    value = d.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < lo:
        raise LayoutError(f"{where}: '{key}' must be a whole number ≥ {lo}")
    return value


def _panel(d: Any, where: str, columns: int, rows: int) -> PanelPlace:
    if not isinstance(d, dict):
        raise LayoutError(f"{where}: each panel must be a table")
    _check_keys(d, PANEL_KEYS, where)
    name = d.get("name")
    if not isinstance(name, str) or name not in PANELS:
        raise LayoutError(f"{where}: unknown panel name {name!r}; known: {', '.join(sorted(PANELS))}")
    place = PanelPlace(
        name,
        _int(d, "row", where),
        _int(d, "col", where),
        _int(d, "rowspan", where, 1, lo=1),
        _int(d, "colspan", where, 1, lo=1),
    )
    if place.row + place.rowspan > rows or place.col + place.colspan > columns:
        raise LayoutError(f"{where}: panel '{name}' does not fit in {columns}×{rows} cells")
    return place


def _overlaps(a: PanelPlace, b: PanelPlace) -> bool:
    return not (
        a.col + a.colspan <= b.col
        or b.col + b.colspan <= a.col
        or a.row + a.rowspan <= b.row
        or b.row + b.rowspan <= a.row
    )


def _screen(d: Any, where: str) -> ScreenLayout:
    if not isinstance(d, dict):
        raise LayoutError(f"{where}: must be a table")
    _check_keys(d, SCREEN_KEYS, where)
    span = d.get("span")
    if span is not None:
        if not isinstance(span, list) or not span or not all(isinstance(i, int) and i >= 0 for i in span):
            raise LayoutError(f"{where}: 'span' must be a list of screen numbers")
        screens = tuple(span)
    else:
        screens = (_int(d, "index", where, 0),)
    columns, rows = _int(d, "columns", where, 24, lo=1), _int(d, "rows", where, 14, lo=1)
    raw = d.get("panels")
    if not isinstance(raw, list) or not raw:
        raise LayoutError(f"{where}: 'panels' must be a non-empty list")
    panels = tuple(_panel(p, f"{where} panel {i + 1}", columns, rows) for i, p in enumerate(raw))
    for i, a in enumerate(panels):
        for b in panels[i + 1 :]:
            if _overlaps(a, b):
                raise LayoutError(f"{where}: panels '{a.name}' and '{b.name}' overlap")
    return ScreenLayout(screens, columns, rows, panels)


MAX_IDLE_S = MAX_SECONDS
"""The longest ``cursor_idle_s`` and ``drilldown_idle_s`` (a day): their timers count milliseconds in 32 bits."""


def _seconds(wall: dict[str, Any], key: str, default: float, source: str, note: str) -> float:
    """A ``[wall]`` duration from 0 to :data:`MAX_IDLE_S` seconds (not NaN, not infinite)."""
    value = wall.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= MAX_IDLE_S:
        raise LayoutError(f"{source}: [wall] {key} must be a number from 0 to {MAX_IDLE_S} (seconds{note})")
    return float(value)


def parse_layout(data: dict[str, Any], source: str) -> WallLayout:
    """Validate a decoded layout document."""
    _check_keys(data, TOP_KEYS, source)
    wall = data.get("wall", {})
    if not isinstance(wall, dict):
        raise LayoutError(f"{source}: [wall] must be a table")
    _check_keys(wall, WALL_KEYS, f"{source}: [wall]")
    language = wall.get("language", "zh")
    if language not in ("zh", "en"):
        raise LayoutError(f"{source}: [wall] language must be 'zh' or 'en'")
    idle = _seconds(wall, "cursor_idle_s", 3, source, "")
    drill = str(wall.get("drilldown", "panel"))
    if drill != "panel" and not drill.isdigit():
        raise LayoutError(f"{source}: [wall] drilldown must be 'panel' or a screen number")
    drill_idle = _seconds(wall, "drilldown_idle_s", 90, source, "; 0 = never")
    raw_screens = data.get("screen")
    if not isinstance(raw_screens, list) or not raw_screens:
        raise LayoutError(f"{source}: at least one [[screen]] is needed")
    screens = tuple(_screen(s, f"{source} [[screen]] {i + 1}") for i, s in enumerate(raw_screens))
    platforms = wall.get("platforms", "both")
    if platforms not in PLATFORM_CHOICES:
        raise LayoutError(f"{source}: [wall] platforms must be one of {', '.join(PLATFORM_CHOICES)}")
    map_config, colour = _map_section(data.get("map", {}), source)
    try:
        tour = parse_tour(data.get("tour"), source)
    except TourError as exc:
        raise LayoutError(str(exc)) from None
    return WallLayout(
        screens, language, idle, drill, drill_idle, source, map_config, colour, tour,
        PLATFORM_CHOICES[platforms],
    )  # fmt: skip


MAP_COLOURS = ("density", "overdue", "cycle")
"""Grid colouring: open cases per grid, overdue cases per grid, or alternating every 30 s."""


def _map_section(raw: Any, source: str) -> tuple[MapConfig, str]:
    """The ``[map]`` table: basemap (none, a tile URL template or a local archive), CRS, colouring.

    ::

        [map]
        colour = "density"            # or "overdue", or "cycle"
        tiles = "https://tiles.example/{z}/{x}/{y}.png"   # omit for no basemap (default)
        tiles_crs = "gcj02"           # Chinese sources (Amap, Tencent...); default "wgs84"
        attribution = "© the tile provider"
        local_tiles = "tiles/"        # a z/x/y.png folder or .mbtiles file, relative to this file
    """
    if not isinstance(raw, dict):
        raise LayoutError(f"{source}: [map] must be a table")
    _check_keys(raw, MAP_KEYS, f"{source}: [map]")
    colour = raw.get("colour", "density")
    if colour not in MAP_COLOURS:
        raise LayoutError(f"{source}: [map] colour must be one of {', '.join(MAP_COLOURS)}")
    local = raw.get("local_tiles")
    local_path = None
    if local is not None:
        if not isinstance(local, str):
            raise LayoutError(f"{source}: [map] local_tiles must be a path")
        local_path = Path(local) if Path(local).is_absolute() else Path(source).parent / local
        if (problem := TileArchive.problem(local_path)) is not None:
            raise LayoutError(f"{source}: [map] local_tiles {problem}")
    try:
        config = MapConfig(
            tiles=raw.get("tiles"),
            tiles_crs=raw.get("tiles_crs", "wgs84"),
            attribution=str(raw.get("attribution", "")),
            local_tiles_dir=local_path,
            min_zoom=int(raw.get("min_zoom", 11)),
            max_zoom=int(raw.get("max_zoom", 19)),
            tms=bool(raw.get("tms", False)),
        )
    except (TypeError, ValueError) as exc:
        raise LayoutError(f"{source}: [map] {exc}") from None
    return config, str(colour)


def load_layout(path: Path | None = None) -> WallLayout:
    """Load a layout file, or the built-in single-screen layout when ``path`` is ``None``."""
    path = path or resource_path("layouts", "single.toml")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LayoutError(f"layout file not found: {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise LayoutError(f"{path}: not valid TOML: {exc}") from None
    return parse_layout(data, str(path))
