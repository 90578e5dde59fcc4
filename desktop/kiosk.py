"""Kiosk behaviour for the wall: frameless full screen, hidden idle cursor, no screensaver."""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, QRect, Qt, QTimer
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
    window.setGeometry(screens_rect(indexes))
    if len(indexes) == 1:
        screens = QGuiApplication.screens()
        if 0 <= indexes[0] < len(screens):
            window.setScreen(screens[indexes[0]])
        window.showFullScreen()
    else:
        window.show()  # a span is a plain frameless window over the union rectangle


class IdleCursor(QObject):
    """Hides the mouse cursor after ``idle_s`` seconds without movement; shows it again on move."""

    def __init__(self, idle_s: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hidden = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(max(1, int(idle_s * 1000)))
        self._timer.timeout.connect(self._on_idle)
        app = QApplication.instance()
        if app is not None and idle_s > 0:
            app.installEventFilter(self)
            self._timer.start()

    @property
    def hidden(self) -> bool:
        """Whether the cursor is currently hidden."""
        return self._hidden

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.MouseMove, QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin):
            if self._hidden:
                QApplication.restoreOverrideCursor()
                self._hidden = False
            self._timer.start()
        return False

    def _on_idle(self) -> None:
        if not self._hidden:
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
