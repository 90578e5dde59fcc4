"""Sans-I/O encode/decode of protocol frames, and what each role may send."""

from __future__ import annotations

import json
import re
from json.encoder import encode_basestring
from typing import Any

from feeds.protocol import alarms, alerts, cases, control, fields, focus, replay
from feeds.protocol import vocab as v
from feeds.protocol.fields import ProtocolError
from feeds.protocol.messages import Message

MAX_CLIENT_FRAME = 64 * 1024
"""Largest frame a client may send before ``hello`` and as ``wall`` or ``operator`` (bytes of UTF-8)."""
MAX_PRODUCER_FRAME = 1024 * 1024
"""Largest frame a ``producer`` may send (a ``staff.positions`` of 5,000 positions is about 480 KB)."""
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
"""A JSON escape of a UTF-16 surrogate: only then can a decoded string hold a lone one."""

MESSAGE_TYPES: dict[str, type[Message]] = {
    cls.TYPE: cls
    for cls in (
        cases.CaseCreated,
        cases.CaseStageChanged,
        cases.CaseClosed,
        cases.CaseUrged,
        cases.CaseDifficultChanged,
        cases.CaseNoted,
        cases.CaseEvaluated,
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
        replay.ReplayStatus,
        replay.ReplayControl,
        replay.TourControl,
        alarms.AlarmRaised,
        alarms.AlarmChanged,
        alarms.AlarmAction,
        alarms.PlanStarted,
        alarms.PlanStepDone,
        alarms.PlanClosed,
        alarms.PlanAction,
        focus.Focus,
    )
}
EVENT_TYPES = frozenset(t for t, cls in MESSAGE_TYPES.items() if cls.IS_EVENT)
"""Types that are durable events with a server ``seq``."""

PRODUCER_TYPES = (EVENT_TYPES - alarms.SERVER_ONLY_EVENTS) | {"staff.positions"}
_ROLE_MAY_SEND: dict[str, frozenset[str]] = {
    "wall": frozenset({"hello", "ping", "query"}),
    "operator": frozenset(
        {"hello", "ping", "query", "action", "replay.control", "tour", "alarm.action", "plan.action", "focus"}
    ),
    "producer": frozenset({"hello", "ping", "query"}) | PRODUCER_TYPES,
}


def may_send(role: str, msg_type: str) -> bool:
    """Whether a client holding ``role`` may send a message of ``msg_type``."""
    return msg_type in _ROLE_MAY_SEND.get(role, frozenset())


def max_frame(role: str | None) -> int:
    """Largest frame (bytes) a client holding ``role`` may send (``None``: before ``hello``)."""
    return MAX_PRODUCER_FRAME if role == "producer" else MAX_CLIENT_FRAME


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _lone_surrogate_path(data: Any) -> str | None:
    """Dotted path of the first string (or key) that is not valid Unicode, or ``None``.

    A bad key's path is its object's path plus the key, its lone surrogates written as ``\\udXXX``.
    """
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if not fields.valid_unicode(value):
                return path or "frame"
        elif isinstance(value, dict):
            for key, item in value.items():
                if not fields.valid_unicode(key):
                    key = key.encode("utf-8", "backslashreplace").decode("utf-8")
                    return f"{path}.{key}" if path else key
                stack.append((f"{path}.{key}" if path else key, item))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", item) for i, item in enumerate(value))
    return None


def _parse(raw: str | bytes, max_bytes: int | None) -> Any:
    """The frame's JSON value (any: :func:`from_dict` refuses what is not an object)."""
    try:
        size = len(raw.encode("utf-8")) if isinstance(raw, str) else len(raw)
    except UnicodeEncodeError:
        raise ProtocolError("bad_json", "frame is not valid Unicode") from None
    if max_bytes is not None and size > max_bytes:
        raise ProtocolError("too_large", f"frame of {size} bytes exceeds the limit of {max_bytes}")
    try:
        return json.loads(raw, parse_constant=_refuse_constant)
    except RecursionError:
        raise ProtocolError("bad_json", "frame is nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProtocolError("bad_json", f"frame is not valid JSON: {fields.clip(str(exc), 200)}") from None


def _check_unicode(raw: str | bytes, data: Any) -> None:
    """Refuse a frame holding a string or key that is not valid Unicode (a lone surrogate), naming its path."""
    text = raw if isinstance(raw, str) else raw.decode("utf-8", "replace")
    if _SURROGATE_ESCAPE.search(text):
        bad = _lone_surrogate_path(data)
        if bad is not None:
            raise ProtocolError("bad_json", f"'{fields.clip(bad, 100)}' holds text that is not valid Unicode", bad)


def decode(raw: str | bytes, *, max_bytes: int | None = MAX_CLIENT_FRAME) -> Message:
    """Parse and validate one frame.

    Args:
        raw: The frame as received (text or UTF-8 bytes).
        max_bytes: Reject frames larger than this (``None``: no limit).

    Raises:
        ProtocolError: naming the field when anything is wrong.
    """
    data = _parse(raw, max_bytes)
    _check_unicode(raw, data)
    return from_dict(data)


def decode_request(raw: str | bytes, role: str | None, *, max_bytes: int | None = MAX_CLIENT_FRAME) -> Message:
    """Parse and validate one frame a client sent to the server holding ``role`` (``None``: before ``hello``).

    As :func:`decode`, except that the role's permission is checked on the ``type`` first,
    before the rest of the frame is read: a type ``role`` may not send is ``forbidden`` (field
    ``type``), however malformed its body. A ``seq`` in the frame is ignored: the server assigns it.

    Raises:
        ProtocolError: naming the field when anything is wrong.
    """
    data = _parse(raw, max_bytes)
    if isinstance(data, dict):
        msg_type = data.get("type")
        if (
            role is not None
            and isinstance(msg_type, str)
            and msg_type in MESSAGE_TYPES
            and not may_send(role, msg_type)
        ):
            raise ProtocolError("forbidden", f"role '{role}' may not send '{msg_type}'", "type")
        data.pop("seq", None)
    _check_unicode(raw, data)
    return from_dict(data)


def from_dict(data: Any) -> Message:
    """Validate an already-decoded JSON value into a typed message."""
    if not isinstance(data, dict):
        raise ProtocolError("bad_json", "frame must be a JSON object")
    msg_type = data.get("type")
    if msg_type is None:
        raise ProtocolError("bad_field", "missing field 'type'", "type")
    if not isinstance(msg_type, str):
        raise ProtocolError("bad_field", "field 'type' must be a string", "type")
    cls = MESSAGE_TYPES.get(msg_type)
    if cls is None:
        raise ProtocolError("unknown_type", f"unknown message type '{fields.clip(msg_type, 40)}'", "type")
    version = data.get("v")
    if type(version) is not int or version != v.PROTOCOL_VERSION:  # neither true nor 1.0
        raise ProtocolError(
            "bad_version", f"unsupported protocol version {version!r}; expected {v.PROTOCOL_VERSION}", "v"
        )
    return cls.parse(data)


def encode(msg: Message) -> str:
    """Serialise a message to one compact JSON text frame."""
    return json.dumps(msg.to_wire(), ensure_ascii=False, separators=(",", ":"))


def encode_ack(event_seq: int | None, request_id: str | None = None) -> str:
    """``encode(Ack(event_seq, id=request_id))``, written directly: one is sent for every event a producer sends."""
    head = f'{{"type":"ack","v":{v.PROTOCOL_VERSION}'
    if request_id is not None:
        head += ',"id":' + encode_basestring(request_id)
    if event_seq is not None:
        head += f',"event_seq":{int(event_seq)}'
    return head + "}"


def error_for(exc: ProtocolError, request_id: str | None = None) -> control.Error:
    """The error reply for a refused frame."""
    field = fields.clip(exc.field, 200) if exc.field is not None else None
    return control.Error(exc.code, fields.clip(str(exc), 1000), field, id=request_id)
