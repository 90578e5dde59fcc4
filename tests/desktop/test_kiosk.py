"""Kiosk helpers: idle cursor hiding and screen rectangles."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QCursor, QGuiApplication
from PySide6.QtWidgets import QApplication
from waiting import WAIT_MS

from desktop.kiosk import IdleCursor, screens_rect


def test_cursor_hides_when_still_and_returns_on_move(qtbot: Any) -> None:
    """After the idle time the cursor is blanked; moving it brings it back."""
    idle = IdleCursor(0.6)
    try:
        qtbot.waitUntil(lambda: idle.hidden, timeout=WAIT_MS)
        assert QApplication.overrideCursor() is not None
        QCursor.setPos(QCursor.pos().x() + 7, QCursor.pos().y() + 3)
        qtbot.waitUntil(lambda: not idle.hidden, timeout=WAIT_MS)
    finally:
        while QApplication.overrideCursor() is not None:
            QApplication.restoreOverrideCursor()


def test_zero_idle_never_hides(qtbot: Any) -> None:
    """idle_s = 0 turns the feature off."""
    idle, active = IdleCursor(0), IdleCursor(3600)
    try:
        assert not idle._timer.isActive() and active._timer.isActive()  # off: it never even polls
        assert not idle.hidden
    finally:
        active._timer.stop()


def test_screens_rect_skips_missing_screens(qapp: Any) -> None:
    """Asking for screens that do not exist falls back to what is there."""
    primary = QGuiApplication.primaryScreen().geometry()
    assert screens_rect((0,)) == QGuiApplication.screens()[0].geometry()
    assert screens_rect((99,)) == primary
