"""Wall windows: one per screen layout, panels placed on a grid of equal cells."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QGridLayout, QWidget

from desktop.layout import ScreenLayout
from desktop.panels import Animated, PanelContext, Placed, build_panel
from widgets import theme
from widgets.gridmap import MapConfig
from widgets.theme import Scale


class WallWindow(QWidget):
    """One window of the wall (a screen, or several screens spanned).

    Args:
        layout: Which panels go where.
        scale: Sizes for the screen(s) this window sits on.
        language: ``zh`` or ``en`` for domain names.
        map_config: Basemap settings for a ``map`` panel.
        between_panels: Called after each panel is built. The map is built first: its page loads
            and draws the units in Chromium while the other panels are built, provided the
            caller lets Qt's events run here (Chromium's browser side runs on this thread).
    """

    def __init__(
        self,
        layout: ScreenLayout,
        scale: Scale,
        language: str,
        map_config: MapConfig | None = None,
        between_panels: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("WallWindow")
        self.setWindowTitle("GridWall")
        self.setStyleSheet(f"QWidget#WallWindow {{ background: {theme.BACKGROUND}; }}")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.screen_layout = layout
        self.scale = scale
        self.placed: list[Placed[Any]] = []
        self.panels: dict[str, QWidget] = {}
        """The panels by layout name."""
        grid = QGridLayout(self)
        gap = scale.gap
        grid.setContentsMargins(gap, 0, gap, gap)
        grid.setSpacing(gap)
        for col in range(layout.columns):
            grid.setColumnStretch(col, 1)
        for row in range(layout.rows):
            grid.setRowStretch(row, 1)
        context = PanelContext(scale, language, map_config)
        built: dict[str, Placed[Any]] = {}
        for place in sorted(layout.panels, key=lambda p: p.name != "map"):  # the map first: see the class doc
            built[place.name] = build_panel(place.name, context)
            if between_panels is not None:
                between_panels()
        for place in layout.panels:
            panel = built[place.name]
            if place.name == "title":
                grid.setRowMinimumHeight(place.row, scale.px(3.4))
            grid.addWidget(panel.widget, place.row, place.col, place.rowspan, place.colspan)
            self.placed.append(panel)
            self.panels[place.name] = panel.widget
        self._closing_allowed = True

    def closeEvent(self, event: QCloseEvent) -> None:
        for panel in self.panels.values():
            if isinstance(panel, Animated):
                panel.stop_animations()
        super().closeEvent(event)
