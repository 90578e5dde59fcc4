"""Typed answers of the alarm queries ``alarm_metrics`` and ``urge_ranking`` (lenient, like ``answers``).

The views parse them with ``from_wire``; the queries themselves live in ``feeds.alarms.queries``
(see ``docs/alarms.md``). They are not in ``answers.TYPED`` (that table is the analytics
queries'), so ``parse_answer`` hands them over as plain dicts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

Wire = Mapping[str, Any]


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _int(value: Any) -> int:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


@dataclass(frozen=True, slots=True)
class AlarmMetricsAnswer:
    """Alarm performance over a period, and the reference figures it is judged against."""

    raised: int
    per_10min: float | None
    per_operator_10min: float | None
    operators: int
    peak_10min: int
    floods: int
    flood_share: float | None
    ack_median_s: float | None
    ack_p90_s: float | None
    unacked: int
    standing: int
    stale: int
    shelved: int
    priority_share: dict[str, float | None]
    top_sources: tuple[tuple[str, int], ...]
    benchmarks: dict[str, Any]
    operators_mean: float | None = None
    operators_source: str = ""
    flood_count: int = 10
    flood_window_s: float = 600.0
    stale_s: float = 86400.0

    @classmethod
    def from_wire(cls, d: Wire) -> AlarmMetricsAnswer:
        """From the JSON answer."""
        raw = d.get("priority_share")
        shares: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        sources = [s for s in d.get("top_sources") or () if isinstance(s, Mapping)]
        bench = d.get("benchmarks")
        rule = d.get("flood_rule")
        flood: Mapping[str, Any] = rule if isinstance(rule, Mapping) else {}
        return cls(
            _int(d.get("raised")),
            _num(d.get("per_10min")),
            _num(d.get("per_operator_10min")),
            max(1, _int(d.get("operators"))),
            _int(d.get("peak_10min")),
            _int(d.get("floods")),
            _num(d.get("flood_share")),
            _num(d.get("ack_median_s")),
            _num(d.get("ack_p90_s")),
            _int(d.get("unacked")),
            _int(d.get("standing")),
            _int(d.get("stale")),
            _int(d.get("shelved")),
            {str(k): _num(v) for k, v in shares.items()},
            tuple((str(s.get("source", "")), _int(s.get("count"))) for s in sources),
            dict(bench) if isinstance(bench, Mapping) else {},
            _num(d.get("operators_mean")),
            str(d.get("operators_source") or ""),
            _int(flood.get("count")) or 10,  # the server's flood rule (older servers: the shipped one)
            _num(flood.get("window_s")) or 600.0,
            _num(d.get("stale_s")) or 86400.0,
        )


@dataclass(frozen=True, slots=True)
class UrgeRow:
    """One department: urges (催办) in the period, of them automatic, and overdue cases now."""

    department: str
    urges: int
    auto_urges: int
    overdue: int
    overdue_h: float


@dataclass(frozen=True, slots=True)
class UrgeRankingAnswer:
    """Departments ranked by urges, then by overdue time."""

    rows: tuple[UrgeRow, ...]

    @classmethod
    def from_wire(cls, d: Wire) -> UrgeRankingAnswer:
        """From the JSON answer."""
        rows = [r for r in d.get("departments") or () if isinstance(r, Mapping)]
        return cls(
            tuple(
                UrgeRow(
                    str(r.get("department", "")),
                    _int(r.get("urges")),
                    _int(r.get("auto_urges")),
                    _int(r.get("overdue")),
                    _num(r.get("overdue_h")) or 0.0,
                )
                for r in rows
            )
        )
