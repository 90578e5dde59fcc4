"""Drill-down on the wall: clicks on the overview open the drill-down view, which returns when idle.

:class:`DrillController` turns clicks (map units and cases, chart bars,
overdue counters, feed rows, early warnings) into navigation of a
:class:`~widgets.drilldown.DrillDownView`, wires the view to the
:class:`~desktop.queries.QueryRunner`, shows it through a placement (a
panel over the map's cell, a window on a chosen screen, or the
workstation's dock) and closes it after ``idle_s`` without a touch, so the
wall returns to the overview by itself. "Used" is what the view reports
(``sigActivity``: navigating, scrolling, sorting, paging, acting), not an
application-wide event filter: a Python event filter on the QApplication
crashed the process (segfault) with the web map and the websocket threads
running, in every run tried with PySide6 6.11 / Python 3.11.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol, cast

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QGridLayout, QWidget

from desktop.app import WallOptions
from desktop.layout import WallLayout
from desktop.panels import Placed, widgets_of
from desktop.queries import QueryBackend, QueryRunner, wire_view
from feeds.analytics.periods import local_midnight
from feeds.live import NameLookup
from widgets.drilldown import DrillDownView, RangeSpec
from widgets.drilldown.path import DISTRICT, Crumb
from widgets.gridmap import GridMap
from widgets.warnings_panel import WarningsPanel

if TYPE_CHECKING:
    from desktop.wall import WallWindow
    from desktop.workstation import Workstation

REFRESH_MS = 30_000


class Placement(Protocol):
    """Where the drill-down shows."""

    def show(self) -> None:
        """Bring the view up."""
        ...

    def hide(self) -> None:
        """Put the view away (the overview stays as it was)."""
        ...


class CellPlacement:
    """The view over one panel's cell of a wall window (the map's): the other panels keep running.

    Args:
        view: The drill-down view (reparented into the window's grid).
        window: A wall window whose layout is a QGridLayout.
        panel: The panel whose cell the view covers.
    """

    def __init__(self, view: QWidget, window: QWidget, panel: QWidget) -> None:
        self.view = view
        grid = window.layout()
        assert isinstance(grid, QGridLayout)
        row, col, rowspan, colspan = cast(tuple[int, int, int, int], grid.getItemPosition(grid.indexOf(panel)))
        grid.addWidget(view, row, col, rowspan, colspan)
        view.hide()

    def show(self) -> None:
        """Cover the cell."""
        self.view.show()
        self.view.raise_()

    def hide(self) -> None:
        """Uncover the cell."""
        self.view.hide()


class WindowPlacement:
    """The view in its own frameless window on one screen (``[wall] drilldown = "<n>"``)."""

    def __init__(self, view: QWidget, screen: int, show_window: Callable[[QWidget], None]) -> None:
        self.window = QWidget()
        self.window.setWindowTitle("GridWall · drill-down")
        self.screen = screen
        self._show_window = show_window
        from PySide6.QtWidgets import QVBoxLayout

        box = QVBoxLayout(self.window)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(view)

    def show(self) -> None:
        """Show the window on its screen."""
        if not self.window.isVisible():
            self._show_window(self.window)
        self.window.raise_()

    def hide(self) -> None:
        """Hide the window."""
        self.window.hide()

    def close(self) -> None:
        """Close and free the window."""
        self.window.close()
        self.window.deleteLater()


def hour_range(hour: int, now: float) -> RangeSpec:
    """Today's hour ``hour`` (Beijing) as a custom range."""
    start = local_midnight(int(now)) + hour * 3600
    return RangeSpec("custom", start, start + 3600)


class DrillController(QObject):
    """Clicks → drill-down navigation, placement, idle return and periodic refresh.

    Args:
        view: The drill-down view.
        runner: Answers the view's requests.
        placement: Where the view shows.
        idle_s: Seconds without a touch on the view before it closes (``0``: never).
        maps: Map widgets whose units are outlined while drilled into (screen placement).
    """

    def __init__(
        self,
        view: DrillDownView,
        runner: QueryRunner,
        placement: Placement,
        *,
        idle_s: float = 90.0,
        maps: Iterable[Any] = (),
        clock: Callable[[], float] = time.time,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.view, self.runner, self.placement = view, runner, placement
        self.maps = list(maps)
        self.clock = clock
        self.idle_s = idle_s
        self.is_open = False
        self.warnings_feed: Any = None
        self.windows: list[QWidget] = []
        self.extra: dict[str, Any] = {}
        wire_view(view, runner)
        view.sigClosed.connect(self.close)
        view.sigNavigated.connect(self._on_navigated)
        view.sigActivity.connect(self.touch)
        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.setInterval(max(1, int(idle_s * 1000)))
        self.idle_timer.timeout.connect(self.close)
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(REFRESH_MS)
        self.refresh_timer.timeout.connect(self._on_refresh)

    # ------------------------------------------------------------- attaching
    def attach(self, panel: Placed[Any]) -> None:
        """Connect a wall panel's clicks (as its :class:`~desktop.panels.PanelKind` says)."""
        if panel.kind.clicks is not None:
            panel.kind.clicks(panel.widget, self.drill)

    def drill(self, kind: str, key: str) -> None:
        """Open the drill-down at what a click names.

        Kinds: ``unit``/``subdistrict`` (code), ``case`` (id), ``type``/``source``
        (district figures filtered), ``hour`` (today's cases of that hour),
        ``overdue_subdistrict``/``overdue_department``/``overdue_case`` (the
        overdue cases behind a counter), ``anomaly`` (``unit/subclass``: the
        unit today for that type), ``hotspot`` (``grid/subclass``: the grid's
        cases of that type, 30 days), ``forecast`` (subclass: 30 days), ``alarms`` (the alarm
        figures and the departments by urges), ``response`` (a unit's 全响应 rates and rankings,
        30 days), ``supervisors`` (a unit's supervisors ranked), ``supervisor`` (staff id: their figures).
        """
        v = self.view
        year = RangeSpec("year")
        if kind in ("unit", "subdistrict"):
            v.open_unit(key, {})
        elif kind in ("case", "overdue_case"):
            v.open_case(key)
        elif kind == "type":
            v.open_unit(DISTRICT, {"subclass": key})
        elif kind == "source":
            v.open_unit(DISTRICT, {"source": key})
        elif kind == "hour" and key.isdigit():
            v.open_cases(DISTRICT, {}, hour_range(int(key), self.clock()))
        elif kind == "overdue_subdistrict":
            v.open_cases(key, {"overdue": True}, year)
        elif kind == "overdue_department":
            v.open_cases(DISTRICT, {"department": key, "overdue": True}, year)
        elif kind == "anomaly" and "/" in key:
            unit, subclass = key.split("/", 1)
            v.open_unit(unit, {"subclass": subclass}, RangeSpec("today"))
        elif kind == "hotspot" and "/" in key:
            grid, subclass = key.split("/", 1)
            v.open_cases(grid, {"subclass": subclass}, RangeSpec("30d"))
        elif kind == "forecast":
            v.open_unit(DISTRICT, {"subclass": key}, RangeSpec("30d"))
        elif kind == "alarms":
            v.open_alarms()
        elif kind == "response":
            v.open_unit(key or DISTRICT, {}, RangeSpec("30d"))
            v.unit_page.show_platform("response")
        elif kind == "supervisors":
            v.open_supervisors(key or DISTRICT)
        elif kind == "supervisor":
            v.open_supervisor(key)
        else:
            return
        self.open()

    # ------------------------------------------------------------ open/close
    def open(self) -> None:
        """Show the view (and keep it while it is being used)."""
        self.placement.show()
        self.is_open = True
        self.touch()
        self.refresh_timer.start()

    def close(self) -> None:
        """Back to the overview: hide, reset to the district, clear map outlines."""
        self.idle_timer.stop()
        self.refresh_timer.stop()
        if not self.is_open:
            return
        self.is_open = False
        self.placement.hide()
        self.view.reset()
        for gmap in self.maps:
            gmap.highlight(None)

    def touch(self) -> None:
        """Someone used the view: restart the idle countdown."""
        if self.is_open and self.idle_s > 0:
            self.idle_timer.start()

    def shutdown(self) -> None:
        """Stop timers, the event filter, the warnings refresh and the runner; close own windows."""
        self.idle_timer.stop()
        self.refresh_timer.stop()
        if self.warnings_feed is not None:
            self.warnings_feed.stop()
        self.runner.stop()
        for window in self.windows:
            window.close()
            window.deleteLater()
        self.windows.clear()

    def set_language(self, language: str) -> None:
        """Domain names in ``language`` (drill-down and, on a workstation, the case browser)."""
        self.view.set_language(language)
        browser = self.extra.get("browser")
        if browser is not None:
            browser.set_language(language)

    def _on_navigated(self, crumb: Crumb) -> None:
        self.touch()
        code = self.view.path.unit
        for gmap in self.maps:
            gmap.highlight(code if code != DISTRICT else None)

    def _on_refresh(self) -> None:
        if self.is_open and not self.view.book.busy:
            self.view.refresh()


def install_drilldown(
    parent: QObject,
    *,
    backend: QueryBackend,
    names: NameLookup,
    layout: WallLayout,
    options: WallOptions,
    language: str,
    wall_windows: Sequence[WallWindow],
    panels: Sequence[Placed[Any]],
    workstation: Workstation | None = None,
) -> DrillController:
    """Build the drill-down (and on a workstation the case browser and export) for a running wall.

    Args:
        parent: Owner of the runner, the controller and the warnings refresh (the session).
        backend: What answers queries and actions (the session's client thread).
        names: Domain names for the views.
        layout: Where the drill-down shows (``[wall] drilldown``) and its idle time.
        options: Display options (windowed or headless walls keep the drill-down in the map's cell).
        language: Domain-name language at start.
        wall_windows: The wall windows (the one holding the map hosts the drill-down).
        panels: Every built panel, for their clicks.
        workstation: The operator window, when this is a workstation.

    The returned controller owns the query runner (``.runner``), the warnings refresh
    (``.warnings_feed``: hand it the live changes, ``on_changed``), any window it
    made (``.windows``) and, on a workstation, ``.extra["browser"]`` and ``.extra["export"]``.
    Call ``shutdown()`` on close.
    """
    from desktop.queries import WarningsFeed
    from feeds.geo.units import load_units
    from widgets.drilldown.shapes import RegistryShapes
    from widgets.theme import Scale

    registry = load_units()
    shapes = RegistryShapes(registry)
    runner = QueryRunner(backend, parent)
    windows: list[QWidget] = []
    placement: Placement
    maps: Sequence[GridMap] = []
    if workstation is not None:
        from desktop.workstation import workstation_views

        height = float(options.size[1])
        view, placement, extra = workstation_views(workstation, names, language, height, registry, shapes, runner)
        idle_s = 0.0
    else:
        host = next((w for w in wall_windows if "map" in w.panels), wall_windows[0])
        screen = layout.drilldown
        screens = QApplication.screens()
        as_window = screen.isdigit() and not (options.windowed or options.headless) and int(screen) < len(screens)
        if as_window:
            from desktop.kiosk import make_kiosk

            scale = Scale(float(screens[int(screen)].geometry().height()))
            view = DrillDownView(names, scale, shapes=shapes)
            window = WindowPlacement(view, int(screen), lambda w: make_kiosk(w, (int(screen),)))
            windows.append(window.window)
            placement = window
            maps = widgets_of(panels, GridMap)
        else:
            view = DrillDownView(names, host.scale, shapes=shapes)
            placement = CellPlacement(view, host, host.panels.get("map") or next(iter(host.panels.values())))
        idle_s, extra = layout.drilldown_idle_s, {}
    view.set_language(language)
    controller = DrillController(view, runner, placement, idle_s=idle_s, maps=maps, parent=parent)
    for panel in panels:
        controller.attach(panel)
    controller.warnings_feed = WarningsFeed(runner, widgets_of(panels, WarningsPanel), parent)
    controller.windows = windows
    controller.extra = extra
    return controller
