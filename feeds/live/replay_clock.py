"""The time a wall shows: the machine's own, or the replayed time of a replay server (no Qt)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from feeds.protocol import Message, ReplayStatus, Welcome


class ReplayClock:
    """Follows ``replay`` messages; between two it runs at their ``speed`` (standing while ``paused``).

    A ``welcome`` starts a new session and ends the replay: a replay server sends its
    status right after its ``welcome``, a live server sends none.

    Args:
        wall: The machine's clock (epoch seconds).
        monotonic: Real elapsed time (seconds), to run the replayed time between messages.
    """

    def __init__(self, wall: Callable[[], float] = time.time, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._wall = wall
        self._monotonic = monotonic
        self.status: ReplayStatus | None = None
        self._received = 0.0

    @property
    def replaying(self) -> bool:
        """Whether the wall is watching a replay."""
        return self.status is not None

    def follow(self, msgs: Iterable[Message]) -> bool:
        """Take the ``welcome`` and ``replay`` messages of a batch; True when the mode, pause or speed changed."""
        changed = False
        for msg in msgs:
            if isinstance(msg, Welcome) and self.status is not None:
                self.status, changed = None, True
            elif isinstance(msg, ReplayStatus):
                old = self.status
                changed = (
                    changed or old is None or (old.paused, old.speed, old.ended) != (msg.paused, msg.speed, msg.ended)
                )
                self.status, self._received = msg, self._monotonic()
        return changed

    def now(self) -> float:
        """The replayed time while replaying, else the machine's time."""
        status = self.status
        if status is None:
            return self._wall()
        if status.paused:
            return status.now
        return min(status.now + (self._monotonic() - self._received) * status.speed, status.end)
