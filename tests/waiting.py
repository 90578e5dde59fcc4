"""Waiting on conditions in tests: poll until true, with a limit that only a broken program reaches."""

from __future__ import annotations

import time
from collections.abc import Callable

WAIT_S = 60.0
"""Longest wait for a condition. Generous on purpose: a healthy run returns in milliseconds to
seconds even on a loaded 2-core machine; only a real failure waits this long."""
WAIT_MS = int(WAIT_S * 1000)
"""The same in milliseconds, for ``qtbot.waitUntil`` / ``qtbot.waitSignal``."""


def wait_until(condition: Callable[[], object], timeout: float = WAIT_S, interval: float = 0.02) -> bool:
    """Poll ``condition`` until it is truthy (True) or ``timeout`` seconds have passed (its last value)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return bool(condition())
