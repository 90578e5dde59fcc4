"""A one-line text progress bar (percentage, rate, ETA) for long command-line jobs."""

from __future__ import annotations

import time
from typing import TextIO


def _clock(seconds: float) -> str:
    seconds = max(0, int(seconds + 0.5))
    minutes, secs = divmod(seconds, 60)
    return f"{minutes}:{secs:02d}"


class ProgressBar:
    """Draws ``label  42% [#####-----] 1,352,000/~3,220,000 cases  61,000/s  ETA 0:31``.

    The total is an estimate that stays put while the work runs (``~``); the
    bar stops at 99 % until :meth:`finish` draws 100 % with the exact count.
    On a terminal the line is redrawn in place (at most every ``interval``
    seconds); elsewhere (a log file, a test) one line is written per tenth.

    Args:
        out: Where to write (usually ``sys.stderr``).
        label: Text in front of the bar.
        unit: What is counted.
        width: Characters of the bar itself.
        interval: Least seconds between redraws on a terminal.
    """

    def __init__(
        self, out: TextIO, label: str = "seeding", unit: str = "cases", width: int = 30, interval: float = 0.2
    ) -> None:
        self.out, self.label, self.unit, self.width, self.interval = out, label, unit, width, interval
        self._tty = bool(getattr(out, "isatty", lambda: False)())
        self._start = time.perf_counter()
        self._last_draw = -1.0
        self._last_tenth = -1
        self.done = 0

    def rate(self, done: int) -> float:
        """Items per second since the bar was made."""
        elapsed = time.perf_counter() - self._start
        return done / elapsed if elapsed > 0 else 0.0

    def line(self, done: int, total: int, final: bool = False) -> str:
        """The progress line for ``done`` of about ``total`` (exactly ``done`` of ``done`` when ``final``)."""
        total = max(total, 1)
        rate = self.rate(done)
        if final:
            share, count, tail = 1.0, f"{done:,}/{done:,}", "done"
        else:
            share, count = min(done / total, 0.99), f"{done:,}/~{total:,}"
            tail = f"ETA {_clock(max(total - done, 0) / rate)}" if rate > 0 else "ETA -:--"
        filled = int(share * self.width)
        bar = "#" * filled + "-" * (self.width - filled)
        return f"{self.label} {share:4.0%} [{bar}] {count} {self.unit}  {rate:,.0f}/s  {tail}"

    def update(self, done: int, total: int) -> None:
        """Report progress (cheap to call often)."""
        self.done = done
        now = time.perf_counter()
        if self._tty:
            if now - self._last_draw >= self.interval:
                self._last_draw = now
                self.out.write("\r" + self.line(done, total))
                self.out.flush()
            return
        tenth = int(10 * done / max(total, 1))
        if self._last_tenth < tenth < 10:  # the end is drawn by finish()
            self._last_tenth = tenth
            self.out.write(self.line(done, total) + "\n")
            self.out.flush()

    def finish(self, done: int) -> None:
        """Draw the final state and end the line."""
        text = self.line(done, done, final=True)
        self.out.write(("\r" + text + "\n") if self._tty else (text + "\n"))
        self.out.flush()

    def abort(self) -> None:
        """End a half-drawn line (before an error message)."""
        if self._tty:
            self.out.write("\n")
            self.out.flush()
