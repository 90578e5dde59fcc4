"""Where the drill-down stands: a path of crumbs plus the time range and filters of the selection.

District → subdistrict → community → unit grid → case list → case. Pure
Python (no Qt), so navigation is tested without widgets. Every navigation
is idempotent: opening the unit already shown changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

BEIJING = timezone(timedelta(hours=8))

DISTRICT = "110102"
LEVELS: dict[int, str] = {6: "district", 9: "subdistrict", 12: "community", 15: "grid"}
"""Unit level by code length (Beijing: 6 district + 3 subdistrict + 3 community + 3 grid)."""
RANGES = ("today", "7d", "30d", "year", "custom")
DEPARTMENTS = 40
"""Departments asked for in a unit's ranking."""
GRID_PREVIEW = 30
"""Cases listed on a unit grid's page (a grid has no children to rank)."""
LIST_FILTERS = ("subclass", "class", "kind", "source", "department", "stage")
FLAG_FILTERS = ("overdue", "difficult")


def unit_level(code: str) -> str:
    """``district``/``subdistrict``/``community``/``grid`` from the code length (``unit`` if odd)."""
    return LEVELS.get(len(code), "unit")


def unit_chain(code: str) -> list[str]:
    """The codes from the district down to ``code`` (``110102001004`` → district, subdistrict, community).

    The district is always :data:`DISTRICT`, the wall's name for "the whole district":
    a server holding an imported city (district ``990000``) answers it for its own.
    """
    if len(code) not in LEVELS or code == DISTRICT:
        return [DISTRICT] if code == DISTRICT else [DISTRICT, code]
    return [DISTRICT, *(code[:n] for n in sorted(LEVELS) if 6 < n <= len(code))]


@dataclass(frozen=True)
class RangeSpec:
    """A time range of the query parameters: a named range, or ``custom`` with epoch bounds."""

    name: str = "today"
    start: int | None = None
    end: int | None = None

    def __post_init__(self) -> None:
        if self.name not in RANGES:
            raise ValueError(f"unknown range {self.name!r}; expected one of {', '.join(RANGES)}")
        if self.name == "custom" and (self.start is None or self.end is None or self.end <= self.start):
            raise ValueError("a custom range needs start < end")

    def params(self) -> dict[str, Any]:
        """``{"range": ...}`` plus ``start``/``end`` for ``custom``."""
        out: dict[str, Any] = {"range": self.name}
        if self.name == "custom":
            out.update(start=self.start, end=self.end)
        return out


@dataclass(frozen=True)
class Crumb:
    """One step of the path: a ``unit`` (code), the ``cases`` list of a unit (code), one ``case`` (id),
    the district's ``alarms`` page, the ``supervisors`` ranking of a unit (code) or one ``supervisor`` (staff id)."""

    kind: str
    key: str


@dataclass
class DrillPath:
    """The drill-down selection: crumbs, range and filters.

    Attributes:
        crumbs: From the district down to what is shown (never empty).
        range: Time range of every figure and list.
        filters: Query filters (``subclass``, ``source``, ``department``,
            ``overdue``...) applied at every level until cleared.
    """

    crumbs: list[Crumb] = field(default_factory=lambda: [Crumb("unit", DISTRICT)])
    range: RangeSpec = field(default_factory=RangeSpec)
    filters: dict[str, Any] = field(default_factory=dict)

    @property
    def current(self) -> Crumb:
        """The crumb shown now."""
        return self.crumbs[-1]

    @property
    def unit(self) -> str:
        """The deepest unit of the path (the case list's unit on a case page)."""
        return next((c.key for c in reversed(self.crumbs) if c.kind not in ("case", "alarms", "supervisor")), DISTRICT)

    def reset(self) -> None:
        """Back to the district, today, no filters."""
        self.crumbs = [Crumb("unit", DISTRICT)]
        self.range = RangeSpec()
        self.filters = {}

    def open_unit(self, code: str) -> None:
        """Show a unit: the path becomes its chain of parents."""
        self.crumbs = [Crumb("unit", c) for c in unit_chain(code)]

    def open_cases(self, unit: str) -> None:
        """Show the case list of ``unit``."""
        self.open_unit(unit)
        self.crumbs.append(Crumb("cases", unit))

    def open_alarms(self) -> None:
        """Show the district's alarm figures and the department ranking by urges."""
        self.crumbs = [Crumb("unit", DISTRICT), Crumb("alarms", DISTRICT)]

    def open_supervisors(self, unit: str) -> None:
        """Show the ranking of the supervisors whose beat lies (partly) in ``unit``."""
        self.open_unit(unit)
        self.crumbs.append(Crumb("supervisors", unit))

    def open_supervisor(self, staff_id: str) -> None:
        """Show one supervisor's figures: below the ranking shown, else below the district's ranking."""
        if self.current.kind == "supervisor":
            if self.current.key == staff_id:
                return
            self.crumbs.pop()
        if self.current.kind != "supervisors":
            self.open_supervisors(DISTRICT)
        self.crumbs.append(Crumb("supervisor", staff_id))

    def supervisor_range(self) -> RangeSpec:
        """The range of the supervisor pages: the selection's, or the last 30 days where it is longer than 31
        days (a ranking covers at most 31 days; the page shows the period it got)."""
        spec = self.range
        if spec.name == "year" or (spec.name == "custom" and (spec.end or 0) - (spec.start or 0) > 31 * 86_400):
            return RangeSpec("30d")
        return spec

    def open_case(self, case_id: str) -> None:
        """Show one case; from a case list it goes below the list, else below the current unit."""
        if self.current.kind == "case":
            if self.current.key == case_id:
                return
            self.crumbs.pop()
        self.crumbs.append(Crumb("case", case_id))

    def place_case(self, case_id: str, grid: str) -> None:
        """Once a case's grid is known: path = its grid's chain, the grid's case list, the case.

        Kept as is when the case was opened from a list (the list's unit and filters explain it).
        """
        if len(self.crumbs) >= 2 and self.crumbs[-2].kind == "cases":
            return
        self.open_cases(grid)
        self.crumbs.append(Crumb("case", case_id))

    def go(self, index: int) -> bool:
        """Cut the path back to crumb ``index`` (breadcrumb click); False if already there or out of range."""
        if not 0 <= index < len(self.crumbs) - 1:
            return False
        del self.crumbs[index + 1 :]
        return True

    def back(self) -> bool:
        """One step up; False at the district."""
        return self.go(len(self.crumbs) - 2)

    def set_filter(self, key: str, value: Any) -> None:
        """Set (or with ``None`` clear) one filter."""
        if key not in LIST_FILTERS and key not in FLAG_FILTERS:
            raise ValueError(f"unknown filter {key!r}")
        if value is None or value == [] or value == "":
            self.filters.pop(key, None)
        else:
            self.filters[key] = value

    def unit_queries(self, code: str) -> list[tuple[str, str, dict[str, Any]]]:
        """``(slot, query, params)`` for a unit page: figures, departments, and a grid's latest cases."""
        out = [
            ("drill", "drill", self.selection(code)),
            ("ranking", "ranking", {**self.selection(code), "by": "department", "limit": DEPARTMENTS}),
        ]
        if unit_level(code) == "grid":
            out.append(("grid_cases", "cases", {**self.selection(code), "limit": GRID_PREVIEW}))
        out.append(("response", "response", {"unit": code, **self.range.params()}))  # 全响应: rates and rankings
        return out

    def selection(self, unit: str | None = None) -> dict[str, Any]:
        """The common query parameters: ``unit``, range, ``filters`` (only when set)."""
        out: dict[str, Any] = {"unit": unit or self.unit, **self.range.params()}
        if self.filters:
            out["filters"] = dict(self.filters)
        return out


RANGE_HOURS = {"today": 24, "7d": 168, "30d": 720, "year": 8760}
"""Hours of the alarm queries for each named range (``today``: the last 24 h)."""


def alarm_period(spec: RangeSpec) -> dict[str, Any]:
    """``hours`` (and ``until`` for a custom range) of the alarm queries for a range."""
    if spec.name == "custom" and spec.start is not None and spec.end is not None:
        until = datetime.fromtimestamp(spec.end, BEIJING).isoformat(timespec="seconds")
        return {"hours": max(0.1, (spec.end - spec.start) / 3600), "until": until}
    return {"hours": RANGE_HOURS.get(spec.name, 24)}
