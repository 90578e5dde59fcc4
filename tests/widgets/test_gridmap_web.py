"""GridMap in a real QtWebEngine: offline Leaflet, batched updates, clicks, escaping, request blocking."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QEventLoop
from PySide6.QtWidgets import QApplication
from waiting import WAIT_MS

from widgets.gridmap import GridMap, MapConfig, register_schemes

register_schemes()  # before pytest-qt creates the QApplication (tests/conftest.py should do this too)

pytestmark = pytest.mark.webengine

SUBS = ("110102001", "110102002")
COMMUNITIES = ("110102001001", "110102001002", "110102002001")


def _box(code: str, lon: float, lat: float, size: float, name_zh: str = "", name_en: str = "") -> dict[str, Any]:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {
        "type": "Feature",
        "properties": {
            "code": code,
            "name_zh": name_zh or f"单元{code[-3:]}",
            "name_en": name_en or f"Unit {code[-3:]}",
        },
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def synthetic_units() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Two subdistricts, three communities, twelve grids around Xicheng."""
    subs = [_box(SUBS[0], 116.35, 39.90, 0.02, "西长安街街道", "Xichang'anjie"), _box(SUBS[1], 116.37, 39.90, 0.02)]
    comms = [
        _box(COMMUNITIES[0], 116.35, 39.90, 0.01),
        _box(COMMUNITIES[1], 116.36, 39.91, 0.01),
        _box(COMMUNITIES[2], 116.37, 39.90, 0.02),
    ]
    grids = []
    for i in range(12):
        community = COMMUNITIES[i % 3]
        grids.append(_box(f"{community}{i + 1:03d}", 116.35 + 0.005 * (i % 4), 39.90 + 0.005 * (i // 4), 0.005))
    return (
        {"type": "FeatureCollection", "features": subs},
        {"type": "FeatureCollection", "features": comms},
        {"type": "FeatureCollection", "features": grids},
    )


def grid_codes() -> list[str]:
    """Codes of the synthetic grids."""
    return [f["properties"]["code"] for f in synthetic_units()[2]["features"]]


def case(case_id: str, status: str = "open", **extra: Any) -> dict[str, Any]:
    """A case near the synthetic units."""
    n = sum(map(ord, case_id))
    return {
        "id": case_id,
        "lon": 116.351 + (n % 37) * 0.001,
        "lat": 39.901 + (n % 17) * 0.001,
        "status": status,
        "title_zh": "暴露垃圾",
        "title_en": "Exposed garbage",
        **extra,
    }


def pump_until(predicate: Any, timeout: float = 30.0) -> None:
    """Process Qt events until ``predicate()`` holds (for module-scoped fixtures without qtbot)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not reached")
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


FLUSH = "if (window.gridwall && gridwall.flushClock) gridwall.flushClock();\n"
"""Applies what the page took and holds for its next frame tick, so a test reads what it sent."""


def run_js(qtbot: Any, gmap: GridMap, script: str) -> Any:
    """Run ``script`` in the page once what it took is applied (:data:`FLUSH`); return its (scalar) result."""
    box: list[Any] = []
    gmap.run_js(FLUSH + script, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=WAIT_MS)
    return box[0]


def js(qtbot: Any, gmap: GridMap, expression: str) -> Any:
    """Evaluate a JS expression and return it through JSON (arrays do not survive runJavaScript as is)."""
    return json.loads(run_js(qtbot, gmap, f"JSON.stringify((function () {{ return ({expression}); }})())"))


def dispose(widget: GridMap) -> None:
    """Close and really delete a map now (page before profile), not at interpreter exit."""
    widget.close()
    widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def state(qtbot: Any, gmap: GridMap) -> dict[str, Any]:
    """``gridwall.state()`` once every queued update has been applied; the page has had no JS error."""
    qtbot.waitUntil(lambda: gmap.is_idle, timeout=WAIT_MS)
    result: dict[str, Any] = js(qtbot, gmap, "gridwall.state()")
    assert result["errors"] == 0
    assert gmap.page().console_errors == 0  # type: ignore[attr-defined]
    return result


def make_map(config: MapConfig | None = None) -> GridMap:
    """A shown map that has finished loading."""
    gmap = GridMap(config, flush_hz=20)
    gmap.resize(900, 700)
    gmap.show()
    return gmap


@pytest.fixture(scope="module")
def gmap(qapp: QApplication) -> Iterator[GridMap]:
    """One map for the module (a renderer start costs ~1 s), with the synthetic units set."""
    widget = make_map()
    widget.set_units(*synthetic_units())
    pump_until(lambda: widget.is_idle and widget.applied_batch >= 1)
    yield widget
    dispose(widget)


def test_page_loads_offline_and_leaflet_is_really_there(qtbot: Any, gmap: GridMap) -> None:
    """The page is not blank: Leaflet, markercluster, our API and the channel are live, with zero network."""
    assert run_js(qtbot, gmap, "typeof L") == "object"
    assert run_js(qtbot, gmap, "typeof L.markerClusterGroup") == "function"
    assert run_js(qtbot, gmap, "document.querySelectorAll('.leaflet-container.gw-map').length") == 1
    st = state(qtbot, gmap)
    assert st["leaflet"] == "1.9.3" and st["channel"] is True
    attribution = run_js(qtbot, gmap, "document.querySelector('.leaflet-control-attribution').textContent")
    assert "© OpenStreetMap contributors (ODbL)" in attribution
    assert gmap.blocked_requests == 0, gmap.recent_blocked()


def test_units_reach_the_page(qtbot: Any, gmap: GridMap) -> None:
    """Each unit layer has the features that were set; subdistricts carry their labels."""
    st = state(qtbot, gmap)
    assert st["units"] == {"subdistrict": 2, "community": 3, "grid": 12}
    labels = js(qtbot, gmap, "Array.from(document.querySelectorAll('.gw-label')).map(e => e.textContent)")
    assert "西长安街" in labels


def test_cases_pushed_in_batches(qtbot: Any, gmap: GridMap) -> None:
    """Added, updated and removed cases show up as marker counts in the page."""
    gmap.push_cases(added=[case(f"b{i}") for i in range(50)])
    assert state(qtbot, gmap)["cases"] >= 50
    gmap.push_cases(updated=[case(f"b{i}", "overdue") for i in range(10)])
    gmap.push_cases(removed=[f"b{i}" for i in range(45, 50)])
    st = state(qtbot, gmap)
    assert st["cases"] == 45
    assert st["casesByStatus"]["overdue"] == 10
    assert st["clusterLayers"] == 45
    assert st["visibleCaseIcons"] + st["visibleClusters"] > 0
    gmap.push_cases(removed=[f"b{i}" for i in range(45)])
    assert state(qtbot, gmap)["cases"] == 0


def test_many_updates_in_one_tick_make_one_call(qtbot: Any, gmap: GridMap) -> None:
    """500 separate pushes within a tick reach the page as ONE runJavaScript batch."""
    qtbot.waitUntil(lambda: gmap.is_idle, timeout=WAIT_MS)
    before = gmap.batches_sent
    for i in range(500):
        gmap.push_cases(added=[case(f"t{i}", "due_soon")])
    st = state(qtbot, gmap)
    assert gmap.batches_sent - before == 1
    assert st["cases"] == 500 and st["casesByStatus"]["due_soon"] == 500
    assert st["lastBatch"] == gmap.batches_sent
    gmap.push_cases(removed=[f"t{i}" for i in range(500)])
    assert state(qtbot, gmap)["cases"] == 0


def test_a_batch_waiting_for_the_page_goes_when_the_page_is_done(qtbot: Any, gmap: GridMap) -> None:
    """An update made while a batch is still in the page is sent once that batch is applied, not
    after the 10 s a hung renderer is given (a cold start's first marker batch waited for it)."""
    qtbot.waitUntil(lambda: gmap.is_idle, timeout=WAIT_MS)
    gmap._in_flight = time.monotonic()  # a batch the page is still applying
    gmap.push_cases(added=[case("w1")])
    qtbot.waitUntil(lambda: gmap._flush_timer.remainingTime() > 5000, timeout=WAIT_MS)  # waits for the page
    gmap._on_batch_applied(gmap.batches_sent)  # the page's answer to that batch
    assert 0 <= gmap._flush_timer.remainingTime() <= 1000 / 20  # the next tick, at flush_hz=20
    assert state(qtbot, gmap)["cases"] >= 1
    gmap.push_cases(removed=["w1"])
    state(qtbot, gmap)


def test_grid_values_colour_the_grid(qtbot: Any, gmap: GridMap) -> None:
    """Grids with a value are coloured; the legend names the mode."""
    codes = grid_codes()
    gmap.set_grid_values({codes[0]: 3, codes[1]: 0, codes[2]: 7, "110102999999999": 2}, "overdue")
    st = state(qtbot, gmap)
    assert st["gridColoured"] == 2 and st["gridMode"] == "overdue"
    assert run_js(qtbot, gmap, "document.querySelector('.gw-legend-title').textContent") == "网格超期案件数"
    fills = js(
        qtbot,
        gmap,
        f"[gridwall.units.grid.get('{codes[0]}').options.fillColor, "
        f"gridwall.units.grid.get('{codes[2]}').options.fillColor]",
    )
    assert fills[0] != fills[1]
    gmap.set_grid_values({}, "density")
    assert state(qtbot, gmap)["gridColoured"] == 0


def test_unit_click_emits_drill_down(qtbot: Any, gmap: GridMap) -> None:
    """The click handler of a unit reaches Python as sigUnitClicked(code, level)."""
    code = grid_codes()[5]
    with qtbot.waitSignal(gmap.sigUnitClicked, timeout=WAIT_MS) as blocker:
        assert run_js(qtbot, gmap, f"gridwall.clickUnit('{code}')") is True
    assert blocker.args == [code, "grid"]
    with qtbot.waitSignal(gmap.sigUnitClicked, timeout=WAIT_MS) as blocker:
        run_js(qtbot, gmap, f"gridwall.clickUnit('{SUBS[1]}')")
    assert blocker.args == [SUBS[1], "subdistrict"]


def test_hovering_a_unit_shows_its_own_tooltip(qtbot: Any, gmap: GridMap) -> None:
    """The community and grid tooltips (one per layer group) show the hovered unit's name and code
    (events fired as the map fires a pointer's: propagated to the layer group)."""
    code = grid_codes()[3]
    show = (
        "(function () {{ const l = gridwall.findUnit('{code}');"
        " l.fire('mouseover', {{ latlng: l.getBounds().getCenter() }}, true);"
        " const t = document.querySelector('.leaflet-tooltip.gw-tip'); const text = t ? t.textContent : null;"
        " l.fire('mouseout', {{}}, true); return text; }})()"
    )
    assert code in run_js(qtbot, gmap, show.format(code=code))
    community = synthetic_units()[1]["features"][2]["properties"]
    text = run_js(qtbot, gmap, show.format(code=community["code"]))
    assert community["code"] in text and code not in text
    assert run_js(qtbot, gmap, "document.querySelectorAll('.leaflet-tooltip.gw-tip').length") == 0


def test_case_click_emits_case_id(qtbot: Any, gmap: GridMap) -> None:
    """Clicking a case marker reaches Python as sigCaseClicked(id)."""
    gmap.push_cases(added=[case("click-me")])
    state(qtbot, gmap)
    with qtbot.waitSignal(gmap.sigCaseClicked, timeout=WAIT_MS) as blocker:
        run_js(qtbot, gmap, "gridwall.clickCase('click-me')")
    assert blocker.args == ["click-me"]
    gmap.push_cases(removed=["click-me"])
    state(qtbot, gmap)


def test_untrusted_text_is_never_markup(qtbot: Any, gmap: GridMap) -> None:
    """Citizen text with <img onerror> shows as text in the popup and never runs."""
    evil = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
    gmap.push_cases(added=[case("evil", description=evil, address=evil, title_zh=evil)])
    state(qtbot, gmap)
    run_js(qtbot, gmap, "gridwall.clickCase('evil')")
    desc = run_js(qtbot, gmap, "document.querySelector('.gw-popup .gw-card-desc').textContent")
    assert desc == evil
    assert run_js(qtbot, gmap, "document.querySelectorAll('.leaflet-popup img, .leaflet-popup script').length") == 0
    run_js(qtbot, gmap, "new Promise(r => setTimeout(r, 300))")
    assert run_js(qtbot, gmap, "typeof window.__pwned") == "undefined"
    run_js(qtbot, gmap, "gridwall.map.closePopup()")
    gmap.push_cases(removed=["evil"])
    state(qtbot, gmap)


def test_language_switch(qtbot: Any, gmap: GridMap) -> None:
    """Labels, legend and attribution follow the language."""
    gmap.set_language("en")
    assert state(qtbot, gmap)["language"] == "en"
    labels = js(qtbot, gmap, "Array.from(document.querySelectorAll('.gw-label')).map(e => e.textContent)")
    assert "Xichang'anjie" in labels
    assert "generated" in run_js(qtbot, gmap, "document.querySelector('.leaflet-control-attribution').textContent")
    gmap.set_language("zh")
    assert state(qtbot, gmap)["language"] == "zh"


def test_staff_hotspots_sensors(qtbot: Any, gmap: GridMap) -> None:
    """Supervisors, hot spots and sensors are keyed layers replaced in place."""
    gmap.set_staff([{"id": f"s{i}", "lon": 116.36 + i * 0.001, "lat": 39.905} for i in range(7)])
    gmap.set_hotspots(
        [
            {
                "id": "xidan",
                "name_zh": "西单",
                "name_en": "Xidan",
                "lon": 116.373,
                "lat": 39.907,
                "level": "critical",
                "count": 30000,
                "capacity": 20000,
            }
        ]
    )
    gmap.set_sensors(
        [
            {
                "id": "w1",
                "kind": "water_level",
                "lon": 116.36,
                "lat": 39.91,
                "alarm": True,
                "value": 31.5,
                "unit": "cm",
            },
            {"id": "w2", "kind": "rain_gauge", "lon": 116.365, "lat": 39.91, "alarm": False},
        ]
    )
    st = state(qtbot, gmap)
    assert (st["staff"], st["hotspots"], st["sensors"], st["sensorAlarms"]) == (7, 1, 2, 1)
    assert run_js(qtbot, gmap, "document.querySelectorAll('.gw-hot--critical').length") == 1
    assert "西单" in run_js(qtbot, gmap, "document.querySelector('.gw-hot-tip').textContent")
    gmap.set_staff([{"id": "s1", "lon": 116.362, "lat": 39.906}])
    assert state(qtbot, gmap)["staff"] == 1


ANIMATIONS = """(function () {
  const out = [];
  const META = ['offset', 'computedOffset', 'easing', 'composite'];
  for (const a of document.getAnimations()) {
    if (!a.animationName) continue;  /* a transition (Leaflet's fades): short, not a running animation */
    const duration = a.effect.getComputedTiming().duration;
    const frames = a.effect.getKeyframes();
    for (let i = 0; i + 1 < frames.length; i++) {
      const m = /^steps\\((\\d+)/.exec(frames[i].easing);
      const span = (frames[i + 1].computedOffset - frames[i].computedOffset) * duration;
      const props = Object.keys(frames[i]).filter(k => !META.includes(k));
      out.push({ name: a.animationName, start: a.startTime, step: m ? span / +m[1] : null, props: props });
    }
  }
  return out;
})()"""


def test_pulses_are_budgeted_and_every_animation_steps_on_one_clock(qtbot: Any, gmap: GridMap) -> None:
    """A flood of new cases pulses at most PULSE_PER_S a second; every running animation (pulses, a
    critical hot spot's ring, a sensor alarm's blink) moves in steps of 62.5 ms starting on that clock,
    so the page draws at most 16 frames a second while anything animates. Each animates a property
    Chromium's compositor thread cannot run alone (that thread keeps a clock of its own)."""
    frame_ms, per_s = js(qtbot, gmap, "[gridwall.FRAME_MS, gridwall.PULSE_PER_S]")
    assert (frame_ms, per_s) == (62.5, 10)
    gmap.set_hotspots([{"id": "xidan", "lon": 116.373, "lat": 39.907, "level": "critical"}])
    gmap.set_sensors([{"id": "w1", "kind": "water_level", "lon": 116.36, "lat": 39.91, "alarm": True}])
    gmap.push_cases(added=[case(f"q{i}") for i in range(3)])
    qtbot.waitUntil(lambda: js(qtbot, gmap, "gridwall.pulseTokens()") >= per_s, timeout=WAIT_MS)
    gmap.push_cases(added=[case(f"p{i}") for i in range(40)])
    st = state(qtbot, gmap)
    assert per_s <= st["pulsing"] <= per_s + 1  # the budget (+1: a token refilled while the batch went)
    # every animation has been aligned once it started, and steps on the clock
    qtbot.waitUntil(
        lambda: js(qtbot, gmap, "document.getAnimations().every(a => a.startTime !== null)"), timeout=WAIT_MS
    )
    intervals = js(qtbot, gmap, ANIMATIONS)
    names = {i["name"] for i in intervals}
    assert {"gw-ring", "gw-blink"} <= names and names & {"gw-pulse", "gw-pulse-small"}, names
    for interval in intervals:
        assert interval["step"] is not None and interval["step"] % frame_ms == 0, interval
        assert interval["start"] % frame_ms == 0, interval
        # not transform/opacity/filter alone: those run on Chromium's compositor clock, off this one
        assert set(interval["props"]) - {"transform", "opacity", "filter"}, interval
    gmap.push_cases(removed=[f"p{i}" for i in range(40)] + [f"q{i}" for i in range(3)])
    gmap.set_hotspots([])
    gmap.set_sensors([])
    assert state(qtbot, gmap)["cases"] == 0


def test_a_batch_is_drawn_on_the_clock_and_a_snapshot_at_once(qtbot: Any, gmap: GridMap) -> None:
    """A batch of markers waits for the next 62.5 ms tick (the frame the animations step in); the
    answer comes at once. A reset (a snapshot) is applied at once, after what was queued."""
    qtbot.waitUntil(lambda: gmap.is_idle, timeout=WAIT_MS)
    first, second = json.dumps(case("clk1")), json.dumps(case("clk2"))
    queued = js(
        qtbot,
        gmap,
        "(function () { const id = gridwall.lastBatch;"
        f" const answer = gridwall.applyBatch({{ id: id, added: [{first}] }});"
        " return [answer === id, gridwall.cases.has('clk1')]; })()",
    )
    assert queued == [True, False]
    # applied on the tick (js() itself applies what is queued first, so this also holds when it runs first)
    qtbot.waitUntil(lambda: js(qtbot, gmap, "gridwall.cases.has('clk1')"), timeout=WAIT_MS)
    now = js(
        qtbot,
        gmap,
        "(function () { const id = gridwall.lastBatch;"
        f" gridwall.applyBatch({{ id: id, added: [{second}] }}); gridwall.applyBatch({{ id: id, reset: true }});"
        " return [gridwall.cases.has('clk1'), gridwall.cases.has('clk2'), gridwall.cases.size]; })()",
    )
    assert now == [False, False, 0]  # the queued batch went first, then the reset cleared both
    assert state(qtbot, gmap)["cases"] == 0


def test_flush_now_sends_without_waiting_and_the_page_draws_it_as_it_takes_it(qtbot: Any, gmap: GridMap) -> None:
    """flush_now (a snapshot's markers) sends in the same call and the page draws the batch as it takes it:
    once answered it is drawn (``drawn_batch``), where a plain batch waits for the page's next tick. Asked
    while a batch is in flight, the next batch goes as the answer comes, drawn at once too."""
    qtbot.waitUntil(lambda: gmap.is_idle, timeout=WAIT_MS)
    sent = gmap.batches_sent
    gmap.push_cases(added=[case("now1")])
    gmap.flush_now()
    assert gmap.batches_sent == sent + 1  # sent at once, not on a timer
    probe: list[Any] = []
    script = "JSON.stringify([gridwall.lastBatch, gridwall.cases.has('now1'), gridwall.clockPending()])"
    gmap.run_js(script, probe.append)  # not js(): that applies what waits for the tick before it reads
    qtbot.waitUntil(lambda: bool(probe), timeout=WAIT_MS)
    assert json.loads(probe[0]) == [sent + 1, True, False]  # drawn when taken: nothing waits for the tick
    assert gmap.drawn_batch == sent + 1
    gmap.push_cases(added=[case("later1")])  # a plain batch: answered as taken, drawn on the tick
    qtbot.waitUntil(lambda: gmap.is_idle, timeout=WAIT_MS)
    assert gmap.applied_batch == sent + 2 and gmap.drawn_batch == sent + 1
    gmap.push_cases(added=[case("busy1")])
    qtbot.waitUntil(lambda: gmap.batches_sent == sent + 3, timeout=WAIT_MS)
    gmap.push_cases(added=[case("now2")])
    gmap.flush_now()  # the last batch may still be in the page: then "now" goes with the next one
    qtbot.waitUntil(lambda: gmap.is_idle and gmap.drawn_batch == gmap.batches_sent, timeout=WAIT_MS)
    assert js(qtbot, gmap, "['now1', 'later1', 'busy1', 'now2'].every(id => gridwall.cases.has(id))")


def test_external_requests_are_blocked_and_nothing_leaves(qtbot: Any, gmap: GridMap) -> None:
    """fetch, images and scripts to outside hosts are blocked and counted; a local server sees nothing."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        before = gmap.blocked_requests
        page = gmap.page()
        errors_before = page.console_errors  # type: ignore[attr-defined]
        run_js(
            qtbot,
            gmap,
            f"""
            fetch('http://127.0.0.1:{port}/fetch').catch(() => null);
            fetch('https://example.com/x').catch(() => null);
            const img = new Image(); img.src = 'http://127.0.0.1:{port}/img.png'; document.body.appendChild(img);
            const s = document.createElement('script'); s.src = 'https://cdn.example.net/x.js';
            document.head.appendChild(s); 1""",
        )
        qtbot.waitUntil(lambda: gmap.blocked_requests >= before + 3, timeout=WAIT_MS)
        assert any("example.com" in url for url in gmap.recent_blocked())
        # the foreign script is stopped even earlier, by the page's CSP (logged as a console error)
        qtbot.waitUntil(lambda: page.console_errors == errors_before + 1, timeout=WAIT_MS)  # type: ignore[attr-defined]
        page.console_errors = errors_before  # type: ignore[attr-defined]
        assert hits == []
    finally:
        server.shutdown()
        server.server_close()


def test_units_drawn_before_the_map_is_laid_out_are_fitted_once_it_is(qtbot: Any, gmap: GridMap) -> None:
    """A map not yet shown (a child widget is 100×30 until its window lays it out; the wall builds the map
    first so the page draws the units meanwhile) does not zoom to Leaflet's maximum, where drawing ~2,700
    polygons froze the renderer for seconds; once it has its size, the district is fitted."""
    early = GridMap(flush_hz=20)
    try:
        early.set_units(*synthetic_units())
        qtbot.waitUntil(lambda: early.is_idle and early.drawn_batch >= 1, timeout=WAIT_MS)
        size = js(qtbot, early, "gridwall.map.getSize()")
        assert size["y"] < 4 * 24  # really not laid out: the padding leaves no room
        assert js(qtbot, early, "gridwall.map.getZoom()") < js(qtbot, early, "gridwall.map.getMaxZoom()")
        early.resize(900, 700)
        early.show()
        fitted = "gridwall.map.getBoundsZoom(gridwall.layers.subdistrict.getBounds(), false, L.point(48, 48))"
        deadline = time.monotonic() + WAIT_MS / 1000
        while js(qtbot, early, "gridwall.map.getSize().x") != 900 and time.monotonic() < deadline:
            qtbot.wait(50)
        qtbot.waitUntil(lambda: js(qtbot, early, f"gridwall.map.getZoom() === {fitted}"), timeout=WAIT_MS)
        assert js(qtbot, early, "gridwall.map.getSize()") == {"x": 900, "y": 700}
        assert js(qtbot, early, f"{fitted} < gridwall.map.getMaxZoom()")
    finally:
        dispose(early)


def test_a_unit_flown_to_stays_framed_when_the_map_is_resized(qtbot: Any, gmap: GridMap) -> None:
    """A look-up or drill-down flies to a unit; a resize afterwards (a starting wall gets its page's real size
    late) frames that unit again instead of sending the view back to the district; flying back to the
    district clears it."""
    grid = grid_codes()[5]
    framed = f"gridwall.map.getBoundsZoom(gridwall.findUnit('{grid}').getBounds(), false, L.point(120, 120))"
    district = "gridwall.map.getBoundsZoom(gridwall.layers.subdistrict.getBounds(), false, L.point(48, 48))"

    def size_is(w: int, h: int) -> bool:
        return bool(js(qtbot, gmap, f"gridwall.map.getSize().x === {w} && gridwall.map.getSize().y === {h}"))

    try:
        gmap.highlight(grid, fly=True)
        qtbot.waitUntil(lambda: js(qtbot, gmap, f"gridwall.map.getZoom() === {framed}"), timeout=WAIT_MS)
        assert js(qtbot, gmap, f"{framed} > {district} + 1")  # the grid, not the district
        gmap.resize(700, 560)
        qtbot.waitUntil(lambda: size_is(700, 560), timeout=WAIT_MS)
        qtbot.waitUntil(lambda: js(qtbot, gmap, f"gridwall.map.getZoom() === {framed}"), timeout=WAIT_MS)
        inside = f"gridwall.findUnit('{grid}').getBounds().contains(gridwall.map.getCenter())"
        assert js(qtbot, gmap, inside)
        gmap.highlight(None, fly=True)
        qtbot.waitUntil(lambda: js(qtbot, gmap, f"gridwall.map.getZoom() === {district}"), timeout=WAIT_MS)
        gmap.resize(900, 700)
        qtbot.waitUntil(lambda: size_is(900, 700), timeout=WAIT_MS)
        qtbot.waitUntil(lambda: js(qtbot, gmap, f"gridwall.map.getZoom() === {district}"), timeout=WAIT_MS)
    finally:
        gmap.resize(900, 700)
        gmap.highlight(None)


def test_real_units_load(qtbot: Any, gmap: GridMap) -> None:
    """The packaged Xicheng units (15 / 263 / ~2,432) load in one batch."""
    from feeds.geo.units import load_units
    from widgets.gridmap.adapters import unit_collections

    registry = load_units()
    gmap.set_units(*unit_collections(registry))
    st = state(qtbot, gmap)
    assert st["units"] == {
        "subdistrict": len(registry.subdistricts),
        "community": len(registry.communities),
        "grid": len(registry.grids),
    }
    gmap.set_units(*synthetic_units())
    state(qtbot, gmap)
