"""The map page's own structures stay bounded however long the wall runs (issue 8/11: renderer memory).

A long run is simulated as rounds of the same churn a wall sees in a day: new cases, stage
changes, closures, clicks that open popups, supervisors moving (and changing), a hot spot going
in and out of alarm (its permanent label rebound), the highlight moving, languages switching.
After the first rounds every structure the page keeps must be back where it was two rounds
before (the same alarms, language and highlight): markers (open
cases plus the capped closed ones), cluster layers, DOM elements, popups, tooltips, Leaflet's
listeners on the map and the label layout. Sizes are counted, never timed.
"""

from __future__ import annotations

from typing import Any

import pytest
from test_gridmap_web import SUBS, case, dispose, js, state, synthetic_units

from widgets.gridmap import GridMap, register_schemes

register_schemes()

pytestmark = pytest.mark.webengine

OPEN = 40
"""Cases open at any time."""
CHURN = 30
"""Cases reported and as many closed per round."""
MAX_CLOSED = 10
"""Closed cases the map keeps (the wall's default is 200)."""
ROUNDS = 6

STRUCTURES = """({
  cases: gridwall.cases.size,
  clusterLayers: gridwall.clusters.getLayers().length,
  elements: document.getElementsByTagName('*').length,
  popups: document.querySelectorAll('.leaflet-popup').length,
  tooltips: document.querySelectorAll('.leaflet-tooltip').length,
  mapListeners: Object.keys(gridwall.map._events).reduce(function (n, k) {
    return n + gridwall.map._events[k].length; }, 0),
  labelsPlaced: gridwall.labelLayout.placed.length + gridwall.labelLayout.hidden.length,
  staff: gridwall.staff.size,
})"""


def _hotspot(level: str) -> dict[str, Any]:
    return {"id": "xidan", "name_zh": "西单", "name_en": "Xidan", "lon": 116.373, "lat": 39.907, "level": level}


def _case(k: int, status: str = "open") -> dict[str, Any]:
    """Case number ``k``, placed in slot ``k % CHURN`` so every round lays out the same map."""
    slot = k % CHURN
    return case(f"r{k}", status, lon=116.342 + (slot % 6) * 0.007, lat=39.893 + (slot // 6) * 0.006)


def _round(qtbot: Any, gmap: GridMap, n: int) -> dict[str, int]:
    """One round of a day's churn; returns the page's structure counts once it has settled."""
    first = n * CHURN
    gmap.push_cases(added=[_case(first + i) for i in range(CHURN)])
    gmap.push_cases(updated=[_case(first + i, "overdue") for i in range(0, CHURN, 3)])
    gmap.set_staff([{"id": f"s{n}-{i}", "lon": 116.355 + i * 0.002, "lat": 39.905 + n % 2 * 0.001} for i in range(8)])
    gmap.set_hotspots([_hotspot("critical" if n % 2 else "normal")])
    gmap.set_sensors([{"id": "w1", "kind": "water_level", "lon": 116.36, "lat": 39.91, "alarm": n % 2 == 0}])
    gmap.highlight(SUBS[n % 2])
    gmap.set_language("en" if n % 2 else "zh")
    state(qtbot, gmap)
    assert js(qtbot, gmap, f"gridwall.clickCase('r{first + 1}')")  # opens a popup (the previous one closes)
    # The oldest CHURN open cases close: OPEN stay open, the newest MAX_CLOSED closed ones stay shown.
    gmap.push_cases(updated=[_case(first - OPEN + i, "closed") for i in range(CHURN)])
    state(qtbot, gmap)
    qtbot.waitUntil(lambda: not js(qtbot, gmap, "gridwall.labelsPending()"), timeout=30_000)
    result: dict[str, int] = js(qtbot, gmap, STRUCTURES)
    return result


def test_page_structures_stay_bounded_over_many_rounds(qtbot: Any) -> None:
    """After a warm-up round, rounds of cases, closures, popups, staff, labels leave every structure as it was."""
    gmap = GridMap(flush_hz=20, max_closed=MAX_CLOSED)
    gmap.resize(900, 700)
    gmap.show()
    try:
        gmap.set_units(*synthetic_units())
        gmap.push_cases(added=[_case(i - OPEN) for i in range(OPEN)])  # r-40 .. r-1: open from the start
        with qtbot.waitSignal(gmap.sigReady, timeout=30_000):
            pass
        rounds = [_round(qtbot, gmap, n) for n in range(ROUNDS)]
        for n in range(2, ROUNDS):
            got, warm = rounds[n], rounds[n - 2]  # the same parity: the same alarms, language and highlight
            assert got["cases"] == OPEN + MAX_CLOSED, (n, got)
            assert got["clusterLayers"] == got["cases"], (n, got)
            assert got["popups"] <= 1, (n, got)
            assert got["staff"] == 8, (n, got)
            assert got["mapListeners"] == warm["mapListeners"], (n, got, warm)
            assert got["labelsPlaced"] == warm["labelsPlaced"], (n, got, warm)
            assert got["tooltips"] == warm["tooltips"], (n, got, warm)
            assert got["elements"] == warm["elements"], (n, got, warm)
    finally:
        dispose(gmap)
