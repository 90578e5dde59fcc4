"""The tour's large caption over the map, and the spotlight around the panel a scene talks about.

Both are overlays: children laid over other widgets, transparent for the mouse (a touch
goes to the wall underneath and pauses the tour), faded in and out with an opacity
animation, so a scene change never shows a blank frame or a flash.
"""

from __future__ import annotations

from PySide6.QtCore import QEasingCurve, QEvent, QObject, QPropertyAnimation, QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QFrame, QGraphicsOpacityEffect, QLabel, QVBoxLayout, QWidget

from widgets import theme
from widgets.theme import Scale

FADE_MS = 600
TITLE_EM = 2.6
"""The title's size (in the scale's text units) when it fits on one line."""
TITLE_MIN_EM = 1.8
"""The smallest it shrinks to before it wraps onto a second line."""


def _fader(widget: QWidget) -> QPropertyAnimation:
    effect = QGraphicsOpacityEffect(widget)
    effect.setOpacity(0.0)
    widget.setGraphicsEffect(effect)
    animation = QPropertyAnimation(effect, b"opacity", widget)
    animation.setDuration(FADE_MS)
    animation.setEasingCurve(QEasingCurve.Type.InOutQuad)
    return animation


class TourCaption(QFrame):
    """A caption band at the bottom of its parent (the map): a large title, a detail line, the scene count."""

    def __init__(self, parent: QWidget, scale: Scale) -> None:
        super().__init__(parent)
        self.setObjectName("TourCaption")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self._scale = scale
        self.title = QLabel()
        self.detail = QLabel()
        self.step = QLabel()
        for label in (self.title, self.detail, self.step):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
        box = QVBoxLayout(self)
        box.setContentsMargins(scale.pad * 3, scale.pad * 2, scale.pad * 3, scale.pad * 2)
        box.setSpacing(scale.px(0.3))
        box.addWidget(self.title)
        box.addWidget(self.detail)
        box.addWidget(self.step)
        self.title.setFont(scale.font(TITLE_EM, bold=True))
        self.detail.setFont(scale.font(1.25))
        self.step.setFont(scale.font(0.8))
        self.title.setStyleSheet(f"color:{theme.TEXT_BRIGHT};")
        self.detail.setStyleSheet(f"color:{theme.ACCENT};")
        self.step.setStyleSheet(f"color:{theme.TEXT_DIM};")
        self.setStyleSheet(
            f"QFrame#TourCaption {{ background: rgba(11, 18, 32, 215); border: {scale.line}px solid "
            f"{theme.ACCENT_DIM}; border-radius: {scale.radius * 2}px; }}"
        )
        self._fade = _fader(self)
        self._fade.finished.connect(self._on_faded)
        self._pending: tuple[str, str, str] | None = None
        self.hide()
        parent.installEventFilter(self)

    @property
    def shown_text(self) -> tuple[str, str]:
        """The title and detail on screen now (or fading in)."""
        return self.title.text(), self.detail.text()

    @property
    def showing(self) -> bool:
        """Whether the caption is on screen (or fading in)."""
        return self.isVisible() and self._fade.endValue() == 1.0

    def show_caption(self, title: str, detail: str, step: str) -> None:
        """Fade the current caption out and this one in (at once when none is shown)."""
        if not self.isVisible():
            self._set(title, detail, step)
            self._run(1.0)
            return
        self._pending = (title, detail, step)
        self._run(0.0)

    def update_text(self, title: str, detail: str) -> None:
        """New figures for the caption on screen (no fade)."""
        if (title, detail) != self.shown_text:
            self.title.setText(title)
            self.detail.setText(detail)
            self._place()

    def hide_caption(self) -> None:
        """Fade out."""
        self._pending = None
        if self.isVisible():
            self._run(0.0)

    def _set(self, title: str, detail: str, step: str) -> None:
        self.title.setText(title)
        self.detail.setText(detail)
        self.step.setText(step)
        self._place()
        self.show()
        self.raise_()

    def _run(self, target: float) -> None:
        self._fade.stop()
        effect = self.graphicsEffect()
        assert isinstance(effect, QGraphicsOpacityEffect)
        self._fade.setStartValue(effect.opacity())
        self._fade.setEndValue(target)
        self._fade.start()

    def _on_faded(self) -> None:
        if self._fade.endValue() == 1.0:
            return
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self._set(*pending)
            self._run(1.0)
        else:
            self.hide()

    def _place(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        width = int(parent.width() * 0.86)
        self.setFixedWidth(width)
        self._fit_title(width - self._scale.pad * 6)
        self.adjustSize()
        self.move((parent.width() - width) // 2, parent.height() - self.height() - self._scale.pad * 3)

    def _fit_title(self, room: int) -> None:
        """The largest title size, from TITLE_EM down to TITLE_MIN_EM, that keeps the title on one line."""
        em = TITLE_EM
        while (
            em > TITLE_MIN_EM
            and QFontMetrics(self._scale.font(em, bold=True)).horizontalAdvance(self.title.text()) > room
        ):
            em = round(em - 0.1, 1)
        self.title.setFont(self._scale.font(em, bold=True))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Stay at the bottom of the map when it is resized."""
        if event.type() == QEvent.Type.Resize and self.isVisible():
            self._place()
        return False


class Spotlight(QFrame):
    """A glowing frame laid around one panel of its window."""

    def __init__(self, window: QWidget, scale: Scale) -> None:
        super().__init__(window)
        self.setObjectName("TourSpotlight")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self._margin = scale.px(0.25)
        self.setStyleSheet(
            f"QFrame#TourSpotlight {{ background: transparent; border: {max(3, scale.px(0.22))}px solid "
            f"{theme.ACCENT}; border-radius: {scale.radius * 2}px; }}"
        )
        self._fade = _fader(self)
        self._fade.finished.connect(lambda: self.setVisible(self._fade.endValue() == 1.0))
        self.target: QWidget | None = None
        self.hide()

    def point_at(self, panel: QWidget | None) -> None:
        """Frame ``panel`` (``None``: fade out)."""
        self.target = panel
        self._fade.stop()
        effect = self.graphicsEffect()
        assert isinstance(effect, QGraphicsOpacityEffect)
        self._fade.setStartValue(effect.opacity())
        if panel is None:
            self._fade.setEndValue(0.0)
        else:
            window = self.parentWidget()
            assert window is not None
            top_left = panel.mapTo(window, panel.rect().topLeft())
            m = self._margin
            self.setGeometry(QRect(top_left.x() - m, top_left.y() - m, panel.width() + 2 * m, panel.height() + 2 * m))
            self.show()
            self.raise_()
            self._fade.setEndValue(1.0)
        self._fade.start()
