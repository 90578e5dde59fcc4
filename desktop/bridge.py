"""Feed → GUI bridge: drain the client thread's queue once per tick into the live state.

The websocket client runs on its own thread and asyncio loop and decodes
frames there. On the GUI thread a timer drains everything queued (bounded
per tick so a burst never freezes a frame), folds it into
:class:`~feeds.live.LiveState` in one batch and emits one ``sigChanged``, so
widgets repaint once per tick however fast events arrive.
"""

from __future__ import annotations

import time
from collections import deque

from PySide6.QtCore import QObject, QTimer, Signal

from feeds.client import ClientThread
from feeds.client.status import ClientStatus
from feeds.live import Changes, LiveState
from feeds.live.replay_clock import ReplayClock
from feeds.protocol import Focus, TourControl

DRAIN_MS = 50
MAX_PER_TICK = 5000


class LiveBridge(QObject):
    """Moves messages from a :class:`ClientThread` into a :class:`LiveState` on the GUI thread.

    Signals:
        sigChanged(Changes): after a batch or a clock tick changed something (GUI thread).
        sigStatus(ClientStatus): the connection state changed.
        sigSecond(float): once a second, with the current time (for clocks and countdowns):
            the replayed time while the server is a replay server (see :attr:`clock`).
        sigReplay(object): a replay began, paused, resumed, changed speed (the ``ReplayStatus``)
            or ended (``None``).
        sigTour(str): an operator asked every wall to ``start`` or ``stop`` the tour.
        sigFocus(Focus): an operator's look-up asked every wall to fly to a target.
    """

    sigChanged = Signal(object)
    sigStatus = Signal(object)
    sigSecond = Signal(float)
    sigReplay = Signal(object)
    sigTour = Signal(str)
    sigFocus = Signal(object)

    def __init__(self, client: ClientThread, state: LiveState, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.client = client
        self.state = state
        self.status: ClientStatus = client.status
        self.applied = 0
        self.clock = ReplayClock()
        self._latencies: deque[float] = deque(maxlen=200)
        self._drain = QTimer(self)
        self._drain.setInterval(DRAIN_MS)
        self._drain.timeout.connect(self._on_drain)
        self._second = QTimer(self)
        self._second.setInterval(1000)
        self._second.timeout.connect(self._on_second)

    def start(self) -> None:
        """Start draining (the client thread must be started separately)."""
        self._drain.start()
        self._second.start()

    def stop(self) -> None:
        """Stop the timers (the client thread is stopped by its owner)."""
        self._drain.stop()
        self._second.stop()

    @property
    def latency_ms(self) -> float | None:
        """Median arrival-to-applied latency of recent batches, in milliseconds."""
        if not self._latencies:
            return None
        ordered = sorted(self._latencies)
        return ordered[len(ordered) // 2] * 1000.0

    def _on_drain(self) -> None:
        while True:
            try:
                status = self.client.statuses.get_nowait()
            except Exception:  # queue.Empty
                break
            self.status = status
            self.sigStatus.emit(status)
        stamped = self.client.drain_stamped(MAX_PER_TICK)
        if not stamped:
            return
        msgs = [msg for _, msg in stamped]
        if self.clock.follow(msgs):
            self.sigReplay.emit(self.clock.status)
        for msg in msgs:
            if isinstance(msg, TourControl):
                self.sigTour.emit(msg.action)
            elif isinstance(msg, Focus):
                self.sigFocus.emit(msg)
        changes: Changes = self.state.apply(msgs, self.clock.now())
        self.applied += len(stamped)
        if changes:
            self.sigChanged.emit(changes)
        done = time.monotonic()
        self._latencies.append(done - stamped[0][0])  # the oldest message of the batch waited longest

    def _on_second(self) -> None:
        now = self.clock.now()
        changes = self.state.tick(now)
        self.sigSecond.emit(now)
        if changes:
            self.sigChanged.emit(changes)
