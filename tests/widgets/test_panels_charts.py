"""Chart strip: series updated in place, rankings labelled, bar clicks drill down."""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop.i18n import Translations
from feeds.live import ChartView, Label, Ranked
from widgets.charts import HourlyTrendChart, SourceMixChart, SubdistrictRankingChart, TopTypesChart
from widgets.theme import Scale, configure_pyqtgraph

W = TypeVar("W", bound=QWidget)

SCALE = Scale(1080)
TYPES = tuple(Ranked(f"12{i:02d}", Label(f"类型{i}", f"type {i}"), 100 - 10 * i) for i in range(9))
SUBS = (
    Ranked("110102001", Label("西长安街街道", "Xichang'anjie"), 50),
    Ranked("110102003", Label("新街口街道", "Xinjiekou"), 40),
)


def charts_view(hourly: tuple[int, ...] = tuple(range(24)), last_week: tuple[float, ...] | None = None) -> ChartView:
    """A chart view with the given hourly series."""
    total = sum(t.count for t in TYPES)
    sources = (Ranked("patrol", Label("监督员巡查", "patrol"), 90), Ranked("app", Label("随手拍", "app"), 10))
    return ChartView(hourly, last_week, "server" if last_week else "none", 15, TYPES, 0.75, total, sources, SUBS)


@pytest.fixture(autouse=True)
def _dark() -> None:
    configure_pyqtgraph()


def _shown(qtbot: QtBot, widget: W) -> W:
    qtbot.addWidget(widget)
    widget.resize(480, 300)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_hourly_chart_updates_in_place(qtbot: QtBot) -> None:
    """Bars and the last-week line take the series; the same items and arrays are reused."""
    w = _shown(qtbot, HourlyTrendChart(scale=SCALE))
    bars, line, items = w.bars, w.line, list(w.plot.getPlotItem().items)
    w.update_charts(charts_view(last_week=tuple(float(2 * h) for h in range(24))))
    assert np.array_equal(w.bars.opts["height"], np.arange(24))
    _x, y = w.line.getData()
    assert np.array_equal(y, 2 * np.arange(24)) and w.line.isVisible()
    w.update_charts(charts_view(hourly=tuple([5] * 24)))
    assert w.bars is bars and w.line is line and list(w.plot.getPlotItem().items) == items
    assert w.bars.opts["height"] is w.today and float(w.today.sum()) == 120
    assert not w.line.isVisible() and w.note_label.text() == "120 today"


def test_top_types_ranking_and_top5_share(qtbot: QtBot) -> None:
    """Top types show at most max_bars, the five largest bright, the top-5 share in the header."""
    w = _shown(qtbot, TopTypesChart(max_bars=8, scale=SCALE))
    w.update_charts(charts_view())
    assert w.axis_labels() == [f"类型{i}" for i in range(8)]
    assert list(w.widths) == [100, 90, 80, 70, 60, 50, 40, 30]
    assert w.note_label.text() == "top 5: 75.0%"
    assert w.values[0].toPlainText() == f"100 · {100 * 100 / sum(t.count for t in TYPES):.0f}%"
    assert [w.highlighted(i) for i in range(7)] == [True] * 5 + [False] * 2
    w.set_language("en")
    assert w.axis_labels()[0] == "type 0"


def test_rankings_shrink_and_short_names(qtbot: QtBot) -> None:
    """Fewer items blank the spare bars; subdistrict names drop the 街道 suffix in Chinese."""
    w = _shown(qtbot, SubdistrictRankingChart(scale=SCALE))
    w.update_charts(charts_view())
    assert w.axis_labels() == ["西长安街", "新街口"]
    assert list(w.widths[:3]) == [50, 40, 0] and w.values[2].toPlainText() == ""
    src = _shown(qtbot, SourceMixChart(scale=SCALE))
    src.update_charts(charts_view())
    assert src.values[0].toPlainText() == "90 · 90%"


def test_clicking_a_bar_drills_down(qtbot: QtBot) -> None:
    """A click on a bar emits sigDrillDown(kind, key)."""
    w = _shown(qtbot, TopTypesChart(scale=SCALE))
    w.update_charts(charts_view())
    pos = w.plot.mapFromScene(w.scene_pos_of(1))
    with qtbot.waitSignal(w.sigDrillDown) as blocker:
        qtbot.mouseClick(w.plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert blocker.args == ["type", "1201"]
    hourly = _shown(qtbot, HourlyTrendChart(scale=SCALE))
    hourly.update_charts(charts_view())
    pos = hourly.plot.mapFromScene(hourly.scene_pos_of(13))
    with qtbot.waitSignal(hourly.sigDrillDown) as blocker:
        qtbot.mouseClick(hourly.plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert blocker.args == ["hour", "13"]


def test_panels_are_garbage_collected(qtbot: QtBot) -> None:
    """Every panel is freed once its last reference goes (no reference cycles through slots)."""
    import gc
    import weakref

    from widgets.alerts import CrowdPanel, SensorPanel, WeatherPanel
    from widgets.case_feed import CaseFeed
    from widgets.kpi import KpiTiles
    from widgets.overdue import OverdueCounter
    from widgets.timeline import WorkflowTimeline

    kinds = (HourlyTrendChart, TopTypesChart, SourceMixChart, SubdistrictRankingChart, CaseFeed, OverdueCounter,
             KpiTiles, WeatherPanel, CrowdPanel, SensorPanel, WorkflowTimeline)  # fmt: skip
    refs = []
    for kind in kinds:
        w = kind(scale=SCALE)
        if hasattr(w, "update_charts"):
            w.update_charts(charts_view())
        refs.append(weakref.ref(w))
        del w
    gc.collect()
    assert [r() for r in refs] == [None] * len(kinds)


@pytest.mark.parametrize("make", [TopTypesChart, SourceMixChart, SubdistrictRankingChart])
def test_a_ranking_with_nothing_today_says_so(qtbot: QtBot, make: type[TopTypesChart]) -> None:
    """Just after midnight today has no case yet: the words, not an empty frame of axes; the bars come back
    with the first case, and the words follow the language."""
    w = _shown(qtbot, make(scale=SCALE))
    w.set_freshness("live")
    w.set_items([])
    assert not w.plot.isVisible() and w.no_data.isVisible() and w.no_data.text() == "No cases yet today"
    translations = Translations()
    try:
        translations.set_language("zh")  # what the wall's language switch does: the translator, then the panels
        w.set_language("zh")
        assert w.no_data.text() == "今日暂无案件"
        w.set_items(SUBS)
        assert w.plot.isVisible() and not w.no_data.isVisible() and w.items == SUBS
        w.set_freshness("none")
        assert not w.plot.isVisible() and w.no_data.text() == "无数据"
    finally:
        translations.set_language("en")
