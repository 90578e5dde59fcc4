"""Kiosk behaviour for the wall: frameless full screen, hidden idle cursor, no screensaver."""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QObject, QRect, Qt, QTimer
from PySide6.QtGui import QCursor, QGuiApplication, QScreen
from PySide6.QtWidgets import QApplication, QWidget

log = logging.getLogger(__name__)


def screens_rect(indexes: tuple[int, ...]) -> QRect:
    """Bounding rectangle of the listed screens (missing screens are skipped with a warning)."""
    screens: list[QScreen] = QGuiApplication.screens()
    rect = QRect()
    for i in indexes:
        if 0 <= i < len(screens):
            rect = rect.united(screens[i].geometry())
        else:
            log.warning("screen %d does not exist (have %d); skipped", i, len(screens))
    if rect.isNull():
        primary = QGuiApplication.primaryScreen()
        rect = primary.geometry() if primary else QRect(0, 0, 1920, 1080)
    return rect


def make_kiosk(window: QWidget, indexes: tuple[int, ...]) -> None:
    """Place ``window`` frameless over the given screens, above everything else."""
    window.setWindowFlags(Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint)
    rect = screens_rect(indexes)
    window.setGeometry(rect)
    window.setFixedSize(rect.size())  # never wider than its screens, whatever its panels would like
    if len(indexes) == 1:
        screens = QGuiApplication.screens()
        if 0 <= indexes[0] < len(screens):
            window.setScreen(screens[indexes[0]])
        window.showFullScreen()
    else:
        window.show()  # a span is a plain frameless window over the union rectangle


class IdleCursor(QObject):
    """Hides the mouse cursor after ``idle_s`` seconds without movement; shows it again on move.

    It polls the cursor position twice a second rather than filtering every event of the
    application: an application-wide Python event filter crashed PySide6 6.11 here with the
    web map and the feed threads running.
    """

    def __init__(self, idle_s: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hidden = False
        self._idle_s = idle_s
        self._last_pos = QCursor.pos()
        self._still_since = time.monotonic()
        self._timer = QTimer(self)
        self._timer.setInterval(500)
        self._timer.timeout.connect(self._on_poll)
        if idle_s > 0:
            self._timer.start()

    @property
    def hidden(self) -> bool:
        """Whether the cursor is currently hidden."""
        return self._hidden

    def _on_poll(self) -> None:
        pos = QCursor.pos()
        now = time.monotonic()
        if pos != self._last_pos:
            self._last_pos, self._still_since = pos, now
            if self._hidden:
                QApplication.restoreOverrideCursor()
                self._hidden = False
        elif not self._hidden and now - self._still_since >= self._idle_s:
            QApplication.setOverrideCursor(QCursor(Qt.CursorShape.BlankCursor))
            self._hidden = True


class ScreensaverInhibitor(QObject):
    """Keeps the display awake while the wall runs, without relying on desktop settings.

    Asks the session's ``org.freedesktop.ScreenSaver`` service over D-Bus when there is
    one (a no-op elsewhere) and renews the request every few minutes.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cookie: int | None = None
        self.available = False
        try:
            from PySide6.QtDBus import QDBusConnection, QDBusInterface

            bus = QDBusConnection.sessionBus()
            if bus.isConnected():
                self._iface = QDBusInterface(
                    "org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver", bus
                )
                self.available = self._iface.isValid()
        except ImportError:  # QtDBus missing on some platforms
            self.available = False
        if self.available:
            self._inhibit()
            self._renew = QTimer(self)
            self._renew.setInterval(240_000)
            self._renew.timeout.connect(self._simulate_activity)
            self._renew.start()

    def _inhibit(self) -> None:
        reply = self._iface.call("Inhibit", "gridwall", "command-centre wall display")
        args = reply.arguments() if hasattr(reply, "arguments") else []
        self._cookie = int(args[0]) if args else None

    def _simulate_activity(self) -> None:
        self._iface.call("SimulateUserActivity")
