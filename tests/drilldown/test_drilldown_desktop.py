"""Desktop wiring: DrillController (clicks, placement, idle return), QueryRunner threads, warnings, CSV export."""

from __future__ import annotations

import csv
import io
import threading
from pathlib import Path
from typing import Any, cast

import pytest
from conftest import FakeRunner
from drill_fixtures import NOW, SHOWCASE_ID
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget
from pytestqt.qtbot import QtBot
from waiting import WAIT_MS

from desktop.drill import CellPlacement, DrillController, hour_range
from desktop.panels import PANELS, Placed
from desktop.queries import QueryRunner, ServiceBackend, WarningsFeed
from desktop.workstation import CaseExport
from feeds.analytics import QueryService
from feeds.live import Changes, TableNames
from feeds.protocol.answers import DrillAnswer, ForecastAnswer, WarningsAnswer
from widgets.drilldown import DrillDownView, RangeSpec
from widgets.drilldown.export import BOM
from widgets.theme import Scale
from widgets.warnings_panel import WarningsPanel

SCALE = Scale(1080)
Wall = tuple[DrillController, QWidget, QLabel]


class FakeMap(QObject):
    """Stands in for the grid map's signals and highlight."""

    sigUnitClicked = Signal(str, str)
    sigCaseClicked = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.highlighted: list[str | None] = []

    def highlight(self, code: str | None, fly: bool = False) -> None:
        """Record the outline."""
        self.highlighted.append(code)


class FakeChart(QObject):
    """Stands in for a chart, counter or warnings panel."""

    sigDrillDown = Signal(str, str)


@pytest.fixture
def wall(qtbot: QtBot, names: TableNames, runner: FakeRunner) -> Wall:
    """A window with a 'map' in a grid cell and a drill-down over it (idle return after an hour: never in a test)."""
    window = QWidget()
    grid = QGridLayout(window)
    map_panel, side = QLabel("map"), QLabel("feed")
    grid.addWidget(map_panel, 0, 0, 2, 2)
    grid.addWidget(side, 0, 2, 2, 1)
    qtbot.addWidget(window)
    window.resize(1200, 700)
    window.show()
    view = DrillDownView(names, SCALE)
    view.set_language("en")
    placement = CellPlacement(view, window, map_panel)
    controller = DrillController(view, runner, placement, idle_s=3600, clock=lambda: NOW)  # type: ignore[arg-type]
    return controller, window, side


def test_map_click_opens_the_panel_over_the_map_cell(wall: Wall, runner: FakeRunner) -> None:
    """A unit click opens the drill-down over the map's cell; the neighbour panel stays visible."""
    controller, window, side = wall
    gmap = FakeMap()
    controller.attach(Placed(PANELS["map"], gmap))
    assert not controller.view.isVisible()
    gmap.sigUnitClicked.emit("110102001", "subdistrict")
    assert controller.is_open and controller.view.isVisible() and side.isVisible()
    grid = window.layout()
    assert isinstance(grid, QGridLayout)
    assert grid.getItemPosition(grid.indexOf(controller.view)) == (0, 0, 2, 2)
    assert runner.params("drill")["unit"] == "110102001"
    runner.answer_all()
    assert controller.view.unit_page.drill.unit.code == "110102001"
    gmap.sigCaseClicked.emit(SHOWCASE_ID)
    assert runner.params("case") == {"id": SHOWCASE_ID}


def test_chart_counter_and_warning_clicks_map_to_selections(wall: Wall, runner: FakeRunner) -> None:
    """Each click kind opens the selection that explains it."""
    controller, _, _ = wall
    chart, counter, warnings = FakeChart(), FakeChart(), FakeChart()
    controller.attach(Placed(PANELS["types"], chart))
    controller.attach(Placed(PANELS["overdue"], counter))
    controller.attach(Placed(PANELS["warnings"], warnings))
    chart.sigDrillDown.emit("type", "1201")
    assert runner.params("drill") == {"unit": "110102", "range": "today", "filters": {"subclass": "1201"}}
    chart.sigDrillDown.emit("hour", "9")
    hour = hour_range(9, NOW)
    assert hour.start is not None and hour.end is not None and hour.end - hour.start == 3600
    assert runner.params("cases")["start"] == hour.start
    counter.sigDrillDown.emit("department", "D03")
    assert runner.params("cases")["filters"] == {"department": "D03", "overdue": True}
    assert runner.params("cases")["range"] == "year"
    counter.sigDrillDown.emit("subdistrict", "110102003")
    assert runner.params("cases")["unit"] == "110102003"
    warnings.sigDrillDown.emit("anomaly", "110102004/1505")
    assert runner.params("drill")["unit"] == "110102004" and runner.params("drill")["filters"] == {"subclass": "1505"}
    warnings.sigDrillDown.emit("hotspot", "110102001004010/1201")
    assert runner.params("cases")["unit"] == "110102001004010" and runner.params("cases")["range"] == "30d"


def test_close_and_idle_return(qtbot: QtBot, wall: Wall, runner: FakeRunner) -> None:
    """Close returns to the overview; left alone, the drill-down closes by itself and resets to the district."""
    controller, _, _ = wall
    controller.drill("unit", "110102001004")
    controller.view.breadcrumb.sigClose.emit()
    assert not controller.is_open and not controller.view.isVisible()
    assert controller.view.path.unit == "110102"
    controller.drill("unit", "110102001004")
    assert controller.idle_timer.isActive() and controller.idle_timer.interval() == 3600 * 1000
    controller.idle_timer.stop()
    controller.view.case_list.sigPageWanted.emit()  # use restarts the countdown
    assert controller.idle_timer.isActive() and controller.is_open
    controller.idle_timer.setInterval(1)  # now let the countdown run out
    controller.touch()
    qtbot.waitUntil(lambda: not controller.is_open, timeout=60_000)
    assert controller.view.path.crumbs[-1].key == "110102" and controller.view.path.range == RangeSpec()


def test_query_runner_answers_on_the_gui_thread(qtbot: QtBot, service: QueryService) -> None:
    """Queries run on worker threads; answers and readable errors arrive on the GUI thread."""
    runner = QueryRunner(ServiceBackend(service))
    got: dict[int, Any] = {}
    threads: list[bool] = []

    def on_result(request_id: int, data: object) -> None:
        threads.append(threading.current_thread() is threading.main_thread())
        got[request_id] = data

    runner.sigResult.connect(on_result)
    forbidden: list[int] = []
    runner.sigForbidden.connect(forbidden.append)
    runner.sigError.connect(lambda request_id, message: got.__setitem__(request_id, message))
    runner.submit(1, "indicators", {"unit": "110102001"})
    runner.submit(2, "drill", {"unit": "999"})
    runner.act(3, "urge", SHOWCASE_ID, "")
    qtbot.waitUntil(lambda: len(got) == 3, timeout=WAIT_MS)
    answer = got[1]
    assert threads == [True] and isinstance(answer, DrillAnswer)  # typed at the boundary, on the worker thread
    assert (answer.indicators.reported or 0) >= 0
    assert "params.unit" in got[2] or "unit" in got[2]
    assert got[3].startswith("not allowed for this connection") and forbidden == [3]
    runner.stop()


def test_a_stopped_runner_drops_the_answers_still_running(qtbot: QtBot) -> None:
    """An answer (or error) that comes after ``stop()`` is not emitted: the session that asked is closing
    and its maps may be deleted (a wall's inventory answer reached a deleted map in a test run)."""
    release = threading.Event()

    class Slow:
        def query(self, name: str, params: dict[str, Any] | None = None, timeout: float = 10.0) -> Any:
            release.wait(10)
            if name == "fail":
                raise RuntimeError("late failure")
            return {"late": True}

    runner = QueryRunner(cast(Any, Slow()))
    heard: list[object] = []
    runner.sigResult.connect(lambda request_id, data: heard.append(data))
    runner.sigError.connect(lambda request_id, message: heard.append(message))
    runner.submit(1, "components", {})
    runner.submit(2, "fail", {})
    runner.stop()
    release.set()
    qtbot.waitUntil(lambda: runner.in_flight == 0, timeout=WAIT_MS)
    qtbot.wait(50)
    assert heard == [] and runner.answered == 0
    running = QueryRunner(cast(Any, Slow()))  # the same, not stopped: both arrive
    running.sigResult.connect(lambda request_id, data: heard.append(data))
    running.sigError.connect(lambda request_id, message: heard.append(message))
    running.submit(1, "components", {})
    running.submit(2, "fail", {})
    qtbot.waitUntil(lambda: len(heard) == 2, timeout=WAIT_MS)
    assert {"late": True} in heard
    running.stop()


def test_warnings_panel_rows_and_clicks(qtbot: QtBot, service: QueryService) -> None:
    """Hot spots and forecasts from the queries become rows; a click drills into the row."""
    panel = WarningsPanel(SCALE)
    qtbot.addWidget(panel)
    panel.set_language("en")
    panel.resize(480, 600)
    panel.show()
    warnings = WarningsAnswer.from_wire(service.handle("warnings", {"top": 12, "hotspot_min": 3}))
    forecast = ForecastAnswer.from_wire(service.handle("forecast", {"top": 5}))
    panel.update_warnings(warnings, now=NOW)
    panel.update_forecast(forecast, now=NOW)
    hot = warnings.hotspots[0]
    assert panel.row_keys("hotspots")[0] == f"{hot.grid.code}/{hot.subclass.code}"
    assert len(panel.row_keys("forecast")) == len(forecast.series) > 0
    assert panel.note_label.text().startswith("updated ")
    panel.grab()
    assert not panel.rotating  # tall enough for all three sections
    with qtbot.waitSignal(panel.sigDrillDown) as blocker:
        box = next(b for b, r in panel._hits if r.kind == "hotspot")
        panel.clicked_at(box.center().x(), box.center().y())
    assert blocker.args == ["hotspot", panel.row_keys("hotspots")[0]]
    panel.resize(480, 200)
    panel.grab()
    assert panel.rotating  # too short: one section at a time
    panel.show_stale("not connected to the case server")
    assert "not connected" in panel.note_label.text()
    panel.stop_animations()


def test_warnings_feed_refreshes_panels(qtbot: QtBot, service: QueryService) -> None:
    """Once the first state is on the panels, the feed asks for warnings and forecast and hands both to
    every panel; events before that ask nothing."""
    runner = QueryRunner(ServiceBackend(service))
    panel = WarningsPanel(SCALE)
    qtbot.addWidget(panel)
    asked: list[str] = []
    submit = runner.submit

    def counted(request_id: int, name: str, params: object) -> None:
        asked.append(name)
        submit(request_id, name, params)

    runner.submit = counted  # type: ignore[method-assign]
    feed = WarningsFeed(runner, [panel], interval_ms=60_000, first_ms=50)
    feed.on_changed(Changes(reset=False))
    qtbot.wait(200)
    assert asked == [] and panel.updated_at is None
    feed.on_changed(Changes(reset=True))
    feed.on_changed(Changes(reset=True))  # a second snapshot (a reconnection) does not ask twice
    qtbot.waitUntil(lambda: bool(panel.rows["forecast"]), timeout=WAIT_MS)
    assert sorted(asked) == ["forecast", "warnings"]
    feed.stop()
    runner.stop()


def test_csv_export_pages_through_every_case(
    qtbot: QtBot, names: TableNames, runner: FakeRunner, tmp_path: Path
) -> None:
    """The export asks page after page (period end pinned), shows progress and writes every row once."""
    view = DrillDownView(names, SCALE, operator=True)
    qtbot.addWidget(view)
    export = CaseExport(runner, names, page=200)  # type: ignore[arg-type]
    params = {"unit": "110102001", "range": "year", "sort": "reported_at", "order": "desc"}
    target = tmp_path / "cases.csv"
    export.start(params, target, view.case_list, "zh")
    pages = 0
    assert "as_of" not in runner.calls[0][2]
    while runner.calls:
        if pages:  # later pages: the first page's period end, pinned
            assert runner.calls[0][2]["as_of"] == NOW and runner.calls[0][2]["offset"] == 200 * pages
        runner.answer_all()
        pages += 1
    total = runner.service.handle("cases", {**params, "limit": 1})["total"]  # type: ignore[union-attr]
    assert pages == -(-total // 200) and not export.running
    data = target.read_bytes()
    assert data.startswith(BOM.encode("utf-8"))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == total + 1 and len({r[0] for r in rows[1:]}) == total
    assert view.case_list.export_status.text().startswith(f"{total:,} cases exported to cases.csv")
    assert not (tmp_path / "cases.csv.part").exists()


def test_window_placement_shows_on_its_screen(qtbot: QtBot, names: TableNames) -> None:
    """On a multi-screen wall the view gets its own window, shown through the kiosk helper."""
    from desktop.drill import WindowPlacement

    view = DrillDownView(names, SCALE)
    shown: list[QWidget] = []

    def show_on_screen(window: QWidget) -> None:
        shown.append(window)
        window.show()

    placement = WindowPlacement(view, 1, show_on_screen)
    qtbot.addWidget(placement.window)
    placement.show()
    placement.show()  # already up: raised, not shown twice
    assert shown == [placement.window] and view.isVisible()
    placement.hide()
    assert not placement.window.isVisible()
