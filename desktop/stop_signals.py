"""Ctrl+C (SIGINT) and SIGTERM end a running wall as Ctrl+Q does.

Qt's event loop runs in C++: Python runs a signal's handler only when Python code runs next,
and the default SIGINT handler then raises ``KeyboardInterrupt`` inside whatever slot ran
(a timer's), where PySide prints it and goes on. So while the loop runs, the signals get a
handler of their own and ``signal.set_wakeup_fd`` writes a byte to a socket that a
``QSocketNotifier`` watches: the event loop wakes at once, and the notifier's slot quits the
application from an ordinary turn of the loop. Outside :class:`StopOnSignals` the handlers
are what they were (a second Ctrl+C while the wall closes interrupts the closing).
"""

from __future__ import annotations

import logging
import signal
import socket
from types import FrameType, TracebackType
from typing import Any

from PySide6.QtCore import QCoreApplication, QSocketNotifier

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StopOnSignals:
    """While entered (on the main thread, around the application's event loop): SIGINT and SIGTERM quit ``app``.

    A signal that was ignored when entered (a program started in the background with SIGINT
    ignored) stays ignored. :attr:`received` names the first signal that arrived.
    """

    def __init__(self, app: QCoreApplication) -> None:
        self.app = app
        self.received: signal.Signals | None = None
        self._previous: dict[signal.Signals, Any] = {}
        self._previous_fd = -1
        self._reader, self._writer = socket.socketpair()
        self._notifier: QSocketNotifier | None = None

    def __enter__(self) -> StopOnSignals:
        for sock in (self._reader, self._writer):
            sock.setblocking(False)
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read)
        self._notifier.activated.connect(self._on_wake)
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno(), warn_on_full_buffer=False)
        for sig in STOP_SIGNALS:
            if signal.getsignal(sig) is not signal.SIG_IGN:
                self._previous[sig] = signal.signal(sig, self._on_signal)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._previous.clear()
        signal.set_wakeup_fd(self._previous_fd)
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None
        self._reader.close()
        self._writer.close()

    @staticmethod
    def _on_signal(_signum: int, _frame: FrameType | None) -> None:
        """Python's part of the handler: nothing (no ``KeyboardInterrupt``); the wake-up byte does the work."""

    def _on_wake(self) -> None:
        """Signals arrived (their numbers are the wake-up bytes): for a stop signal, quit as Ctrl+Q does."""
        numbers = b""
        try:
            while chunk := self._reader.recv(64):
                numbers += chunk
        except OSError:  # BlockingIOError: all read
            pass
        stops = [signal.Signals(n) for n in numbers if n in self._previous]
        if not stops:
            return
        if self.received is None:
            self.received = stops[0]
            log.info("%s: closing the wall", self.received.name)
        self.app.quit()
