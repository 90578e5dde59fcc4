"""The visitors' tour: scenes from the layout, cycling on an injected clock, paused by input, resumed when idle."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from waiting import WAIT_MS

from desktop.app import WallOptions
from desktop.cli import main
from desktop.i18n import Translations
from desktop.layout import LayoutError, load_layout, parse_layout
from desktop.session import WallSession
from desktop.tour import Tour
from desktop.tour_scenes import SCENE_KINDS, TourScene, caption
from feeds.live import LiveState, load_names
from feeds.protocol import Kpis, Snapshot
from feeds.protocol.answers import ResponseAnswer
from feeds.server import ServerConfig, ServerThread, TokenBook
from resources import resource_path

TOUR = """
[tour]
scene_s = 10
idle_s = 30
languages = ["zh", "en"]
[[tour.scene]]
kind = "live"
[[tour.scene]]
kind = "history"
title_en = "Our {span}"
[[tour.scene]]
kind = "overdue"
seconds = 5
"""


class FakeClock:
    """Seconds that move only when the test says so."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def _layout(tmp_path: Path) -> Path:
    path = tmp_path / "tour.toml"
    path.write_text(resource_path("layouts", "single.toml").read_text(encoding="utf-8").split("[tour]")[0] + TOUR)
    return path


@pytest.fixture
def wall(qtbot: Any, tmp_path: Path) -> Iterator[WallSession]:
    """A windowed wall on a live server, with a three-scene tour in its layout."""
    tokens = TokenBook()
    tokens.add("wall-token", "wall", "wall")
    tokens.add("op-token", "operator", "duty leader")
    server = ServerThread(
        ServerConfig(host="127.0.0.1", port=0, store_url=str(tmp_path / "s.db"), tokens=tokens, heartbeat_s=0.5)
    ).start()
    session = WallSession(
        server.url, "wall-token", WallOptions(windowed=True, size=(1600, 900), layout=_layout(tmp_path)), Translations()
    )
    session.show()
    qtbot.waitUntil(lambda: session.bridge.status.state == "live", timeout=WAIT_MS)
    yield session
    session.tour.stop()
    session.set_language("en")  # the translator is the application's: leave it as the next test expects
    session.close()
    server.stop()


def test_the_tour_cycles_pauses_on_input_and_resumes(qtbot: Any, wall: WallSession) -> None:
    """Scene by scene on the clock, one language each; a click pauses it and hands over; idle_s later it goes on."""
    clock = FakeClock()
    tour = Tour(wall, wall.layout.tour or pytest.fail("no [tour]"), clock=clock, parent=wall)
    assert wall.language == "zh"
    tour.start()
    assert tour.index == 0 and tour.caption.shown_text[0] == "西城区 · 此刻"
    spot = tour._spotlights[id(wall.wall_windows[0])]
    assert spot.target is wall.wall_windows[0].panels["feed"]
    clock.t += 9.0
    tour.step()
    assert tour.index == 0  # not over yet
    clock.t += 1.5
    tour.step()
    assert tour.index == 1 and wall.language == "en"  # the next scene, in the next language
    qtbot.waitUntil(lambda: tour.caption.shown_text[0] == "Our 1 day", timeout=WAIT_MS)  # cross-faded in

    window, feed = wall.wall_windows[0], wall.wall_windows[0].panels["feed"]
    at = feed.mapTo(window, feed.rect().center())  # a real click on the window, dispatched to the feed panel
    QTest.mouseClick(window.windowHandle(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)
    assert tour.paused and not tour.caption.showing and spot.target is None  # handed to the duty leader
    clock.t += 29.0
    tour.step()
    assert tour.paused and tour.index == 1
    clock.t += 2.0
    tour.step()
    assert not tour.paused and tour.index == 2 and wall.language == "zh"  # resumed with the next scene
    qtbot.waitUntil(lambda: tour.caption.showing, timeout=WAIT_MS)  # faded back in
    clock.t += 5.0
    tour.step()
    assert tour.index == 0  # round again
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_Space)  # a key pauses it too
    assert tour.paused
    tour.stop()
    assert not tour.running and wall.language == "zh"


def test_an_operator_starts_and_stops_the_tour_on_the_walls(qtbot: Any, wall: WallSession) -> None:
    """``gridwall tour start|stop`` (a ``tour`` message through the server) reaches the wall; a wall token may not."""
    url = wall.client.url
    assert main(["tour", "start", "--server", url, "--token", "op-token"]) == 0
    qtbot.waitUntil(lambda: wall.tour.running, timeout=WAIT_MS)
    assert main(["tour", "stop", "--server", url, "--token", "op-token"]) == 0
    qtbot.waitUntil(lambda: not wall.tour.running, timeout=WAIT_MS)
    assert main(["tour", "start", "--server", url, "--token", "wall-token"]) == 1  # forbidden for the wall role
    assert not wall.tour.running


def test_the_workstations_tour_actions_start_and_stop_the_tour_on_the_walls(qtbot: Any, wall: WallSession) -> None:
    """Ctrl+T on the workstation sends ``tour start`` through the server and the wall's tour runs (the
    workstation's own overview does not tour); Ctrl+Shift+T stops it."""
    desk = WallSession(
        wall.client.url, "op-token", WallOptions(workstation=True, size=(1280, 720), language="zh"), Translations()
    )
    desk.show()
    try:
        qtbot.waitUntil(lambda: desk.bridge.status.state == "live", timeout=WAIT_MS)
        window = desk.windows[0]
        start, stop = window.tour_actions  # type: ignore[attr-defined]
        assert start.shortcut().toString() == "Ctrl+T" and stop.shortcut().toString() == "Ctrl+Shift+T"
        assert start in window.view_menu.actions() and stop in window.view_menu.actions()  # type: ignore[attr-defined]
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT_MS)
        assert not wall.tour.running
        QTest.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: wall.tour.running, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: wall.tour.caption.showing, timeout=WAIT_MS)  # the first scene's caption is up
        assert not desk.tour.running  # a workstation only asks the walls
        QTest.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        qtbot.waitUntil(lambda: not wall.tour.running, timeout=WAIT_MS)
    finally:
        desk.set_language("en")
        desk.close()


def test_history_caption_reads_the_store_totals() -> None:
    """Ten years in numbers come from the server's KPI totals, in each language's number format."""
    state = LiveState(load_names())
    totals = {"cases": 3_220_000, "closed": 3_208_086, "closure_rate": 0.9963, "since": "2016-01-01"}
    state.apply([Snapshot(head=0, store_id="s1", kpi=Kpis(today={}, totals=totals))], now=1_796_400_000.0)
    scene = TourScene("history", 20.0)
    title, detail = caption(scene, state, "zh", 1_796_400_000.0)
    assert (title, detail) == ("11年 · 322万件", "自 2016-01-01 起 · 已结案 321万 件 · 结案率 99.63%")
    assert caption(scene, state, "en", 1_796_400_000.0)[0] == "11 years · 3.22M cases"


def test_every_scene_kind_has_both_languages_and_the_shipped_layouts_parse() -> None:
    """Each kind captions in zh and en; single.toml and wall3x3.toml carry a valid tour; bad tours are refused."""
    state = LiveState(load_names())
    for kind in SCENE_KINDS:
        zh, en = (caption(TourScene(kind, 10.0), state, lang, 1_796_400_000.0) for lang in ("zh", "en"))
        assert all(zh) and all(en) and zh != en
    for name in ("single.toml", "wall3x3.toml"):
        tour = load_layout(resource_path("layouts", name)).tour
        assert tour is not None and len(tour.scenes) >= 7
    base = tomllib.loads(resource_path("layouts", "single.toml").read_text(encoding="utf-8"))
    for bad in ({"scene": [{"kind": "fireworks"}]}, {"scene": []}, {"idle_s": -1, "scene": [{"kind": "live"}]}):
        with pytest.raises(LayoutError, match=r"\[tour\]"):
            parse_layout({**base, "tour": bad}, "t.toml")


def test_response_caption_shows_the_three_rates_of_the_response_query() -> None:
    """The 全响应 scene: 响应率/解决率/满意率 of the ``response`` answer, 同比 in points; the KPI rates before it."""
    state = LiveState(load_names())
    today = {"response_rate": 0.91, "resolution_rate": 0.82, "satisfaction_rate": 0.87, "response_window_s": 2_592_000}
    state.apply([Snapshot(head=0, store_id="s1", kpi=Kpis(today=today, totals={}))], now=1_796_400_000.0)
    scene = TourScene("response", 20.0)
    assert caption(scene, state, "zh", 1_796_400_000.0) == (
        "响应率 91.0% · 解决率 82.0% · 满意率 87.0%",
        "全响应 · 12345接诉即办 · 近30天 — 件诉求 · 满意率同比 —",
    )
    answer = ResponseAnswer.from_wire(
        {
            "period": {"label": "30d", "start_s": 1_793_808_000, "end_s": 1_796_400_000},
            "figures": {
                "reported": 41_230,
                "response_rate": 0.9634,
                "resolution_rate": 0.9018,
                "satisfaction_rate": 0.9712,
            },
            "yoy": {"change": {"satisfaction_rate": {"delta": 0.012}}},
        }
    )
    zh = caption(scene, state, "zh", 1_796_400_000.0, answer)
    en = caption(scene, state, "en", 1_796_400_000.0, answer)
    assert zh == (
        "响应率 96.3% · 解决率 90.2% · 满意率 97.1%",
        "全响应 · 12345接诉即办 · 近30天 41,230 件诉求 · 满意率同比 +1.2个百分点",
    )
    assert en == (
        "Responded 96.3% · resolved 90.2% · satisfied 97.1%",
        "12345 hotline (全响应) · 41,230 requests in 30 days · satisfaction +1.2 pp on a year ago",
    )


def test_a_long_caption_title_shrinks_to_one_line(qtbot: Any) -> None:
    """A title too wide for the band at full size is set smaller (not below TITLE_MIN_EM) instead of wrapping."""
    from PySide6.QtGui import QFontMetrics
    from PySide6.QtWidgets import QWidget

    from widgets.theme import Scale
    from widgets.tour_caption import TITLE_EM, TITLE_MIN_EM, TourCaption

    host = QWidget()
    qtbot.addWidget(host)
    host.resize(1200, 800)
    scale = Scale(1080.0)
    caption_ = TourCaption(host, scale)
    caption_.show_caption("西城区 · 此刻", "detail", "●")
    assert caption_.title.font().pixelSize() == scale.px(TITLE_EM)
    long_title = "Responded 99.4% · resolved 96.1% · satisfied 96.8%"
    caption_.update_text(long_title, "detail")
    size = caption_.title.font().pixelSize()
    assert scale.px(TITLE_MIN_EM) <= size < scale.px(TITLE_EM)
    room = caption_.width() - scale.pad * 6
    assert QFontMetrics(caption_.title.font()).horizontalAdvance(long_title) <= room
