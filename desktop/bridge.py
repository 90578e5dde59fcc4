"""Feed → GUI bridge: drain the client thread's queue into the live state, promptly but paced.

The websocket client runs on its own thread and asyncio loop and decodes
frames there. When a message is queued while none was waiting, the client
thread wakes the bridge (a queued signal). On the GUI thread the bridge then
drains everything queued (bounded per drain so a burst never freezes a
frame), folds it into :class:`~feeds.live.LiveState` in one batch and emits
one ``sigChanged``: at once if the last drain is at least the *gap* ago,
else when the gap is over. The gap is ``MIN_GAP_MS`` or twice the last
drain's own time, whichever is longer (at most ``MAX_GAP_MS``, so one big
snapshot does not hold back what follows), so under a flood the GUI thread
spends at most about a third of its time applying events and widgets repaint
once per drain however fast events arrive. A 50 ms timer asks for a drain as
well (paced the same way), in case a wake-up is ever missed.
"""

from __future__ import annotations

import math
import time
from collections import deque

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from feeds.client import ClientThread
from feeds.client.status import ClientStatus
from feeds.live import Changes, LiveState
from feeds.live.replay_clock import ReplayClock
from feeds.protocol import Focus, TourControl

DRAIN_MS = 50  # the periodic drain (a safety net for a missed wake-up, and statuses)
MIN_GAP_MS = 20  # at most 50 drains a second, however fast events come
MAX_GAP_MS = 200
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
    _sigWake = Signal()  # emitted on the client's thread, delivered on the GUI thread

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
        self._drain.timeout.connect(self._on_wake)
        self._soon = QTimer(self)  # the drain a wake-up asked for, once the gap is over
        self._soon.setSingleShot(True)
        self._soon.setTimerType(Qt.TimerType.PreciseTimer)  # a coarse timer may fire 5 % early
        self._soon.timeout.connect(self._on_drain)
        self._last_drain = 0.0  # monotonic end of the last drain that applied something
        self._last_cost = 0.0  # how long that drain took
        self._sigWake.connect(self._on_wake, Qt.ConnectionType.QueuedConnection)
        self._second = QTimer(self)
        self._second.setInterval(1000)
        self._second.timeout.connect(self._on_second)

    def start(self) -> None:
        """Start draining (the client thread must be started separately)."""
        self.client.wake = self._sigWake.emit
        self._drain.start()
        self._second.start()

    def stop(self) -> None:
        """Stop the timers (the client thread is stopped by its owner)."""
        self.client.wake = None
        self._soon.stop()
        self._drain.stop()
        self._second.stop()

    @property
    def latency_ms(self) -> float | None:
        """Median arrival-to-applied latency of recent batches, in milliseconds."""
        if not self._latencies:
            return None
        ordered = sorted(self._latencies)
        return ordered[len(ordered) // 2] * 1000.0

    def _on_wake(self) -> None:
        if not self._drain.isActive():  # stopped (or not started): no drains
            return
        gap = min(max(MIN_GAP_MS / 1000.0, 2.0 * self._last_cost), MAX_GAP_MS / 1000.0)
        wait = self._last_drain + gap - time.monotonic()
        if wait <= 0:
            self._on_drain()
        elif not self._soon.isActive():
            self._soon.start(math.ceil(wait * 1000))

    def _on_drain(self) -> None:
        began = time.monotonic()
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
        self._last_drain, self._last_cost = done, done - began
        self._latencies.append(done - stamped[0][0])  # the oldest message of the batch waited longest

    def _on_second(self) -> None:
        now = self.clock.now()
        changes = self.state.tick(now)
        self.sigSecond.emit(now)
        if changes:
            self.sigChanged.emit(changes)
