"""Personal data kept off the wall: callers' names and phone numbers, exact house numbers.

Hotline (12345) and app requests arrive with the caller's words: a description
such as ``来电人张先生（13812345678）反映幸福里3号楼502室门口垃圾堆放``. The
protocol has no separate contact fields, so the personal data lives inside the
free texts (``description``, ``address``, notes). :func:`mask_text` replaces

* mobile numbers (``1[3-9]`` + 9 digits) and landlines (``010-6512 3456``,
  ``(010)65123456``, 8-digit local numbers) with ``1**********`` style stars,
* the name after 来电人 / 联系人 / 举报人 / 反映人 / 投诉人 / 报件人 (a surname +
  先生/女士/…, or two or three characters before a pause), and after 市民 / 居民 /
  业主 when 来电, 反映, 称, 电话 or a bracket follows it, with ``*``,
* house, building, unit and room numbers (``12号``, ``3号楼``, ``2单元``,
  ``502室``) with ``*号`` and the like, keeping the street,

so a wall shows ``来电人*（1**********）反映幸福里*号楼*室门口垃圾堆放``. The
server applies :func:`mask_frame` to every frame a ``wall``-role client
receives (``docs/protocol.md``, "Privacy"); the wall's views apply
:func:`mask_text` again before they draw a case's text (defence in depth).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

_MOBILE = r"(?<!\d)1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)"
_LANDLINE = r"(?:(?<!\d)0\d{2,3}[- ]?|[(（]0\d{2,3}[)）]\s?)[2-9]\d{2,3}[- ]?\d{4}(?!\d)"
_LOCAL = r"(?<![\d.:-])[2-9]\d{3}[- ]?\d{4}(?![\d.:])"
PHONE = re.compile(f"{_MOBILE}|{_LANDLINE}|{_LOCAL}")
"""Mobile, landline with area code, and 8-digit local numbers."""

NAME = re.compile(
    r"(?P<lead>来电人|联系人|举报人|反映人|投诉人|报件人)(?P<sep>[:：\s]*)"
    r"(?P<name>[\u4e00-\u9fff](?:先生|女士|小姐|师傅|阿姨|大爷)|[\u4e00-\u9fff]{2,3}(?=[（(，,：:;；。\s]|来电|反映|称|电话|$))"
    r"|(?P<lead2>来电市民|市民|居民|业主)(?P<sep2>[:：]?)"
    r"(?P<name2>[\u4e00-\u9fff](?:先生|女士|小姐|师傅|阿姨|大爷)|[\u4e00-\u9fff]{2,3}(?=[（(]|[，,]?(?:来电|反映|称|电话|手机)))"
)
"""A name after a caller word: a surname + title, or two to three characters before a pause
(after 市民/居民/业主 only before a bracket or [，]来电/反映/称/电话/手机: "居民通行" is no name)."""

HOUSE = re.compile(r"(?<![\d*])\d{1,5}(?:-\d{1,5})?\s?(?=号院|号楼|号|栋|幢|单元|室|层|楼)")
"""A house, building, unit, floor or room number (the digits before 号/号楼/单元/室...)."""

_WORDS = frozenset({"反映", "来电", "称", "电话", "投诉", "举报", "报告"})


def _stars(match: re.Match[str]) -> str:
    text = match.group(0)
    return text[0] + "*" * (sum(c.isdigit() for c in text) - 1)


def _name(match: re.Match[str]) -> str:
    second = match.group("lead") is None
    name = match.group("name2" if second else "name")
    if name in _WORDS:
        return match.group(0)
    return match.group("lead2" if second else "lead") + match.group("sep2" if second else "sep") + "*"


def mask_text(text: str) -> str:
    """``text`` with phone numbers, callers' names and house numbers replaced by ``*``."""
    if not text:
        return text
    text = PHONE.sub(_stars, text)
    text = NAME.sub(_name, text)
    return HOUSE.sub("*", text)


def has_personal_data(text: str) -> bool:
    """Whether ``text`` still contains something :func:`mask_text` would mask."""
    return mask_text(text) != text


def _mask_value(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, list):
        return [_mask_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _mask_value(v) for k, v in value.items()}
    return value


_FIELDS = frozenset({"description", "address", "note", "text"})


def mask_fields(value: Any) -> Any:
    """A copy of a decoded message with every free-text field (description, address, note, text) masked."""
    if isinstance(value, list):
        return [mask_fields(v) for v in value]
    if isinstance(value, dict):
        return {k: _mask_value(v) if k in _FIELDS else mask_fields(v) for k, v in value.items()}
    return value


_FREE_TEXT_KEYS = tuple(f'"{key}":' for key in sorted(_FIELDS))


def _free_text_values(frame: str) -> Iterator[str | None]:
    """The encoded value of every free-text key in ``frame`` (``None`` when it is not a string).

    Inside a JSON string every ``"`` is escaped, so ``"key":`` is found only as a real key.
    """
    for key in _FREE_TEXT_KEYS:
        at = frame.find(key)
        while at >= 0:
            start = at + len(key)
            if not frame.startswith('"', start):
                yield None
                at = frame.find(key, start)
                continue
            end = frame.find('"', start + 1)
            while end > 0 and _escaped(frame, end):
                end = frame.find('"', end + 1)
            if end < 0:
                yield None  # not valid JSON: the full path decides
                return
            yield frame[start + 1 : end]
            at = frame.find(key, end)


def _escaped(frame: str, quote: int) -> bool:
    """Whether the ``"`` at ``quote`` is preceded by an odd number of backslashes."""
    n = 0
    while frame[quote - 1 - n] == "\\":
        n += 1
    return n % 2 == 1


def _may_hold_personal_data(frame: str) -> bool:
    """Whether any free-text value of ``frame`` matches a pattern (or is not a plain string)."""
    for value in _free_text_values(frame):
        if value is None:
            return True  # let the full path decide
        text = json.loads(f'"{value}"') if "\\" in value else value
        if PHONE.search(text) or NAME.search(text) or HOUSE.search(text):
            return True
    return False


def mask_frame(frame: str) -> str:
    """An encoded JSON frame with its free-text fields masked (the same string when nothing changes).

    Only the free-text values are scanned (one pass over the frame to find them,
    then the patterns over each value): a frame none of whose values matches is
    returned as it is without decoding. Scanning the whole frame instead cost
    ~100 µs per event, mostly the phone pattern trying every digit of grid codes
    and times.
    """
    if not _may_hold_personal_data(frame):
        return frame
    try:
        data = json.loads(frame)
    except ValueError:
        return frame
    masked = mask_fields(data)
    if masked == data:
        return frame
    return json.dumps(masked, ensure_ascii=False, separators=(",", ":"))
