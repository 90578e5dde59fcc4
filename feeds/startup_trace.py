"""Start-up phase marks for profiling a cold start (``bench/cold_start.py`` reads them).

With ``GRIDWALL_STARTUP_TRACE=1`` in the environment every :func:`mark` prints one line
``[startup] <phase> <monotonic seconds>`` to stderr. ``time.monotonic()`` is system-wide on
Linux, so a parent process subtracts its own reading at spawn to get the time from exec.
With ``GRIDWALL_STARTUP_TRACE=exit`` the wall also quits once its first complete screen is
shown (``desktop/startup_probe.py``). Without the variable :func:`mark` does nothing.
Marks may come from any thread.
"""

from __future__ import annotations

import os
import sys
import threading
import time

ENV = "GRIDWALL_STARTUP_TRACE"


def enabled() -> bool:
    """True when start-up marks are printed."""
    return bool(os.environ.get(ENV))


def exit_when_complete() -> bool:
    """True when the wall should quit after its first complete screen (benchmarks)."""
    return os.environ.get(ENV) == "exit"


_LOCK = threading.Lock()


def mark(phase: str) -> None:
    """Print that ``phase`` is reached now (when tracing is enabled); one write per line, so
    marks from several threads never interleave."""
    if enabled():
        line = f"[startup] {phase} {time.monotonic():.4f}\n"
        with _LOCK:
            sys.stderr.write(line)
            sys.stderr.flush()
