"""Track playback: a supervisor's stored track replayed on the map at N× with play, pause and seek.

:class:`TrackPlayback` owns no data but the track it was given (columns ``at, lon, lat``
from the ``track`` query). It moves the map's playback head (``GridMap.set_track_time``)
by ``speed × tick`` track-seconds per timer tick; the map draws the walked part bright and
the rest dashed. GUI thread only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer, Signal

TICK_MS = 100


class TrackView(Protocol):
    """What playback needs of a map."""

    def set_track(self, track: Mapping[str, Any] | None) -> None: ...
    def set_track_time(self, t: float) -> None: ...


class TrackPlayback(QObject):
    """Plays one track on a map.

    Signals:
        sigPosition(float): the playback time (epoch seconds) after each step.
        sigFinished(): the end of the track was reached.

    Args:
        view: The map (anything with ``set_track`` and ``set_track_time``).
        speed: Track seconds per real second (600: an hour in six seconds).
    """

    sigPosition = Signal(float)
    sigFinished = Signal()

    def __init__(self, view: TrackView, speed: float = 600.0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.speed = speed
        self.start = self.end = self.time = 0.0
        self.track: Mapping[str, Any] | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._step)

    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    def load(self, track: Mapping[str, Any] | None) -> bool:
        """Show a track (paused at its start); returns whether it has any point."""
        self._timer.stop()
        self.track = track if track and track.get("at") else None
        self.view.set_track(self.track)
        if self.track is None:
            return False
        self.start, self.end = float(self.track["at"][0]), float(self.track["at"][-1])
        self.time = self.start
        return True

    def play(self) -> None:
        """Play from the current time (from the start again once at the end)."""
        if self.track is None:
            return
        if self.time >= self.end:
            self.seek(self.start)
        self._timer.start()

    def pause(self) -> None:
        """Stop moving the head."""
        self._timer.stop()

    def seek(self, t: float) -> None:
        """Put the head at ``t`` (clamped to the track)."""
        if self.track is None:
            return
        self.time = min(self.end, max(self.start, float(t)))
        self.view.set_track_time(self.time)
        self.sigPosition.emit(self.time)

    def _step(self) -> None:
        self.seek(self.time + self.speed * TICK_MS / 1000.0)
        if self.time >= self.end:
            self._timer.stop()
            self.sigFinished.emit()
