"""Typed answers of the supervisor queries ``supervisors`` and ``supervisor`` (lenient, like ``answers``).

The drill-down's supervisor pages parse them with ``from_wire``; the queries live in
``feeds.supervision.queries`` (``docs/supervision.md``). Like the alarm answers they are not in
``answers.TYPED``, so ``parse_answer`` hands them over as plain dicts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from feeds.protocol.alarm_answers import _int, _num
from feeds.protocol.answers import Named, PeriodRef

Wire = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class SupervisorFigures:
    """One supervisor's figures over a period (``feeds.supervision.figures``)."""

    who: Named
    shift: str = ""
    beat_grids: int = 0
    reports: int = 0
    valid: int = 0
    valid_rate: float | None = None
    verified: int = 0
    verified_on_time: int = 0
    verify_on_time_rate: float | None = None
    grids_covered: int = 0
    distance_m: float = 0.0

    def value(self, key: str) -> float | None:
        """A figure by its ranking key (``reports``, ``valid_rate``, ...; ``distance_km`` too)."""
        if key == "distance_km":
            return self.distance_m / 1000
        value = getattr(self, key, None)
        return float(value) if isinstance(value, (int, float)) else None

    @classmethod
    def from_wire(cls, d: Any) -> SupervisorFigures:
        """From one ``figures`` object (or ranking row)."""
        m: Wire = d if isinstance(d, Mapping) else {}
        who = Named(str(m.get("staff_id") or ""), str(m.get("name_zh") or ""), str(m.get("name_en") or ""))
        return cls(
            who,
            str(m.get("shift") or ""),
            _int(m.get("beat_grids")),
            _int(m.get("reports")),
            _int(m.get("valid")),
            _num(m.get("valid_rate")),
            _int(m.get("verified")),
            _int(m.get("verified_on_time")),
            _num(m.get("verify_on_time_rate")),
            _int(m.get("grids_covered")),
            _num(m.get("distance_m")) or 0.0,
        )


@dataclass(frozen=True, slots=True)
class SupervisorRanking:
    """The ``supervisors`` answer: every supervisor (of a unit) ranked by ``by`` over ``period``."""

    period: PeriodRef
    by: str
    unit: str
    rows: tuple[SupervisorFigures, ...]

    @classmethod
    def from_wire(cls, d: Wire) -> SupervisorRanking:
        """From the JSON answer."""
        rows = d.get("rows")
        return cls(
            PeriodRef.from_wire(d.get("period")),
            str(d.get("by") or "reports"),
            str(d.get("unit") or ""),
            tuple(SupervisorFigures.from_wire(r) for r in rows) if isinstance(rows, list) else (),
        )


@dataclass(frozen=True, slots=True)
class SupervisorDetail:
    """The ``supervisor`` answer: one supervisor's figures over ``period`` and their beat's grids."""

    period: PeriodRef
    figures: SupervisorFigures
    grids: tuple[str, ...]

    @classmethod
    def from_wire(cls, d: Wire) -> SupervisorDetail:
        """From the JSON answer."""
        grids = d.get("grids")
        return cls(
            PeriodRef.from_wire(d.get("period")),
            SupervisorFigures.from_wire(d.get("figures")),
            tuple(str(g) for g in grids) if isinstance(grids, list) else (),
        )
