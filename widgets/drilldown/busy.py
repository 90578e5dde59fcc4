"""A thin "loading" bar that appears only when an answer is slow (after ``delay_ms``)."""

from __future__ import annotations

import time

from PySide6.QtCore import QRectF, QTimer
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from widgets.theme import ACCENT, Scale, colour

SHOW_AFTER_MS = 250
FRAME_MS = 33
SWEEP_S = 1.2


class BusyBar(QWidget):
    """An indeterminate sweep; :meth:`start` arms it, it shows after ``delay_ms``, :meth:`stop` hides it."""

    def __init__(self, scale: Scale, delay_ms: int = SHOW_AFTER_MS, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedHeight(max(2, scale.px(0.16)))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._delay = QTimer(self)
        self._delay.setSingleShot(True)
        self._delay.setInterval(delay_ms)
        self._delay.timeout.connect(self._on_delay)
        self._frame = QTimer(self)
        self._frame.setInterval(FRAME_MS)
        self._frame.timeout.connect(self.update)
        self._since = 0.0
        self.shown = False

    @property
    def armed(self) -> bool:
        """Loading (whether or not the bar is visible yet)."""
        return self._delay.isActive() or self.shown

    def start(self) -> None:
        """Loading began: show the bar if it lasts longer than the delay."""
        if not self.armed:
            self._delay.start()

    def stop(self) -> None:
        """Loading ended: hide and stop every timer."""
        self._delay.stop()
        self._frame.stop()
        self.shown = False
        self.update()

    def _on_delay(self) -> None:
        self.shown = True
        self._since = time.monotonic()
        self._frame.start()
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        """The sweep (nothing while idle)."""
        if not self.shown:
            return
        p = QPainter(self)
        w, h = self.width(), self.height()
        phase = ((time.monotonic() - self._since) % SWEEP_S) / SWEEP_S
        seg = w * 0.28
        x = -seg + phase * (w + seg)
        p.fillRect(QRectF(0, 0, w, h), colour(ACCENT, 0.12))
        p.fillRect(QRectF(x, 0, seg, h), colour(ACCENT, 0.9))
