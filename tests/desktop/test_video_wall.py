"""The 3×3 video wall (``wall3x3.toml``) on nine X screens: windows on their screens, tour and drill-down across them.

An Xorg server with the dummy driver and nine RandR monitors (``tests/virtual_monitors.py``)
is the display; the wall runs in its own process there (``video_wall_probe.py``: Qt's xcb
platform, the same kiosk code as on a real wall) and reports what it saw. Needs root and
Debian's Xorg packages (``./run tests`` installs them as root): without root it is skipped,
as root without the packages it fails naming them. Under the faked clock runs
(``./run tests-clock``) it is skipped: it is about screens, not hours, and would add its
minute twice more to CI.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from virtual_monitors import PACKAGES, VirtualMonitors, missing_tools

from desktop.layout import load_layout
from resources import resource_path

PROBE = Path(__file__).with_name("video_wall_probe.py")
COLUMNS = {  # the layout's three windows: panels -> the screens of their column
    "map": [1, 4, 7],
    "kpi": [0, 3, 6],
    "overdue": [2, 5, 8],
}

pytestmark = [
    pytest.mark.webengine,
    pytest.mark.skipif(
        bool(os.environ.get("GRIDWALL_CLOCK_OFFSET_S") or os.environ.get("FAKETIME")),
        reason="screens, not hours: runs in ./run tests",
    ),
    pytest.mark.skipif(os.geteuid() != 0, reason="Xorg with a configuration of its own needs root"),
]


def _inside(rect: list[int], area: list[int]) -> bool:
    x, y, w, h = rect
    ax, ay, aw, ah = area
    return ax <= x and ay <= y and x + w <= ax + aw and y + h <= ay + ah


def _union(screens: list[list[int]], indexes: list[int]) -> list[int]:
    xs = [screens[i][0] for i in indexes] + [screens[i][0] + screens[i][2] for i in indexes]
    ys = [screens[i][1] for i in indexes] + [screens[i][1] + screens[i][3] for i in indexes]
    return [min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)]


def test_the_3x3_wall_on_nine_monitors(tmp_path: Path) -> None:
    """Each window fills its screens; the tour frames panels on all three; the drill-down opens on screen 1."""
    if missing_tools():
        pytest.fail(f"missing {', '.join(missing_tools())}: apt-get install {' '.join(PACKAGES)} (./run tests does)")
    out = tmp_path / "wall"
    with VirtualMonitors(3, 3) as display:
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "GRIDWALL_DATA_DIR": str(tmp_path / "data")}
        done = subprocess.run(
            [sys.executable, str(PROBE), "--out", str(out)], env=env, capture_output=True, text=True, timeout=280
        )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads((out / "probe.json").read_text(encoding="utf-8"))

    screens = seen["screens"]  # nine 1920×1080 screens, row by row
    assert screens == [[c * 1920, r * 1080, 1920, 1080] for r in range(3) for c in range(3)]
    assert len(seen["windows"]) == 3
    for window in seen["windows"]:
        column = next(screens_ for panel, screens_ in COLUMNS.items() if panel in window["panels"])
        assert window["screens"] == column and window["visible"]
        assert window["geometry"] == window["frame"] == _union(screens, column)  # exactly its screens, no frame

    assert seen["overview_png"] == [5760, 3240] and seen["tour_drill_png"] == [5760, 3240]
    assert (out / "wall-overview.png").stat().st_size > 200_000
    assert seen["overview_map_colours"] > 40  # the district is drawn, not a blank page

    tour = seen["tour"]
    shipped = load_layout(resource_path("layouts", "wall3x3.toml")).tour
    assert shipped is not None and [s["kind"] for s in tour] == [s.kind for s in shipped.scenes]
    assert "response" in {s["kind"] for s in tour}
    centre = _union(screens, COLUMNS["map"])
    where = {"feed": COLUMNS["overdue"], "kpi": COLUMNS["kpi"], "types": COLUMNS["overdue"],
             "overdue": COLUMNS["overdue"], "weather": COLUMNS["kpi"], "title": COLUMNS["map"],
             "response": COLUMNS["kpi"]}  # fmt: skip
    for i, scene in enumerate(tour):
        assert scene["index"] == i and scene["language"] == ("zh", "en")[i % 2]
        assert all(scene["caption"]) and "map" in scene["caption_window"]
        assert _inside(scene["caption_rect"], centre)  # over the map's column
        for framed in scene["framed"]:  # the framed panel sits on the screens of its own window
            (panel,) = framed["panel"]
            assert _inside(framed["rect"], _union(screens, where[panel]))
        assert len(scene["framed"]) == (0 if scene["kind"] == "subdistrict" else 1)
    assert {s["framed"][0]["panel"][0] for s in tour if s["framed"]} >= {"feed", "kpi", "types", "weather"}

    (response,) = (s for s in tour if s["kind"] == "response")  # the 全响应 rates of the ``response`` query
    rates = [f"{r * 100:.1f}%" for r in seen["response_query"]]
    assert all(rate in response["caption"][0] for rate in rates), (rates, response["caption"])

    pause = seen["pause"]  # a click on the left column's window pauses the tour; idle_s later it goes on
    assert pause["paused"] and not pause["caption_showing"] and pause["still_paused_before_idle"]
    assert pause["resumed"] and pause["resumed_index"] == 0

    assert seen["map_page_kept"]  # scenes, languages and the drill-down never reloaded the map page
    drill = seen["drill"]  # a subdistrict clicked on the map: the drill-down fills screen 1, the map stays below
    assert drill["screen"] == 1 and drill["separate_window"]
    assert drill["geometry"] == drill["expected"] == screens[1]
    assert drill["unit"] == "110102003" and drill["reported"] > 0 and drill["visible_with_tour"]
