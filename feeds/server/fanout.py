"""Fan-out of encoded frames to many clients without letting a slow one stall the rest.

Each event is encoded once, plus once more with personal data masked
(:func:`feeds.privacy.mask_frame`) when a ``wall``-role client is subscribed.
:meth:`Fanout.broadcast` never waits:

* clients that are keeping up (nothing queued, nothing being sent, socket
  buffer below :data:`WRITE_LIMIT`) get the frame at once, without a task
  switch per client: the websocket frame (header and payload; server frames are
  unmasked and uncompressed, so the same bytes suit every client) is built once
  per broadcast, and everything a client got during one turn of the event loop (a
  committed batch of events, its acks) goes to its socket in one write — one
  system call per client per batch instead of one per frame;
* the others get it appended to their bounded queue, drained by their own
  writer task with ``await send`` (backpressure from that client only).

A client whose queue overflows is disconnected by its session with an
``error`` (close code 1013); it resumes from its last ``seq`` when it
reconnects. All of this runs on the server's event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed
from websockets.protocol import State

from feeds.privacy import mask_frame
from feeds.protocol import Error, encode

_log = logging.getLogger("feeds.server")

SLOW_CLOSE_CODE = 1013
"""Close code for a client whose queue overflowed ("try again later")."""
WRITE_LIMIT = 64 * 1024
"""Bytes waiting in a client's transport above which its frames go through its queue."""


def text_frame(payload: bytes) -> bytes:
    """A whole unfragmented websocket text frame as a server sends it (RFC 6455 §5.2: FIN, no mask).

    The server negotiates no extension (``compression=None``), so these bytes are what
    websockets itself would write for ``payload``; built once, they go to every client.
    """
    n = len(payload)
    if n < 126:
        return b"\x81" + bytes((n,)) + payload
    if n < 65_536:
        return b"\x81\x7e" + n.to_bytes(2, "big") + payload
    return b"\x81\x7f" + n.to_bytes(8, "big") + payload


class Subscriber:
    """One client's outbound path: written at once while it keeps up, else its bounded queue and writer.

    Queue items are ``(seq, frame)``; ``seq`` is 0 for frames without one
    (replies, heartbeats, KPIs, staff). The writer skips events whose ``seq``
    was already sent (the backlog and the live stream overlap on purpose).

    Args:
        ws: The client's connection.
        limit: Queue bound (frames).
        on_kick: Called once if the queue overflows.
        private: Whether the client gets frames with personal data masked (a ``wall`` role).
    """

    def __init__(
        self, ws: ServerConnection, limit: int, on_kick: Callable[[Subscriber], None], private: bool = False
    ) -> None:
        self.ws = ws
        self.private = private
        self.sent_seq = 0
        self.sent = 0
        self.live = False  # the writer runs: direct writes are allowed
        self.busy = False  # the writer is inside ``send``
        self.kicked = False
        self.kicked_event = asyncio.Event()
        self._queue: asyncio.Queue[tuple[int, str]] = asyncio.Queue(maxsize=limit)
        self._on_kick = on_kick
        self._out: list[bytes] = []  # frames given at once, written to the socket at the end of this loop turn

    def offer(self, frame: str, seq: int = 0) -> None:
        """Send a frame now if the client keeps up, else queue it; an overflow disconnects the client."""
        if self.kicked:
            return
        if self.keeping_up():
            if not seq or seq > self.sent_seq:
                self.push(text_frame(frame.encode()), seq)
            return
        try:
            self._queue.put_nowait((seq, frame))
        except asyncio.QueueFull:
            self.kicked = True
            self.kicked_event.set()
            self._on_kick(self)

    @property
    def backlog(self) -> int:
        """Frames waiting to be sent."""
        return self._queue.qsize()

    def keeping_up(self) -> bool:
        """Whether a frame can be written directly now without reordering or piling up."""
        if not self.live or self.busy or self.kicked or not self._queue.empty():
            return False
        transport = self.ws.transport
        return transport is not None and transport.get_write_buffer_size() < WRITE_LIMIT

    def written(self, seq: int) -> None:
        """Record a frame sent (directly, or by the writer)."""
        self.sent += 1
        if seq:
            self.sent_seq = seq

    def push(self, data: bytes, seq: int) -> None:
        """Give a wire frame (:func:`text_frame`) to a client that keeps up: written with the others of this loop
        turn."""
        if not self._out:
            asyncio.get_running_loop().call_soon(self.write_out)
        self._out.append(data)
        self.written(seq)

    def write_out(self) -> None:
        """Hand what :meth:`push` collected to the socket in one write (after anything websockets has pending)."""
        out, self._out = self._out, []
        ws = self.ws
        if not out or ws.protocol.state is not State.OPEN or ws.transport is None:
            return  # closing: frames after the close frame could not be sent anyway
        try:
            ws.transport.write(b"".join([*ws.protocol.data_to_send(), *out]))
        except Exception as exc:  # like websockets.broadcast: a failed write only affects this client
            _log.warning("write to %s failed: %s", ws.remote_address, exc)

    async def write(self) -> None:
        """Send queued frames in order until the connection closes (the writer task)."""
        self.live = True
        try:
            while not self.kicked:
                seq, frame = await self._queue.get()
                self.write_out()  # frames given at once go first
                try:
                    if seq and seq <= self.sent_seq:
                        continue
                    self.busy = True
                    try:
                        await self.ws.send(frame)
                    finally:
                        self.busy = False
                    self.written(seq)
                finally:
                    self._queue.task_done()
        except ConnectionClosed:
            pass
        finally:
            self.live = False

    async def flush(self) -> None:
        """Wait until every queued frame was handed to the connection (no-op unless the writer runs)."""
        self.write_out()
        if self.live and not self.kicked:
            await self._queue.join()

    async def close_slow(self) -> None:
        """Tell the client it fell behind, then close the connection (called by its session)."""
        self.write_out()
        reason = f"client too slow: more than {self._queue.maxsize} frames queued"
        frame = encode(Error("too_slow", reason + "; resume from your last seq"))
        with contextlib.suppress(ConnectionClosed, TimeoutError):
            await asyncio.wait_for(self.ws.send(frame), 1.0)
        await self.ws.close(SLOW_CLOSE_CODE, "client too slow")


class Fanout:
    """The set of live subscribers and the broadcast to all of them.

    Events go out strictly in ``seq`` order, each once: one already broadcast
    is dropped, one that skips ahead waits until the events before it arrive,
    and ``on_gap(seq)`` asks for them (the :class:`~feeds.server.relay.Relay`
    reads them from the store: another server or process committed them).
    """

    def __init__(self) -> None:
        self._subscribers: set[Subscriber] = set()
        self._waiting: dict[int, str] = {}  # seq -> frame, events that arrived before their predecessors
        self.on_gap: Callable[[int], None] | None = None
        self.kicked = 0
        self.head = 0
        self.direct = 0  # frames written at once (client keeping up)
        self.queued = 0  # frames that went through a client's queue

    def __len__(self) -> int:
        return len(self._subscribers)

    def subscribe(self, ws: ServerConnection, limit: int, private: bool = False) -> Subscriber:
        """Register a client; from now on it receives every broadcast (queued; masked if ``private``)."""
        sub = Subscriber(ws, limit, self._kick, private)
        self._subscribers.add(sub)
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        """Forget a client (idempotent)."""
        self._subscribers.discard(sub)

    def broadcast(self, frame: str, seq: int = 0) -> None:
        """Send a frame to every subscriber (never waits); events (``seq`` > 0) in ``seq`` order, each once."""
        if not seq:
            self._send(frame, 0)
            return
        if seq <= self.head:
            return
        if seq > self.head + 1:
            self._waiting[seq] = frame
            if self.on_gap is not None:
                self.on_gap(seq)
            return
        self._send(frame, seq)
        self.head = seq
        while (following := self._waiting.pop(self.head + 1, None)) is not None:
            self._send(following, self.head + 1)
            self.head += 1
        if self._waiting:
            self._waiting = {s: f for s, f in self._waiting.items() if s > self.head}

    def skip_to(self, seq: int) -> None:
        """Treat every event up to ``seq`` as broadcast (they are gone from the log)."""
        self.head = max(self.head, seq)

    def _send(self, frame: str, seq: int) -> None:
        """Directly to subscribers keeping up, queued for the others; private subscribers get the frame
        masked, computed once per broadcast."""
        masked: str | None = None
        data: dict[bool, bytes] = {}  # the wire frame, plain and masked: built once per broadcast
        for sub in list(self._subscribers):
            if sub.private and masked is None:
                masked = mask_frame(frame)
            text = masked if sub.private and masked is not None else frame
            if sub.keeping_up():
                if not seq or seq > sub.sent_seq:
                    self.direct += 1
                    encoded = data.get(sub.private)
                    if encoded is None:
                        encoded = data[sub.private] = text_frame(text.encode())
                    sub.push(encoded, seq)
            else:
                self.queued += 1
                sub.offer(text, seq)

    def _kick(self, sub: Subscriber) -> None:
        self.kicked += 1
        self._subscribers.discard(sub)
        _log.warning("disconnecting slow client %s: %d frames queued", sub.ws.remote_address, sub.backlog)
