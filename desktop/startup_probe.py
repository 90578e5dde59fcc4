"""Marks a wall's start-up phases on the GUI thread (only under ``GRIDWALL_STARTUP_TRACE``).

Phases: ``first paint`` (a window painted), ``connected`` (the client is live), ``snapshot on
panels`` (the first full state reached every panel) and ``first complete screen``: the snapshot's markers applied in the
map page after the panels got it. With ``GRIDWALL_STARTUP_TRACE=exit`` the application then quits.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from feeds import startup_trace
from feeds.live import Changes

POLL_MS = 10


class StartupProbe(QObject):
    """Watches a :class:`~desktop.session.WallSession` until its first complete screen.

    Connect it after the session's controller, so its slot sees the panels already updated.
    """

    def __init__(self, session: Any) -> None:
        super().__init__(session)
        self._session = session
        self._painted = False
        self._snapshot = False
        self._map_batch = 0
        self._map = next((w.panels["map"] for w in session.wall_windows if "map" in w.panels), None)
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._check_map)
        session.bridge.sigChanged.connect(self._on_changed)
        session.bridge.sigStatus.connect(self._on_status)
        for window in session.windows:
            window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Mark the first paint of any window."""
        if not self._painted and event.type() == QEvent.Type.Paint and isinstance(watched, QWidget):
            self._painted = True
            startup_trace.mark("first paint")
        return False

    def _on_status(self, status: Any) -> None:
        if status.state == "live":
            startup_trace.mark("connected")

    def _on_changed(self, changes: Changes) -> None:
        if self._snapshot or not changes.reset:
            return
        self._snapshot = True
        startup_trace.mark("snapshot on panels")
        if self._map is not None:  # the batch that carries the snapshot's markers: sent already, or the next one
            self._map_batch = self._map.batches_sent + (1 if self._map.has_queued or not self._map.is_ready else 0)
        self._poll.start()

    def _check_map(self) -> None:
        if self._map is not None and not (self._map.is_ready and self._map.applied_batch >= self._map_batch):
            return
        self._poll.stop()
        if self._map is None or self._map_batch <= self._map.drawn_batch:
            self._complete()  # the markers went in a batch the page drew as it took it
            return
        # A later batch of markers is answered when the page takes it and applied on its next frame
        # tick (resources/map/gridmap.js); gridwall.state() applies what the page took before it answers.
        self._map.run_js("gridwall.state().lastBatch", self._on_page_batch)

    def _on_page_batch(self, applied: Any) -> None:
        if isinstance(applied, (int, float)) and applied >= self._map_batch:
            self._complete()
        else:
            self._poll.start()

    def _complete(self) -> None:
        startup_trace.mark("first complete screen")
        for window in self._session.windows:
            window.removeEventFilter(self)
        if startup_trace.exit_when_complete():
            QApplication.quit()
