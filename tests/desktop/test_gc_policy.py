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


class _Frozen:
    """A cycle that notes when it is freed."""

    freed: ClassVar[list[int]] = []

    def __init__(self, n: int) -> None:
        self.n = n
        self.me = self

    def __del__(self) -> None:
        _Frozen.freed.append(self.n)


def test_full_collections_freeze_the_survivors_and_thaw_them_once_per_interval(qtbot: QtBot) -> None:
    """With freezing on, a full collection leaves its survivors frozen: later full collections do not
    walk them (a cycle among them that became garbage stays) until REFREEZE_S has passed, when the
    next full collection thaws, frees that cycle and freezes again."""
    now = [1000.0]
    parent = QObject()
    collector = gc_policy.GuiCollector(parent, interval_ms=3_600_000, freeze=True, clock=lambda: now[0])
    _Frozen.freed.clear()
    try:
        old = _Frozen(1)
        collector.collect(2)  # the first: thaws (nothing), collects, freezes
        assert collector.thawed_at == 1000.0
        frozen = gc.get_freeze_count()
        assert frozen > 1000 and len(gc.get_objects(generation=2)) < frozen
        del old  # garbage now, but frozen
        _Frozen(2)  # new garbage, not frozen
        now[0] += 60
        collector.collect(2)
        assert _Frozen.freed == [2]  # the new cycle is freed, the frozen one is not walked
        assert collector.thawed_at == 1000.0
        now[0] = 1000.0 + gc_policy.REFREEZE_S
        collector.collect(2)
        assert sorted(_Frozen.freed) == [1, 2]  # thawed and freed within the interval
        assert collector.thawed_at == now[0] and gc.get_freeze_count() > 1000
        collector.collect(0)  # younger generations: a plain collection, nothing thawed
        assert collector.thawed_at == now[0]
    finally:
        collector.timer.stop()
        gc.unfreeze()  # the rest of the test run collects as before


def test_freezing_is_off_unless_asked_and_install_can_turn_it_on(qtbot: QtBot) -> None:
    """The default collector freezes nothing; install(freeze=True) turns it on for the same collector."""
    collector = gc_policy.install()
    was = collector.freeze
    try:
        parent = QObject()
        plain = gc_policy.GuiCollector(parent, interval_ms=3_600_000)
        plain.collect(2)
        plain.timer.stop()
        assert gc.get_freeze_count() == 0
        assert gc_policy.settle() is False and gc.get_freeze_count() == 0  # the test run's collector: off
        assert gc_policy.install(freeze=True) is collector and collector.freeze
        assert gc_policy.settle() is True and gc.get_freeze_count() > 1000
    finally:
        collector.freeze = was
        gc.unfreeze()


def test_what_the_start_builds_is_frozen_as_made_and_the_first_settle_frees_its_garbage(qtbot: QtBot) -> None:
    """freeze_now (the start) freezes nothing with the test run's collector; with freezing on, it
    freezes what exists, so the start's collections do not walk it, and settle() thaws and frees a
    cycle among it."""
    collector = gc_policy.install()
    was, thawed = collector.freeze, collector.thawed_at
    _Frozen.freed.clear()
    try:
        assert gc_policy.freeze_now() is False and gc.get_freeze_count() == 0
        collector.freeze, collector.thawed_at = True, None  # the wall's collector, not yet settled
        _Frozen(3)  # garbage made during the start
        assert gc_policy.freeze_now() is True
        frozen = gc.get_freeze_count()
        assert frozen > 1000
        gc.collect(1)  # a collection on the way: walks nothing frozen
        assert _Frozen.freed == [] and gc.get_freeze_count() == frozen
        assert gc_policy.settle() is True  # the first full collection: thaws, frees, freezes again
        assert _Frozen.freed == [3] and gc.get_freeze_count() > 1000
    finally:
        collector.freeze, collector.thawed_at = was, thawed
        gc.unfreeze()
