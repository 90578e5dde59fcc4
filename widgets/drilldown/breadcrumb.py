"""Breadcrumb of the drill-down: back, the path (each step clickable), filter chips and close."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from widgets.theme import Scale


class Breadcrumb(QWidget):
    """``‹ Back  西城区 › 西长安街街道 › 府右街南社区   [Type: 非法小广告 ✕]   ✕ Close``.

    Buttons are pooled and reused: a new path only changes texts and visibility.

    Signals:
        sigGo(int): a crumb was clicked (its index).
        sigBack(): the back button (or Alt+Left / Backspace on the view) was used.
        sigClearFilter(str): a filter chip was clicked (its filter key).
        sigClose(): the close button was clicked (wall: back to the overview).
    """

    sigGo = Signal(int)
    sigBack = Signal()
    sigClearFilter = Signal(str)
    sigClose = Signal()

    def __init__(self, scale: Scale, closable: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scale = scale
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self.back_button = QPushButton(self)
        self.back_button.clicked.connect(self.sigBack)
        self._row.addWidget(self.back_button)
        self._row.addSpacing(scale.gap)
        self._crumbs: list[QPushButton] = []
        self._seps: list[QLabel] = []
        self._chips: list[QPushButton] = []
        self._chip_keys: list[str] = []
        self._crumb_row = QHBoxLayout()
        self._crumb_row.setSpacing(0)
        self._row.addLayout(self._crumb_row)
        self._row.addSpacing(scale.gap * 2)
        self._chip_row = QHBoxLayout()
        self._chip_row.setSpacing(scale.gap)
        self._row.addLayout(self._chip_row)
        self._row.addStretch(1)
        self.close_button = QPushButton(self)
        self.close_button.clicked.connect(self.sigClose)
        self.close_button.setVisible(closable)
        self._row.addWidget(self.close_button)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._texts: list[str] = []
        self.retranslate()

    def retranslate(self) -> None:
        """UI strings from the translator."""
        self.back_button.setText("‹ " + self.tr("Back"))
        self.back_button.setToolTip(self.tr("One level up (Alt+Left)"))
        self.close_button.setText("✕ " + self.tr("Close"))
        self.close_button.setToolTip(self.tr("Back to the overview"))

    def changeEvent(self, event: QEvent) -> None:
        """Retranslate on a language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_path(self, texts: Sequence[str]) -> None:
        """Show the crumbs (the last one is the current page, not clickable)."""
        while len(self._crumbs) < len(texts):
            i = len(self._crumbs)
            if i:
                sep = QLabel("›", self)
                sep.setObjectName("CrumbSep")
                sep.setContentsMargins(self.scale.gap, 0, self.scale.gap, 0)
                self._seps.append(sep)
                self._crumb_row.addWidget(sep)
            button = QPushButton(self)
            button.setObjectName("Crumb")
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.clicked.connect(lambda _=False, index=i: self.sigGo.emit(index))
            self._crumbs.append(button)
            self._crumb_row.addWidget(button)
        self._texts = list(texts)
        for i, button in enumerate(self._crumbs):
            shown = i < len(texts)
            button.setVisible(shown)
            if shown:
                current = i == len(texts) - 1
                font = button.font()
                font.setBold(current)  # as a font, not a style-sheet state, so the size hint counts it
                button.setFont(font)
                button.setText(texts[i])
                button.setToolTip(texts[i])
                button.setEnabled(not current)
            if i:
                self._seps[i - 1].setVisible(shown)
        self.back_button.setEnabled(len(texts) > 1)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Shorten the crumbs to the new width."""
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        """Elide the earlier crumbs (one cap for all, in the middle) until the row fits; the current one last."""
        if not self._texts or self.width() <= 0:
            return
        shown = self._crumbs[: len(self._texts)]
        widths = [b.fontMetrics().horizontalAdvance(t) for b, t in zip(shown, self._texts, strict=True)]
        floor = shown[0].fontMetrics().horizontalAdvance("…") * 4
        head, last = max(widths[:-1], default=0), widths[-1]
        while True:
            caps = [head] * (len(shown) - 1) + [last]
            for button, text, w, cap in zip(shown, self._texts, widths, caps, strict=True):
                fm = button.fontMetrics()
                button.setText(text if w <= cap else fm.elidedText(text, Qt.TextElideMode.ElideMiddle, cap))
            if self._needed() <= self.width():
                return
            if head > floor:
                head = max(floor, head - max(2, head // 12))
            elif last > floor:
                last = max(floor, last - max(2, last // 12))
            else:
                return

    def set_chips(self, chips: Sequence[tuple[str, str]]) -> None:
        """Show filter chips ``(key, text)``; clicking one clears that filter."""
        while len(self._chips) < len(chips):
            button = QPushButton(self)
            button.setObjectName("Chip")
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            index = len(self._chips)
            button.clicked.connect(lambda _=False, i=index: self.sigClearFilter.emit(self._chip_keys[i]))
            self._chips.append(button)
            self._chip_row.addWidget(button)
        self._chip_keys = [key for key, _ in chips]
        for i, button in enumerate(self._chips):
            button.setVisible(i < len(chips))
            if i < len(chips):
                button.setText(f"{chips[i][1]}  ✕")
                button.setToolTip(self.tr("Remove this filter"))
        self._fit()

    def _needed(self) -> int:
        """Width the row asks for with the current texts."""
        parts = [self.back_button, self.close_button, *self._crumbs, *self._seps, *self._chips]
        width = sum(w.sizeHint().width() for w in parts if not w.isHidden())
        chips = sum(not c.isHidden() for c in self._chips)
        return width + self._chip_row.spacing() * max(0, chips - 1) + self.scale.gap * 3 + self._row.spacing() * 6

    def texts(self) -> list[str]:
        """The crumbs' full texts, first to last (for tests)."""
        return list(self._texts)

    def chip_texts(self) -> list[str]:
        """The chips shown (for tests)."""
        return [b.text() for b in self._chips if not b.isHidden()]
