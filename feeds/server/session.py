"""One client connection: hello, catch-up (snapshot or backfill), then live frames and requests.

The subscription is registered before anything is read from the store, so
events committed while the client is being caught up are queued, and the
writer drops those already sent (by ``seq``): nothing is lost, nothing is sent
twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import json
import logging
from typing import Any

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from feeds.logfile import log_text
from feeds.privacy import mask_frame
from feeds.protocol import (
    EVENT_TYPES,
    Ack,
    Action,
    AlarmAction,
    AlarmChanged,
    CaseDifficultChanged,
    CaseNoted,
    CaseUrged,
    CaughtUp,
    Focus,
    Hello,
    Message,
    Ping,
    PlanAction,
    PlanStepDone,
    Pong,
    ProtocolError,
    Query,
    ReplayControl,
    Result,
    StaffPositions,
    TourControl,
    Welcome,
    decode_request,
    encode,
    encode_ack,
    error_for,
    max_frame,
)
from feeds.protocol import vocab as v
from feeds.server.fanout import Subscriber
from feeds.server.hub import Hub
from feeds.server.tokens import Grant, digest
from feeds.store import StoredEvent

_log = logging.getLogger("feeds.server")

POLICY_CLOSE_CODE = 1008
MAX_CLOSE_REASON = 123
"""Bytes of UTF-8 a close frame's reason may hold (RFC 6455: 125 bytes of payload minus the code)."""
FRAME_SLACK = 2
"""websockets' ``max_size`` is this many times the role's frame limit: frames in between get a clean ``too_large``."""
URGE_NOTE_MAX = 500
"""Longest ``text`` of an ``urge`` action (it becomes the ``note`` of ``case.urged``)."""
PRIVATE_ROLES = frozenset({"wall"})
"""Roles that never receive personal data: every frame they get is masked (``feeds.privacy``)."""
MAX_IN_FLIGHT = 512
"""Requests of one client being processed at once; beyond that its frames wait (TCP backpressure)."""
LOGGED_MESSAGE = 500
"""Characters of a refusal's message a log line keeps (it may quote the client's text: escaped, see ``log_text``)."""


def _request_id(raw: str | bytes, limit: int) -> str | None:
    """Best-effort ``id`` of a refused frame, to correlate the error reply (only a well-formed one)."""
    if len(raw) > limit:
        return None
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    value = data.get("id") if isinstance(data, dict) else None
    return value if isinstance(value, str) and v.PLAIN_ID.fullmatch(value) else None


def close_reason(text: str) -> str:
    """``text`` cut to what a close frame can carry (whole UTF-8 characters only)."""
    return text.encode("utf-8", "replace")[:MAX_CLOSE_REASON].decode("utf-8", "ignore")


BINARY_REFUSED = ProtocolError("bad_json", "binary frames are not accepted: send UTF-8 JSON text frames")


class Session:
    """Serves one connection from ``hello`` to close.

    Args:
        hub: Shared server state.
        ws: The connection.
    """

    def __init__(self, hub: Hub, ws: ServerConnection) -> None:
        self.hub = hub
        self.ws = ws
        self.grant = Grant("wall", "")
        address = ws.remote_address
        self.peer = f"{address[0]}:{address[1]}" if address else "?"
        self._tasks: set[asyncio.Task[None]] = set()
        self._appending: set[asyncio.Future[list[StoredEvent]]] = set()  # submitted to the journal, not yet acked
        self._in_flight = asyncio.Semaphore(MAX_IN_FLIGHT)
        self._sub: Subscriber | None = None
        self._reader: asyncio.Task[None] | None = None
        self.token_digest = b""
        self.private = True  # until the token says otherwise

    async def run(self) -> None:
        """Serve the connection until it closes."""
        hello = await self._hello()
        if hello is None:
            return
        hub = self.hub
        private = self.private = self.grant.role in PRIVATE_ROLES
        sub = self._sub = hub.fanout.subscribe(self.ws, hub.config.client_queue, private)  # BEFORE reading the store
        hub.stats.sessions += 1
        hub.sessions.add(self)
        reader: asyncio.Task[None] | None = None
        writer: asyncio.Task[None] | None = None
        kicked: asyncio.Task[bool] | None = None
        try:
            mode, head = await hub.resume_mode(hello)
            _log.info(
                "connect %s %s %r client=%r resume=%s", self.peer, self.grant.role, self.grant.name, hello.client, mode
            )
            engine = hub.config.alarms  # its flood rule is the walls' (they group floods by it)
            welcome = Welcome(
                self.grant.role,
                hub.store.store_id,
                head,
                mode,
                hub.config.heartbeat_s,
                hub.config.server_id,
                engine.config.flood_count if engine is not None else None,
                engine.config.flood_window_s if engine is not None else None,
            )
            await self.ws.send(encode(welcome))
            if hub.config.replay_status is not None:  # a replay server says so before any data
                await self.ws.send(encode(hub.config.replay_status()))
            reader = self._reader = asyncio.create_task(self._read())
            last = await self._catch_up(mode, hello.last_seq or 0)
            await self.ws.send(encode(CaughtUp(last)))
            sub.sent_seq = last
            writer = asyncio.create_task(sub.write())
            kicked = asyncio.create_task(sub.kicked_event.wait())
            await asyncio.wait({reader, writer, kicked}, return_when=asyncio.FIRST_COMPLETED)
            if sub.kicked:
                writer.cancel()
                await sub.close_slow()
            elif hub.closing and not writer.done():
                await self.ws.wait_closed()  # the server drains this session, then closes it
        finally:
            hub.sessions.discard(self)
            hub.fanout.unsubscribe(sub)
            for task in (reader, writer, kicked, *self._tasks):
                if task is not None:
                    task.cancel()
            code = self.ws.close_code if self.ws.close_code is not None else "-"
            _log.info(
                "disconnect %s %s %r code=%s sent=%d", self.peer, self.grant.role, self.grant.name, code, sub.sent
            )

    # -- session start -------------------------------------------------------

    async def _hello(self) -> Hello | None:
        try:
            raw = await asyncio.wait_for(self.ws.recv(), self.hub.config.hello_timeout_s)
        except TimeoutError:
            await self._refuse_and_close(ProtocolError("timeout", "no 'hello' received in time"))
            return None
        if isinstance(raw, bytes):
            await self._refuse_and_close(BINARY_REFUSED)
            return None
        try:
            msg = decode_request(raw, None, max_bytes=max_frame(None))
        except ProtocolError as exc:
            await self._refuse_and_close(exc, _request_id(raw, max_frame(None)))
            return None
        if not isinstance(msg, Hello):
            first = ProtocolError("bad_field", "the first message must be 'hello'", "type")
            await self._refuse_and_close(first, msg.id)
            return None
        grant = self.hub.config.tokens.check(msg.token)
        if grant is None:
            await self._refuse_and_close(ProtocolError("forbidden", "unknown token", "token"), msg.id)
            return None
        self.grant = grant
        self.token_digest = digest(msg.token)
        self.ws.protocol.max_message_size = max_frame(grant.role) * FRAME_SLACK
        return msg

    async def _refuse_and_close(self, exc: ProtocolError, request_id: str | None = None) -> None:
        self.hub.stats.errors[exc.code] += 1
        _log.warning(
            "refused %s: %s (%s)", self.peer, log_text(str(exc), LOGGED_MESSAGE), exc.code, extra=self._refusal(exc)
        )
        try:
            await self.ws.send(encode(error_for(exc, request_id)))
            await self.ws.close(POLICY_CLOSE_CODE, close_reason(str(exc)))
        except ConnectionClosed:
            pass

    def _refusal(self, exc: ProtocolError) -> dict[str, Any]:
        """Structured fields of a refused-frame log record (see ``feeds.logfile``), the client's text escaped."""
        return {
            "event": "refused_frame",
            "peer": self.peer,
            "client": self.grant.name,
            "role": self.grant.role,
            "code": exc.code,
            "field": log_text(exc.field) if exc.field is not None else None,
        }

    async def _catch_up(self, mode: str, last_seq: int) -> int:
        """Send the snapshot (if needed) and every event after it; returns the last ``seq`` sent."""
        hub = self.hub
        last = last_seq
        if mode == "snapshot":
            last, frame = await hub.snapshot_frame()
            if self.private:  # a large frame: masked off the event loop
                frame = await asyncio.to_thread(mask_frame, frame)
            await self.ws.send(frame)
            hub.stats.snapshots += 1
        else:
            hub.stats.backfills += 1
        page = hub.config.backfill_page
        while True:
            events = await asyncio.to_thread(hub.store.events_page, last, page)
            if self._sub is not None and self._sub.kicked:
                return last  # fell behind while catching up: closed right after
            for seq, frame in events:
                await self.ws.send(self._masked(frame))
                last = seq
            hub.stats.backfilled_events += len(events)
            if len(events) < page:
                return last

    async def stop_reading(self) -> None:
        """Shutdown, step 1: take no more frames from this client (unread ones are not acknowledged)."""
        reader = self._reader
        if reader is not None and not reader.done():
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader

    async def flush(self) -> None:
        """Shutdown, step 2 (after the journal drained): send every reply to what was read, acks included."""
        while self._tasks or self._appending:  # an append's ack is sent by its done callback, which runs first
            await asyncio.gather(*self._tasks, *self._appending, return_exceptions=True)
        if self._sub is not None:
            await self._sub.flush()

    async def revoke(self, reason: str) -> None:
        """The token was revoked: tell the client why (``forbidden``, field ``token``), then close 1008."""
        self._refuse(ProtocolError("forbidden", reason, "token"), None)
        if self._sub is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._sub.flush(), 2.0)
        await self.close(POLICY_CLOSE_CODE, reason)

    async def close(self, code: int, reason: str) -> None:
        """Close the connection (e.g. 1001 at shutdown, 1008 for a revoked token)."""
        with contextlib.suppress(ConnectionClosed):
            await self.ws.close(code, close_reason(reason))

    # -- requests ------------------------------------------------------------

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                self.hub.stats.frames_in += 1
                await self._handle(raw)
        except ConnectionClosed:
            pass

    def _masked(self, frame: str) -> str:
        return mask_frame(frame) if self.private else frame

    def _reply(self, msg: Message) -> None:
        if self._sub is None:
            return
        try:
            frame = encode(msg)
        except (ValueError, TypeError):  # a reply that cannot be encoded must still be answered
            _log.exception("cannot encode a '%s' reply to %s", msg.TYPE, self.peer)
            frame = encode(error_for(ProtocolError("internal", f"the '{msg.TYPE}' reply could not be encoded"), msg.id))
        self._sub.offer(self._masked(frame))

    def _refuse(self, exc: ProtocolError, request_id: str | None) -> None:
        self.hub.stats.errors[exc.code] += 1
        extra = self._refusal(exc)
        _log.warning(
            "refused frame from %s %r: %s (%s, field %s)",
            self.peer,
            self.grant.name,
            log_text(str(exc), LOGGED_MESSAGE),
            exc.code,
            extra["field"],
            extra=extra,
        )
        self._reply(error_for(exc, request_id))

    async def _handle(self, raw: str | bytes) -> None:
        try:
            await self._dispatch(raw)
        except Exception:  # whatever a frame holds, the session answers and goes on
            _log.exception("frame from %s could not be handled", self.peer)
            self._refuse(ProtocolError("internal", "the frame could not be handled"), None)

    async def _dispatch(self, raw: str | bytes) -> None:
        if isinstance(raw, bytes):
            self._refuse(BINARY_REFUSED, None)
            return
        limit = max_frame(self.grant.role)
        try:
            msg = decode_request(raw, self.grant.role, max_bytes=limit)  # the role's permission first: forbidden
        except ProtocolError as exc:
            self._refuse(exc, _request_id(raw, limit))
            return
        if isinstance(msg, Ping):
            self._reply(Pong(msg.t, id=msg.id))
        elif isinstance(msg, Hello):
            self._refuse(ProtocolError("conflict", "'hello' was already received", "type"), msg.id)
        elif isinstance(msg, Action):
            try:
                event = self._event_for(msg)
            except ProtocolError as exc:
                self._refuse(exc, msg.id)
                return
            await self._publish([event], msg.id)
        elif isinstance(msg, AlarmAction):
            try:
                changes = self._alarm_changes(msg)
            except ProtocolError as exc:
                self._refuse(exc, msg.id)
                return
            await self._publish(changes, msg.id)
        elif isinstance(msg, PlanAction):
            await self._publish([PlanStepDone(msg.run_id, msg.step_id, msg.done, self.grant.name, msg.note)], msg.id)
        elif msg.TYPE in EVENT_TYPES:
            event = msg if msg.id is None else dataclasses.replace(msg, id=None)  # its seq: the store's
            await self._publish([event], msg.id)
        else:
            await self._in_flight.acquire()
            self._spawn(self._request(msg))

    def _event_for(self, action: Action) -> Message:
        by = self.grant.name
        if action.action == "urge":
            if len(action.text) > URGE_NOTE_MAX:
                raise ProtocolError("bad_field", f"field 'text' is longer than {URGE_NOTE_MAX} characters", "text")
            return CaseUrged(action.case_id, by, action.text or None)
        if action.action == "note":
            return CaseNoted(action.case_id, by, action.text)
        return CaseDifficultChanged(action.case_id, action.action == "difficult", by)

    def _alarm_changes(self, action: AlarmAction) -> list[Message]:
        """The ``alarm.changed`` events of an operator's alarm action (all stored, or none)."""
        now = self.hub.config.clock()
        until = None
        if action.action == "shelve":
            engine = self.hub.config.alarms
            longest = engine.config.shelve_max_s if engine is not None else float("inf")
            minutes = action.minutes or 0
            if minutes * 60 > longest:
                raise ProtocolError(
                    "bad_field", f"field 'minutes' must be at most {int(longest // 60)} on this server", "minutes"
                )
            until = now + minutes * 60
        by = self.grant.name
        return [AlarmChanged(i, action.action, by, until, action.reason, ts=now) for i in action.alarm_ids]

    async def _publish(self, events: list[Message], request_id: str | None) -> None:
        await self._in_flight.acquire()
        future = self.hub.journal.submit(events)  # order of submission = order of seq
        self._appending.add(future)
        future.add_done_callback(functools.partial(self._acknowledge, request_id))  # no task per event

    def _acknowledge(self, request_id: str | None, future: asyncio.Future[list[StoredEvent]]) -> None:
        self._appending.discard(future)
        self._in_flight.release()
        if future.cancelled():
            return
        exc = future.exception()
        if exc is None:
            if self._sub is not None:  # the same frame as ``_reply(Ack(...))``, written directly (one per event)
                self._sub.offer(self._masked(encode_ack(future.result()[-1].seq, request_id)))
        elif isinstance(exc, ProtocolError):
            self._refuse(exc, request_id)
        else:
            _log.error("append failed for %s", self.peer, exc_info=exc)
            self._refuse(ProtocolError("internal", "the event could not be stored"), request_id)

    async def _request(self, msg: Message) -> None:
        try:
            if isinstance(msg, StaffPositions):
                await self._staff(msg)
            elif isinstance(msg, Query):
                self._reply(Result(await self._query(msg), id=msg.id))
            elif isinstance(msg, TourControl):  # to every wall (and every other client)
                self.hub.fanout.broadcast(encode(TourControl(msg.action)))
                self._reply(Ack(id=msg.id))
            elif isinstance(msg, Focus):  # to every wall, without the sender's correlation id
                self.hub.fanout.broadcast(encode(dataclasses.replace(msg, id=None, ts=self.hub.config.clock())))
                self._reply(Ack(id=msg.id))
            elif isinstance(msg, ReplayControl):
                control = self.hub.config.replay_control
                if control is None:
                    raise ProtocolError("not_found", "this server is not replaying", "type")
                await asyncio.to_thread(control, msg)
                self._reply(Ack(id=msg.id))
        except ProtocolError as exc:
            self._refuse(exc, msg.id)
        except Exception:
            _log.exception("request %s from %s failed", msg.TYPE, self.peer)
            self._refuse(ProtocolError("internal", f"'{msg.TYPE}' failed on the server"), msg.id)

    async def _staff(self, msg: StaffPositions) -> None:
        now = self.hub.config.clock()
        await asyncio.to_thread(self.hub.store.update_staff, msg.positions, now)
        self.hub.fanout.broadcast(encode(StaffPositions(msg.positions, ts=msg.ts or now)))
        self._reply(Ack(id=msg.id))

    async def _query(self, msg: Query) -> Any:
        if msg.name == "stats":
            return self.hub.stats.as_dict(self.hub)
        handler = self.hub.queries.get(msg.name)
        if handler is None:
            raise ProtocolError("not_found", f"unknown query '{msg.name}'", "name")
        return await asyncio.to_thread(handler, self.hub.store, msg.params)

    def _spawn(self, coro: Any) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._in_flight.release()
