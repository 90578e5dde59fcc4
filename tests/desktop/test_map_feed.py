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

    def last(self, kind: str) -> Any:
        return next(args for name, args in reversed(self.calls) if name == kind)


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
    added, updated, removed = gmap.last("cases")
    assert {c["id"] for c in updated} == {overdue.id, fine.id} and not added and not removed
    assert {c["id"]: c["status"] for c in updated}[overdue.id] == "overdue"
    values, mode = gmap.last("grid")
    assert mode == "overdue" and values == {overdue.grid: 1}
    feed.update(state.apply([CaseCreated(_case(3, now + 3600, age_s=10), seq=11)], now))
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

    from PySide6.QtWidgets import QWidget

    from feeds.alarms import load_plans
    from feeds.protocol import BEIJING, PlanStarted

    class _Map(QWidget, _RecordingMap):
        size_factor, language = 1.0, "en"

        def __init__(self) -> None:
            QWidget.__init__(self)
            _RecordingMap.__init__(self)

    gmap = _Map()
    qtbot.addWidget(gmap)
    gmap.resize(1200, 800)
    gmap.show()
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

    from PySide6.QtWidgets import QWidget

    from feeds.alarms import load_plans
    from feeds.geo.units import load_hotspots
    from feeds.protocol import BEIJING, CrowdFlow, PlanClosed, PlanStarted, SensorReading

    class _Map(QWidget, _RecordingMap):
        size_factor, language = 1.0, "zh"

        def __init__(self) -> None:
            QWidget.__init__(self)
            _RecordingMap.__init__(self)

    gmap = _Map()
    qtbot.addWidget(gmap)
    gmap.resize(1200, 800)
    gmap.show()
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
