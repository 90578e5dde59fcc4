"""KpiTiles: today's reported / filed / dispatched / closed, closure rates, and the ten-year story.

Big numbers in calm colours (KPIs are not alarms); values count up smoothly
when they change (``set_animated(False)`` for tests and screenshots). The two
rates are over the last 24 hours (the server's window, ``docs/protocol.md``),
so they mean something at 03:00 as at noon; their captions say so. Before any
data every tile shows a dash.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEasingCurve, Qt, QVariantAnimation
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from feeds.live import KpiView
from widgets.panel import Panel, format_count, format_rate
from widgets.theme import ACCENT, PANEL_EDGE, TEXT_BRIGHT, TEXT_DIM, Scale

COUNT_UP_MS = 700


class KpiTile(QFrame):
    """One figure: a big number over a caption, counting up to new values."""

    def __init__(self, formatter: Callable[[float | None], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("KpiTile")
        self.formatter = formatter
        self.value: float | None = None
        self.animated = True
        self.number = QLabel("—", self)
        self.caption = QLabel(self)
        for label in (self.number, self.caption):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addStretch(1)
        layout.addWidget(self.number)
        layout.addWidget(self.caption)
        layout.addStretch(1)
        self._anim = QVariantAnimation(self)
        self._anim.setDuration(COUNT_UP_MS)
        self._anim.setEasingCurve(QEasingCurve.Type.OutCubic)
        self._anim.valueChanged.connect(self._on_anim)

    def set_value(self, value: float | None) -> None:
        """Show ``value`` (counting up from the previous one when animated)."""
        old, self.value = self.value, value
        if value is None or old is None or not self.animated or old == value:
            self._anim.stop()
            self.number.setText(self.formatter(value))
            return
        self._anim.stop()
        self._anim.setStartValue(float(old))
        self._anim.setEndValue(float(value))
        self._anim.start()

    def _on_anim(self, value: object) -> None:
        self.number.setText(self.formatter(float(value)))  # type: ignore[arg-type]


class KpiTiles(Panel):
    """Six tiles for today plus a ten-year banner (cases since and closure rate)."""

    KEYS = ("reported", "filed", "dispatched", "closed", "closure_rate", "on_time_rate")

    def __init__(self, scale: Scale | None = None, parent: QWidget | None = None) -> None:
        super().__init__(scale, parent)
        self.kpi: KpiView | None = None
        self.tiles: dict[str, KpiTile] = {}
        grid = QGridLayout()
        for i, key in enumerate(self.KEYS):
            tile = KpiTile(format_rate if key.endswith("rate") else format_count, self)
            self.tiles[key] = tile
            grid.addWidget(tile, i // 3, i % 3)
        self._grid = grid
        banner = QHBoxLayout()
        self.total_value = QLabel("—", self)
        self.total_caption = QLabel(self)
        self.rate_value = QLabel("—", self)
        self.rate_caption = QLabel(self)
        for label in (self.total_value, self.total_caption, self.rate_value, self.rate_caption):
            label.setTextFormat(Qt.TextFormat.PlainText)
        banner.addWidget(self.total_value, 0, Qt.AlignmentFlag.AlignBaseline)
        banner.addWidget(self.total_caption, 0, Qt.AlignmentFlag.AlignBaseline)
        banner.addStretch(1)
        banner.addWidget(self.rate_value, 0, Qt.AlignmentFlag.AlignBaseline)
        banner.addWidget(self.rate_caption, 0, Qt.AlignmentFlag.AlignBaseline)
        self._banner = banner
        rule = QFrame(self)
        rule.setFixedHeight(1)
        rule.setStyleSheet(f"background: {PANEL_EDGE};")
        self.body.addLayout(banner)
        self.body.addWidget(rule)
        self.body.addLayout(grid, 1)
        self.rescale()
        self.retranslate()

    def retranslate(self) -> None:
        """UI strings from the translator."""
        self.title_label.setText(self.tr("Today"))
        captions = {
            "reported": self.tr("Reported"),
            "filed": self.tr("Filed"),
            "dispatched": self.tr("Dispatched"),
            "closed": self.tr("Closed"),
            "closure_rate": self.tr("Closure rate · 24 h"),
            "on_time_rate": self.tr("On-time closure · 24 h"),
        }
        for key, text in captions.items():
            self.tiles[key].caption.setText(text)
        self.rate_caption.setText(self.tr("closed"))
        self._show_totals()

    def rescale(self) -> None:
        """Fonts for the new scale."""
        s = self.scale
        for tile in self.tiles.values():
            tile.number.setFont(s.font(1.75, bold=True, numeric=True))
            tile.caption.setFont(s.font(0.75))
            tile.number.setStyleSheet(f"color: {TEXT_BRIGHT};")
            tile.caption.setStyleSheet(f"color: {TEXT_DIM};")
        for label in (self.total_value, self.rate_value):
            label.setFont(s.font(1.5, bold=True, numeric=True))
            label.setStyleSheet(f"color: {ACCENT};")
        for label in (self.total_caption, self.rate_caption):
            label.setFont(s.font(0.78))
            label.setStyleSheet(f"color: {TEXT_DIM};")
        self._grid.setHorizontalSpacing(s.pad)
        self._grid.setVerticalSpacing(s.gap)
        self._banner.setSpacing(s.gap)

    def set_animated(self, animated: bool) -> None:
        """Count up to new values (default) or jump straight to them."""
        for tile in self.tiles.values():
            tile.animated = animated

    def update_kpi(self, kpi: KpiView) -> None:
        """Show a new :class:`~feeds.live.KpiView`."""
        self.kpi = kpi
        for key in self.KEYS:
            self.tiles[key].set_value(getattr(kpi, key))
        self._show_totals()

    def freshness_changed(self) -> None:
        """No data: every tile a dash (stale data stays, greyed by the base class)."""
        if not self.has_data:
            self.kpi = None
            for tile in self.tiles.values():
                tile.set_value(None)
            self._show_totals()

    def _show_totals(self) -> None:
        k = self.kpi
        self.total_value.setText(format_count(k.total_cases if k else None))
        since = k.since[:4] if k and k.since else ""
        caption = self.tr("cases since %1").replace("%1", since) if since else self.tr("cases in total")
        self.total_caption.setText(caption)
        self.rate_value.setText(format_rate(k.total_closure_rate if k else None))
