"""Builds wall panels by the names used in layout files."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from widgets.alerts import CrowdPanel, SensorPanel, WeatherPanel
from widgets.case_feed import CaseFeed
from widgets.charts import HourlyTrendChart, SourceMixChart, SubdistrictRankingChart, TopTypesChart
from widgets.gridmap import GridMap, MapConfig
from widgets.kpi import KpiTiles
from widgets.overdue import OverdueCounter
from widgets.theme import Scale
from widgets.title_bar import TitleBar
from widgets.warnings_panel import WarningsPanel

CHART_PANELS = ("trend", "types", "sources", "ranking")


def build_panel(name: str, scale: Scale, language: str, map_config: MapConfig | None = None) -> QWidget:
    """A new panel widget for the layout name ``name``."""
    builders: dict[str, Callable[[], QWidget]] = {
        "title": lambda: TitleBar(scale),
        "map": lambda: GridMap(map_config, scale=scale.height / 1080.0, language=language),
        "kpi": lambda: KpiTiles(scale),
        "weather": lambda: WeatherPanel(scale),
        "crowd": lambda: CrowdPanel(scale),
        "sensors": lambda: SensorPanel(scale),
        "overdue": lambda: OverdueCounter(scale),
        "feed": lambda: CaseFeed(scale),
        "trend": lambda: HourlyTrendChart(scale),
        "types": lambda: TopTypesChart(scale=scale),
        "sources": lambda: SourceMixChart(scale=scale),
        "ranking": lambda: SubdistrictRankingChart(scale=scale),
        "warnings": lambda: WarningsPanel(scale),
    }
    if name not in builders:
        raise KeyError(f"panel '{name}' is not available in this version")
    widget = builders[name]()
    setter = getattr(widget, "set_language", None)
    if setter is not None and name != "map":
        setter(language)
    return widget
