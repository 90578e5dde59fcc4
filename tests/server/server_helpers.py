"""Helpers for the server tests: a raw protocol connection and case factories."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import Any

from waiting import WAIT_S
from websockets.sync.client import ClientConnection, connect

from feeds.protocol import CaseInfo, Hello, Message, decode, encode

GRID = "110102001004001"
TOKENS = {
    "wall-token": ("wall", "lobby wall"),
    "op-token": ("operator", "duty officer"),
    "prod-token": ("producer", "sim"),
}


def make_case(case_id: str, **kw: Any) -> CaseInfo:
    """A freshly reported case on a real grid and subclass."""
    fields: dict[str, Any] = {
        "id": case_id,
        "kind": "event",
        "subclass": "1201",
        "source": "patrol",
        "grid": GRID,
        "lon": 116.368,
        "lat": 39.92,
        "stage": "reported",
        "reported_at": time.time(),
        "department": "D01",
    }
    fields.update(kw)
    return CaseInfo(**fields)


class Wire:
    """A raw protocol connection (websockets sync client) that records every frame it receives.

    Args:
        url: Server URL.
        token: Token sent in ``hello`` by :meth:`hello`.
    """

    def __init__(self, url: str, token: str) -> None:
        self.token = token
        self._stack = contextlib.ExitStack()
        self.ws: ClientConnection = self._stack.enter_context(
            connect(url, max_size=None, max_queue=None, compression=None, proxy=None, open_timeout=WAIT_S)
        )
        self.received: list[Message] = []

    def hello(self, last_seq: int | None = None, store_id: str | None = None) -> list[Message]:
        """Say hello and return everything up to and including ``caught_up``."""
        self.send(Hello(self.token, last_seq, store_id, "test"))
        return self.until(lambda m: m.TYPE == "caught_up")

    def send(self, msg: Message) -> None:
        """Send a typed message."""
        self.ws.send(encode(msg))

    def send_raw(self, frame: str) -> None:
        """Send a frame as is."""
        self.ws.send(frame)

    def recv(self, timeout: float = WAIT_S) -> Message:
        """The next message (TimeoutError if none)."""
        msg = decode(self.ws.recv(timeout=timeout), max_bytes=None)
        self.received.append(msg)
        return msg

    def until(self, stop: Callable[[Message], bool], timeout: float = WAIT_S) -> list[Message]:
        """Messages up to and including the first one matching ``stop``."""
        deadline = time.monotonic() + timeout
        out: list[Message] = []
        while True:
            msg = self.recv(max(0.01, deadline - time.monotonic()))
            out.append(msg)
            if stop(msg):
                return out

    def reply(self, request_id: str, timeout: float = WAIT_S) -> Message:
        """The ack/result/error answering ``request_id``."""
        return self.until(lambda m: m.id == request_id, timeout)[-1]

    def events(self) -> list[Message]:
        """Events received so far (messages with a seq)."""
        return [m for m in self.received if m.seq is not None]

    def close(self) -> None:
        """Close the connection."""
        self._stack.close()
