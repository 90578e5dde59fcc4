"""Sans-I/O encode/decode of protocol frames, and what each role may send."""

from __future__ import annotations

import json
from typing import Any

from feeds.protocol import alerts, cases, control
from feeds.protocol import vocab as v
from feeds.protocol.fields import ProtocolError
from feeds.protocol.messages import Message

MAX_CLIENT_FRAME = 64 * 1024
"""Largest frame a client may send (bytes of UTF-8)."""

MESSAGE_TYPES: dict[str, type[Message]] = {
    cls.TYPE: cls
    for cls in (
        cases.CaseCreated,
        cases.CaseStageChanged,
        cases.CaseClosed,
        cases.CaseUrged,
        cases.CaseDifficultChanged,
        cases.CaseNoted,
        alerts.WeatherWarning,
        alerts.CrowdFlow,
        alerts.SensorReading,
        alerts.StaffPositions,
        alerts.Kpis,
        control.Hello,
        control.Welcome,
        control.Snapshot,
        control.CaughtUp,
        control.Heartbeat,
        control.Ping,
        control.Pong,
        control.Ack,
        control.Error,
        control.Action,
        control.Query,
        control.Result,
    )
}
EVENT_TYPES = frozenset(t for t, cls in MESSAGE_TYPES.items() if cls.IS_EVENT)
"""Types that are durable events with a server ``seq``."""

PRODUCER_TYPES = EVENT_TYPES | {"staff.positions"}
_ROLE_MAY_SEND: dict[str, frozenset[str]] = {
    "wall": frozenset({"hello", "ping", "query"}),
    "operator": frozenset({"hello", "ping", "query", "action"}),
    "producer": frozenset({"hello", "ping", "query"}) | PRODUCER_TYPES,
}


def may_send(role: str, msg_type: str) -> bool:
    """Whether a client holding ``role`` may send a message of ``msg_type``."""
    return msg_type in _ROLE_MAY_SEND.get(role, frozenset())


def decode(raw: str | bytes, *, max_bytes: int | None = MAX_CLIENT_FRAME) -> Message:
    """Parse and validate one frame.

    Args:
        raw: The frame as received (text or UTF-8 bytes).
        max_bytes: Reject frames larger than this (``None``: no limit).

    Raises:
        ProtocolError: naming the field when anything is wrong.
    """
    size = len(raw.encode("utf-8")) if isinstance(raw, str) else len(raw)
    if max_bytes is not None and size > max_bytes:
        raise ProtocolError("too_large", f"frame of {size} bytes exceeds the limit of {max_bytes}")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProtocolError("bad_json", f"frame is not valid JSON: {exc}") from None
    return from_dict(data)


def from_dict(data: Any) -> Message:
    """Validate an already-decoded JSON value into a typed message."""
    if not isinstance(data, dict):
        raise ProtocolError("bad_json", "frame must be a JSON object")
    msg_type = data.get("type")
    if not isinstance(msg_type, str):
        raise ProtocolError("bad_field", "missing field 'type'", "type")
    cls = MESSAGE_TYPES.get(msg_type)
    if cls is None:
        raise ProtocolError("unknown_type", f"unknown message type '{msg_type[:40]}'", "type")
    version = data.get("v")
    if version != v.PROTOCOL_VERSION:
        raise ProtocolError(
            "bad_version", f"unsupported protocol version {version!r}; expected {v.PROTOCOL_VERSION}", "v"
        )
    return cls.parse(data)


def encode(msg: Message) -> str:
    """Serialise a message to one compact JSON text frame."""
    return json.dumps(msg.to_wire(), ensure_ascii=False, separators=(",", ":"))


def error_for(exc: ProtocolError, request_id: str | None = None) -> control.Error:
    """The error reply for a refused frame."""
    return control.Error(exc.code, str(exc), exc.field, id=request_id)
