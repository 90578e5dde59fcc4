"""Timed messages waiting for the simulated clock: a heap ordered by time, then by insertion."""

from __future__ import annotations

import dataclasses
import heapq
import itertools

from feeds.protocol import Message

Timed = tuple[float, Message]
"""A message and the simulated time (epoch seconds) at which it happens."""


class Schedule:
    """Pending messages of the live simulation.

    Messages pushed for the same time come out in the order they were pushed,
    so a case's steps (and a warning's phases) keep their order.
    """

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Message]] = []
        self._order = itertools.count()

    def __len__(self) -> int:
        return len(self._heap)

    def push(self, t: float, msg: Message) -> None:
        """Schedule ``msg`` at simulated time ``t``."""
        heapq.heappush(self._heap, (t, next(self._order), msg))

    def extend(self, items: list[Timed]) -> None:
        """Schedule several messages."""
        for t, msg in items:
            self.push(t, msg)

    def next_time(self) -> float | None:
        """Time of the earliest pending message."""
        return self._heap[0][0] if self._heap else None

    def pop_due(self, now: float) -> list[Message]:
        """Remove the messages due by ``now``, in order, stamped with their time (whole seconds)."""
        out = []
        while self._heap and self._heap[0][0] <= now:
            t, _, msg = heapq.heappop(self._heap)
            out.append(dataclasses.replace(msg, ts=float(int(t))))
        return out
