"""The freeze watchdog logs a frozen thread once, with its stack, and its recovery."""

from __future__ import annotations

import logging

import pytest

from feeds.watchdog import FreezeWatchdog


class Clock:
    """A hand-driven monotonic clock."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_freeze_is_logged_once_with_the_stack_and_the_recovery(caplog: pytest.LogCaptureFixture) -> None:
    """Beats keep it quiet; 4 s of silence logs one warning with the stack; the next beat logs the length."""
    clock = Clock()
    dog = FreezeWatchdog(3.0, clock=clock)
    caplog.set_level(logging.INFO, logger="gridwall.watchdog")
    for _ in range(10):
        clock.now += 0.25
        dog.beat()
        assert dog.check() is None
    clock.now += 4.0
    assert dog.check() == pytest.approx(4.0)
    clock.now += 1.0
    assert dog.check() is None  # the same freeze is reported once
    assert "frozen for 4.0 s" in caplog.text and "test_a_freeze_is_logged_once" in caplog.text
    dog.beat()
    assert "responsive again after 5.0 s" in caplog.text
    assert (dog.freezes, dog.longest_s) == (1, pytest.approx(5.0))
