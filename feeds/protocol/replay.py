"""Replay and tour messages: a replay server tells clients what they watch, operators steer it and the tour."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar

from feeds.protocol import fields as f
from feeds.protocol.messages import Message

REPLAY_ACTIONS = frozenset({"pause", "resume", "seek", "speed", "live"})
LIVE_URL = re.compile(r"wss?://[^\s]+")
"""A live server's URL in a ``replay`` message: ``ws://`` or ``wss://``, no blanks."""
REPLAY_SPEED_MIN, REPLAY_SPEED_MAX = 0.001, 1e7
"""The replay speeds (replayed seconds per real second) ``replay`` and ``replay.control`` messages carry."""


@dataclass(frozen=True, slots=True)
class ReplayStatus(Message):
    """Sent by a replay server only (volatile, no ``seq``): right after ``welcome`` and about once a second.

    ``now`` is the replayed time when it was sent; between two messages a client
    advances it by ``speed`` × the real time passed (not while ``paused``). ``live``
    is the URL of the live server the replay belongs to (if known); ``ended`` says the
    replay is over and the server is about to stop: clients go back to ``live``.
    """

    TYPE: ClassVar[str] = "replay"
    now: float
    start: float
    end: float
    speed: float
    paused: bool = False
    live: str | None = None
    ended: bool = False

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "now": round(self.now, 3),
            "start": f.iso(self.start),
            "end": f.iso(self.end),
            "speed": self.speed,
            "paused": self.paused,
        }
        if self.live is not None:
            body["live"] = self.live
        if self.ended:
            body["ended"] = True
        return body

    @classmethod
    def parse(cls, d: dict[str, Any]) -> ReplayStatus:
        return cls(
            f.req_num(d, "now", lo=0),
            f.req_ts(d, "start"),
            f.req_ts(d, "end"),
            f.req_num(d, "speed", lo=REPLAY_SPEED_MIN, hi=REPLAY_SPEED_MAX),
            f.flag(d, "paused"),
            f.text(d, "live", required=False, max_len=500, pattern=LIVE_URL),
            f.flag(d, "ended"),
            **cls._head(d),
        )


@dataclass(frozen=True, slots=True)
class ReplayControl(Message):
    """An operator steers a replay server: ``pause``, ``resume``, ``seek`` (to ``at``), ``speed`` or ``live``."""

    TYPE: ClassVar[str] = "replay.control"
    action: str
    at: float | None = None
    speed: float | None = None

    def body(self) -> dict[str, Any]:
        return f.drop_none({"action": self.action, "at": f.iso(self.at), "speed": self.speed})

    @classmethod
    def parse(cls, d: dict[str, Any]) -> ReplayControl:
        action = f.req_text(d, "action", choices=REPLAY_ACTIONS)
        return cls(
            action,
            f.timestamp(d, "at", required=action == "seek"),
            f.number(d, "speed", required=action == "speed", lo=REPLAY_SPEED_MIN, hi=REPLAY_SPEED_MAX),
            **cls._head(d),
        )


@dataclass(frozen=True, slots=True)
class TourControl(Message):
    """Start or stop the visitors' tour on every wall: an operator sends it (answered by ``ack``),
    the server passes it on to every client (volatile, no ``seq``)."""

    TYPE: ClassVar[str] = "tour"
    action: str

    def body(self) -> dict[str, Any]:
        return {"action": self.action}

    @classmethod
    def parse(cls, d: dict[str, Any]) -> TourControl:
        return cls(f.req_text(d, "action", choices=frozenset({"start", "stop"})), **cls._head(d))
