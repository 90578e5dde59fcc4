"""The operator workstation (``--workstation``): the overview with docks for cases and drill-down, CSV export.

A resizable :class:`Workstation` main window holds the wall's overview
panels in the centre and three docks on the right, tabbed: *Cases* (search,
filters, sortable list, case detail with urge / difficult / note),
*Drill-down* (the same views the duty leader uses on the wall) and *Alarms*
(the running linkage plan to tick off, the alarm list with acknowledge / shelve,
filters and history). Docks can
be floated onto a second monitor. :class:`CaseExport` pages through the
``cases`` query and writes every matching case to a CSV file.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMainWindow, QWidget

from desktop.queries import QueryRunner, wire_view
from feeds.live import NameLookup
from feeds.protocol import BEIJING
from feeds.protocol.answers import CaseListAnswer, CaseRow
from widgets import theme
from widgets.alarm_desk import AlarmDesk
from widgets.drilldown import CaseBrowser, CaseListView, DrillDownView
from widgets.drilldown.export import case_cells, case_header, csv_bytes
from widgets.drilldown.requests import next_request_id
from widgets.panel import format_count
from widgets.theme import Scale

if TYPE_CHECKING:
    from desktop.briefing_button import BriefingExport
    from feeds.geo.units import UnitRegistry
    from widgets.drilldown.shapes import RegistryShapes

log = logging.getLogger(__name__)
EXPORT_PAGE = 500
EXACT_COUNT = 100_000_000
"""``count_limit`` of an export's first page: the server counts every matching case."""
VIEW_SCALE = 0.8
"""Drill-down and case views on a workstation are sized for this fraction of the window height."""


class Workstation(QMainWindow):
    """Overview in the middle; *Cases* and *Drill-down* docks on the right (tabbed, floatable)."""

    def __init__(self, overview: QWidget) -> None:
        super().__init__()
        self.overview = overview
        self.setWindowTitle(self.tr("GridWall · Operator workstation"))
        self.setCentralWidget(overview)
        self.setDockOptions(QMainWindow.DockOption.AllowTabbedDocks | QMainWindow.DockOption.AnimatedDocks)
        self.setStyleSheet(
            f"QMainWindow {{ background: {theme.BACKGROUND}; }}"
            f"QMainWindow::separator {{ background: {theme.PANEL_EDGE}; width: 4px; }}"
            f"QDockWidget {{ color: {theme.TEXT}; }}"
            f"QDockWidget::title {{ background: {theme.PANEL_HEADER}; padding: 4px 8px; }}"
            f"QTabBar::tab {{ background: {theme.PANEL_HEADER}; color: {theme.TEXT_DIM}; padding: 6px 16px; }}"
            f"QTabBar::tab:selected {{ color: {theme.TEXT_BRIGHT}; border-bottom: 2px solid {theme.ACCENT}; }}"
            f"QMenuBar {{ background: {theme.PANEL_HEADER}; color: {theme.TEXT}; }}"
            f"QMenuBar::item:selected, QMenu::item:selected {{ background: {theme.ACCENT_SOFT}; }}"
            f"QMenu {{ background: {theme.PANEL_HEADER}; color: {theme.TEXT}; border: 1px solid {theme.PANEL_EDGE}; }}"
        )
        self.cases_dock: QDockWidget | None = None
        self.drill_dock: QDockWidget | None = None
        self.alarms_dock: QDockWidget | None = None
        self.view_menu = self.menuBar().addMenu(self.tr("&View"))
        self._width_share = 0.6
        self._fitted = False

    def changeEvent(self, event: QEvent) -> None:
        """F2: the window, menu and dock titles in the new language (the docks' panels retranslate themselves)."""
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "view_menu"):
            self.setWindowTitle(self.tr("GridWall · Operator workstation"))
            self.view_menu.setTitle(self.tr("&View"))
            titles = {
                "CasesDock": self.tr("Cases"),
                "DrillDock": self.tr("Drill-down"),
                "AlarmsDock": self.tr("Alarms"),
                "VideoDock": self.tr("Video"),
                "SupervisorsDock": self.tr("Supervisors"),
            }
            for dock in self.findChildren(QDockWidget):
                if dock.objectName() in titles:
                    dock.setWindowTitle(titles[dock.objectName()])
        super().changeEvent(event)

    def add_views(self, drill: DrillDownView, browser: CaseBrowser, width_share: float = 0.6) -> None:
        """Put the case browser and the drill-down into tabbed docks taking ``width_share`` of the window."""
        self.cases_dock = self._dock(browser, self.tr("Cases"), "CasesDock", "Ctrl+1")
        self.drill_dock = self._dock(drill, self.tr("Drill-down"), "DrillDock", "Ctrl+2")
        self.tabifyDockWidget(self.cases_dock, self.drill_dock)
        self.cases_dock.raise_()
        self._width_share = width_share

    def add_bottom_dock(self, widget: QWidget, title: str, name: str, shortcut: str) -> QDockWidget:
        """A dock under the overview (the replay bar)."""
        dock = self._dock(widget, title, name, shortcut)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        return dock

    def add_briefing_actions(self, export: BriefingExport, language: Callable[[], str]) -> list[QAction]:
        """*Reports*: yesterday's daily briefing (Ctrl+B), the weekly and the monthly one, as PDF, in ``language()``."""
        menu = self.menuBar().addMenu(self.tr("&Reports"))
        periods = (
            ("day", self.tr("Daily briefing (日报), yesterday…"), "Ctrl+B"),
            ("week", self.tr("Weekly briefing (周报), the 7 days to yesterday…"), ""),
            ("month", self.tr("Monthly briefing (月报), this month to yesterday…"), ""),
        )
        actions = []
        for period, text, shortcut in periods:
            action = menu.addAction(text)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(lambda _checked=False, p=period: self._briefing(export, p, language()))
            actions.append(action)
        export.sigDone.connect(lambda text, _ok: self.statusBar().showMessage(text, 15000))
        return actions

    def _briefing(self, export: BriefingExport, period: str, lang: str) -> None:
        day = datetime.now(BEIJING).date() - timedelta(days=1)
        suggested = str(Path.home() / f"gridwall-{period}-{day.isoformat()}-{lang}.pdf")
        title = self.tr("Save the briefing")
        name, _ = QFileDialog.getSaveFileName(self, title, suggested, "PDF (*.pdf)")
        if not name:
            return
        path = Path(name) if name.lower().endswith(".pdf") else Path(name).with_suffix(".pdf")
        self.statusBar().showMessage(self.tr("Gathering the briefing's figures…"))
        export.start(day, period, lang, path)

    def add_tour_actions(self, ask_walls: Callable[[str], object]) -> tuple[QAction, QAction]:
        """*View → Start the tour on the walls* (Ctrl+T) and *Stop the tour on the walls* (Ctrl+Shift+T)."""
        start = QAction(self.tr("Start the tour on the walls"), self)
        start.setShortcut(QKeySequence("Ctrl+T"))
        start.triggered.connect(lambda _checked=False: ask_walls("start"))
        stop = QAction(self.tr("Stop the tour on the walls"), self)
        stop.setShortcut(QKeySequence("Ctrl+Shift+T"))
        stop.triggered.connect(lambda _checked=False: ask_walls("stop"))
        self.view_menu.addSeparator()
        self.view_menu.addAction(start)
        self.view_menu.addAction(stop)
        self.tour_actions = (start, stop)
        return start, stop

    def add_alarms(self, desk: QWidget) -> None:
        """The alarm desk as a third tab next to *Cases* and *Drill-down*."""
        self.alarms_dock = self._dock(desk, self.tr("Alarms"), "AlarmsDock", "Ctrl+3")
        if self.cases_dock is not None:
            self.tabifyDockWidget(self.cases_dock, self.alarms_dock)

    def add_supervision_views(self, video: QWidget, supervisors: QWidget) -> None:
        """Put the camera panel and the supervisors' panel into two more tabbed docks (Ctrl+4, Ctrl+5)."""
        self.video_dock = self._dock(video, self.tr("Video"), "VideoDock", "Ctrl+4")
        self.supervisors_dock = self._dock(supervisors, self.tr("Supervisors"), "SupervisorsDock", "Ctrl+5")
        if self.cases_dock is not None:
            self.tabifyDockWidget(self.cases_dock, self.video_dock)
            self.tabifyDockWidget(self.cases_dock, self.supervisors_dock)
            self.cases_dock.raise_()

    def _dock(self, widget: QWidget, title: str, name: str, shortcut: str) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        feature = QDockWidget.DockWidgetFeature
        dock.setFeatures(feature.DockWidgetMovable | feature.DockWidgetFloatable)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        action: QAction = dock.toggleViewAction()
        action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False, d=dock: (d.show(), d.raise_()))
        self.view_menu.addAction(action)
        return dock

    def fit_docks(self) -> None:
        """Give the docks their share of the window's width (after the first resize)."""
        if self.cases_dock is not None:
            self.resizeDocks([self.cases_dock], [int(self.width() * self._width_share)], Qt.Orientation.Horizontal)

    def show_cases(self) -> None:
        """Bring the *Cases* tab to the front."""
        if self.cases_dock is not None:
            self.cases_dock.show()
            self.cases_dock.raise_()

    def show_drill(self) -> None:
        """Bring the *Drill-down* tab to the front (a click on the overview drilled into something)."""
        if self.drill_dock is not None:
            self.drill_dock.show()
            self.drill_dock.raise_()

    def showEvent(self, event: QShowEvent) -> None:
        """Size the docks the first time the window shows."""
        super().showEvent(event)
        if not self._fitted:
            self._fitted = True
            self.fit_docks()


class CaseExport(QObject):
    """Fetches every case matching a list's parameters, page by page, and writes a CSV file.

    The period end of the first page is pinned (``as_of``) for the next ones,
    so new cases arriving meanwhile do not shift the pages; rows are
    de-duplicated by id anyway.

    Args:
        runner: The query runner.
        names: Display names for the cells.
        page: Rows per ``cases`` request (the server allows at most 500).
    """

    def __init__(self, runner: QueryRunner, names: NameLookup, parent: QObject | None = None, page: int = EXPORT_PAGE):
        super().__init__(parent)
        self.runner, self.names, self.page = runner, names, page
        self.rows: dict[str, CaseRow] = {}
        self.total = 0
        self.path: Path | None = None
        self.target: CaseListView | None = None
        self.lang = "zh"
        self._params: dict[str, Any] = {}
        self._rid = 0
        self._offset = 0
        runner.sigResult.connect(self._on_result)
        runner.sigError.connect(self._on_error)

    @property
    def running(self) -> bool:
        """Whether an export is under way."""
        return self._rid != 0

    def start(self, params: dict[str, Any], path: Path, target: CaseListView, lang: str = "zh") -> None:
        """Export every case matching ``params`` (a list's parameters without paging) to ``path``."""
        if self.running:
            return
        self._params = {k: v for k, v in params.items() if k not in ("offset", "limit")}
        self.path, self.target, self.lang = path, target, lang
        self.rows, self.total, self._offset = {}, 0, 0
        target.show_export_progress(0, 0)
        self._next()

    def _next(self) -> None:
        self._rid = next_request_id()
        # the first page counts every match (the progress bar's end); later pages need no count
        count_limit = EXACT_COUNT if self._offset == 0 else 1
        params = {**self._params, "offset": self._offset, "limit": self.page, "count_limit": count_limit}
        self.runner.submit(self._rid, "cases", params)

    def _on_result(self, request_id: int, data: object) -> None:
        if request_id != self._rid or not isinstance(data, CaseListAnswer):
            return
        if self._offset == 0:
            self.total = data.total
        end = data.period.end_s
        if self._offset == 0 and self._params.get("range") != "custom" and end is not None:
            self._params["as_of"] = end  # pin the to-date period's end: new cases do not shift the pages
        page = data.rows
        for row in page:
            self.rows.setdefault(row.id, row)
        self._offset += self.page
        assert self.target is not None
        self.target.show_export_progress(len(self.rows), self.total)
        if page and self._offset < self.total:
            self._next()
        else:
            self._finish()

    def _on_error(self, request_id: int, message: str) -> None:
        if request_id == self._rid:
            self._rid = 0
            if self.target is not None:
                self.target.show_export_done(self.tr("Export failed: %1").replace("%1", message), ok=False)

    def _finish(self) -> None:
        self._rid = 0
        assert self.path is not None and self.target is not None
        data = csv_bytes(case_header(), (case_cells(r, self.lang, self.names) for r in self.rows.values()))
        part = self.path.with_name(self.path.name + ".part")
        try:
            part.write_bytes(data)
            part.replace(self.path)
        except OSError as exc:
            log.warning("export to %s failed: %s", self.path, exc)
            self.target.show_export_done(self.tr("Export failed: %1").replace("%1", exc.strerror or str(exc)), False)
            return
        text = self.tr("%1 cases exported to %2").replace("%1", format_count(len(self.rows)))
        self.target.show_export_done(text.replace("%2", self.path.name))


class DockPlacement:
    """The drill-down's placement on a workstation: its dock comes forward; idleness never hides it."""

    def __init__(self, workstation: Workstation) -> None:
        self.workstation = workstation

    def show(self) -> None:
        """Bring the dock's tab forward."""
        self.workstation.show_drill()

    def hide(self) -> None:
        """Nothing: a desk keeps what the operator opened."""


def workstation_views(
    workstation: Workstation,
    names: NameLookup,
    language: str,
    height: float,
    registry: UnitRegistry,
    shapes: RegistryShapes,
    runner: QueryRunner,
) -> tuple[DrillDownView, DockPlacement, dict[str, Any]]:
    """Drill-down and case browser (with actions, filters and export) in the workstation's docks.

    Args:
        workstation: The operator window.
        names: Domain names.
        language: Domain-name language at start.
        height: Window height the views are sized for (a share of it: :data:`VIEW_SCALE`).
        registry: Units for the filters.
        shapes: Unit outlines for the mini-maps.
        runner: Answers the views' requests.
    """
    from feeds.taxonomy import load_taxonomy
    from widgets.drilldown.shapes import filter_choices

    scale = Scale(max(720.0, height * VIEW_SCALE))
    choices = filter_choices(load_taxonomy(), registry)
    view = DrillDownView(names, scale, shapes=shapes, choices=choices, operator=True, closable=False)
    browser = CaseBrowser(names, scale, choices, shapes=shapes, operator=True)
    browser.set_language(language)
    workstation.add_views(view, browser)
    wire_view(browser, runner)
    export = CaseExport(runner, names, workstation)
    connect_export(view, export, workstation)
    connect_export(browser, export, workstation)
    desk = AlarmDesk(names, scale)
    desk.set_language(language)
    workstation.add_alarms(desk)
    desk.sigRequest.connect(runner.submit)
    desk.sigSend.connect(runner.send)
    runner.sigResult.connect(desk.show_result)
    runner.sigError.connect(desk.show_error)
    runner.sigForbidden.connect(desk.forbid_actions)
    return view, DockPlacement(workstation), {"browser": browser, "export": export, "alarms": desk}


def ask_export_path(parent: QWidget) -> Path | None:
    """Where to save an export (a file dialog: workstation only, never on a wall)."""
    stamp = datetime.now(BEIJING).strftime("%Y%m%d-%H%M")
    title = QCoreApplication.translate("Workstation", "Export cases")
    suggested = str(Path.home() / f"gridwall-cases-{stamp}.csv")
    name, _ = QFileDialog.getSaveFileName(parent, title, suggested, "CSV (*.csv)")
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == ".csv" else path.with_suffix(".csv")


def connect_export(
    view: Any, export: CaseExport, parent: QWidget, choose: Callable[[QWidget], Path | None] = ask_export_path
) -> None:
    """Export a view's list (``sigExport``) to a file the operator chooses."""

    def on_export(params: dict[str, Any]) -> None:
        path = choose(parent)
        if path is not None:
            export.start(params, path, view.case_list, view.lang)

    view.sigExport.connect(on_export)
