"""The map's supervision layers in a real QtWebEngine: components on canvas by zoom, cameras, track playback, a pin."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from test_gridmap_web import dispose, js, make_map, pump_until, run_js, state, synthetic_units
from waiting import WAIT_MS

from widgets.gridmap import GridMap, register_schemes
from widgets.gridmap.playback import TrackPlayback

register_schemes()

pytestmark = pytest.mark.webengine
N = 30_000


def inventory() -> dict[str, Any]:
    """Tens of thousands of components over the synthetic units (a regular lattice, every 20th damaged)."""
    side = int(N**0.5) + 1
    codes, lon, lat, state_, sub = [], [], [], [], []
    for i in range(N):
        codes.append(f"1101020119{i + 1:06d}")
        lon.append(116.35 + 0.04 * (i % side) / side)
        lat.append(39.90 + 0.02 * (i // side) / side)
        state_.append("damaged" if i % 20 == 0 else "ok")
        sub.append("0119" if i % 2 else "0304")
    return {"codes": codes, "subclass": sub, "lon": lon, "lat": lat, "state": state_, "generated": True}


@pytest.fixture(scope="module")
def smap(qapp: QApplication) -> Iterator[GridMap]:
    """One map with the synthetic units and the component inventory."""
    widget = make_map()
    widget.set_units(*synthetic_units())
    widget.set_components(inventory())
    pump_until(lambda: widget.is_idle and widget.applied_batch >= 1)
    yield widget
    dispose(widget)


def test_components_are_drawn_on_canvas_only_from_street_zoom(qtbot: Any, smap: GridMap) -> None:
    """At district zoom nothing is drawn; at street zoom canvas tiles hold points; no DOM marker per component."""
    st = state(qtbot, smap)
    assert st["components"] == N and st["componentLayerOn"] is True
    run_js(qtbot, smap, "gridwall.map.setView([39.905, 116.36], 12, {animate: false}); 1")
    qtbot.waitUntil(lambda: js(qtbot, smap, "gridwall.map.getZoom()") == 12, timeout=WAIT_MS)
    assert js(qtbot, smap, "document.querySelectorAll('.leaflet-gw-components-pane canvas').length") == 0
    drawn = js(qtbot, smap, "gridwall.state().componentPoints")
    run_js(qtbot, smap, "gridwall.map.setView([39.905, 116.36], 16, {animate: false}); 1")
    qtbot.waitUntil(lambda: js(qtbot, smap, "gridwall.state().componentPoints") > drawn + 100, timeout=WAIT_MS)
    assert js(qtbot, smap, "document.querySelectorAll('.leaflet-gw-components-pane canvas').length") >= 1
    assert js(qtbot, smap, "document.querySelectorAll('.leaflet-marker-icon').length") < 100
    attribution = run_js(qtbot, smap, "document.querySelector('.leaflet-control-attribution').textContent")
    assert "部件为生成数据" in attribution


def test_clicking_a_component_names_its_code(qtbot: Any, smap: GridMap) -> None:
    """A click on a drawn component emits its 16-digit code."""
    run_js(qtbot, smap, "gridwall.map.setView([39.905, 116.36], 17, {animate: false}); 1")
    with qtbot.waitSignal(smap.sigComponentClicked, timeout=WAIT_MS) as got:
        assert run_js(qtbot, smap, "gridwall.clickComponent('1101020119000777')") is True
    assert got.args == ["1101020119000777"]


def test_cameras_and_a_looked_up_place_show(qtbot: Any, smap: GridMap) -> None:
    """Cameras become markers (a click names one); a pin flies the map to a place."""
    smap.set_cameras(
        [{"id": "CAM-1", "name_zh": "西单路口东", "lon": 116.355, "lat": 39.905, "url": "rtsp://x"},
         {"id": "CAM-2", "name_zh": "无流", "lon": 116.365, "lat": 39.915}]
    )  # fmt: skip
    assert state(qtbot, smap)["cameras"] == 2
    shown = "[...document.querySelectorAll('.gw-camera')].filter(e => getComputedStyle(e).display !== 'none').length"
    run_js(qtbot, smap, "gridwall.map.setView([39.91, 116.36], 12, {animate: false}); 1")
    qtbot.waitUntil(lambda: js(qtbot, smap, shown) == 0, timeout=WAIT_MS)  # district zoom: none, they'd bury the cases
    run_js(qtbot, smap, "gridwall.map.setView([39.91, 116.36], 16, {animate: false}); 1")
    qtbot.waitUntil(lambda: js(qtbot, smap, shown) == 2, timeout=WAIT_MS)  # street zoom: both
    diamond = "getComputedStyle(document.querySelector('.gw-camera > i')).transform"
    assert js(qtbot, smap, diamond).startswith("matrix(0.7")  # rotated 45°: a diamond, not a square
    smap.set_cameras(
        [{"id": "CAM-1", "name_zh": "西单路口东", "lon": 116.355, "lat": 39.905, "url": "rtsp://x", "active": True},
         {"id": "CAM-2", "name_zh": "无流", "lon": 116.365, "lat": 39.915}]
    )  # fmt: skip
    run_js(qtbot, smap, "gridwall.map.setView([39.91, 116.36], 12, {animate: false}); 1")
    qtbot.waitUntil(lambda: js(qtbot, smap, shown) == 1, timeout=WAIT_MS)  # the one offered for a case: any zoom
    run_js(qtbot, smap, "gridwall.map.setView([39.91, 116.36], 16, {animate: false}); 1")
    with qtbot.waitSignal(smap.sigCameraClicked, timeout=WAIT_MS) as got:
        run_js(qtbot, smap, "gridwall.cameras.get('CAM-2').fire('click'); 1")
    assert got.args == ["CAM-2"]
    smap.show_place(116.362, 39.912, "1101020119000001")
    pin = state(qtbot, smap)["pin"]
    assert pin == pytest.approx([39.912, 116.362])


def test_a_track_plays_back_from_start_to_end(qtbot: Any, smap: GridMap) -> None:
    """A loaded track shows its start; playback moves the head along it to the last point."""
    track = {
        "staff_id": "S007",
        "at": [1000.0, 1060.0, 1120.0],
        "lon": [116.351, 116.352, 116.354],
        "lat": [39.901] * 3,
    }
    playback = TrackPlayback(smap, speed=600.0)
    assert playback.load(track)
    st = state(qtbot, smap)
    assert st["trackPoints"] == 3 and st["trackHead"] == pytest.approx([39.901, 116.351])
    playback.seek(1090.0)  # half way between the 2nd and 3rd point
    assert state(qtbot, smap)["trackHead"] == pytest.approx([39.901, 116.353])
    with qtbot.waitSignal(playback.sigFinished, timeout=WAIT_MS):
        playback.play()
    st = state(qtbot, smap)
    assert st["trackTime"] == 1120.0 and st["trackHead"] == pytest.approx([39.901, 116.354])
    assert not playback.load(None) and state(qtbot, smap)["trackPoints"] == 0


def test_a_big_wall_keeps_components_and_cameras_for_its_own_street_zoom(qtbot: Any, smap: GridMap) -> None:
    """On a 3240-line wall (scale 3) the whole district fits at zoom 14-15: components and cameras wait
    for zoom 16 there, or they would bury the district (a 5760×3240 window showed 48,000 dots)."""
    canvases = "document.querySelectorAll('.leaflet-gw-components-pane canvas').length"
    shown = "[...document.querySelectorAll('.gw-camera')].filter(e => getComputedStyle(e).display !== 'none').length"
    smap.set_cameras([{"id": "CAM-9", "name_zh": "无流", "lon": 116.365, "lat": 39.905}])
    run_js(qtbot, smap, "gridwall.scale = 3; 1")
    try:
        smap.set_components(inventory())  # the layer is made again, for this scale
        qtbot.waitUntil(lambda: smap.is_idle, timeout=WAIT_MS)
        run_js(qtbot, smap, "gridwall.map.setView([39.905, 116.36], 15, {animate: false}); 1")
        qtbot.waitUntil(lambda: js(qtbot, smap, "gridwall.map.getZoom()") == 15, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: js(qtbot, smap, shown) == 0, timeout=WAIT_MS)
        assert js(qtbot, smap, canvases) == 0
        run_js(qtbot, smap, "gridwall.map.setView([39.905, 116.36], 16, {animate: false}); 1")
        qtbot.waitUntil(lambda: js(qtbot, smap, canvases) >= 1 and js(qtbot, smap, shown) == 1, timeout=WAIT_MS)
    finally:
        run_js(qtbot, smap, "gridwall.scale = 1; 1")
        smap.set_components(inventory())
        qtbot.waitUntil(lambda: smap.is_idle, timeout=WAIT_MS)
