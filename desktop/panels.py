"""Every wall panel, registered once: its layout name, how it is built, what it reads and how it follows.

A panel is one :class:`PanelKind` entry in :data:`PANELS`. The layout file's names
(``desktop/layout.py``), the wall windows (``desktop/wall.py``), the live wiring
(``desktop/controller.py``) and the drill-down clicks (``desktop/drill.py``) all read
this table and nothing else, so adding a panel is its widget (in ``widgets/``) plus one
entry here; the type checker sees every call the entry makes on its widget.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

from PySide6.QtWidgets import QWidget

from feeds.geo.units import UnitRegistry
from feeds.live import Changes, ChartView, LiveState, WeatherView
from widgets.alarm_panel import AlarmPanel
from widgets.alerts import CrowdPanel, SensorPanel, WeatherPanel
from widgets.case_feed import CaseFeed
from widgets.charts import HourlyTrendChart, SourceMixChart, SubdistrictRankingChart, TopTypesChart
from widgets.gridmap import GridMap, MapConfig
from widgets.gridmap.adapters import unit_collections
from widgets.kpi import KpiTiles
from widgets.overdue import OverdueCounter
from widgets.plan_checklist import PlanChecklist
from widgets.response_panel import ResponsePanel
from widgets.supervision import SupervisionPanel
from widgets.theme import Scale
from widgets.title_bar import TitleBar
from widgets.video import CameraPanel
from widgets.warnings_panel import WarningsPanel

W = TypeVar("W", bound=QWidget)
V_contra = TypeVar("V_contra", bound=QWidget, contravariant=True)
T = TypeVar("T")

DrillTo = Callable[[str, str], None]
"""Opens the drill-down at ``(kind, key)`` (see :meth:`desktop.drill.DrillController.drill`)."""


@dataclass(frozen=True)
class PanelContext:
    """What a panel is built with: the screen's scale, the language and the map settings."""

    scale: Scale
    language: str
    map_config: MapConfig | None = None


@dataclass(frozen=True)
class Follow(Generic[V_contra, T]):
    """How a panel follows one part of the live state.

    Attributes:
        changed: Whether a batch of changes touches that part (a snapshot touches all).
        read: Reads it from the live state; called once per batch and shared by every panel
            with the same ``read`` (so use the :class:`LiveState` method itself).
        show: Hands it to the widget, with the batch's time.
        pace_s: At most one show per this many seconds (0: every batch). A change within the
            pace is shown when the pace is over, read from the state as it is then; a snapshot
            is shown at once. For parts that cost much to redraw and that no one reads to the
            second (the charts), so a flood of events does not redraw them twenty times a second.
    """

    changed: Callable[[Changes], bool]
    read: Callable[[LiveState], T]
    show: Callable[[V_contra, T, float], object]
    pace_s: float = 0.0


@dataclass(frozen=True)
class PanelKind(Generic[W]):
    """One kind of wall panel.

    Attributes:
        name: Its name in layout files.
        build: Makes the widget.
        follows: Parts of the live state it shows (see :class:`Follow`).
        tick: Called every second with the time (clocks, countdowns, ages).
        status: Called with the connection state, the last data time (``None``: none yet), the
            latency and the reason of a failure (may be empty).
        clicks: Connects the widget's clicks to the drill-down.
    """

    name: str
    build: Callable[[PanelContext], W]
    follows: tuple[Follow[W, Any], ...] = ()
    tick: Callable[[W, float], object] | None = None
    status: Callable[[W, str, float | None, float | None, str], object] | None = None
    clicks: Callable[[W, DrillTo], object] | None = None


@runtime_checkable
class Translatable(Protocol):
    """A widget that shows domain names (types, places) in a language of its own."""

    def set_language(self, lang: str) -> None:
        """Switch to ``zh`` or ``en``."""
        ...


@runtime_checkable
class Animated(Protocol):
    """A widget with running animations to stop before it closes."""

    def stop_animations(self) -> None:
        """Stop every animation timer."""
        ...


@dataclass(frozen=True)
class Placed(Generic[W]):
    """A built panel: its kind and its widget."""

    kind: PanelKind[W]
    widget: W


# ---------------------------------------------------------------- the panels
def _worst_warning(title: TitleBar, warnings: list[WeatherView], now: float) -> None:
    rank = {"blue": 1, "yellow": 2, "orange": 3, "red": 4}
    worst = max(warnings, key=lambda x: rank.get(x.level, 0), default=None)
    title.set_warning(worst.level if worst else None, worst.hazard if worst else None)


def _map_clicks(gmap: GridMap, drill: DrillTo) -> None:
    gmap.sigUnitClicked.connect(lambda code, _level: drill("unit", code))
    gmap.sigCaseClicked.connect(lambda case_id: drill("case", case_id))


Chart = HourlyTrendChart | TopTypesChart | SourceMixChart | SubdistrictRankingChart
"""The charts of the bottom strip: they read the chart series and drill by their bars."""
CHART_PACE_S = 1.0
"""The charts redraw at most once a second (the tiles, the feed and the counters at every batch)."""
CHART_SERIES: Follow[Chart, ChartView] = Follow(
    lambda ch: ch.charts, LiveState.charts, lambda w, c, _now: w.update_charts(c), pace_s=CHART_PACE_S
)


def _chart_clicks(chart: Chart, drill: DrillTo) -> None:
    chart.sigDrillDown.connect(drill)


def _alarm_clicks(panel: AlarmPanel, drill: DrillTo) -> None:
    def open_alarm(kind: str, source: str) -> None:
        if kind in ("due_soon", "overdue"):
            drill("case", source)
        elif kind == "anomaly":  # source: <unit code>.<subclass code>: that unit, that type, today
            drill("anomaly", source.replace(".", "/", 1))
        else:  # the flood band, a weather, crowd or sensor alarm: the alarm figures
            drill("alarms", "")

    panel.sigAlarmClicked.connect(open_alarm)


def _response_clicks(panel: ResponsePanel, drill: DrillTo) -> None:
    panel.sigCaseActivated.connect(lambda case_id: drill("case", case_id))
    panel.sigDrillDown.connect(drill)


def _map(ctx: PanelContext) -> GridMap:
    """The map with the units (the adopted ones: packaged, or the store's or server's city) set at once,
    so the page draws them while the other panels are built (:class:`desktop.wall.WallWindow`)."""
    from feeds.geo.units import load_units

    gmap = GridMap(ctx.map_config, scale=ctx.scale.height / 1080.0, language=ctx.language)
    gmap.set_units(*_unit_layers(load_units()))
    return gmap


_UNIT_LAYERS: list[tuple[UnitRegistry, tuple[Any, Any, Any]]] = []


def _unit_layers(registry: UnitRegistry) -> tuple[Any, Any, Any]:
    """The map's three unit layers of ``registry``, built once per registry (a wall of several maps shares them)."""
    if not _UNIT_LAYERS or _UNIT_LAYERS[0][0] is not registry:
        _UNIT_LAYERS[:] = [(registry, unit_collections(registry))]
    return _UNIT_LAYERS[0][1]


PANELS: dict[str, PanelKind[Any]] = {
    entry.name: entry
    for entry in (
        PanelKind[TitleBar](
            "title",
            lambda ctx: TitleBar(ctx.scale),
            follows=(Follow(lambda ch: ch.weather, LiveState.weather, _worst_warning),),
            tick=TitleBar.tick,
            status=TitleBar.set_status,
        ),
        # the map follows the live state through desktop.map_feed.MapFeed (cases, grid colours,
        # staff, hot spots, sensors in one batch per tick)
        PanelKind[GridMap]("map", _map, clicks=_map_clicks),
        PanelKind[KpiTiles](
            "kpi",
            lambda ctx: KpiTiles(ctx.scale),
            follows=(Follow(lambda ch: ch.kpi, LiveState.kpi, lambda w, kpi, _now: w.update_kpi(kpi)),),
        ),
        PanelKind[WeatherPanel](
            "weather",
            lambda ctx: WeatherPanel(ctx.scale),
            follows=(Follow(lambda ch: ch.weather, LiveState.weather, lambda w, v, _now: w.update_weather(v)),),
        ),
        PanelKind[CrowdPanel](
            "crowd",
            lambda ctx: CrowdPanel(ctx.scale),
            follows=(Follow(lambda ch: ch.crowd, LiveState.crowd, lambda w, v, _now: w.update_crowd(v)),),
        ),
        PanelKind[SensorPanel](
            "sensors",
            lambda ctx: SensorPanel(ctx.scale),
            follows=(Follow(lambda ch: ch.sensors, LiveState.sensors, lambda w, v, _now: w.update_sensors(v)),),
        ),
        PanelKind[OverdueCounter](
            "overdue",
            lambda ctx: OverdueCounter(ctx.scale),
            follows=(Follow(lambda ch: ch.overdue, LiveState.overdue, lambda w, v, _now: w.update_overdue(v)),),
            tick=OverdueCounter.tick,
            clicks=lambda w, drill: w.sigDrillDown.connect(lambda kind, key: drill("overdue_" + kind, key)),
        ),
        PanelKind[CaseFeed](
            "feed",
            lambda ctx: CaseFeed(ctx.scale),
            follows=(Follow(lambda ch: ch.feed, LiveState.feed, lambda w, rows, now: w.update_cases(rows, now)),),
            tick=CaseFeed.tick,
            clicks=lambda w, drill: w.sigCaseActivated.connect(lambda case_id: drill("case", case_id)),
        ),
        PanelKind[HourlyTrendChart](
            "trend", lambda ctx: HourlyTrendChart(ctx.scale), follows=(CHART_SERIES,), clicks=_chart_clicks
        ),
        PanelKind[TopTypesChart](
            "types", lambda ctx: TopTypesChart(scale=ctx.scale), follows=(CHART_SERIES,), clicks=_chart_clicks
        ),
        PanelKind[SourceMixChart](
            "sources", lambda ctx: SourceMixChart(scale=ctx.scale), follows=(CHART_SERIES,), clicks=_chart_clicks
        ),
        PanelKind[SubdistrictRankingChart](
            "ranking",
            lambda ctx: SubdistrictRankingChart(scale=ctx.scale),
            follows=(CHART_SERIES,),
            clicks=_chart_clicks,
        ),
        PanelKind[AlarmPanel](
            "alarms",
            lambda ctx: AlarmPanel(ctx.scale),
            follows=(Follow(lambda ch: ch.alarms, LiveState.alarms, lambda w, v, now: w.update_alarms(v, now)),),
            tick=AlarmPanel.tick,
            clicks=_alarm_clicks,
        ),
        # the map shows a running linkage plan over its corner (desktop.map_feed); this panel is for
        # layouts with room for the checklist of its own (a video wall's side screen)
        PanelKind[PlanChecklist](
            "plan",
            lambda ctx: PlanChecklist(ctx.scale),
            follows=(Follow(lambda ch: ch.plans, LiveState.plans, lambda w, v, _now: w.update_plans(v)),),
        ),
        PanelKind[ResponsePanel](
            "response",
            lambda ctx: ResponsePanel(ctx.scale),
            follows=(Follow(lambda ch: ch.response, LiveState.response, lambda w, v, _now: w.update_response(v)),),
            clicks=_response_clicks,
        ),
        # early warnings and forecasts are query answers, refreshed by desktop.queries.WarningsFeed
        PanelKind[WarningsPanel](
            "warnings",
            lambda ctx: WarningsPanel(ctx.scale),
            clicks=lambda w, drill: w.sigDrillDown.connect(drill),
        ),
        # the supervision view's panels are fed by queries (desktop/supervision.py)
        PanelKind[CameraPanel]("video", lambda ctx: CameraPanel(ctx.scale)),
        PanelKind[SupervisionPanel]("supervisors", lambda ctx: SupervisionPanel(ctx.scale)),
    )
}
"""Every panel a layout may name, by name."""


def build_panel(name: str, ctx: PanelContext) -> Placed[Any]:
    """A new panel of kind ``name`` (a name from :data:`PANELS`), in ``ctx.language``."""
    kind = PANELS[name]
    widget = kind.build(ctx)
    if isinstance(widget, Translatable) and not isinstance(widget, GridMap):  # the map takes it when built
        widget.set_language(ctx.language)
    return Placed(kind, widget)


def widgets_of(placed: Iterable[Placed[Any]], cls: type[W]) -> list[W]:
    """The built panels that are ``cls`` widgets."""
    return [p.widget for p in placed if isinstance(p.widget, cls)]
