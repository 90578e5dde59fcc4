"""No figure the wall does not have: "no data" before the first data, greyed "as of" when stale; one countdown form."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from feeds.live import KpiView, OverdueView
from feeds.protocol import BEIJING
from feeds.protocol.answers import WarningsAnswer
from widgets.alerts import CrowdPanel, SensorPanel, WeatherPanel
from widgets.charts import HourlyTrendChart, SourceMixChart, SubdistrictRankingChart, TopTypesChart
from widgets.gridmap.freshness import FreshnessBadge
from widgets.kpi import KpiTiles
from widgets.overdue import OverdueCounter
from widgets.panel import Panel, format_age, format_countdown, format_duration
from widgets.theme import Scale
from widgets.title_bar import TitleBar
from widgets.warnings_panel import WarningsPanel

QM = Path(__file__).resolve().parents[2] / "resources" / "i18n" / "gridwall_zh_CN.qm"
NOW = datetime(2026, 8, 10, 3, 8, 9, tzinfo=BEIJING).timestamp()
SCALE = Scale(1080)
ALL_CLEAR = ("No weather warning", "No unusual rise", "0 overdue", "当前无气象预警", "今日无异常上升")


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[None]:
    """The packaged Chinese translation, installed for one test."""
    translator = QTranslator()
    assert translator.load(str(QM))
    QCoreApplication.installTranslator(translator)
    yield
    QCoreApplication.removeTranslator(translator)


def _panels(qtbot: QtBot) -> list[Panel]:
    panels: list[Panel] = [
        KpiTiles(SCALE),
        OverdueCounter(SCALE),
        WeatherPanel(SCALE),
        CrowdPanel(SCALE),
        SensorPanel(SCALE),
        WarningsPanel(SCALE),
        HourlyTrendChart(SCALE),
        TopTypesChart(scale=SCALE),
        SourceMixChart(scale=SCALE),
        SubdistrictRankingChart(scale=SCALE),
    ]
    for p in panels:
        qtbot.addWidget(p)
        p.resize(480, 300)
        p.show()
    return panels


def _texts(w: QWidget) -> list[str]:
    """Every label's text, the badge of an alert panel, and the painted countdown strings."""
    from PySide6.QtWidgets import QLabel

    out = [label.text() for label in w.findChildren(QLabel) if label.isVisibleTo(w)]
    if isinstance(w, WeatherPanel):
        out.append(w.badge_text())
    if isinstance(w, OverdueCounter):
        out += w.countdowns.texts()
    return out


def test_before_the_first_data_every_panel_says_no_data(qtbot: QtBot) -> None:
    """Freshness 'none': dashes and "No data", never a zero, a 0.0% or an all-clear."""
    panels = _panels(qtbot)
    kpi, overdue = panels[0], panels[1]
    assert isinstance(kpi, KpiTiles) and isinstance(overdue, OverdueCounter)
    kpi.set_animated(False)
    kpi.update_kpi(KpiView(0, 0, 0, 0, 0.0, 0.0, 10, 9, 0.9, "2016-01-01", "server"))  # then the server goes away
    overdue.update_overdue(OverdueView(0, 0, 0, (), (), (), NOW))
    for p in panels:
        p.set_freshness("none")
        texts = _texts(p)
        assert p.note_label.text() == "No data", type(p).__name__
        for text in texts:
            assert text.strip() not in ("0", "0.00%", "0.0%") and not any(c in text for c in ALL_CLEAR), (p, text)
    assert {t.number.text() for t in kpi.tiles.values()} == {"—"}
    assert (overdue.overdue_value.text(), overdue.soon_value.text()) == ("—", "—")
    weather = panels[2]
    assert isinstance(weather, WeatherPanel) and weather.badge_text() == "No data"
    for chart in panels[6:]:
        assert isinstance(chart, HourlyTrendChart | TopTypesChart | SourceMixChart | SubdistrictRankingChart)
        assert not chart.plot.isVisible() and chart.no_data.isVisible()


def test_stale_panels_keep_their_figures_greyed_with_the_time(qtbot: QtBot) -> None:
    """Freshness 'stale': the last values stay, the content is dimmed, the note says "as of 03:08"."""
    w = OverdueCounter(SCALE)
    qtbot.addWidget(w)
    w.show()
    w.update_overdue(OverdueView(4, 1, 120, (), (), (), NOW))
    assert w.note_label.text() == "120 open"
    w.set_freshness("stale", NOW)
    assert w.overdue_value.text() == "4" and w.note_label.text() == "as of 03:08"
    assert w.is_dimmed() and w.title_label.graphicsEffect() is None
    w.set_freshness("live")
    assert w.note_label.text() == "120 open" and not w.is_dimmed()


def test_warnings_panel_says_no_unusual_rise_only_after_an_answer(qtbot: QtBot) -> None:
    """'No unusual rise today' is a finding: without an answer the section says "No data"."""
    w = WarningsPanel(SCALE)
    qtbot.addWidget(w)
    w.resize(480, 400)
    w.show()
    assert w.empty_text("anomalies") == "No data" and w.note_label.text() == "waiting for data"
    w.update_warnings(WarningsAnswer((), 0, (), 0), now=NOW)
    assert w.empty_text("anomalies") == "No unusual rise today"
    w.set_freshness("none")  # the wall lost (or never had) its server: no finding stands
    assert w.empty_text("anomalies") == "No data"


def test_title_bar_never_claims_an_update_it_did_not_receive(qtbot: QtBot, chinese: None) -> None:
    """No data: "connecting"/"unreachable", no 'last update'; a refusal in words; the weather chip waits for data."""
    bar = TitleBar(SCALE)
    qtbot.addWidget(bar)
    bar.set_status("connecting", None)
    assert bar.status_text == "正在连接…"
    bar.set_status("connecting", None, detail="cannot reach ws://127.0.0.1:9: refused")
    assert bar.status_text == "无法连接服务器 · 重试中" and "最后更新" not in bar.status_text
    bar.set_status("refused", None, detail="access refused: unknown token")
    assert bar.status_text == "令牌无效 · 拒绝访问"
    assert not bar._warning_chip.isVisibleTo(bar)
    bar.set_warning(None)
    assert bar._warning_chip.isVisibleTo(bar) and bar._warning_chip.text() == "无气象预警"
    bar.set_status("reconnecting", NOW)
    assert bar.status_text == "重连中 · 最后更新 03:08:09"
    bar.set_status("stale", NOW)  # connected but silent: stale, not reconnecting
    assert bar.status_text == "数据滞后 · 最后更新 03:08:09"


def test_title_bar_refusal_in_english(qtbot: QtBot) -> None:
    """The same refusal in English."""
    bar = TitleBar(SCALE)
    qtbot.addWidget(bar)
    bar.set_status("refused", NOW, detail="access refused: unknown token")
    assert bar.status_text == "Invalid token · access refused"


@pytest.mark.parametrize(
    ("seconds", "english", "chinese_text"),
    [
        (9060, "in 2 h 31 min", "剩 2 小时 31 分"),
        (151, "in 2 min", "剩 2 分"),
        (45, "in 45 s", "剩 45 秒"),
        (7200, "in 2 h", "剩 2 小时"),
        (-1860, "31 min overdue", "超期 31 分"),
        (3 * 86400 + 4 * 3600 + 59, "in 3 d 4 h", "剩 3 天 4 小时"),
    ],
)
def test_one_countdown_form_in_both_languages(
    qapp: QApplication, seconds: float, english: str, chinese_text: str
) -> None:
    """Countdowns read as durations ("in 2 h 31 min"), never as clock times ("02:31"), in English and Chinese."""
    assert format_countdown(seconds) == english
    translator = QTranslator()
    assert translator.load(str(QM))
    QCoreApplication.installTranslator(translator)
    try:
        assert format_countdown(seconds) == chinese_text
        assert ":" not in format_countdown(seconds)
    finally:
        QCoreApplication.removeTranslator(translator)


def test_ages_use_the_same_duration_words(qapp: QApplication) -> None:
    """Feed ages and margins are the same words as the countdowns."""
    assert format_age(30) == "now" and format_age(3900) == format_duration(3900) == "1 h 5 min"


def test_map_badge_says_no_data_then_as_of_then_hides(qtbot: QtBot) -> None:
    """The map cannot be greyed: a badge over it says "No data", then "as of 03:08", and goes while live."""
    host = QWidget()
    qtbot.addWidget(host)
    host.resize(800, 600)
    host.show()
    badge = FreshnessBadge(host)
    assert not badge.isVisible()
    badge.set_freshness("none")
    assert badge.isVisible() and badge.text() == "No data"
    badge.set_freshness("stale", NOW)
    assert badge.text() == "as of 03:08" and abs(badge.x() + badge.width() / 2 - 400) <= 1
    host.resize(1000, 600)
    assert abs(badge.x() + badge.width() / 2 - 500) <= 1
    badge.set_freshness("live")
    assert not badge.isVisible()
