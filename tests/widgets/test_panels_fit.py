"""Panels choose what to show by the space they have: no number is ever cut, no row is cut in half.

The default wall layout with realistic data (``widgets.panels_demo``) at the workstation's
1366×768, at 1920×1080 and at 3840×2160, in both languages, plus the workstation's overview
column (the window's left 40 %, scaled like desktop.session.WORKSTATION_OVERVIEW).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QLabel

from feeds.live import LiveState, load_names
from widgets.charts import _RankingChart
from widgets.panels_demo import NOW, _wall_class, demo_messages, demo_steps
from widgets.theme import Scale

SIZES = [(1366, 768, 768), (1920, 1080, 1080), (3840, 2160, 2160), (546, 740, 476)]
"""Window width, height and the height the scale follows (the last: a workstation's overview column)."""


@pytest.fixture(scope="module")
def state() -> LiveState:
    """The demo's live state: snapshot, KPIs with charts, alerts and live events."""
    live = LiveState(load_names())
    live.apply(demo_messages(random.Random(20260810)), now=NOW)
    return live


@pytest.fixture(
    params=[(*size, lang) for size in SIZES for lang in ("en", "zh")], ids=lambda p: f"{p[0]}x{p[1]}-{p[3]}"
)
def wall(qtbot: Any, state: LiveState, request: pytest.FixtureRequest) -> Iterator[Any]:
    """The default layout's panels at one size and language, filled and laid out."""
    width, height, scale_h, lang = request.param
    wall = _wall_class()(Scale(scale_h), lang)
    qtbot.addWidget(wall)
    wall.resize(width, height)
    wall.show()
    qtbot.waitExposed(wall)
    wall.fill(state, demo_steps(), NOW)
    QApplication.processEvents()
    wall.fill(state, demo_steps(), NOW)
    QApplication.processEvents()
    yield wall


def test_chart_values_are_never_cut(wall: Any) -> None:
    """Every bar's value ends inside its plot and is the whole number (with its share when there is room)."""
    for chart in (wall.types, wall.sources, wall.ranking):
        assert isinstance(chart, _RankingChart) and chart.items
        assert all(chart.value_fits()), (type(chart).__name__, [v.toPlainText() for v in chart.values])
        for item, text in zip(chart.items, chart.values, strict=False):
            assert text.toPlainText() in (chart.value_text(item), chart.value_text(item, share=False))
        line = QFontMetrics(chart.scale.font(0.7)).height()
        assert chart.vb.height() / len(chart.items) >= line  # bars never squeezed below a text line


def _load_bars(wall: Any) -> list[Any]:
    """The overdue panel's load columns that are shown (departments go when both do not fit)."""
    return [b for b in (wall.overdue.by_subdistrict, wall.overdue.by_department) if b.isVisibleTo(wall)]


def test_names_keep_enough_to_read(wall: Any) -> None:
    """Names are shown whole where the wall has room, and never cut to fewer than four characters."""
    charts = (wall.types, wall.sources, wall.ranking)
    shown = [(n, full) for c in charts for n, full in zip(c.names_shown, c.axis_labels(), strict=True)]
    for bars in _load_bars(wall):
        shown += [(row[1], bars.short_name(u)) for u, row in zip(bars.loads, bars.row_layout(), strict=False)]
    assert shown and wall.overdue.by_subdistrict.isVisibleTo(wall)
    assert [(n, full) for n, full in shown if n != full and len(n.rstrip("…")) < 4] == []
    if wall.height() >= 1080:  # a wall has room for every chart name
        assert [c.names_shown for c in charts] == [c.axis_labels() for c in charts]


def test_a_bigger_wall_never_cuts_more(qtbot: Any, state: LiveState) -> None:
    """Names at 3840×2160 are cut no more than at 1920×1080 (sizes scale; font hinting may cost a letter or two)."""
    shown: dict[int, list[str]] = {}
    for width, height in ((1920, 1080), (3840, 2160)):
        wall = _wall_class()(Scale(height), "en")
        qtbot.addWidget(wall)
        wall.resize(width, height)
        wall.show()
        qtbot.waitExposed(wall)
        for _ in range(2):
            wall.fill(state, demo_steps(), NOW)
            QApplication.processEvents()
        rows = [r[1] for b in _load_bars(wall) for r in b.row_layout()]
        shown[height] = rows + [n for c in (wall.types, wall.sources, wall.ranking) for n in c.names_shown]
        wall.close()
    assert len(shown[2160]) == len(shown[1080]), shown
    assert [(a, b) for a, b in zip(shown[2160], shown[1080], strict=True) if len(a) < 0.9 * len(b)] == []


def test_overdue_numbers_fit_their_cells(wall: Any) -> None:
    """Every overdue and due-soon count fits its cell, and every row lies inside its panel."""
    for bars in _load_bars(wall):
        fm = QFontMetrics(bars.scale.font(0.72))
        rows = bars.row_layout()
        assert rows
        for u, (_, _, _, over, soon) in zip(bars.loads, rows, strict=False):
            assert (
                fm.horizontalAdvance(str(u.overdue)) <= over.width()
                and fm.horizontalAdvance(str(u.due_soon)) <= soon.width()
            )
            assert soon.right() <= bars.width() + 0.5 and over.bottom() <= bars.height() + 0.5


def test_feed_shows_whole_rows_only(wall: Any) -> None:
    """Rows above the feed's cut line are whole; nothing below it is shown."""
    view = wall.feed.view
    cut = view.cut_y()
    assert 0 < cut <= view.viewport().height()
    shown = [view.visualRect(wall.feed.model.index(i, 0)) for i in range(wall.feed.model.rowCount())]
    shown = [r for r in shown if r.top() < cut]
    assert shown and all(r.bottom() < cut for r in shown)


def test_no_label_text_is_clipped(wall: Any) -> None:
    """Every visible one-line label (KPI values, captions, titles) has room for its whole text."""
    clipped = []
    for label in wall.findChildren(QLabel):
        if label.isVisibleTo(wall) and label.text() and not label.wordWrap():
            need = QFontMetrics(label.font()).horizontalAdvance(label.text())
            if need > label.contentsRect().width() + 1:
                clipped.append(label.text())
    assert clipped == []


def test_overdue_columns_choose_alike_at_every_scale(qtbot: Any, state: LiveState) -> None:
    """The department column shows at a width at 1080p exactly when it shows at twice that width at 4K."""
    from widgets.overdue import OverdueCounter

    shown: dict[int, list[bool]] = {}
    for height in (1080, 2160):
        panel = OverdueCounter(Scale(height))
        qtbot.addWidget(panel)
        panel.set_language("en")
        panel.update_overdue(state.overdue())
        panel.show()
        shown[height] = []
        for width in range(300, 720, 20):
            panel.resize(width * height // 1080, 330 * height // 1080)
            QApplication.processEvents()
            shown[height].append(panel.by_department.isVisibleTo(panel))
    assert shown[1080] == shown[2160] and True in shown[1080] and False in shown[1080]
