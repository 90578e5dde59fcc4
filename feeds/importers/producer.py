"""Publishing imported cases as a producer over the websocket protocol (the simulator's path).

:class:`ProducerSession` is a small synchronous client (``websockets.sync``) for
command-line importers and pollers: ``hello`` with a producer token, then
requests pipelined in windows, each answered by ``ack``/``result``/``error``
with its ``id``; every other frame (events, heartbeats, KPIs) is ignored, but for
the weather warnings, which it keeps up to date from the snapshot on (the CAP
importer asks which are shown).
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from websockets.exceptions import WebSocketException
from websockets.sync.client import ClientConnection, connect

from feeds.protocol import (
    Ack,
    Error,
    Hello,
    Message,
    Ping,
    Pong,
    ProtocolError,
    Query,
    Result,
    Snapshot,
    WeatherWarning,
    decode,
    encode,
)

WINDOW = 64
T = TypeVar("T")


class ProducerError(ConnectionError):
    """The server cannot be reached, refused the token, or went away mid-way."""


class ProducerSession:
    """One producer connection.

    Args:
        url: ``ws://host:port``.
        token: A producer token.
        timeout: Seconds to wait for the connection and for each reply.
    """

    def __init__(self, url: str, token: str, timeout: float = 15.0) -> None:
        self.timeout = timeout
        self._ids = itertools.count(1)
        self._weather: dict[str, WeatherWarning] = {}  # alert_id -> latest frame seen
        self._stack = contextlib.ExitStack()
        try:
            self._ws: ClientConnection = self._stack.enter_context(
                connect(url, max_size=None, compression=None, proxy=None, open_timeout=timeout)
            )
        except (OSError, WebSocketException, TimeoutError) as exc:
            raise ProducerError(f"cannot connect to {url}: {exc}") from None
        try:
            self._ws.send(encode(Hello(token, client="gridwall-importer")))
            while True:
                msg = self._recv()
                if isinstance(msg, Error):
                    raise ProducerError(f"refused by {url}: {msg.message}")
                if msg.TYPE == "welcome" and getattr(msg, "role", "") != "producer":
                    raise ProducerError(f"the token's role is {getattr(msg, 'role', '?')!r}, not producer")
                if msg.TYPE == "caught_up":
                    break
        except BaseException:
            self.close()
            raise

    def _recv(self) -> Message:
        try:
            raw = self._ws.recv(timeout=self.timeout)
        except TimeoutError:
            raise ProducerError(f"no reply from the server within {self.timeout:.0f} s") from None
        except (OSError, WebSocketException) as exc:
            raise ProducerError(f"connection lost: {exc}") from None
        msg = decode(raw, max_bytes=None)
        if isinstance(msg, Snapshot):
            self._weather = {w.alert_id: w for w in msg.weather}
        elif isinstance(msg, WeatherWarning):
            self._weather[msg.alert_id] = msg
        return msg

    def _send(self, msg: Message) -> str:
        request_id = f"i{next(self._ids)}"
        try:
            self._ws.send(encode(dataclasses.replace(msg, id=request_id)))
        except (OSError, WebSocketException) as exc:
            raise ProducerError(f"connection lost: {exc}") from None
        return request_id

    def requests(self, msgs: Sequence[Message]) -> list[Message]:
        """Send requests (pipelined, ``WINDOW`` in flight) and return their replies in order."""
        replies: dict[str, Message] = {}
        ids: list[str] = []
        for start in range(0, len(msgs), WINDOW):
            batch = [self._send(m) for m in msgs[start : start + WINDOW]]
            ids.extend(batch)
            waiting = set(batch)
            while waiting:
                msg = self._recv()
                if msg.id in waiting and isinstance(msg, (Ack, Error, Result, Pong)):
                    replies[msg.id] = msg
                    waiting.discard(msg.id)
        return [replies[i] for i in ids]

    def publish(self, events: Sequence[Message]) -> list[Ack | Error]:
        """Publish events in order; one ``ack`` or ``error`` each."""
        return [r for r in self.requests(events) if isinstance(r, (Ack, Error))]

    def shown_weather(self) -> dict[str, WeatherWarning]:
        """The weather warnings the server shows now, by alert id: its snapshot brought up to date by the events
        since (a ``ping`` first, so every event sent before its ``pong`` has been read)."""
        self.requests([Ping()])
        return {alert_id: w for alert_id, w in self._weather.items() if w.active}

    def current_stages(self, case_ids: Sequence[str]) -> dict[str, str]:
        """The stage of each of ``case_ids`` the server holds (absent ones are left out)."""
        replies = self.requests([Query("case", {"case_id": c}) for c in case_ids])
        out: dict[str, str] = {}
        for cid, reply in zip(case_ids, replies, strict=True):
            if isinstance(reply, Result) and isinstance(reply.data, dict):
                case: Any = reply.data.get("case")
                if isinstance(case, dict) and isinstance(case.get("stage"), str):
                    out[cid] = case["stage"]
            elif isinstance(reply, Error) and reply.code != "not_found":
                raise ProtocolError(reply.code, reply.message, reply.field)
        return out

    def close(self) -> None:
        """Close the connection."""
        with contextlib.suppress(Exception):
            self._stack.close()

    def __enter__(self) -> ProducerSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class LazyProducer:
    """A producer session opened on first use, and again after it was lost.

    Args:
        connect: Opens a :class:`ProducerSession` (raises :class:`ProducerError` if it cannot).
    """

    def __init__(self, connect: Callable[[], ProducerSession]) -> None:
        self._connect = connect
        self._session: ProducerSession | None = None

    def run(self, work: Callable[[ProducerSession], T]) -> T:
        """Run ``work`` on the session; a ``ProducerError`` drops the session (the next call reconnects)."""
        if self._session is None:
            self._session = self._connect()
        try:
            return work(self._session)
        except ProducerError:
            self.close()
            raise

    def close(self) -> None:
        """Close the session, if open."""
        if self._session is not None:
            self._session.close()
            self._session = None
