"""Start-up splash with a progress bar (seeding history on first run)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QVBoxLayout, QWidget

from widgets import theme
from widgets.theme import Scale


class ProgressSplash(QWidget):
    """A dark, centred card with a title, a line of detail and a progress bar."""

    def __init__(self, title: str, scale: Scale | None = None) -> None:
        super().__init__(None, Qt.WindowType.FramelessWindowHint | Qt.WindowType.SplashScreen)
        s = scale or Scale()
        self.setStyleSheet(
            f"QWidget {{ background: {theme.PANEL}; color: {theme.TEXT}; }}"
            f"QProgressBar {{ border: {s.line}px solid {theme.PANEL_EDGE}; border-radius: {s.radius}px;"
            f" background: {theme.TRACK}; text-align: center; color: {theme.TEXT_BRIGHT}; height: {s.px(1.2)}px; }}"
            f"QProgressBar::chunk {{ background: {theme.ACCENT}; border-radius: {s.radius}px; }}"
        )
        self._title = QLabel(title)
        self._title.setFont(s.font(1.3, bold=True))
        self._detail = QLabel("")
        self._detail.setFont(s.font(0.9))
        self._bar = QProgressBar()
        self._bar.setRange(0, 1000)
        self._bar.setFont(s.font(0.8))
        for label in (self._title, self._detail):
            label.setTextFormat(Qt.TextFormat.PlainText)
        box = QVBoxLayout(self)
        box.setContentsMargins(s.pad * 3, s.pad * 3, s.pad * 3, s.pad * 3)
        box.setSpacing(s.gap * 2)
        box.addWidget(self._title)
        box.addWidget(self._detail)
        box.addWidget(self._bar)
        self.resize(s.px(34), s.px(9))

    def set_progress(self, fraction: float, detail: str) -> None:
        """Show ``fraction`` (0–1) done and a line of detail."""
        self._bar.setValue(int(max(0.0, min(1.0, fraction)) * 1000))
        self._detail.setText(detail)

    @property
    def detail(self) -> str:
        """The detail line (for tests)."""
        return self._detail.text()
