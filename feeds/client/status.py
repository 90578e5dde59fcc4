"""Connection status of a :class:`~feeds.client.CaseClient`, and its reconnect delays."""

from __future__ import annotations

import random
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Literal

State = Literal["connecting", "live", "stale", "reconnecting", "refused", "stopped"]
STALE_FACTOR = 2.5
"""Data is stale when nothing arrived for this many heartbeat intervals."""


@dataclass(frozen=True, slots=True)
class ClientStatus:
    """What the wall shows about its connection ("Reconnecting · last update 08:20").

    Attributes:
        state: ``connecting`` (never been live yet), ``live``, ``stale`` (no
            frame for 2.5 heartbeats), ``reconnecting``, ``refused`` (the server
            refused the token; retried only after a long pause), ``stopped``.
        last_update: Epoch seconds of the last frame received in an accepted session
            (``None``: no data yet; a refusal is not data).
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
    initial: float = 0.5, maximum: float = 30.0, factor: float = 1.8, jitter: float = 0.3, first: float | None = None
) -> Callable[[], Generator[float]]:
    """Exponential reconnect delays with jitter (for ``websockets`` ``reconnect_delays``).

    The first delay is uniform in ``[0, initial]`` so that many walls restarted
    together do not reconnect in lockstep; later ones grow by ``factor`` up to
    ``maximum``, each scattered by ``±jitter``. ``first`` replaces the random
    first delay (scattered by ``±jitter`` too).
    """

    def delays() -> Generator[float]:
        if first is None:
            yield random.uniform(0.0, initial)
        else:
            yield first * random.uniform(1.0 - jitter, 1.0 + jitter)
        delay = initial if first is None else initial * factor
        while True:
            yield min(delay, maximum) * random.uniform(1.0 - jitter, 1.0 + jitter)
            delay = min(delay * factor, maximum)

    return delays


REFUSED_FIRST_S = 60.0
"""Pause before trying a refused token again (an operator must fix it; hammering cannot help)."""
REFUSED_MAX_S = 900.0
"""Longest pause between two tries of a refused token."""


def refusal_backoff(initial: float = REFUSED_FIRST_S, maximum: float = REFUSED_MAX_S) -> Callable[[], Generator[float]]:
    """Delays after the server refused the token: one minute, doubling up to fifteen (±10 %).

    A refused token is retried at all only because it may be added to the
    server's tokens file later; the pause is long so that a wall with a wrong
    token costs the server one handshake every few minutes.
    """
    return backoff(initial, maximum, factor=2.0, jitter=0.1, first=initial)
