"""A badge over the map saying that it has no data yet, or how old the data it shows is.

The map's web view takes no opacity effect, so unlike the panels it is not greyed;
the badge ("无数据 / No data", "数据截至 08:20 / as of 08:20") says it instead, at the
top centre of the map, and disappears while the data is live.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLabel, QWidget

from widgets.panel import FRESHNESS, as_of_text, no_data_text
from widgets.theme import DUE_SOON, PANEL, PANEL_EDGE, TEXT_DIM, Scale


class FreshnessBadge(QLabel):
    """Plain-text badge kept at the top centre of its parent (the map)."""

    def __init__(self, parent: QWidget, scale: float = 1.0) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self._scale = Scale(1080.0 * scale)
        self.freshness = "live"
        self.as_of: float | None = None
        self.hide()
        parent.installEventFilter(self)

    def set_freshness(self, freshness: str, as_of: float | None = None) -> None:
        """``none`` (no data yet), ``live`` (hidden) or ``stale`` (data as of ``as_of``)."""
        if freshness not in FRESHNESS:
            raise ValueError(f"unknown freshness {freshness!r}")
        self.freshness, self.as_of = freshness, as_of
        self._show()

    def _show(self) -> None:
        if self.freshness == "live":
            self.hide()
            return
        stale = self.freshness == "stale" and self.as_of is not None
        self.setText(as_of_text(self.as_of) if stale and self.as_of is not None else no_data_text())
        s = self._scale
        self.setFont(s.font(0.9, bold=True))
        self.setStyleSheet(
            f"color:{DUE_SOON if stale else TEXT_DIM};background:{PANEL};border:{s.line}px solid {PANEL_EDGE};"
            f"border-radius:{s.radius}px;padding:{s.px(0.2)}px {s.px(0.6)}px;"
        )
        self.adjustSize()
        self._place()
        self.show()
        self.raise_()

    def _place(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            self.move((parent.width() - self.width()) // 2, self._scale.pad)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Stay centred when the map is resized; re-read the words when the language changes."""
        if event.type() == QEvent.Type.Resize:
            self._place()
        elif event.type() == QEvent.Type.LanguageChange and self.freshness != "live":
            self._show()
        return False
