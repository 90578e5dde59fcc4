"""Validation of query parameters: every problem is a ``ProtocolError("bad_field", …, "params.<name>")``."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from feeds.analytics.periods import DAY_S, RANGE_NAMES, Period, named_period
from feeds.analytics.selection import FLAG_FILTERS, LIST_FILTERS, Filters, Selection
from feeds.protocol import SOURCES, STAGES, ProtocolError
from feeds.protocol import fields as f
from feeds.protocol import vocab as v

MAX_SPAN_S = 21 * 366 * DAY_S
DISTRICT = "110102"
_LIST_RULES: dict[str, dict[str, Any]] = {
    "subclass": {"pattern": v.SUBCLASS_CODE},
    "class": {"pattern": re.compile(r"\d{2}")},
    "kind": {"choices": v.KINDS},
    "source": {"choices": frozenset(SOURCES)},
    "department": {"pattern": v.DEPT_CODE},
    "stage": {"choices": frozenset(STAGES)},
}


def bad(name: str, message: str) -> ProtocolError:
    """The error for a bad parameter ``name`` (field ``params.<name>``)."""
    return ProtocolError("bad_field", message, f"params.{name}")


class Params:
    """Reads query parameters, remembering which were used so that unknown ones are refused.

    Args:
        params: The ``params`` object of a ``query`` message.
        now: The service clock's current time (default ``as_of``).
        known_unit: Tells whether a unit code exists (all well-formed codes if ``None``).
    """

    def __init__(self, params: Any, now: float, known_unit: Callable[[str], bool] | None = None) -> None:
        if not isinstance(params, Mapping):
            raise ProtocolError("bad_field", "params must be an object", "params")
        self._d: Mapping[str, Any] = params
        self._used: set[str] = set()
        self._now = now
        self._known_unit = known_unit

    def _take(self, name: str) -> Mapping[str, Any]:
        self._used.add(name)
        return self._d

    def text(self, name: str, default: str | None = None, **kw: Any) -> str | None:
        """A string parameter (``choices=``, ``pattern=``, ``max_len=`` as in :func:`feeds.protocol.fields.text`)."""
        value = f.text(self._take(name), name, "params", required=False, **kw)
        return default if value is None else value

    def integer(self, name: str, default: int, lo: int, hi: int) -> int:
        """An integer parameter within ``[lo, hi]``."""
        value = f.integer(self._take(name), name, "params", required=False, lo=lo, hi=hi)
        return default if value is None else value

    def number(self, name: str, default: float, lo: float, hi: float) -> float:
        """A number parameter within ``[lo, hi]``."""
        value = f.number(self._take(name), name, "params", required=False, lo=lo, hi=hi)
        return default if value is None else value

    def flag(self, name: str, default: bool = False) -> bool:
        """A boolean parameter."""
        return f.flag(self._take(name), name, "params", default=default)

    def time(self, name: str) -> int | None:
        """A time: ISO 8601 with a UTC offset, or epoch seconds."""
        raw = self._take(name).get(name)
        if raw is None:
            return None
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            return int(f.req_num(self._d, name, "params", lo=0, hi=1e11))
        return int(f.req_ts(self._d, name, "params"))

    def unit(self, default: str = DISTRICT) -> str:
        """A unit code (district, subdistrict, community or grid) that exists."""
        code = self.text("unit", default, pattern=v.UNIT_CODE, max_len=15)
        assert code is not None
        if self._known_unit is not None and not self._known_unit(code):
            raise bad("unit", f"unknown unit '{code}'")
        return code

    def as_of(self) -> int:
        """``as_of`` (default: now): the end of to-date ranges and the time deadlines are judged at."""
        value = self.time("as_of")
        return int(self._now) if value is None else value

    def period(self, as_of: int, default: str = "today") -> Period:
        """``range`` (+ ``start``/``end`` for ``custom``)."""
        name = self.text("range", default, choices=frozenset(RANGE_NAMES))
        assert name is not None
        start, end = self.time("start"), self.time("end")
        if name != "custom":
            for key, value in (("start", start), ("end", end)):
                if value is not None:
                    raise bad(key, f"'{key}' is only allowed with range 'custom'")
            return named_period(name, as_of)
        if start is None:
            raise bad("start", "range 'custom' needs 'start'")
        if end is None:
            raise bad("end", "range 'custom' needs 'end'")
        if end <= start:
            raise bad("end", "'end' must be after 'start'")
        if end - start > MAX_SPAN_S:
            raise bad("end", "a custom range may span at most 21 years")
        return named_period("custom", as_of, start, end)

    def filters(self) -> Filters:
        """``filters``: lists (string or array of strings) and flags (see :class:`Filters`)."""
        raw = f.obj(self._take("filters"), "filters", "params", required=False) or {}
        lists: dict[str, tuple[str, ...]] = {}
        flags: dict[str, bool | None] = {}
        for key, value in raw.items():
            path = f"params.filters.{key}"
            if key in FLAG_FILTERS:
                if value is not None and not isinstance(value, bool):
                    raise ProtocolError("bad_field", f"field '{path}' must be true or false", path)
                flags[key] = value
            elif key in LIST_FILTERS:
                items = [value] if isinstance(value, str) else f.lst(raw, key, "params.filters", max_items=500)
                for i, item in enumerate(items):
                    if not isinstance(item, str):
                        raise ProtocolError("bad_field", f"field '{path}[{i}]' must be a string", f"{path}[{i}]")
                    f.text({key: item}, key, "params.filters", max_len=40, **_LIST_RULES[key])
                lists[key] = tuple(dict.fromkeys(items))
            else:
                raise ProtocolError("bad_field", f"unknown filter '{key}'", path)
        return Filters(
            subclass=lists.get("subclass", ()),
            classes=lists.get("class", ()),
            kind=lists.get("kind", ()),
            source=lists.get("source", ()),
            department=lists.get("department", ()),
            stage=lists.get("stage", ()),
            overdue=flags.get("overdue"),
            difficult=flags.get("difficult"),
        )

    def selection(self, default_range: str = "today") -> tuple[Selection, Period]:
        """The common selection parameters: ``unit``, ``range``/``start``/``end``, ``as_of``, ``filters``."""
        unit = self.unit()
        as_of = self.as_of()
        period = self.period(as_of, default_range)
        return Selection(unit, period.start, period.end, as_of, self.filters()), period

    def finish(self) -> None:
        """Refuse parameters that were not read."""
        unknown = sorted(set(self._d) - self._used)
        if unknown:
            raise bad(unknown[0], f"unknown parameter '{unknown[0]}'")
