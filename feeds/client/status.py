"""Connection status of a :class:`~feeds.client.CaseClient`, and its reconnect delays."""

from __future__ import annotations

import random
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Literal

State = Literal["connecting", "live", "stale", "reconnecting", "stopped"]
STALE_FACTOR = 2.5
"""Data is stale when nothing arrived for this many heartbeat intervals."""


@dataclass(frozen=True, slots=True)
class ClientStatus:
    """What the wall shows about its connection ("Reconnecting · last update 08:20").

    Attributes:
        state: ``connecting`` (never been live yet), ``live``, ``stale`` (no
            frame for 2.5 heartbeats), ``reconnecting``, ``stopped``.
        last_update: Epoch seconds of the last frame received (``None``: none yet).
        last_seq: Last event ``seq`` held.
        detail: Human-readable reason (e.g. the connection error), may be empty.
        at: Epoch seconds of this status change.
    """

    state: State
    last_update: float | None
    last_seq: int | None
    detail: str
    at: float


def backoff(
    initial: float = 0.5, maximum: float = 30.0, factor: float = 1.8, jitter: float = 0.3
) -> Callable[[], Generator[float]]:
    """Exponential reconnect delays with jitter (for ``websockets`` ``reconnect_delays``).

    The first delay is uniform in ``[0, initial]`` so that many walls restarted
    together do not reconnect in lockstep; later ones grow by ``factor`` up to
    ``maximum``, each scattered by ``±jitter``.
    """

    def delays() -> Generator[float]:
        yield random.uniform(0.0, initial)
        delay = initial
        while True:
            yield min(delay, maximum) * random.uniform(1.0 - jitter, 1.0 + jitter)
            delay = min(delay * factor, maximum)

    return delays
