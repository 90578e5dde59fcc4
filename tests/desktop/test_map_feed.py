"""MapFeed: live-state changes become map updates (with a recording stand-in for the map)."""

from __future__ import annotations

import time
from typing import Any

from desktop.map_feed import MapFeed
from feeds.geo.units import load_units
from feeds.live import LiveState
from feeds.live.names import load_names
from feeds.protocol import CaseClosed, CaseCreated, CaseInfo, Snapshot
from feeds.taxonomy import load_taxonomy


class _RecordingMap:
    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def push_cases(self, added: Any = (), updated: Any = (), removed: Any = ()) -> None:
        self.calls.append(("cases", (list(added), list(updated), list(removed))))

    def set_grid_values(self, values: Any, mode: str) -> None:
        self.calls.append(("grid", (dict(values), mode)))

    def set_staff(self, items: Any) -> None:
        self.calls.append(("staff", list(items)))

    def set_hotspots(self, items: Any) -> None:
        self.calls.append(("spots", list(items)))

    def set_sensors(self, items: Any) -> None:
        self.calls.append(("sensors", list(items)))

    def flush_now(self) -> None:
        self.calls.append(("flush", None))

    def last(self, kind: str) -> Any:
        return next(args for name, args in reversed(self.calls) if name == kind)


def _shown_map(qtbot: Any, language: str) -> Any:
    """A real widget (the plan checklist overlays it) that records what the feed sends."""
    from PySide6.QtWidgets import QWidget

    class _Map(QWidget, _RecordingMap):
        size_factor = 1.0

        def __init__(self) -> None:
            QWidget.__init__(self)
            _RecordingMap.__init__(self)
            self.language = language

    gmap = _Map()
    qtbot.addWidget(gmap)
    gmap.resize(1200, 800)
    gmap.show()
    return gmap


def _case(n: int, deadline: float, age_s: float = 600) -> CaseInfo:
    grid = load_units().grids[n]
    sub = load_taxonomy().subclasses[n]
    return CaseInfo(
        f"XC{n:06d}", sub.kind, sub.code, "patrol", grid.code, grid.centroid[0], grid.centroid[1],
        "handling", time.time() - age_s, sub.department, deadline=deadline,
    )  # fmt: skip


def test_cases_and_colours_follow_the_state() -> None:
    """A snapshot pushes every open case; a new case is added, a closed one updated; colours by mode."""
    state, gmap = LiveState(load_names()), _RecordingMap()
    feed = MapFeed(gmap, state, "overdue")  # type: ignore[arg-type]
    now = time.time()
    overdue, fine = _case(1, now - 60), _case(2, now + 7200)
    feed.update(state.apply([Snapshot(10, "store", (overdue, fine))], now))
    assert gmap.calls[-1][0] == "flush"  # the whole state goes to the renderer before the panels repaint
    added, updated, removed = gmap.last("cases")
    assert {c["id"] for c in updated} == {overdue.id, fine.id} and not added and not removed
    assert {c["id"]: c["status"] for c in updated}[overdue.id] == "overdue"
    values, mode = gmap.last("grid")
    assert mode == "overdue" and values == {overdue.grid: 1}
    feed.update(state.apply([CaseCreated(_case(3, now + 3600, age_s=10), seq=11)], now))
    assert gmap.calls[-1][0] != "flush" and [c for c, _ in gmap.calls].count("flush") == 1  # events: on the tick
    added, _, _ = gmap.last("cases")
    assert [c["id"] for c in added] == ["XC000003"] and added[0]["status"] == "new"
    feed.update(state.apply([CaseClosed(fine.id, seq=12)], now))
    _, updated, _ = gmap.last("cases")
    assert [(c["id"], c["status"]) for c in updated] == [(fine.id, "closed")]
    feed.set_mode("density")
    values, mode = gmap.last("grid")
    assert mode == "density" and values == {overdue.grid: 1, _case(3, 0).grid: 1}


def test_plan_overlay_greys_with_stale_data_and_says_as_of(qtbot: Any) -> None:
    """A stale wall greys the plan checklist over the map ("as of 03:08"), also when the plan arrives stale."""
    from datetime import datetime

    from feeds.alarms import load_plans
    from feeds.protocol import BEIJING, PlanStarted

    gmap = _shown_map(qtbot, "en")
    now = datetime(2026, 8, 10, 3, 8, 9, tzinfo=BEIJING).timestamp()
    state = LiveState(load_names())
    feed = MapFeed(gmap, state)  # type: ignore[arg-type]
    feed.update(state.apply([Snapshot(10, "store", ())], now))
    feed.set_freshness("stale", now)  # the wall lost its server before any plan ran
    run = next(p for p in load_plans() if p.id == "rainstorm-orange").run_for("w1", "orange", now)
    feed.update(state.apply([PlanStarted(run, seq=11)], now))
    overlay = feed.checklist
    assert overlay is not None and overlay.isVisible()
    assert overlay.is_dimmed() and overlay.note_label.text() == "as of 03:08"
    feed.set_freshness("live")
    assert not overlay.is_dimmed() and overlay.note_label.text().endswith("0/6 done")
    feed.set_freshness("stale", now + 60)
    assert overlay.is_dimmed() and overlay.note_label.text() == "as of 03:09"


def test_a_running_plan_switches_sensors_spots_and_colouring_and_closing_reverts(qtbot: Any) -> None:
    """rainstorm-orange: only water-level and rain-gauge sensors, no hot spots, grids by overdue; closed: all back."""
    from datetime import datetime

    from feeds.alarms import load_plans
    from feeds.geo.units import load_hotspots
    from feeds.protocol import BEIJING, CrowdFlow, PlanClosed, PlanStarted, SensorReading

    gmap = _shown_map(qtbot, "zh")
    now = datetime(2026, 7, 20, 15, 0, tzinfo=BEIJING).timestamp()
    sensors = tuple(
        SensorReading(f"s-{kind}", kind, 1.0, "m", 2.0, False, 116.36, 39.91, name=kind)
        for kind in ("water_level", "rain_gauge", "manhole", "rfid")
    )
    spot = load_hotspots()[0].id
    overdue, fresh = _case(1, now - 600), _case(2, now + 7200)
    state = LiveState(load_names())
    feed = MapFeed(gmap, state, "density")  # type: ignore[arg-type]
    snap = Snapshot(10, "store", (overdue, fresh), crowd=(CrowdFlow(spot, 900, 1000, "crowded"),), sensors=sensors)
    feed.update(state.apply([snap], now))
    all_kinds = {"water_level", "rain_gauge", "manhole", "rfid"}
    density = {overdue.grid: 1, fresh.grid: 1}
    assert {s["kind"] for s in gmap.last("sensors")} == all_kinds
    assert gmap.last("grid") == (density, "density") and feed.grid_mode == "density"
    assert spot in {s["id"] for s in gmap.last("spots")}

    run = next(p for p in load_plans() if p.id == "rainstorm-orange").run_for("w1", "orange", now)
    assert set(run.layers) == {"waterlogging", "rain_gauge", "overdue"}  # the shipped plan, as the test reads it
    feed.update(state.apply([PlanStarted(run, seq=11)], now + 1))
    assert {s["kind"] for s in gmap.last("sensors")} == {"water_level", "rain_gauge"}
    assert gmap.last("grid") == ({overdue.grid: 1}, "overdue") and feed.grid_mode == "overdue"
    assert gmap.last("spots") == []  # no "crowd" layer in the plan
    assert feed.checklist is not None and feed.checklist.isVisible()

    feed.update(state.apply([PlanClosed(run.id, "warning lifted", seq=12)], now + 2))
    assert {s["kind"] for s in gmap.last("sensors")} == all_kinds
    assert gmap.last("grid") == (density, "density") and feed.grid_mode == "density"
    assert spot in {s["id"] for s in gmap.last("spots")}
    assert not feed.checklist.isVisible()


def _request(n: int, deadline: float) -> CaseInfo:
    """A 全响应 request on grid ``n`` (a heating complaint)."""
    grid = load_units().grids[n]
    return CaseInfo(
        f"QX{n:014d}", "event", "210103", "hotline_12345", grid.code, grid.centroid[0], grid.centroid[1],
        "dispatched", time.time() - 600, "D14", deadline=deadline, platform="response",
    )  # fmt: skip


def test_wall_for_one_platform_keeps_the_others_cases_off_the_map(qtbot: Any) -> None:
    """``[wall] platforms`` reaches the map through the controller: the other platform's cases never become markers.

    Snapshot and live events alike (created, stage change, closing); the grid colours still count every open case.
    """
    import tomllib

    from PySide6.QtWidgets import QWidget

    from desktop.bridge import LiveBridge
    from desktop.controller import WallController
    from desktop.layout import parse_layout
    from desktop.panels import PANELS, Placed
    from feeds.client import ClientThread
    from feeds.protocol import CaseStageChanged
    from widgets.gridmap import GridMap

    class _Map(GridMap):
        """The controller finds maps by class; this one records instead of running a web page."""

        size_factor, language = 1.0, "en"

        def __init__(self) -> None:
            QWidget.__init__(self)  # no web engine: GridMap.__init__ is skipped on purpose
            self.recorder = _RecordingMap()

        def __getattribute__(self, name: str) -> Any:
            if name in ("push_cases", "set_grid_values", "set_staff", "set_hotspots", "set_sensors", "flush_now"):
                return getattr(object.__getattribute__(self, "recorder"), name)
            if name in ("set_units", "set_freshness"):
                return lambda *a, **k: None
            return object.__getattribute__(self, name)

    screen = '[[screen]]\ncolumns = 1\nrows = 1\npanels = [{ name = "map", row = 0, col = 0 }]\n'
    now = time.time()
    city, request = _case(5, now + 7200), _request(6, now + 7200)
    for wanted, shown, hidden in (("city", city, request), ("response", request, city)):
        layout = parse_layout(tomllib.loads(f'[wall]\nplatforms = "{wanted}"\n' + screen), "t")
        state = LiveState(load_names())
        bridge = LiveBridge(ClientThread("ws://127.0.0.1:9", "unused"), state)  # never started
        gmap = _Map()
        qtbot.addWidget(gmap)
        controller = WallController(bridge, [Placed(PANELS["map"], gmap)], platforms=layout.platforms)
        assert [f.platforms for f in controller.map_feeds] == [frozenset({wanted})]
        rec = gmap.recorder
        bridge.sigChanged.emit(state.apply([Snapshot(10, "store", (city, request))], now))
        _, updated, _ = rec.last("cases")
        assert [c["id"] for c in updated] == [shown.id]
        values, _ = rec.last("grid")
        assert values == {city.grid: 1, request.grid: 1}  # colours count every open case
        later_city, later_request = _case(7, now + 3600), _request(8, now + 3600)
        events = [
            CaseCreated(later_city, seq=11),
            CaseCreated(later_request, seq=12),
            CaseStageChanged(hidden.id, "handling", seq=13),
            CaseStageChanged(shown.id, "handling", seq=14),
            CaseClosed(hidden.id, seq=15),
        ]
        bridge.sigChanged.emit(state.apply(events, now + 5))
        pushed = {c["id"] for _, (a, u, r) in (x for x in rec.calls if x[0] == "cases") for c in [*a, *u]}
        removed = {i for _, (a, u, r) in (x for x in rec.calls if x[0] == "cases") for i in r}
        other = {hidden.id, later_request.id if wanted == "city" else later_city.id}
        assert pushed & other == set() and removed & other == set()
        assert (later_city.id if wanted == "city" else later_request.id) in pushed and shown.id in pushed
