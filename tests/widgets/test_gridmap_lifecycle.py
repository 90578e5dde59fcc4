"""GridMap life cycle in a real QtWebEngine: queue before load, renderer crash recovery, GCJ-02 local tiles."""

from __future__ import annotations

import math
import os
import signal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from test_gridmap_web import case, dispose, js, make_map, state, synthetic_units

from feeds.geo.gcj02 import wgs84_to_gcj02
from widgets.gridmap import GridMap, MapConfig, register_schemes

register_schemes()

pytestmark = pytest.mark.webengine


def test_updates_queued_before_load_are_not_lost(qtbot: Any) -> None:
    """Everything set before the page is ready shows once it is, in one snapshot."""
    gmap = make_map()
    try:
        assert not gmap.is_ready
        gmap.set_units(*synthetic_units())
        gmap.push_cases(added=[case(f"q{i}") for i in range(30)])
        gmap.push_cases(removed=["q0"], updated=[case("q1", "overdue")])
        gmap.set_language("en")
        with qtbot.waitSignal(gmap.sigReady, timeout=30_000):
            pass
        st = state(qtbot, gmap)
        assert st["units"]["grid"] == 12
        assert st["cases"] == 29 and st["casesByStatus"]["overdue"] == 1
        assert st["language"] == "en"
        assert gmap.batches_sent == 1
    finally:
        dispose(gmap)


def test_renderer_crash_is_recovered(qtbot: Any) -> None:
    """Killing the renderer process reloads the page and restores the full state."""
    gmap = make_map()
    try:
        gmap.set_units(*synthetic_units())
        gmap.push_cases(added=[case(f"k{i}") for i in range(20)])
        gmap.set_staff([{"id": "s1", "lon": 116.36, "lat": 39.905}])
        gmap.highlight("110102001001001")
        with qtbot.waitSignal(gmap.sigReady, timeout=30_000):
            pass
        before = state(qtbot, gmap)
        pid = gmap.page().renderProcessPid()
        assert pid > 0
        gmap.push_cases(updated=[case("k3", "overdue")])  # changes during the outage are kept too
        with qtbot.waitSignal(gmap.sigRendererRestarted, timeout=30_000):
            os.kill(pid, signal.SIGKILL)
        after = state(qtbot, gmap)
        assert gmap.page().renderProcessPid() != pid
        assert gmap.renderer_restarts == 1
        assert after["units"] == before["units"]
        assert after["cases"] == 20 and after["casesByStatus"]["overdue"] == 1
        assert after["staff"] == 1 and after["highlight"] == "110102001001001"
    finally:
        dispose(gmap)


def _tile_xy(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return x, y


def test_gcj02_local_tiles(qtbot: Any, tmp_path: Path) -> None:
    """Local tiles come through the custom scheme; overlays shift to GCJ-02; nothing is blocked."""
    image = QImage(256, 256, QImage.Format.Format_RGB32)
    image.fill(QColor("#1d2b3a"))
    for z in range(11, 20):
        cx, cy = _tile_xy(116.36, 39.905, z)
        for x in range(cx - 3, cx + 4):
            for y in range(cy - 3, cy + 4):
                folder = tmp_path / str(z) / str(x)
                folder.mkdir(parents=True, exist_ok=True)
                image.save(str(folder / f"{y}.png"))
    gmap = make_map(MapConfig(local_tiles_dir=tmp_path, tiles_crs="gcj02", attribution="local tiles"))
    try:
        gmap.set_units(*synthetic_units())
        gmap.push_cases(added=[{"id": "g1", "lon": 116.36, "lat": 39.905, "status": "open"}])
        with qtbot.waitSignal(gmap.sigReady, timeout=30_000):
            pass
        state(qtbot, gmap)
        lon, lat = wgs84_to_gcj02(116.36, 39.905)
        got = js(qtbot, gmap, "gridwall.cases.get('g1').getLatLng()")
        assert got["lat"] == pytest.approx(lat, abs=1e-6) and got["lng"] == pytest.approx(lon, abs=1e-6)
        qtbot.waitUntil(
            lambda: js(qtbot, gmap, "document.querySelectorAll('img.leaflet-tile-loaded').length") > 0, timeout=10_000
        )
        assert gmap.blocked_requests == 0
    finally:
        dispose(gmap)


def test_scale_and_highlight(qtbot: Any) -> None:
    """The size factor reaches the page's CSS; a highlighted unit is outlined."""
    gmap = GridMap(scale=2.0, flush_hz=20)
    gmap.resize(600, 400)
    gmap.show()
    try:
        gmap.set_units(*synthetic_units())
        with qtbot.waitSignal(gmap.sigReady, timeout=30_000):
            pass
        assert js(qtbot, gmap, "getComputedStyle(document.documentElement).getPropertyValue('--gw-s').trim()") == "2"
        gmap.highlight("110102002")
        assert state(qtbot, gmap)["highlight"] == "110102002"
        assert js(qtbot, gmap, "document.querySelectorAll('path.gw-highlight').length") == 1
        gmap.highlight(None)
        assert state(qtbot, gmap)["highlight"] is None
        assert gmap.grab().toImage().pixelColor(2, 2) != QColor(Qt.GlobalColor.white)
    finally:
        dispose(gmap)
