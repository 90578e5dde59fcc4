"""Map labels in a real QtWebEngine: never over each other, over cluster bubbles or over the map's controls."""

from __future__ import annotations

import random
from collections.abc import Iterator
from itertools import combinations
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from test_gridmap_web import dispose, js, pump_until
from waiting import WAIT_MS

from feeds.geo.units import load_hotspots, load_units
from widgets.gridmap import GridMap
from widgets.gridmap.adapters import hotspot_item, unit_collections

pytestmark = pytest.mark.webengine


def _cases(count: int) -> list[dict[str, Any]]:
    """Open cases on random grids all over the district, as on the wall (760 were open there)."""
    rng = random.Random(3)
    grids = load_units().grids
    out = []
    for i in range(count):
        lon, lat = rng.choice(grids).centroid
        status = ("open", "overdue", "due_soon")[i % 3]
        out.append({"id": f"C{i:04d}", "lon": lon, "lat": lat, "status": status, "title_zh": "暴露垃圾"})
    return out


@pytest.fixture(scope="module")
def crowded_map(qapp: QApplication) -> Iterator[GridMap]:
    """The real district at a 1080p wall's map size, 760 open cases and three crowded hot spots."""
    widget = GridMap(flush_hz=20)
    widget.resize(940, 760)
    widget.show()
    widget.set_units(*unit_collections(load_units()))
    widget.push_cases(added=_cases(760))
    spots = load_hotspots()
    widget.set_hotspots([hotspot_item(s, "critical" if i < 3 else "normal", 9000, 8000) for i, s in enumerate(spots)])
    pump_until(lambda: widget.is_idle and widget.applied_batch >= 1, timeout=60)
    yield widget
    dispose(widget)


def _settled(qtbot: Any, gmap: GridMap) -> dict[str, Any]:
    """Wait until every batch is applied and labels were placed after the last one; return the measured boxes."""
    qtbot.waitUntil(lambda: gmap.is_idle, timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: js(qtbot, gmap, "!gridwall.labelsPending() && gridwall.labelLayout.batch === gridwall.lastBatch"),
        timeout=WAIT_MS,
    )
    boxes: dict[str, Any] = js(qtbot, gmap, "gridwall.labelBoxes()")
    return boxes


def _meets(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]
    )


@pytest.mark.parametrize("language", ["en", "zh"])
def test_labels_never_overlap_labels_clusters_or_controls(qtbot: Any, crowded_map: GridMap, language: str) -> None:
    """Every shown label box is inside the map and meets no other label, cluster bubble or control."""
    crowded_map.set_language(language)
    boxes = _settled(qtbot, crowded_map)
    labels, frame = boxes["labels"], boxes["frame"]
    layout = js(qtbot, crowded_map, "gridwall.labelLayout")
    assert boxes["clusters"] and len(labels) == len(layout["placed"])
    names = [a for a in labels if not a["text"].endswith(("critical", "严重拥挤"))]
    assert len(names) >= 14, layout["hidden"]  # the subdistrict names (15) still find a place
    assert layout["moved"] + len(layout["hidden"]) > 0  # the scene really has conflicts to solve
    crossing = [(a["text"], b["text"]) for a, b in combinations(labels, 2) if _meets(a, b)]
    assert crossing == []
    covered = [a["text"] for a in labels for o in boxes["clusters"] + boxes["controls"] if _meets(a, o)]
    assert covered == []
    assert all(a["x"] >= 0 and a["y"] >= 0 and a["x"] + a["w"] <= frame["w"] + 0.5 for a in labels)
    assert sum(a["text"].endswith(("critical", "严重拥挤")) for a in labels) == 3  # alarms are placed first


def test_labels_are_placed_again_after_a_zoom(qtbot: Any, crowded_map: GridMap) -> None:
    """After zooming in, clusters split and move (animated); once they settle the labels meet nothing."""
    crowded_map.set_language("en")
    runs = js(qtbot, crowded_map, "gridwall.labelLayout.runs")
    crowded_map.run_js("gridwall.map.setZoom(gridwall.map.getZoom() + 1, {animate: false})")

    def settled_and_clear() -> bool:
        if (
            js(qtbot, crowded_map, "gridwall.labelsPending()")
            or js(qtbot, crowded_map, "gridwall.labelLayout.runs") <= runs
        ):
            return False
        boxes = js(qtbot, crowded_map, "gridwall.labelBoxes()")
        crossing = [1 for a, b in combinations(boxes["labels"], 2) if _meets(a, b)]
        return (
            bool(boxes["labels"])
            and not crossing
            and not [1 for a in boxes["labels"] for o in boxes["clusters"] if _meets(a, o)]
        )

    qtbot.waitUntil(settled_and_clear, timeout=WAIT_MS)  # the cluster animation ends with a new placement
    crowded_map.run_js("gridwall.fitDistrict(false)")


def test_labels_are_placed_again_when_a_bubble_moves_after_a_placement(qtbot: Any, crowded_map: GridMap) -> None:
    """A bubble still moving after the placement (a late CSS transition) makes the page place the labels again."""
    _settled(qtbot, crowded_map)
    runs = js(qtbot, crowded_map, "gridwall.labelLayout.runs")
    nudge = "document.querySelector('.leaflet-marker-pane .gw-cluster').style.marginLeft = '{}'"
    # one placement, then a bubble moves in the same script: nothing Leaflet knows of, so only the
    # look-again after the placement can see it
    crowded_map.run_js("gridwall.placeLabels(); " + nudge.format("40px"))
    try:
        qtbot.waitUntil(
            lambda: js(qtbot, crowded_map, "!gridwall.labelsPending() && gridwall.labelLayout.runs") >= runs + 2,
            timeout=WAIT_MS,
        )
    finally:
        crowded_map.run_js(nudge.format(""))


def test_labels_are_placed_again_when_they_moved_after_a_placement(qtbot: Any, crowded_map: GridMap) -> None:
    """Labels placed while the map still moved (a fly outlasting its zoomend) are placed again where they rest."""
    _settled(qtbot, crowded_map)
    runs = js(qtbot, crowded_map, "gridwall.labelLayout.runs")
    shift = "gridwall.map.getPane('tooltipPane').style.marginLeft = '{}'"
    # one placement, then the labels (only they: no bubble, no event) move in the same script
    crowded_map.run_js("gridwall.placeLabels(); " + shift.format("60px"))
    try:
        qtbot.waitUntil(
            lambda: js(qtbot, crowded_map, "!gridwall.labelsPending() && gridwall.labelLayout.runs") >= runs + 2,
            timeout=WAIT_MS,
        )
    finally:
        crowded_map.run_js(shift.format(""))
    _settled(qtbot, crowded_map)  # and it comes to rest: no placement loop
