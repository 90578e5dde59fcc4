"""Run the live simulator beside a GUI (:class:`SimulatorThread`) or as the ``gridwall simulate`` command."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import threading
import time
from typing import TextIO

from feeds.protocol import BEIJING
from feeds.simulator.live.live import LiveSimulator, LiveStats, SimulatorError

STATUS_EVERY_S = 10.0
"""Real seconds between two status lines of ``gridwall simulate``."""
START_POLL_S = 0.05
"""How often ``gridwall simulate --duration`` looks whether the takeover is done (its clock starts then)."""


class SimulatorThread:
    """A :class:`LiveSimulator` on its own thread and event loop.

    Args:
        url: Server URL.
        token: Producer token.
        speed: Simulated seconds per real second.
        seed: Seed (random if ``None``).
        start: Simulated start, epoch seconds (default: now, or just after the newest
            case the server holds); tests pass a fixed time so they do not depend on the hour.

    Attributes:
        simulator: The simulator (read :attr:`LiveSimulator.stats` from any thread).
        error: Why it stopped on its own (token refused ...), else ``None``.
    """

    def __init__(
        self, url: str, token: str, speed: float = 1.0, seed: int | None = None, start: float | None = None
    ) -> None:
        self.simulator = LiveSimulator(url, token, speed=speed, seed=seed, start=start)
        self.error: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._main, name="gridwall-simulator", daemon=True)

    @property
    def stats(self) -> LiveStats:
        """What the simulator has done so far."""
        return self.simulator.stats

    def start(self) -> SimulatorThread:
        """Start the thread (returns at once)."""
        self._thread.start()
        self._started.wait(10.0)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop publishing, close the connection and join the thread (idempotent)."""
        loop, task = self._loop, self._task
        if loop is not None and task is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(task.cancel)
        if self._thread.is_alive():
            self._thread.join(timeout)

    def is_alive(self) -> bool:
        """Whether the simulator is still running."""
        return self._thread.is_alive()

    def _main(self) -> None:
        asyncio.run(self._run())

    async def _run(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._task = asyncio.current_task()
        self._started.set()
        try:
            await self.simulator.run()
        except asyncio.CancelledError:
            pass
        except Exception as exc:  # reported through .error, the GUI decides what to show
            self.error = exc


def _status_line(stats: LiveStats, started: float) -> str:
    elapsed = max(time.monotonic() - started, 1e-9)
    clock = time.strftime("%Y-%m-%d %H:%M", time.gmtime(stats.sim_time + BEIJING.utcoffset(None).total_seconds()))
    return (
        f"simulate: {clock} Beijing · {stats.total:,} events ({stats.total / elapsed:,.1f}/s) · "
        f"{stats.created:,} new cases · backlog {stats.taken_over_closed:,}/{stats.taken_over:,} closed · "
        f"{stats.pending:,} pending" + (f" · refused {sum(stats.errors.values()):,}" if stats.errors else "")
    )


def run_simulate(
    url: str,
    token: str,
    *,
    speed: float = 1.0,
    seed: int | None = None,
    start: float | None = None,
    duration: float | None = None,
    out: TextIO = sys.stderr,
    connect_timeout: float = 10.0,
) -> int:
    """The ``gridwall simulate`` command; returns the exit code.

    Prints a status line every :data:`STATUS_EVERY_S` seconds and a summary at
    the end; stops after ``duration`` real seconds of publishing (counted once connected
    and the snapshot is taken over), on Ctrl+C or SIGTERM. An
    unreachable server (after ``connect_timeout`` seconds) or a refused token
    is one line and exit code 1. ``start`` is the simulated start (see
    :class:`LiveSimulator`).
    """
    sim = LiveSimulator(url, token, speed=speed, seed=seed, start=start, connect_timeout=connect_timeout)
    started = time.monotonic()

    async def main() -> None:
        loop = asyncio.get_running_loop()
        runner = asyncio.create_task(sim.run())
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(sig, runner.cancel)
        deadline: float | None = None  # the duration counts from the takeover, not from connecting
        next_status = time.monotonic() + STATUS_EVERY_S
        while not runner.done():
            now = time.monotonic()
            if duration is not None and deadline is None and sim.script is not None:
                deadline = now + duration
            if duration is not None and deadline is None:
                wait = START_POLL_S
            else:
                wait = min(next_status, deadline if deadline is not None else next_status) - now
            await asyncio.wait({runner}, timeout=max(wait, 0.0))
            if runner.done():
                break
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                runner.cancel()
                break
            if sim.script is not None and now >= next_status:
                next_status = now + STATUS_EVERY_S
                out.write(_status_line(sim.stats, started) + "\n")
                out.flush()
        with contextlib.suppress(asyncio.CancelledError):
            await runner

    try:
        asyncio.run(main())
    except SimulatorError as exc:
        out.write(f"gridwall simulate: {exc}\n")
        return 1
    except KeyboardInterrupt:
        pass
    if sim.script is None:
        out.write(f"gridwall simulate: stopped before connecting to {url}\n")
        return 1
    out.write(_status_line(sim.stats, started).replace("simulate:", "simulate: done,", 1) + "\n")
    return 0
