"""Asyncio client of the case server: reconnects forever, resumes from its last ``seq``.

All methods run on the client's own event loop (see :class:`~feeds.client.ClientThread`
to use it from a GUI thread). ``on_message`` and ``on_status`` are called on
that loop, in order, and must not block.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import ssl
import time
import uuid
from collections.abc import AsyncGenerator, Callable, Generator
from typing import Any, cast

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidURI

from feeds import startup_trace
from feeds.client.status import STALE_FACTOR, ClientStatus, State, backoff, refusal_backoff
from feeds.protocol import (
    Ack,
    Action,
    CaughtUp,
    Error,
    Heartbeat,
    Hello,
    Message,
    Ping,
    Pong,
    ProtocolError,
    Query,
    Result,
    Snapshot,
    Welcome,
    decode,
    encode,
)

_log = logging.getLogger("feeds.client")

DEAD_FACTOR = 3.0
"""The link is dead when nothing arrived for this many heartbeat intervals (15 s by default):
the server sends a ``heartbeat`` every interval and answers every ``ping``, so silence means
a frozen server or a broken network. The client drops the connection and reconnects."""

MIN_DEAD_S = 5.0
"""Never declare a link dead sooner than this, however short the heartbeat: a sub-second
window would drop healthy links on a busy machine (a GC pause, a loaded core). The server's
own WebSocket ping timeout has the same floor."""

CLOSE_TIMEOUT_S = 2.0
"""Longest wait for the server to answer a close (on stop or resync)."""

MessageHandler = Callable[[Message], None]
StatusHandler = Callable[[ClientStatus], None]


class NotConnectedError(ConnectionError):
    """A request was made while the client has no session with the server."""


class _Resync(Exception):
    """The stream has a gap: reconnect and resume from ``last_seq``."""


class CaseClient:
    """Connects to the case server and keeps a live, gap-free event stream.

    Args:
        url: ``ws://host:port`` or ``wss://...``.
        token: Access token (its role decides what :meth:`publish`/:meth:`act` may do).
        on_message: Receives every message except pongs and replies to requests:
            ``welcome``, ``snapshot``, events (each ``seq`` once, in order),
            ``caught_up``, ``heartbeat``, ``kpi``, ``staff.positions``, unsolicited ``error``.
        on_status: Receives each status change.
        last_seq: Last event held from an earlier run (with ``store_id``) to resume from.
        store_id: Store the ``last_seq`` belongs to.
        client_name: Sent in ``hello`` (shows in the server log).
        ssl_context: TLS settings for ``wss://`` (``None``: the system's defaults, which trust the
            system's certificate authorities, or those of ``$SSL_CERT_FILE`` / ``$SSL_CERT_DIR``).
        reconnect_delays: Delay generator factory (default :func:`~feeds.client.status.backoff`).
        refused_delays: Delays after the server refused the token (default
            :func:`~feeds.client.status.refusal_backoff`: minutes, not seconds).
        stop_when_refused: Stop :meth:`run` (state ``stopped``, :attr:`refused` set) instead of
            retrying a refused token (for command-line tools that should exit).
        request_timeout: Seconds to wait for an ``ack``/``result``.

    Attributes:
        refused: Why the server refused the token (``None`` while it is accepted).
        retry_in: The pause chosen before the next connection attempt (seconds).
    """

    def __init__(
        self,
        url: str,
        token: str,
        *,
        on_message: MessageHandler | None = None,
        on_status: StatusHandler | None = None,
        last_seq: int | None = None,
        store_id: str | None = None,
        client_name: str = "gridwall",
        ssl_context: ssl.SSLContext | None = None,
        reconnect_delays: Callable[[], Generator[float]] | None = None,
        refused_delays: Callable[[], Generator[float]] | None = None,
        stop_when_refused: bool = False,
        request_timeout: float = 10.0,
    ) -> None:
        self.url = url
        self._token = token
        self._on_message = on_message or (lambda _m: None)
        self._on_status = on_status or (lambda _s: None)
        self.last_seq = last_seq
        self.store_id = store_id
        self.client_name = client_name
        self._ssl = ssl_context
        self._delays = reconnect_delays or backoff()
        self._refused_delays = refused_delays or refusal_backoff()
        self.stop_when_refused = stop_when_refused
        self.refused: str | None = None
        self.retry_in: float | None = None
        self._welcomed = False
        self.request_timeout = request_timeout
        self.heartbeat_s = 5.0
        self.last_update: float | None = None
        self.rtt: float | None = None
        self.duplicates = 0
        self.resyncs = 0
        self.store_down: str | None = None
        """Why the server says it cannot reach its store (from its heartbeats), or ``None``."""
        self._status = ClientStatus("connecting", None, last_seq, "", time.time())
        self._ws: ClientConnection | None = None
        self._caught_up = False
        self._dead = ""
        self._last_rx = time.monotonic()
        self._pending: dict[str, asyncio.Future[Message]] = {}
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._closer: asyncio.Task[None] | None = None

    @property
    def status(self) -> ClientStatus:
        """The current status."""
        return self._status

    # -- lifecycle -----------------------------------------------------------

    async def run(self) -> None:
        """Connect, catch up and stream; reconnect with backoff after any failure, until :meth:`stop`."""
        self._task = asyncio.current_task()
        failed = self._delays()
        refusals = self._refused_delays()
        secure = self.url[:6].lower() == "wss://"
        connector = connect(
            self.url,
            ssl=self._ssl or (True if secure else None),  # True: the default context (ssl=None refuses wss://)
            max_size=None,  # snapshots can be large; the server is trusted
            compression=None,
            proxy=None,
            open_timeout=10,
            close_timeout=CLOSE_TIMEOUT_S,
            reconnect_delays=self._delays,
            process_exception=self._connect_failed,
        )
        sessions = cast(AsyncGenerator[ClientConnection, None], connector.__aiter__())  # an async generator
        try:
            async with contextlib.aclosing(sessions):
                async for ws in sessions:
                    detail = await self._serve(ws)
                    if self._stopping:
                        break
                    if self.refused is not None:  # a wrong or revoked token: say so, and wait minutes
                        self._set_state("refused", f"access refused: {self.refused}")
                        if self.stop_when_refused:
                            break
                        self.retry_in = next(refusals)
                        await asyncio.sleep(self.retry_in)
                        continue
                    refusals = self._refused_delays()
                    self._set_state("reconnecting", detail)
                    if not self._caught_up:  # dropped before catching up: do not hammer the server
                        self.retry_in = next(failed)
                        await asyncio.sleep(self.retry_in)
                    else:
                        failed = self._delays()
        except asyncio.CancelledError:
            if not self._stopping:
                raise
        finally:
            self._fail_pending(NotConnectedError("client stopped"))
            self._set_state("stopped", "")

    def stop(self) -> None:
        """Stop :meth:`run` (call on the client's loop).

        A live connection is closed normally first (code 1000, so the server does not
        log an error); :meth:`run` then ends by itself, or is cancelled if the close
        handshake does not finish within :data:`CLOSE_TIMEOUT_S`.
        """
        self._stopping = True
        task, ws = self._task, self._ws
        if task is None or task.done():
            return
        if ws is None:
            task.cancel()
            return

        async def close_then_cancel() -> None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(1000, "client stopped"), CLOSE_TIMEOUT_S)
            if not task.done():
                task.cancel()

        self._closer = asyncio.get_running_loop().create_task(close_then_cancel())

    def _connect_failed(self, exc: Exception) -> Exception | None:
        reason = str(exc)
        if isinstance(exc, ssl.SSLCertVerificationError):  # also a ValueError; the certificate may be fixed: retry
            reason = f"certificate verify failed: {exc.verify_message} (a private CA: trust it with $SSL_CERT_FILE)"
        elif isinstance(exc, (InvalidURI, ValueError, TypeError)) and not isinstance(exc, ssl.SSLError):
            return exc  # a configuration error: retrying cannot help
        elif self.url[:6].lower() == "wss://" and (
            isinstance(exc, ssl.SSLError) or (isinstance(exc, ConnectionResetError) and not reason)
        ):  # a plain ws:// server drops the TLS hello: asyncio's handshake says ConnectionResetError(), no reason
            why = reason or "the connection was reset"
            reason = f"TLS handshake failed ({why}): is the server plain ws://?"
        reason = reason or type(exc).__name__
        self._set_state("reconnecting", f"cannot reach {self.url}: {reason}")
        return None

    async def _serve(self, ws: ClientConnection) -> str:
        """One session; returns why it ended."""
        self._ws = ws
        self._caught_up = False
        self._welcomed = False
        self._dead = ""
        self.store_down = None
        self._last_rx = time.monotonic()
        pinger = asyncio.create_task(self._ping(ws))
        try:
            await ws.send(encode(Hello(self._token, self.last_seq, self.store_id, self.client_name)))
            async for raw in ws:
                self._last_rx = time.monotonic()
                self._receive(raw)
            return f"server closed the connection ({ws.close_code} {ws.close_reason})".strip()
        except ConnectionClosed as exc:
            return self._dead or f"connection lost: {exc}"
        except _Resync as exc:
            self.resyncs += 1
            _log.warning("%s; resyncing from seq %s", exc, self.last_seq)
            await ws.close(1000, "resync")
            return str(exc)
        finally:
            pinger.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pinger
            self._ws = None
            self._fail_pending(NotConnectedError("connection lost"))

    async def _ping(self, ws: ClientConnection) -> None:
        """Send ``ping`` every heartbeat and watch for stale data."""
        with contextlib.suppress(ConnectionClosed):
            next_ping = 0.0
            while True:
                await asyncio.sleep(min(self.heartbeat_s / 4, 0.25))
                now = time.monotonic()
                silent = now - self._last_rx
                if silent > max(DEAD_FACTOR * self.heartbeat_s, MIN_DEAD_S):
                    _log.warning("no frame from %s for %.1f s: dropping the connection", self.url, silent)
                    self._dead = f"no data for {silent:.0f} s: server not answering"
                    if ws.transport is not None:
                        ws.transport.abort()  # a frozen peer would not answer a closing handshake
                    return
                if self._caught_up and silent > STALE_FACTOR * self.heartbeat_s and self._status.state == "live":
                    self._set_state("stale", f"no data for {silent:.0f} s")
                if now >= next_ping:
                    next_ping = now + self.heartbeat_s
                    await ws.send(encode(Ping(time.time())))

    # -- inbound -------------------------------------------------------------

    def _receive(self, raw: str | bytes) -> None:
        try:
            msg = decode(raw, max_bytes=None)
        except ProtocolError as exc:
            _log.warning("ignoring a malformed frame from the server: %s", exc)
            return
        if isinstance(msg, Heartbeat):
            self.store_down = None if msg.store == "ok" else (msg.store_error or "the server cannot reach its store")
        if self._welcomed and self.store_down is None:
            self.last_update = time.time()  # a server without its store sends no new data
        if self._caught_up and self.store_down is not None and self._status.state == "live":
            self._set_state("stale", f"server without its store: {self.store_down}")
        elif self._caught_up and self.store_down is None and self._status.state == "stale":
            self._set_state("live", "")
        if msg.seq is not None and msg.IS_EVENT:
            if self.last_seq is not None and msg.seq <= self.last_seq:
                self.duplicates += 1
                return
            if self.last_seq is not None and msg.seq != self.last_seq + 1:
                raise _Resync(f"gap in the event stream: seq {msg.seq} after {self.last_seq}")
            self.last_seq = msg.seq
        elif isinstance(msg, Pong):
            self.rtt = max(0.0, time.time() - msg.t) if msg.t else None
            return
        elif isinstance(msg, (Ack, Result, Error)) and msg.id in self._pending:
            future = self._pending.pop(msg.id)
            if not future.done():
                future.set_result(msg)
            return
        elif isinstance(msg, Welcome):
            self._welcomed, self.refused = True, None
            self.last_update = time.time()
            self.heartbeat_s = msg.heartbeat_s
            if msg.store_id != self.store_id:
                self.last_seq = None
        elif isinstance(msg, Snapshot):
            self.last_seq, self.store_id = msg.head, msg.store_id
            startup_trace.mark("snapshot decoded")
        elif isinstance(msg, CaughtUp):
            self.last_seq = msg.head if self.last_seq is None else self.last_seq
            self._caught_up = True
            self._set_state("live", "")
        elif isinstance(msg, Heartbeat) and self._caught_up and msg.head > (self.last_seq or 0):
            raise _Resync(f"heartbeat head {msg.head} is ahead of the last event {self.last_seq}")
        elif isinstance(msg, Error):
            if msg.code == "forbidden" and msg.field == "token":
                self.refused = msg.message or "token refused"
            if self.refused is None or not self.stop_when_refused:  # else the caller reports the refusal
                _log.warning("server error: %s (%s)", msg.message, msg.code)
        try:
            self._on_message(msg)
        except Exception:
            _log.exception("message handler failed on %s", msg.TYPE)

    # -- requests ------------------------------------------------------------

    async def publish(self, msg: Message, timeout: float | None = None) -> Ack:
        """Send an event (producer) or ``staff.positions``; returns the server's ``ack``.

        Raises:
            NotConnectedError: No session right now.
            ProtocolError: The server refused it (``code``/``field`` from its ``error``).
            TimeoutError: No reply within ``timeout`` (default ``request_timeout``).
        """
        reply = await self._request(msg, timeout)
        assert isinstance(reply, Ack)
        return reply

    async def act(self, action: str, case_id: str, text: str = "", timeout: float | None = None) -> Ack:
        """Operator action: ``urge``, ``difficult``, ``undifficult`` or ``note`` on a case."""
        return await self.publish(Action(action, case_id, text), timeout)

    async def query(self, name: str, params: dict[str, Any] | None = None, timeout: float | None = None) -> Any:
        """Ask a read-only query; returns the ``result`` data."""
        reply = await self._request(Query(name, params or {}), timeout)
        assert isinstance(reply, Result)
        return reply.data

    async def _request(self, msg: Message, timeout: float | None) -> Message:
        ws = self._ws
        if ws is None:
            raise NotConnectedError(f"not connected to {self.url}")
        request_id = uuid.uuid4().hex[:16]
        future: asyncio.Future[Message] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        try:
            await ws.send(encode(dataclasses.replace(msg, id=request_id)))
            reply = await asyncio.wait_for(future, timeout or self.request_timeout)
        except ConnectionClosed as exc:
            raise NotConnectedError(f"connection lost: {exc}") from None
        finally:
            self._pending.pop(request_id, None)
        if isinstance(reply, Error):
            raise ProtocolError(reply.code, reply.message, reply.field)
        return reply

    def _fail_pending(self, exc: Exception) -> None:
        pending, self._pending = self._pending, {}
        for future in pending.values():
            if not future.done():
                future.set_exception(exc)

    # -- status --------------------------------------------------------------

    def _set_state(self, state: State, detail: str) -> None:
        if self._status.state == "stopped":
            return
        if state == "reconnecting" and self._status.state == "connecting" and self.last_update is None:
            state = "connecting"  # still trying for the first time
        if state == self._status.state and detail == self._status.detail:
            return
        self._status = ClientStatus(state, self.last_update, self.last_seq, detail, time.time())
        try:
            self._on_status(self._status)
        except Exception:
            _log.exception("status handler failed")
