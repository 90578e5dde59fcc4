"""Field validators for the wire protocol.

Each helper reads one field from a decoded JSON object and raises
:class:`ProtocolError` naming the field (with its dotted path) when the value
is missing, of the wrong type, or out of range. No I/O happens here.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
"""Display and wire time zone (China Standard Time, no daylight saving)."""

_MISSING = object()

TS_MIN = 0.0
"""Earliest timestamp accepted on the wire (1970-01-01T00:00:00Z)."""
TS_MAX = 4_102_444_800.0
"""First timestamp refused on the wire (2100-01-01T00:00:00Z): every accepted time has a 4-digit year in any offset."""


def valid_unicode(value: str) -> bool:
    """Whether ``value`` can be encoded as UTF-8 (no lone UTF-16 surrogates)."""
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class ProtocolError(ValueError):
    """A message that cannot be accepted.

    Attributes:
        code: Machine-readable reason (``bad_json``, ``too_large``,
            ``bad_field``, ``unknown_type``, ``bad_version``, ``forbidden``,
            ``not_found``, ``conflict``, ``rate_limited``, ``internal``).
        field: Dotted path of the offending field, or ``None``.
    """

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.field = field


def clip(value: str, max_chars: int) -> str:
    """``value`` cut to ``max_chars`` and made valid text (a lone surrogate becomes ``?``, a NUL U+FFFD).

    Used on anything a reply echoes from a refused frame: the reply itself must pass :func:`text`.
    """
    cut = value[:max_chars].replace("\x00", "\ufffd")
    return cut if valid_unicode(cut) else cut.encode("utf-8", "replace").decode("utf-8")


def _path(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _get(d: Mapping[str, Any], name: str, path: str, required: bool) -> Any:
    value = d.get(name, _MISSING)
    if value is _MISSING or value is None:
        if required:
            raise ProtocolError("bad_field", f"missing field '{_path(path, name)}'", _path(path, name))
        return None
    return value


def obj(d: Mapping[str, Any], name: str, path: str = "", *, required: bool = True) -> dict[str, Any] | None:
    """Read a nested JSON object."""
    value = _get(d, name, path, required)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ProtocolError("bad_field", f"field '{_path(path, name)}' must be an object", _path(path, name))
    return value


def lst(d: Mapping[str, Any], name: str, path: str = "", *, max_items: int = 100_000) -> list[Any]:
    """Read a JSON array (missing means empty)."""
    value = d.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ProtocolError("bad_field", f"field '{_path(path, name)}' must be an array", _path(path, name))
    if len(value) > max_items:
        raise ProtocolError(
            "bad_field", f"field '{_path(path, name)}' has more than {max_items} items", _path(path, name)
        )
    return value


def text(
    d: Mapping[str, Any],
    name: str,
    path: str = "",
    *,
    required: bool = True,
    max_len: int = 200,
    pattern: re.Pattern[str] | None = None,
    choices: frozenset[str] | None = None,
) -> str | None:
    """Read a string, optionally checked against a pattern or a set of choices.

    A string holding U+0000 (NUL) is refused: PostgreSQL's text cannot store it.
    """
    value = d.get(name)  # what _get reads, inline: this runs for most fields of every frame
    if value is None:
        if required:
            p = _path(path, name)
            raise ProtocolError("bad_field", f"missing field '{p}'", p)
        return None
    if not isinstance(value, str):
        p = _path(path, name)
        raise ProtocolError("bad_field", f"field '{p}' must be a string", p)
    if not value.isascii() and not valid_unicode(value):
        p = _path(path, name)
        raise ProtocolError("bad_field", f"field '{p}' is not valid Unicode (lone surrogate)", p)
    if "\x00" in value:
        p = _path(path, name)
        raise ProtocolError("bad_field", f"field '{p}' holds a NUL character (U+0000)", p)
    if len(value) > max_len:
        p = _path(path, name)
        raise ProtocolError("bad_field", f"field '{p}' is longer than {max_len} characters", p)
    if choices is not None and value not in choices:
        p = _path(path, name)
        allowed = ", ".join(sorted(choices))
        raise ProtocolError("bad_field", f"field '{p}' must be one of: {allowed}", p)
    if pattern is not None and not pattern.fullmatch(value):
        p = _path(path, name)
        raise ProtocolError("bad_field", f"field '{p}' is not well-formed", p)
    return value


def req_text(d: Mapping[str, Any], name: str, path: str = "", **kw: Any) -> str:
    """Read a required string (see :func:`text`)."""
    value = text(d, name, path, required=True, **kw)
    assert value is not None
    return value


def integer(
    d: Mapping[str, Any], name: str, path: str = "", *, required: bool = True, lo: int = 0, hi: int = 2**53
) -> int | None:
    """Read an integer within ``[lo, hi]`` (booleans are rejected)."""
    value = _get(d, name, path, required)
    if value is None:
        return None
    p = _path(path, name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProtocolError("bad_field", f"field '{p}' must be an integer", p)
    if not lo <= value <= hi:
        raise ProtocolError("bad_field", f"field '{p}' must be between {lo} and {hi}", p)
    return value


def req_int(d: Mapping[str, Any], name: str, path: str = "", **kw: Any) -> int:
    """Read a required integer (see :func:`integer`)."""
    value = integer(d, name, path, required=True, **kw)
    assert value is not None
    return value


def number(
    d: Mapping[str, Any], name: str, path: str = "", *, required: bool = True, lo: float = -1e12, hi: float = 1e12
) -> float | None:
    """Read a finite number within ``[lo, hi]``.

    A JSON integer too large for a float (``1`` and 400 zeros) is out of range, not an ``OverflowError``:
    an ``int`` is compared with the bounds exactly and converted only once it lies between them.
    """
    value = _get(d, name, path, required)
    if value is None:
        return None
    p = _path(path, name)
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or (isinstance(value, float) and not math.isfinite(value))
    ):
        raise ProtocolError("bad_field", f"field '{p}' must be a number", p)
    if not lo <= value <= hi:
        raise ProtocolError("bad_field", f"field '{p}' must be between {lo:g} and {hi:g}", p)
    return float(value)


def req_num(d: Mapping[str, Any], name: str, path: str = "", **kw: Any) -> float:
    """Read a required number (see :func:`number`)."""
    value = number(d, name, path, required=True, **kw)
    assert value is not None
    return value


def flag(d: Mapping[str, Any], name: str, path: str = "", *, default: bool = False) -> bool:
    """Read a boolean; missing means ``default``."""
    value = d.get(name)
    if value is None:
        return default
    if not isinstance(value, bool):
        p = _path(path, name)
        raise ProtocolError("bad_field", f"field '{p}' must be true or false", p)
    return value


def timestamp(d: Mapping[str, Any], name: str, path: str = "", *, required: bool = True) -> float | None:
    """Read an ISO 8601 timestamp with a UTC offset; returns epoch seconds."""
    value = text(d, name, path, required=required, max_len=40)
    if value is None:
        return None
    p = _path(path, name)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ProtocolError("bad_field", f"field '{p}' must be an ISO 8601 timestamp", p) from None
    if parsed.tzinfo is None:
        raise ProtocolError("bad_field", f"field '{p}' must carry a UTC offset", p)
    try:
        epoch = parsed.timestamp()
    except (OverflowError, ValueError):
        epoch = TS_MAX
    if not TS_MIN <= epoch < TS_MAX:
        raise ProtocolError("bad_field", f"field '{p}' must lie between 1970 and 2099", p)
    return epoch


def req_ts(d: Mapping[str, Any], name: str, path: str = "") -> float:
    """Read a required timestamp (see :func:`timestamp`)."""
    value = timestamp(d, name, path, required=True)
    assert value is not None
    return value


def iso(t: float | None) -> str | None:
    """Format epoch seconds as ISO 8601 in Beijing time (``None`` stays ``None``)."""
    if t is None:
        return None
    return _iso(t)


@functools.lru_cache(maxsize=4096)
def _iso(t: float) -> str:
    """Remembered: a batch's events share their ``ts``, and a case's times repeat in its events."""
    return datetime.fromtimestamp(t, BEIJING).isoformat(timespec="seconds")


def drop_none(d: dict[str, Any]) -> dict[str, Any]:
    """Return ``d`` without keys whose value is ``None`` (keeps frames small)."""
    return {k: v for k, v in d.items() if v is not None}
