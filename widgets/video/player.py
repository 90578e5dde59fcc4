"""A camera stream played through QtMultimedia, watched so a dead camera is said so and retried.

:class:`StreamPlayer` opens ``url`` (RTSP, HLS, HTTP or a file: whatever Qt's FFmpeg
back end opens) in a :class:`QMediaPlayer` whose frames go to a :class:`QVideoSink`. A
watchdog on the GUI thread checks every :data:`CHECK_MS`: a stream that gives no frame
within ``timeout_s`` of opening, reports an error, ends, or stops giving frames for
``timeout_s`` is **dead**: the player is dropped (a new one is made for the next try, so
a connection attempt that hangs inside the back end can never hold up the wall) and the
stream is retried after 2 s, doubling up to 30 s. Nothing here waits: every step is a
signal or a timer.

States (:class:`StreamState`): ``idle`` (nothing chosen), ``no_url`` (the camera has no
stream configured), ``connecting``, ``live``, ``dead`` (waiting for the next try).
"""

from __future__ import annotations

import enum
import time

from PySide6.QtCore import QLoggingCategory, QObject, QTimer, QUrl, Signal
from PySide6.QtGui import QImage

# QtMultimedia says when it loads that PipeWire is missing ("Couldn't load pipewire-0.3 library"):
# PipeWire serves screen capture only, the camera streams play through FFmpeg. Printed by every
# command that reads a layout, it said nothing to an operator. QT_LOGGING_RULES still wins.
QLoggingCategory.setFilterRules("qt.multimedia.symbolsresolver.warning=false")
from PySide6.QtMultimedia import QMediaPlayer, QVideoFrame, QVideoSink  # noqa: E402

CHECK_MS = 250
RETRY_FIRST_S = 2.0
RETRY_MAX_S = 30.0


class StreamState(enum.StrEnum):
    """Where a stream is."""

    IDLE = "idle"
    NO_URL = "no_url"
    CONNECTING = "connecting"
    LIVE = "live"
    DEAD = "dead"


class StreamPlayer(QObject):
    """Plays one stream at a time, with a dead-stream watchdog and retries (GUI thread only).

    Signals:
        sigState(str): the new :class:`StreamState` value.
        sigFrame(): a new frame is ready (:meth:`image`), at most once per watchdog check.

    Args:
        timeout_s: No frame for this long (from opening, or since the last frame) means dead.
        clock: Monotonic seconds (tests may inject one).
    """

    sigState = Signal(str)
    sigFrame = Signal()

    def __init__(self, timeout_s: float = 5.0, clock: object = time.monotonic, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timeout_s = timeout_s
        self._clock = clock if callable(clock) else time.monotonic
        self.url = ""
        self.state = StreamState.IDLE
        self.frames = 0
        self.attempts = 0
        self.last_error = ""
        self._player: QMediaPlayer | None = None
        self._sink: QVideoSink | None = None
        self._frame: QVideoFrame | None = None
        self._fresh = False
        self._since = 0.0
        self._retry_at = 0.0
        self._backoff = RETRY_FIRST_S
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_MS)
        self._timer.timeout.connect(self._check)

    # ------------------------------------------------------------------ control
    def play(self, url: str) -> None:
        """Play ``url`` (an empty one: ``no_url``); replaces whatever played before."""
        self._drop()
        self.url, self.frames, self.attempts, self._backoff = url.strip(), 0, 0, RETRY_FIRST_S
        self._frame = None
        if not self.url:
            self._timer.stop()
            self._set(StreamState.NO_URL)
            return
        self._open()
        self._timer.start()

    def stop(self) -> None:
        """Stop playing and forget the stream."""
        self._drop()
        self._timer.stop()
        self.url = ""
        self._set(StreamState.IDLE)

    def image(self) -> QImage | None:
        """The latest frame as an image (``None`` before the first frame)."""
        return None if self._frame is None else self._frame.toImage()

    def retry_in(self) -> float:
        """Seconds until the next try while ``dead`` (0 otherwise)."""
        return max(0.0, self._retry_at - self._clock()) if self.state == StreamState.DEAD else 0.0

    # ------------------------------------------------------------------ internals
    def _open(self) -> None:
        self.attempts += 1
        player = QMediaPlayer(self)
        sink = QVideoSink(player)
        player.setVideoSink(sink)
        sink.videoFrameChanged.connect(self._on_frame)
        player.errorOccurred.connect(self._on_error)
        player.mediaStatusChanged.connect(self._on_status)
        self._player, self._sink = player, sink
        self._since = self._clock()
        self._set(StreamState.CONNECTING)
        player.setSource(QUrl(self.url))
        player.play()

    def _drop(self) -> None:
        player, self._player, self._sink = self._player, None, None
        if player is not None:
            player.errorOccurred.disconnect(self._on_error)
            player.mediaStatusChanged.disconnect(self._on_status)
            player.stop()
            player.deleteLater()

    def _on_frame(self, frame: QVideoFrame) -> None:
        if self.sender() is not self._sink or not frame.isValid():
            return
        self._frame = frame
        self.frames += 1
        self._fresh = True
        self._since = self._clock()
        if self.state != StreamState.LIVE:
            self._backoff = RETRY_FIRST_S
            self._set(StreamState.LIVE)

    def _on_error(self, _error: QMediaPlayer.Error, message: str) -> None:
        if self.sender() is self._player:
            self._dead(message or "playback error")

    def _on_status(self, status: QMediaPlayer.MediaStatus) -> None:
        if self.sender() is not self._player:
            return
        if status in (QMediaPlayer.MediaStatus.InvalidMedia, QMediaPlayer.MediaStatus.EndOfMedia):
            self._dead("stream ended" if status == QMediaPlayer.MediaStatus.EndOfMedia else "invalid stream")

    def _dead(self, reason: str) -> None:
        self.last_error = reason
        self._drop()
        self._retry_at = self._clock() + self._backoff
        self._backoff = min(RETRY_MAX_S, self._backoff * 2)
        self._set(StreamState.DEAD)

    def _check(self) -> None:
        now = self._clock()
        if self.state == StreamState.DEAD:
            if now >= self._retry_at:
                self._open()
            return
        if self.state in (StreamState.CONNECTING, StreamState.LIVE) and now - self._since > self.timeout_s:
            self._dead("no picture" if self.state == StreamState.CONNECTING else "picture stopped")
            return
        if self._fresh:
            self._fresh = False
            self.sigFrame.emit()

    def _set(self, state: StreamState) -> None:
        if state != self.state:
            self.state = state
            self.sigState.emit(state.value)
