"""Chart strip (pyqtgraph): hourly trend vs last week, top case types, source mix, subdistrict ranking.

Every chart preallocates its items and numpy arrays once and updates them in
place (``setOpts``/``setData``/``setTicks``); nothing is rebuilt per update.
Clicking a bar emits ``sigDrillDown(kind, key)``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QBrush, QFontMetrics
from PySide6.QtWidgets import QLabel, QWidget

from feeds.live import ChartView, Ranked
from widgets.panel import Panel, format_count, no_data_text, short_unit_name, translate
from widgets.theme import ACCENT, ACCENT_DIM, COMPARE, PANEL, PANEL_EDGE, TEXT, TEXT_DIM, Scale, colour

_TEXT_MARGIN = 8
"""Pixels a pyqtgraph TextItem adds around its text (its document margin on both sides)."""


class _ChartPanel(Panel):
    """A panel holding one dark, non-interactive pyqtgraph plot."""

    kind = ""

    sigDrillDown = Signal(str, str)

    def __init__(self, scale: Scale | None = None, parent: QWidget | None = None) -> None:
        super().__init__(scale, parent)
        self.plot = pg.PlotWidget(self, background=PANEL, enableMenu=False)  # no context menu ever: not built
        self.plot.setFrameShape(self.plot.Shape.NoFrame)
        self.plot.hideButtons()
        self.plot.setMouseEnabled(False, False)
        self.plot.setAntialiasing(True)
        self.vb = self.plot.getPlotItem().getViewBox()
        self.vb.disableAutoRange()
        self.plot.scene().sigMouseClicked.connect(self._on_scene_clicked)
        self.body.addWidget(self.plot)
        self.no_data = QLabel(no_data_text(), self)
        self.no_data.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_data.setStyleSheet(f"color: {TEXT_DIM};")
        self.no_data.hide()
        self.body.addWidget(self.no_data)

    def freshness_changed(self) -> None:
        """No data: the words "no data" instead of an empty chart with a zero axis; data with
        nothing to draw: the chart's own words for it (:meth:`empty_text`)."""
        words = no_data_text() if not self.has_data else self.empty_text()
        self.plot.setVisible(words is None)
        self.no_data.setText(words or "")
        self.no_data.setFont(self.scale.font(0.9))
        self.no_data.setVisible(words is not None)

    def empty_text(self) -> str | None:
        """Words instead of the chart when its data has nothing to draw (override); None: draw it."""
        return None

    def _style_axes(self) -> None:
        s = self.scale
        for name in ("left", "bottom"):
            axis = self.plot.getAxis(name)
            axis.setPen(pg.mkPen(PANEL_EDGE, width=s.line))
            axis.setTextPen(pg.mkPen(TEXT_DIM))
            axis.setStyle(tickFont=s.font(0.7), tickLength=0, tickTextOffset=max(2, s.gap))

    def _on_scene_clicked(self, event: object) -> None:
        pos = self.vb.mapSceneToView(event.scenePos())  # type: ignore[attr-defined]
        key = self.key_at(pos)
        if key is not None:
            self.sigDrillDown.emit(self.kind, key)

    def key_at(self, pos: QPointF) -> str | None:
        """The key of the bar under view coordinates ``pos`` (override)."""
        return None

    def scene_pos_of(self, index: int) -> QPointF:
        """Scene position of bar ``index``'s centre (tests click there)."""
        return QPointF(self.vb.mapViewToScene(self.bar_centre(index)))

    def bar_centre(self, index: int) -> QPointF:
        """View coordinates of a bar's centre (override)."""
        return QPointF()


class HourlyTrendChart(_ChartPanel):
    """Cases per hour today (bars) against the same weekday last week (dashed line).

    Signals:
        sigDrillDown(str, str): ``("hour", "13")`` when an hour's bar is clicked.
    """

    kind = "hour"

    def __init__(self, scale: Scale | None = None, parent: QWidget | None = None) -> None:
        super().__init__(scale, parent)
        self.hours = np.arange(24, dtype=float)
        self.today = np.zeros(24)
        self.last_week = np.zeros(24)
        self._brushes = [QBrush(colour(ACCENT)), QBrush(colour(ACCENT, 0.45))]
        self.bars = pg.BarGraphItem(x=self.hours, height=self.today, width=0.72, brush=self._brushes[0], pen=None)
        self.line = pg.PlotDataItem(self.hours, self.last_week)
        self.plot.addItem(self.bars)
        self.plot.addItem(self.line)
        self.plot.getAxis("bottom").setTicks([[(h, f"{h}") for h in range(0, 24, 3)], []])
        self.plot.showGrid(x=False, y=True, alpha=0.12)
        self.legend_today, self.legend_week = QLabel(self), QLabel(self)
        self._header.insertWidget(3, self.legend_today)
        self._header.insertWidget(4, self.legend_week)
        self.rescale()
        self.retranslate()

    def retranslate(self) -> None:
        """UI strings from the translator."""
        self.title_label.setText(self.tr("Cases per hour"))
        self.legend_today.setText("■ " + self.tr("today"))
        self.legend_week.setText("┅ " + self.tr("same day last week"))

    def rescale(self) -> None:
        """Fonts and pens for the new scale."""
        s = self.scale
        self._style_axes()
        self.line.setPen(pg.mkPen(COMPARE, width=max(1.5, s.line * 2.2), style=Qt.PenStyle.DashLine))
        for label, tone in ((self.legend_today, ACCENT), (self.legend_week, COMPARE)):
            label.setFont(s.font(0.72))
            label.setStyleSheet(f"color: {tone};")
        self.plot.getAxis("left").setWidth(QFontMetrics(s.font(0.7)).horizontalAdvance("8888") + s.gap)

    def update_charts(self, charts: ChartView) -> None:
        """Take the hourly series of a :class:`~feeds.live.ChartView`."""
        self.today[:] = charts.hourly_today
        has_week = charts.hourly_last_week is not None
        if charts.hourly_last_week is not None:
            self.last_week[:] = charts.hourly_last_week
        self.line.setData(self.hours, self.last_week)
        self.line.setVisible(has_week)
        self.legend_week.setVisible(has_week)
        brushes = [self._brushes[0] if h <= charts.current_hour else self._brushes[1] for h in range(24)]
        self.bars.setOpts(height=self.today, brushes=brushes)
        top = max(float(self.today.max()), float(self.last_week.max()) if has_week else 0.0, 1.0)
        self.vb.setRange(xRange=(-0.6, 23.6), yRange=(0, top * 1.12), padding=0)
        total = format_count(sum(charts.hourly_today))
        self.set_note(lambda: self.tr("%1 today").replace("%1", total))

    def key_at(self, pos: QPointF) -> str | None:
        """The hour under ``pos``."""
        h = round(pos.x())
        return str(h) if 0 <= h < 24 and 0 <= pos.y() <= max(self.today[h], 0.0) * 1.05 + 0.5 else None

    def bar_centre(self, index: int) -> QPointF:
        """Centre of hour ``index``'s bar."""
        return QPointF(index, self.today[index] / 2)


class _RankingChart(_ChartPanel):
    """Horizontal bars, largest on top, names on the left axis, values at the bar ends."""

    def __init__(self, max_bars: int, scale: Scale | None = None, parent: QWidget | None = None) -> None:
        super().__init__(scale, parent)
        self.max_bars = max_bars
        self.items: tuple[Ranked, ...] = ()
        self.rows_y = np.arange(max_bars, dtype=float)
        self.widths = np.zeros(max_bars)
        self.bars = pg.BarGraphItem(x0=np.zeros(max_bars), y=self.rows_y, width=self.widths, height=0.62, pen=None,
                                    brush=colour(ACCENT))  # fmt: skip
        self.plot.addItem(self.bars)
        self.values = [pg.TextItem("", color=TEXT, anchor=(0, 0.5)) for _ in range(max_bars)]
        for item in self.values:
            self.plot.addItem(item)
        self.vb.invertY(True)
        self.plot.getAxis("bottom").hide()
        self._brushes = (QBrush(colour(ACCENT)), QBrush(colour(ACCENT_DIM)))
        self._total = 0
        self._all: tuple[Ranked, ...] = ()
        self._shares = True
        self.names_shown: list[str] = []
        self.vb.sigResized.connect(self._fit)  # the plot's final size: refit bars, names and values
        self.rescale()

    def rescale(self) -> None:
        """Fonts for the new scale."""
        self._style_axes()
        for item in self.values:
            item.setFont(self.scale.font(0.72, numeric=True))
        self._fit()

    def refresh_names(self) -> None:
        """Relabel the axis in the new language."""
        self._fit()
        self.freshness_changed()

    def empty_text(self) -> str | None:
        """Just after midnight today has no case yet: words, not an empty frame of axes."""
        return None if self._all else translate("Vocab", "No cases yet today")

    def short_name(self, item: Ranked) -> str:
        """Axis label of an item (override to shorten)."""
        return item.name.get(self.lang)

    def highlighted(self, index: int) -> bool:
        """Whether bar ``index`` is drawn in the bright accent (override)."""
        return True

    def value_text(self, item: Ranked, share: bool = True) -> str:
        """Label at the end of a bar: count and (if ``share`` and known) share."""
        tail = f" · {100 * item.count / self._total:.0f}%" if share and self._total else ""
        return f"{format_count(item.count)}{tail}"

    def set_items(self, items: Sequence[Ranked], total: int | None = None) -> None:
        """Show the largest items that fit (at most ``max_bars``); ``total`` is the base for shares."""
        self._all = tuple(items)
        self._total = sum(i.count for i in items) if total is None else total
        self._fit()
        self.freshness_changed()

    @property
    def all_items(self) -> tuple[Ranked, ...]:
        """Every item given, shown or not (the bars show the largest that fit)."""
        return self._all

    def rows_that_fit(self) -> int:
        """Bars the plot has height for: one text line each, never squeezed (at most ``max_bars``)."""
        height = self.vb.height() or self.plot.height()
        line = QFontMetrics(self.scale.font(0.7)).height() * 1.2
        return max(1, min(self.max_bars, int(height // line))) if height > 0 else self.max_bars

    def _fit(self) -> None:
        """Choose bars, names and value texts for the space there is; numbers are never cut."""
        self.items = self._all[: self.rows_that_fit()]
        n = len(self.items)
        self.widths[:] = 0
        self.widths[:n] = [i.count for i in self.items]
        brushes = [self._brushes[0] if self.highlighted(i) else self._brushes[1] for i in range(self.max_bars)]
        self.bars.setOpts(width=self.widths, brushes=brushes)
        axis = self.plot.getAxis("left")
        margins = max(0.0, self.plot.width() - self.vb.width() - axis.width()) if self.vb.width() > 0 else 0.0
        names = self._relabel()
        fm = QFontMetrics(self.scale.font(0.72, numeric=True))
        room = max(1.0, self.plot.width() - names - margins)  # the bars' area in pixels
        pad = _TEXT_MARGIN + self.scale.gap  # a text item's own margins plus a gap after the bar

        def text_w(text: str) -> float:
            return fm.horizontalAdvance(text) + pad

        self._shares = all(text_w(self.value_text(i)) < room * 0.55 for i in self.items)
        texts = [self.value_text(i, self._shares) for i in self.items]
        peak = max(float(self.widths.max()), 1.0)
        # the widest "bar + gap + text" sets the x range, so every value ends inside the plot
        right = peak * 1.05
        for width, text in zip(self.widths[:n], texts, strict=True):
            free = 1.0 - text_w(text) / room
            right = max(right, (width + peak * 0.02) / max(free, 0.05))
        for i, item in enumerate(self.values):
            item.setText(texts[i] if i < n else "")
            if i < n:
                item.setPos(self.widths[i] + peak * 0.02, i)
        self.vb.setRange(xRange=(0, right), yRange=(-0.55, max(n, 1) - 0.45), padding=0)

    def _relabel(self) -> int:
        """Name the bars on the axis, elided only when even 45 % of the width is too little; returns its width."""
        fm = QFontMetrics(self.scale.font(0.7))
        full = [self.short_name(i) for i in self.items]
        widest = max((fm.horizontalAdvance(n) for n in full), default=0)
        width = min(widest + self.scale.gap * 2 + 2, max(60, int(self.width() * 0.45)))  # 2 px: rounding
        fit = width - self.scale.gap * 2
        self.names_shown = [fm.elidedText(n, Qt.TextElideMode.ElideRight, fit) for n in full]
        axis = self.plot.getAxis("left")
        axis.setWidth(width)
        axis.setTicks([[(i, n) for i, n in enumerate(self.names_shown)], []])
        return width

    def axis_labels(self) -> list[str]:
        """The full names of the bars shown, top to bottom (for tests)."""
        return [self.short_name(i) for i in self.items]

    def value_fits(self) -> list[bool]:
        """Whether each shown value text ends inside the plot (for tests): numbers are never cut."""
        view = self.vb.sceneBoundingRect()
        return [
            view.contains(item.mapRectToScene(item.boundingRect()).adjusted(1, 1, -1, -1).topRight())
            for item in self.values[: len(self.items)]
        ]

    def key_at(self, pos: QPointF) -> str | None:
        """The code of the bar row under ``pos``."""
        i = round(pos.y())
        return self.items[i].code if 0 <= i < len(self.items) and pos.x() >= 0 else None

    def bar_centre(self, index: int) -> QPointF:
        """Centre of bar ``index``."""
        return QPointF(max(self.widths[index] / 2, 0.01), index)


class TopTypesChart(_RankingChart):
    """Most frequent case types today; the top five are bright and their share is in the header.

    Signals:
        sigDrillDown(str, str): ``("type", subclass code)``.
    """

    kind = "type"

    def __init__(self, max_bars: int = 8, scale: Scale | None = None, parent: QWidget | None = None) -> None:
        super().__init__(max_bars, scale, parent)
        self.top5_share = 0.0
        self.retranslate()

    def retranslate(self) -> None:
        """UI strings from the translator."""
        self.title_label.setText(self.tr("Top case types today"))
        self.set_note(self.tr("top 5: %1").replace("%1", f"{100 * self.top5_share:.1f}%"))

    def highlighted(self, index: int) -> bool:
        """The five most frequent types are bright."""
        return index < 5

    def update_charts(self, charts: ChartView) -> None:
        """Take the type ranking and top-5 share of a :class:`~feeds.live.ChartView`."""
        self.top5_share = charts.top5_share
        self.set_items(charts.top_types, charts.types_total)
        self.retranslate()


class SourceMixChart(_RankingChart):
    """Where today's cases came from (patrol, hotlines, app...), with shares.

    Signals:
        sigDrillDown(str, str): ``("source", source code)``.
    """

    kind = "source"

    def __init__(self, max_bars: int = 7, scale: Scale | None = None, parent: QWidget | None = None) -> None:
        super().__init__(max_bars, scale, parent)
        self.retranslate()

    def retranslate(self) -> None:
        """UI strings from the translator."""
        self.title_label.setText(self.tr("Sources today"))

    def update_charts(self, charts: ChartView) -> None:
        """Take the source mix of a :class:`~feeds.live.ChartView`."""
        self.set_items(charts.source_mix)


class SubdistrictRankingChart(_RankingChart):
    """Subdistricts by cases today (Chinese names drop the 街道 suffix to fit).

    Signals:
        sigDrillDown(str, str): ``("subdistrict", 9-digit code)``.
    """

    kind = "subdistrict"

    def __init__(self, max_bars: int = 10, scale: Scale | None = None, parent: QWidget | None = None) -> None:
        super().__init__(max_bars, scale, parent)
        self.retranslate()

    def retranslate(self) -> None:
        """UI strings from the translator."""
        self.title_label.setText(self.tr("Subdistricts today"))

    def short_name(self, item: Ranked) -> str:
        """``西长安街街道`` → ``西长安街``."""
        return short_unit_name(item.name.get(self.lang), self.lang)

    def value_text(self, item: Ranked, share: bool = True) -> str:
        """Count only."""
        return format_count(item.count)

    def update_charts(self, charts: ChartView) -> None:
        """Take the subdistrict ranking of a :class:`~feeds.live.ChartView`."""
        self.set_items(charts.subdistricts)
