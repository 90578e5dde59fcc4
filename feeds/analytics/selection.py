"""What a drill-down query selects: a unit, a time range, an as-of time and filters."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from feeds.analytics.periods import Period

LEVELS: dict[int, str] = {6: "district", 9: "subdistrict", 12: "community", 15: "grid"}
"""Unit level by code length (Beijing unit codes: 6 + 3 + 3 + 3 digits)."""
CHILD_LEVEL: dict[str, str | None] = {
    "district": "subdistrict",
    "subdistrict": "community",
    "community": "grid",
    "grid": None,
}
UNHANDLED_STAGES: tuple[str, ...] = ("reported", "filed", "dispatched", "handling")
"""Stages in which a case has not yet been handled (no closure requested since it last entered handling)."""
LIST_FILTERS: tuple[str, ...] = ("subclass", "class", "kind", "source", "department", "stage")
FLAG_FILTERS: tuple[str, ...] = ("overdue", "difficult")


@dataclass(frozen=True, slots=True)
class Filters:
    """Case filters; an empty tuple or ``None`` means "any".

    Attributes:
        subclass: Subclass codes (小类).
        classes: Class codes (大类) = the first two digits of the subclass code.
        kind: ``component`` / ``event``.
        source: Source codes.
        department: Department codes.
        stage: Current stages.
        overdue: ``True``: only cases overdue and unhandled at the as-of time
            (stage in :data:`UNHANDLED_STAGES` and ``handle_deadline_at <
            as_of``); ``False``: only the others.
        difficult: Only difficult (``True``) or not difficult (``False``) cases.
    """

    subclass: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    department: tuple[str, ...] = ()
    stage: tuple[str, ...] = ()
    overdue: bool | None = None
    difficult: bool | None = None

    def lists(self) -> dict[str, tuple[str, ...]]:
        """The non-empty list filters keyed by their wire name (``class`` for :attr:`classes`)."""
        pairs = {
            "subclass": self.subclass,
            "class": self.classes,
            "kind": self.kind,
            "source": self.source,
            "department": self.department,
            "stage": self.stage,
        }
        return {k: v for k, v in pairs.items() if v}

    def to_wire(self) -> dict[str, Any]:
        """JSON form (only the filters that are set)."""
        out: dict[str, Any] = {k: list(v) for k, v in self.lists().items()}
        if self.overdue is not None:
            out["overdue"] = self.overdue
        if self.difficult is not None:
            out["difficult"] = self.difficult
        return out


@dataclass(frozen=True, slots=True)
class Selection:
    """The cases a query looks at: reported in ``[start, end)`` within ``unit``, passing ``filters``.

    Attributes:
        unit: Unit code (6/9/12/15 digits).
        start: Period start (epoch seconds, included), on ``reported_at``.
        end: Period end (excluded).
        as_of: The time at which deadlines are judged (overdue, due).
        filters: Extra filters.
    """

    unit: str
    start: int
    end: int
    as_of: int
    filters: Filters = Filters()

    @property
    def level(self) -> str:
        """``district``, ``subdistrict``, ``community`` or ``grid``."""
        return LEVELS[len(self.unit)]

    def with_period(self, period: Period) -> Selection:
        """The same selection over another period."""
        return dataclasses.replace(self, start=period.start, end=period.end)

    def with_unit(self, unit: str) -> Selection:
        """The same selection for another unit."""
        return dataclasses.replace(self, unit=unit)
