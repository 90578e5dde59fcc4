"""Wall panels fed with plain data: feed, overdue counter, alerts, KPI tiles, workflow timeline, theme."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime

import pytest
from PySide6.QtCore import QModelIndex, QPoint, Qt, QTranslator
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from waiting import WAIT_MS

from feeds.live import (
    CaseView,
    Countdown,
    CrowdView,
    KpiView,
    Label,
    OverdueView,
    SensorView,
    UnitLoad,
    WeatherView,
    WorkflowStep,
)
from feeds.protocol import BEIJING
from widgets.alerts import CrowdPanel, SensorPanel, WeatherPanel
from widgets.case_feed import CaseFeed
from widgets.kpi import KpiTiles
from widgets.overdue import OverdueCounter
from widgets.panel import format_age, format_countdown, format_rate
from widgets.theme import OVERDUE, Scale, cjk_family
from widgets.timeline import WorkflowTimeline

NOW = datetime(2026, 8, 10, 15, 0, tzinfo=BEIJING).timestamp()
SCALE = Scale(1080)


def row(case_id: str, **kw: object) -> CaseView:
    """A feed row with sensible defaults."""
    fields: dict[str, object] = dict(
        id=case_id, kind="event", subclass="1201", type=Label("非法小广告", "illegal small ads"), source="app",
        source_name=Label("西城随手拍", "Xicheng Snap app"), grid="110102001001001", subdistrict_code="110102001",
        subdistrict=Label("西长安街街道", "Xichang'anjie"), community=Label("府右街南社区", "Fuyoujie South"),
        lon=116.37, lat=39.91, stage="dispatched", stage_since=NOW - 600, reported_at=NOW - 600,
        department_code="D01", department=Label("街道办事处", "Subdistrict offices"),
    )  # fmt: skip
    fields.update(kw)
    return CaseView(**fields)  # type: ignore[arg-type]


@pytest.fixture
def feed(qtbot: QtBot) -> Iterator[CaseFeed]:
    """A case feed sized like the default layout's."""
    w = CaseFeed(SCALE)
    qtbot.addWidget(w)
    w.resize(480, 385)
    w.show()
    yield w
    w.stop_animations()


def test_feed_shows_rows_newest_first(feed: CaseFeed) -> None:
    """The model holds the given rows in order and displays type and place."""
    feed.update_cases([row("b"), row("a")], NOW)
    assert [r.id for r in feed.model.rows()] == ["b", "a"]
    assert feed.model.data(feed.model.index(0)) == "非法小广告 · 西长安街街道"
    feed.set_language("en")
    assert feed.model.data(feed.model.index(0)) == "illegal small ads · Xichang'anjie"
    assert feed.note_label.text() == "14:50:00"


def test_feed_inserts_new_rows_and_highlights_them(feed: CaseFeed, qtbot: QtBot) -> None:
    """New cases are inserted at the top (no reset), glow, and old rows keep their objects."""
    a, b = row("a"), row("b")
    feed.update_cases([b, a], NOW)
    resets: list[int] = []
    inserted: list[tuple[int, int]] = []
    feed.model.modelReset.connect(lambda: resets.append(1))
    feed.model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    c, d = row("c"), row("d")
    assert feed.update_cases([d, c, b, a], NOW) == 2
    assert inserted == [(0, 1)] and not resets
    rows = feed.model.rows()
    assert rows[2] is b and rows[3] is a
    assert feed.model.glow("d") > 0.9 and feed.model.glow("a") == 0
    assert feed._glow_timer.isActive()
    assert feed.view.slide_px == 2 * feed.delegate.row_h  # new rows start above the top and slide down
    assert feed.view.visualRect(feed.model.index(2)).top() < 0 + feed.delegate.row_h
    qtbot.waitUntil(lambda: feed.view.slide_px == 0, timeout=WAIT_MS)
    assert feed.view.visualRect(feed.model.index(0)).top() == 0


def test_feed_slides_at_most_a_screen_and_not_a_flood(feed: CaseFeed) -> None:
    """Rows arriving while others slide add to the slide, up to a screen; a screen of new rows at once just shows."""
    from widgets.case_feed import SLIDE_MS

    screen = feed.view.viewport().height()
    per_screen = -(-screen // feed.delegate.row_h)  # rows that fill the screen
    assert per_screen >= 3
    shown = [row("a")]
    feed.update_cases(shown, NOW)
    feed.stop_animations()
    shown = [row("b"), *shown]
    assert feed.update_cases(shown, NOW) == 1
    assert feed.view.slide_px == feed.delegate.row_h and feed._slide.state() == feed._slide.State.Running
    shown = [row(f"n{i}") for i in range(per_screen - 1)] + shown  # one row short of a screen, mid-slide
    assert feed.update_cases(shown, NOW) == per_screen - 1
    assert feed.view.slide_px == screen  # capped: never more than a screen to slide
    assert feed._slide.duration() == SLIDE_MS
    flood = [row(f"f{i}") for i in range(per_screen)] + shown  # a whole screen at once
    assert feed.update_cases(flood, NOW) == per_screen
    assert feed.view.slide_px == 0 and feed._slide.state() == feed._slide.State.Stopped
    assert feed.view.visualRect(feed.model.index(0)).top() == 0  # the newest row on top, at once


def test_feed_updates_changed_rows_in_place_and_trims(feed: CaseFeed) -> None:
    """A changed record emits dataChanged for its row; rows past the end are removed."""
    a, b, c = row("a"), row("b"), row("c")
    feed.update_cases([c, b, a], NOW)
    changed: list[int] = []
    feed.model.dataChanged.connect(lambda top, _bottom, _roles: changed.append(top.row()))
    b2 = row("b", stage="closed")
    feed.update_cases([c, b2], NOW)
    assert changed == [1] and feed.model.rows() == [c, b2]


def test_feed_resets_without_overlap_and_rescales(feed: CaseFeed) -> None:
    """A list sharing no rows with the shown one (a snapshot) resets without glow; scale resizes rows."""
    feed.update_cases([row("a"), row("b")], NOW)
    resets: list[int] = []
    feed.model.modelReset.connect(lambda: resets.append(1))
    assert feed.update_cases([row("x"), row("y")], NOW) == 0
    assert resets == [1] and feed.model.glow("x") == 0
    small = feed.delegate.row_h
    feed.set_scale(Scale(3240))
    assert feed.delegate.row_h > 2.5 * small and feed.title_label.font().pixelSize() == Scale(3240).px(0.95)


def test_feed_citizen_text_is_plain(feed: CaseFeed) -> None:
    """A description with markup is escaped in tool tips and never parsed in painting."""
    feed.set_show_description(True)
    feed.update_cases([row("x", description="<b>x</b><img src=http://evil>")], NOW)
    tip = feed.model.data(feed.model.index(0), Qt.ItemDataRole.ToolTipRole)
    assert isinstance(tip, str)
    assert "&lt;b&gt;x&lt;/b&gt;" in tip and "<b>" not in tip and "<img" not in tip
    assert not feed.grab().isNull()  # the delegate paints it with drawText (plain)


def test_feed_click_and_tick(feed: CaseFeed, qtbot: QtBot) -> None:
    """Clicking a row emits its id; tick moves the clock used for ages."""
    feed.update_cases([row("a")], NOW)
    rect = feed.view.visualRect(feed.model.index(0))
    with qtbot.waitSignal(feed.sigCaseActivated) as blocker:
        qtbot.mouseClick(feed.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == ["a"]
    feed.tick(NOW + 3600)
    assert feed.model.now == NOW + 3600
    assert feed.model.data(QModelIndex()) is None


def _overdue_view() -> OverdueView:
    subs = (UnitLoad("110102001", Label("西长安街街道", "Xichang'anjie"), 3, 1),
            UnitLoad("110102003", Label("新街口街道", "Xinjiekou"), 1, 0))  # fmt: skip
    depts = (UnitLoad("D01", Label("街道办事处", "Subdistrict offices"), 4, 1),)
    urgent = (Countdown("c1", Label("暴露垃圾", "exposed garbage"), Label("西长安街街道", "X"), depts[0].name,
                        "handling", NOW + 600),
              Countdown("c2", Label("机动车乱停放", "illegal parking"), Label("新街口街道", "Y"), depts[0].name,
                        "filed", NOW + 2 * 3600 + 300))  # fmt: skip
    return OverdueView(4, 1, 120, subs, depts, urgent, NOW)


def test_overdue_counter_numbers_bars_and_ticking(qtbot: QtBot) -> None:
    """Big numbers, loads and countdowns show the view; tick advances the countdowns."""
    w = OverdueCounter(SCALE)
    qtbot.addWidget(w)
    w.resize(480, 400)
    w.show()
    w.update_overdue(_overdue_view())
    assert (w.overdue_value.text(), w.soon_value.text()) == ("4", "1")
    assert OVERDUE in w.overdue_value.styleSheet()
    assert [u.code for u in w.by_subdistrict.loads] == ["110102001", "110102003"]
    assert w.countdowns.texts() == ["in 10 min", "in 2 h 5 min"]
    w.tick(NOW + 1)
    assert w.countdowns.texts() == ["in 9 min", "in 2 h 4 min"]
    assert w.note_label.text() == "120 open"
    assert not w.grab().isNull()
    y = round(SCALE.base * 1.1 + SCALE.base * 1.25 * 0.5)
    with qtbot.waitSignal(w.sigDrillDown) as blocker:
        qtbot.mouseClick(w.by_subdistrict, Qt.MouseButton.LeftButton, pos=QPoint(10, y))
    assert blocker.args == ["subdistrict", "110102001"]


def test_weather_panel_badge_and_no_warning(qtbot: QtBot) -> None:
    """The badge names hazard and level; with no warning the panel says so."""
    w = WeatherPanel(SCALE)
    qtbot.addWidget(w)
    w.resize(480, 160)
    w.update_weather([])
    assert w.badge_text() == "No weather warning in force"
    w.update_weather([WeatherView("w1", "rainstorm", "orange", "<script>x</script>暴雨", NOW),
                      WeatherView("w2", "heat", "yellow", "", NOW)])  # fmt: skip
    assert w.badge_text() == "Rainstorm · Orange warning" and w.note_label.text() == "15:00"
    assert not w.grab().isNull()


def test_weather_panel_text_in_english_names_the_warning_in_english(qtbot: QtBot) -> None:
    """Under the English badge the simulator's 寒潮蓝色预警 reads "Blue cold wave warning"; a Chinese sentence
    gives way to the warning's English name, an English text stays; the Chinese view shows the text as sent."""
    w = WeatherPanel(SCALE)
    qtbot.addWidget(w)
    drill = "（演练）西城区气象台发布暴雨橙色预警信号：预计未来3小时将出现50毫米以上降雨"
    cases = [
        (WeatherView("w1", "cold_wave", "blue", "寒潮蓝色预警", NOW), "Blue cold wave warning"),
        (WeatherView("w2", "thunder", "yellow", "雷电黄色预警信号", NOW), "Yellow thunderstorm warning"),
        (WeatherView("w3", "rainstorm", "orange", drill, NOW), "Orange rainstorm warning"),
        (WeatherView("w4", "heat", "red", "Heat red warning: stay indoors", NOW), "Heat red warning: stay indoors"),
    ]
    for view, english in cases:
        w.update_weather([view])
        w.set_language("en")
        assert w.body_text() == english
        w.set_language("zh")
        assert w.body_text() == view.text
    assert not w.grab().isNull()


def test_crowd_and_sensor_panels(qtbot: QtBot) -> None:
    """Crowd rows, crowded count and clicks; sensors with alarms counted."""
    crowd = CrowdPanel(SCALE)
    sensors = SensorPanel(SCALE)
    for w in (crowd, sensors):
        qtbot.addWidget(w)
        w.resize(480, 240)
        w.show()
    spots = [
        CrowdView("xidan", Label("西单", "Xidan"), 22000, 20000, "critical", (18000, 22000), 1, NOW),
        CrowdView("jrj", Label("金融街", "Financial St"), 5000, 20000, "normal", (5100, 5000), 0, NOW),
    ]
    crowd.update_crowd(spots)
    assert crowd.note_label.text() == "1 crowded" and crowd.visible_rows() >= 2
    with qtbot.waitSignal(crowd.sigSpotClicked) as blocker:
        qtbot.mouseClick(crowd.canvas, Qt.MouseButton.LeftButton, pos=QPoint(10, 5))
    assert blocker.args == ["xidan"]
    reading = SensorView(
        "s1", "water_level", Label("下穿", "Underpass"), 31.0, "cm", 25.0, True, 116.3, 39.9, (20.0, 31.0), NOW
    )
    sensors.update_sensors([reading, replace(reading, sensor_id="s2", alarm=False, value=3.0)])
    assert sensors.note_label.text() == "1 in alarm"
    assert not crowd.grab().isNull() and not sensors.grab().isNull()


def test_kpi_tiles_show_values_and_count_up(qtbot: QtBot) -> None:
    """Tiles show today's figures and the ten-year totals; animated tiles end on the new value."""
    w = KpiTiles(SCALE)
    qtbot.addWidget(w)
    w.set_animated(False)
    kpi = KpiView(1043, 1010, 1000, 870, 0.8341, 0.9815, 3_220_000, 3_208_086, 0.9963, "2016-01-01", "server")
    w.update_kpi(kpi)
    assert w.tiles["reported"].number.text() == "1,043"
    assert w.tiles["on_time_rate"].number.text() == "98.15%"
    assert (w.total_value.text(), w.rate_value.text()) == ("3,220,000", "99.63%")
    assert w.total_caption.text() == "cases since 2016"
    w.set_animated(True)
    w.update_kpi(KpiView(1100, 1010, 1000, 870, 0.8341, 0.9815, None, None, None, None, "server"))
    qtbot.waitUntil(lambda: w.tiles["reported"].number.text() == "1,100", timeout=WAIT_MS)
    assert w.total_value.text() == "—"


def test_workflow_timeline_margins_rework_and_urges(qtbot: QtBot) -> None:
    """The timeline lists steps with early/late margins, notes rework and urges, and ticks."""
    w = WorkflowTimeline(SCALE)
    qtbot.addWidget(w)
    w.resize(700, 330)
    t = NOW - 8 * 3600
    steps = [WorkflowStep(t, "reported"), WorkflowStep(t + 600, "filed", deadline=t + 3600),
             WorkflowStep(t + 1200, "dispatched", deadline=t + 900), WorkflowStep(t + 1800, "handling"),
             WorkflowStep(t + 2000, "urge", actor="值班长"), WorkflowStep(t + 3000, "verifying"),
             WorkflowStep(t + 4000, "handling", deadline=NOW + 600, note="<b>again</b>")]  # fmt: skip
    w.set_steps(steps, NOW)
    assert w.note_label.text() == "Urged ×1 · rework ×1"
    filed, dispatched, current = w.entries[1], w.entries[2], w.entries[-1]
    assert w.margin_text(filed) == "40 min early" and w.margin_text(dispatched) == "15 min late"
    assert w.margin_text(current) == "in 10 min" and current.rework
    w.tick(NOW + 1200)
    assert w.margin_text(w.entries[-1]) == "10 min late"
    assert not w.grab().isNull()
    w.clear()
    assert w.entries == []


def test_language_change_retranslates_titles(qtbot: QtBot) -> None:
    """Installing a translator re-reads panel titles through self.tr (English source strings)."""

    class Marker(QTranslator):
        def translate(self, context, source, disambiguation=None, n=-1):  # type: ignore[no-untyped-def]
            return f"[{source}]" if context in ("CaseFeed", "OverdueCounter") else None

        def isEmpty(self) -> bool:  # Qt sends LanguageChange only for non-empty translators
            return False

    feed_w, overdue_w = CaseFeed(SCALE), OverdueCounter(SCALE)
    qtbot.addWidget(feed_w)
    qtbot.addWidget(overdue_w)
    marker = Marker()
    QApplication.installTranslator(marker)
    try:
        qtbot.waitUntil(lambda: feed_w.title_label.text() == "[Latest cases]")
        assert overdue_w.soon_caption.text() == "[Due soon]"
    finally:
        QApplication.removeTranslator(marker)
    qtbot.waitUntil(lambda: feed_w.title_label.text() == "Latest cases")


def test_scale_fonts_and_formats(qtbot: QtBot) -> None:
    """Sizes follow the screen height; the CJK family is found; time and rate formats."""
    assert Scale(1080).base == 18 and Scale(3240).base == 54 and Scale(300).base == 11
    assert Scale(3240).font(2).pixelSize() == 108
    assert cjk_family() in ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC")
    assert format_countdown(59) == "in 59 s" and format_countdown(3725) == "in 1 h 2 min"
    assert format_countdown(-5) == "5 s overdue"
    assert format_age(30) == "now" and format_age(3900) == "1 h 5 min" and format_rate(0.9963) == "99.63%"
    assert format_rate(99.63) == "99.63%" and format_rate(None) == "—"
