"""Fast parsing of the timestamps of exported files into epoch seconds, time zones honoured.

``strptime`` costs about 10 µs a call, too slow for 50,000 rows/s with three
time columns: a column in a format made only of fixed-width fields
(``%m/%d/%Y %I:%M:%S %p``, ISO ``YYYY-MM-DD HH:MM:SS``) is decoded at once with
numpy, the zone's UTC offset looked up once per distinct hour. Anything else
falls back to ``strptime`` / ``datetime.fromisoformat`` one value at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from feeds.protocol.fields import TS_MAX, TS_MIN

_WIDTH = {"Y": 4, "m": 2, "d": 2, "H": 2, "I": 2, "M": 2, "S": 2, "p": 2}


class TimeFormatError(ValueError):
    """A time zone or time format that cannot be used."""


def in_range(epoch: float) -> bool:
    """Whether ``epoch`` is a time the protocol carries (1970 to 2099): an imported time outside it
    is unreadable, as the wire refuses it (one such row in the store would break every snapshot)."""
    return TS_MIN <= epoch < TS_MAX


def epoch_of(dt: datetime) -> float:
    """``dt``'s epoch seconds; ``ValueError`` outside 1970–2099."""
    try:
        epoch = dt.timestamp()
    except (OverflowError, OSError) as exc:
        raise ValueError(f"time {dt.isoformat()} is out of range") from exc
    if not in_range(epoch):
        raise ValueError(f"time {dt.isoformat()} is not between 1970 and 2099")
    return epoch


def parse_w3(text: str, tz: tzinfo | None) -> float | None:
    """An ISO 8601 / w3 datetime (``2010-04-14T06:37:38-08:00``, ``…Z``) to epoch seconds.

    Text without an offset takes ``tz``; with ``tz`` None it is refused. Blank or
    unreadable text, and a time outside 1970–2099, give None.
    """
    text = text.strip()
    if not text:
        return None
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        if tz is None:
            return None
        dt = dt.replace(tzinfo=tz)
    try:
        return epoch_of(dt)
    except ValueError:
        return None


def command_line_time(text: str, tz: tzinfo) -> float:
    """An ISO 8601 date or date/time given on the command line as epoch seconds (``tz`` when it has no offset).

    Raises:
        ValueError: Saying what is wrong: not an ISO date/time (or a day that does not exist), or a time
            outside 1970–2099, which the protocol does not carry.
    """
    try:
        dt = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        why = "" if str(exc).startswith("Invalid isoformat") else f" ({exc})"
        raise ValueError(f"not an ISO date/time{why}") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=tz)
    try:
        return epoch_of(dt)
    except ValueError:
        raise ValueError("outside 1970–2099, the times GridWall carries") from None


def zone(name: str) -> tzinfo:
    """The IANA time zone ``name`` (``TimeFormatError`` if unknown)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise TimeFormatError(f"unknown time zone {name!r}") from exc


def _compile(fmt: str) -> list[tuple[str, int, int]] | None:
    """``[(field, start, end)]`` slices for a fixed-width format, literals checked by length; None if not fixed."""
    fields: list[tuple[str, int, int]] = []
    pos = i = 0
    while i < len(fmt):
        if fmt[i] == "%":
            if i + 1 >= len(fmt) or fmt[i + 1] not in _WIDTH:
                return None
            width = _WIDTH[fmt[i + 1]]
            fields.append((fmt[i + 1], pos, pos + width))
            pos += width
            i += 2
        else:
            fields.append(("literal:" + fmt[i], pos, pos + 1))
            pos += 1
            i += 1
    return fields


_ISO_FIXED = "%Y-%m-%d %H:%M:%S"
_BIG = np.iinfo(np.int64).min  # marks blank (None) in parsed arrays


_MONTH_DAYS = np.array([31, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)  # [0]: unused


def _days_in_month(y: Any, m: Any) -> Any:
    """Days in each month ``m`` (1–12; others give 31, and are refused by the caller) of year ``y``, leap years
    (proleptic Gregorian) counted: ``2026/02/31`` and ``2025/02/29`` are unreadable, as ``strptime`` says."""
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    return np.where((m >= 1) & (m <= 12), _MONTH_DAYS[np.clip(m, 0, 12)], 31) + ((m == 2) & leap)


def _days_from_civil(y: Any, m: Any, d: Any) -> Any:
    """Days since 1970-01-01 of proleptic Gregorian dates (vectorised; H. Hinnant's algorithm)."""
    y = y - (m <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    doy = (153 * (m + np.where(m > 2, -3, 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


class TimeParser:
    """Parses one column's timestamps to integer epoch seconds.

    Args:
        fmt: A ``strptime`` format, or ``"iso"`` for ISO 8601 (with or without offset).
        tz: Zone of times written without an offset.

    :meth:`parse_many` parses a whole column at once: text of a fixed-width
    format (``%m/%d/%Y %I:%M:%S %p``, ISO ``YYYY-MM-DD HH:MM:SS``) is decoded
    with numpy and the zone's offset is looked up once per distinct hour; any
    other text goes through ``strptime``/``fromisoformat`` one by one.
    """

    def __init__(self, fmt: str, tz: tzinfo) -> None:
        self.fmt, self.tz = fmt, tz
        self._offsets: dict[int, int] = {}
        fixed = _compile(_ISO_FIXED if fmt == "iso" else fmt)
        self._fields = fixed if fixed is not None and _has_hour_fields(fixed) else None
        self._length = fixed[-1][2] if fixed else -1
        if fmt != "iso":
            try:
                datetime.strptime(datetime(2020, 1, 2, 3, 4, 5).strftime(fmt), fmt)
            except ValueError as exc:
                raise TimeFormatError(f"bad time format {fmt!r}: {exc}") from exc

    def __call__(self, text: str) -> int | None:
        """One timestamp (``None`` if blank; ``ValueError`` if unreadable or outside 1970–2099)."""
        text = text.strip()
        if not text:
            return None
        dt = datetime.fromisoformat(text) if self.fmt == "iso" else datetime.strptime(text, self.fmt)
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=self.tz)
        return int(epoch_of(dt))

    def parse_many(self, texts: Sequence[str]) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """``(values, bad)`` for a column: epoch seconds (``BLANK`` where blank) and a mask of unreadable text
        (a time outside 1970–2099 is unreadable)."""
        n = len(texts)
        values = np.full(n, _BIG, dtype=np.int64)
        bad = np.zeros(n, dtype=bool)
        slow = np.ones(n, dtype=bool)
        if n:
            lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
            slow[lengths == 0] = False  # blank: BLANK, no call
        if self._fields is not None and n:
            fixed = np.flatnonzero(lengths == self._length)
            if len(fixed):
                chosen = texts if len(fixed) == n else [texts[i] for i in fixed.tolist()]
                joined = "".join(chosen)
                codes: np.ndarray[Any, Any]
                if joined.isascii():  # one byte per character: the codes straight from the encoded text
                    codes = np.frombuffer(joined.encode("ascii"), dtype=np.uint8).reshape(-1, self._length)
                else:
                    codes = np.array(chosen, dtype=f"U{self._length}").view(np.uint32).reshape(-1, self._length)
                ok, epochs = self._fixed(codes)
                values[fixed[ok]] = epochs[ok]
                slow[fixed[ok]] = False
        for i in np.flatnonzero(slow):
            try:
                t = self(texts[int(i)])
            except ValueError:
                bad[i] = True
                continue
            if t is not None:
                values[i] = t
        outside = (values != _BIG) & ((values < TS_MIN) | (values >= TS_MAX))  # the fixed-width path's years 0000–9999
        if outside.any():
            bad |= outside
            values[outside] = _BIG
        return values, bad

    def _fixed(self, chars: np.ndarray[Any, Any]) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """``(ok, epochs)`` of texts given as character codes, one row per text."""
        assert self._fields is not None
        codes = chars.astype(np.int32)
        ok = np.ones(len(chars), dtype=bool)
        num: dict[str, Any] = {}
        for name, a, b in self._fields:
            if name.startswith("literal:"):
                lit = ord(name[8:])
                col = codes[:, a]
                ok &= (col == lit) | ((lit == ord(" ")) & (col == ord("T")) & (self.fmt == "iso"))
            elif name == "p":
                first = codes[:, a] | 32  # lower case
                ok &= ((first == ord("a")) | (first == ord("p"))) & ((codes[:, a + 1] | 32) == ord("m"))
                num["pm"] = first == ord("p")
            else:
                digits = codes[:, a:b] - ord("0")
                ok &= ((digits >= 0) & (digits <= 9)).all(axis=1)
                value = digits[:, 0].astype(np.int64)
                for k in range(1, b - a):
                    value = value * 10 + digits[:, k]
                num[name] = value
        hour = num.get("H")
        if hour is None:
            twelve = num["I"]
            ok &= (twelve >= 1) & (twelve <= 12)
            hour = twelve % 12 + np.where(num["pm"], 12, 0)
        second = num.get("S", 0)
        ok &= (num["m"] >= 1) & (num["m"] <= 12) & (num["d"] >= 1) & (num["d"] <= _days_in_month(num["Y"], num["m"]))
        ok &= (hour <= 23) & (num["M"] <= 59) & (second <= 59)
        days = _days_from_civil(num["Y"], num["m"], num["d"])
        naive = days * 86_400 + hour * 3600 + num["M"] * 60 + second
        hours, inverse = np.unique(naive // 3600, return_inverse=True)
        offsets = np.array([self._offset(int(h)) for h in hours], dtype=np.int64)
        return ok, naive - offsets[inverse]

    def _offset(self, naive_hour: int) -> int:
        """UTC offset (seconds) of the zone at a local wall-clock hour (cached)."""
        offset = self._offsets.get(naive_hour)
        if offset is None:
            local = (datetime(1970, 1, 1) + timedelta(hours=naive_hour)).replace(tzinfo=self.tz)
            delta = local.utcoffset()
            offset = int(delta.total_seconds()) if delta is not None else 0
            self._offsets[naive_hour] = offset
        return offset


#: The value :meth:`TimeParser.parse_many` gives blank text.
BLANK = int(_BIG)


def _has_hour_fields(fields: list[tuple[str, int, int]]) -> bool:
    names = {name for name, _, _ in fields}
    return {"Y", "m", "d", "M"} <= names and bool(names & {"H", "I"}) and ("I" not in names or "p" in names)
