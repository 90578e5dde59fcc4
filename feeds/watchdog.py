"""A watchdog for a thread that must never freeze (the wall's GUI thread), without Qt.

The watched thread calls :meth:`FreezeWatchdog.beat` often (a GUI timer every 250 ms);
a daemon thread calls :meth:`FreezeWatchdog.check`, which logs a warning with the frozen
thread's Python stack once it has not beaten for ``threshold_s``, and an info line with
the freeze's length once it beats again. Nothing is interrupted: the log says what froze.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
import traceback
from collections.abc import Callable

_log = logging.getLogger("gridwall.watchdog")


class FreezeWatchdog:
    """Logs when the watched thread stops beating for longer than ``threshold_s``.

    Args:
        threshold_s: Silence that counts as a freeze.
        clock: Monotonic seconds (injectable for tests).
        thread_id: The watched thread (default: the one creating the watchdog).
    """

    def __init__(
        self, threshold_s: float = 3.0, *, clock: Callable[[], float] = time.monotonic, thread_id: int | None = None
    ) -> None:
        self.threshold_s = threshold_s
        self._clock = clock
        self._thread_id = thread_id if thread_id is not None else threading.get_ident()
        self._last = clock()
        self._frozen_since: float | None = None
        self.freezes = 0
        self.longest_s = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def beat(self) -> None:
        """Called by the watched thread: it is alive."""
        now = self._clock()
        if self._frozen_since is not None:
            length = now - self._frozen_since
            self.longest_s = max(self.longest_s, length)
            _log.info("watched thread responsive again after %.1f s", length)
            self._frozen_since = None
        self._last = now

    def check(self) -> float | None:
        """Called from another thread: the silence in seconds if it is a new freeze (logged), else ``None``."""
        now = self._clock()
        silent = now - self._last
        if silent < self.threshold_s or self._frozen_since is not None:
            return None
        self._frozen_since = self._last
        self.freezes += 1
        frame = sys._current_frames().get(self._thread_id)
        stack = "".join(traceback.format_stack(frame)) if frame is not None else "(stack not available)\n"
        _log.warning("watched thread frozen for %.1f s; it is at:\n%s", silent, stack.rstrip())
        return silent

    def start(self, interval_s: float = 0.5) -> FreezeWatchdog:
        """Check every ``interval_s`` on a daemon thread until :meth:`stop`."""

        def run() -> None:
            while not self._stop.wait(interval_s):
                self.check()

        self._thread = threading.Thread(target=run, name="gridwall-watchdog", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop checking (idempotent)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
