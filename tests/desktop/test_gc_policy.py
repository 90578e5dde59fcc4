"""Cyclic garbage is collected on the GUI thread only (desktop.gc_policy)."""

from __future__ import annotations

import gc
import threading
from typing import Any, ClassVar

from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot
from waiting import WAIT_MS

from desktop import gc_policy


class _Cycle:
    """A reference cycle holding a Qt object; notes the thread that frees it."""

    freed_in: ClassVar[list[str]] = []

    def __init__(self) -> None:
        self.me = self
        self.qt = QObject()

    def __del__(self) -> None:
        _Cycle.freed_in.append(threading.current_thread().name)


def test_a_worker_allocating_never_collects_and_the_gui_thread_does(qtbot: QtBot) -> None:
    """With the policy on, a worker crossing every threshold frees no cycle; the GUI thread's timer does."""
    gc_policy.install()
    assert not gc.isenabled()
    gc.collect()
    _Cycle.freed_in.clear()
    _Cycle()  # unreachable at once: only a collection frees it
    threshold = gc.get_threshold()[0]

    keep: list[Any] = []  # held past the worker: the counts stay above the threshold

    def allocate() -> None:
        for _ in range(50 * threshold):  # far past generation 0's threshold, many times over
            keep.append([])

    worker = threading.Thread(target=allocate, name="query-worker")
    worker.start()
    worker.join()
    assert _Cycle.freed_in == []
    qtbot.waitUntil(lambda: _Cycle.freed_in == [threading.main_thread().name], timeout=WAIT_MS)
    keep.clear()


def test_install_is_idempotent(qtbot: QtBot) -> None:
    """One collector per application, whatever the number of calls."""
    first = gc_policy.install()
    assert gc_policy.install() is first
    assert first.timer.isActive()
