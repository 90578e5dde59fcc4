"""Today's counters (Beijing day): hourly trend, type/source/subdistrict mix and KPI figures.

Server figures win: a :class:`~feeds.protocol.Kpis` message replaces the
counts, and events folded afterwards increment them until the next one, so
tiles and charts move live while any drift is corrected every KPI message.
Rates (fractions 0–1) are the server's as long as it has sent any: its
closure rate is a cohort rate (closed ÷ filed among today's cases) that the
wall cannot recompute from events; before the first KPI message the wall
shows ``closed ÷ reported`` and ``on-time ÷ closed`` of what it saw.

The server may add a ``charts`` object to the KPI message (as ``Kpis.charts``
or, until the protocol has that field, ``Kpis.totals["charts"]``)::

    {"day": "2026-08-10",                    # Beijing date the figures are for
     "hourly_today": [24 ints],             # cases reported per hour so far today
     "hourly_last_week": [24 numbers],      # same weekday seven days earlier
     "types_today": {"1201": 310, ...},     # subclass code -> cases today
     "sources_today": {"patrol": 800, ...},
     "subdistricts_today": {"110102001": 90, ...}}

Every key is optional. Without ``hourly_last_week`` the wall uses the hourly
counts it observed itself a week ago (partial if it was not running all day).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from feeds.live.names import NameLookup
from feeds.live.records import ChartView, KpiView, Ranked
from feeds.protocol import CaseInfo, Kpis

_OFFSET = 8 * 3600  # Beijing is UTC+8 all year
_COUNT_KEYS = ("reported", "filed", "dispatched", "closed")
HISTORY_DAYS = 8


def beijing_day(t: float) -> int:
    """Days since 1970-01-01 in Beijing time."""
    return int((t + _OFFSET) // 86400)


def beijing_hour(t: float) -> int:
    """Hour of the day (0–23) in Beijing time."""
    return int((t + _OFFSET) % 86400 // 3600)


def day_iso(day: int) -> str:
    """ISO date of a :func:`beijing_day` index."""
    return (date(1970, 1, 1) + timedelta(days=day)).isoformat()


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def _counts(value: Any) -> dict[str, int] | None:
    if not isinstance(value, Mapping):
        return None
    out: dict[str, int] = {}
    for key, raw in list(value.items())[:1000]:
        n = _num(raw)
        if isinstance(key, str) and n is not None and n >= 0:
            out[key] = int(n)
    return out


def _hours(value: Any) -> list[float] | None:
    if not isinstance(value, list) or len(value) != 24:
        return None
    nums = [_num(x) for x in value]
    return None if any(n is None or n < 0 for n in nums) else [float(n or 0) for n in nums]


def charts_payload(kpis: Kpis) -> Mapping[str, Any] | None:
    """The ``charts`` object of a KPI message, wherever the server put it."""
    charts = getattr(kpis, "charts", None)
    if charts is None and kpis.totals:
        charts = kpis.totals.get("charts")
    return charts if isinstance(charts, Mapping) else None


class TodayStats:
    """Counters for the current Beijing day, plus a week of observed hourly profiles."""

    def __init__(self) -> None:
        self.day = -1
        self._history: dict[int, list[int]] = {}
        self._totals: dict[str, Any] = {}
        self._reset_day()

    def _reset_day(self) -> None:
        self.hourly = [0] * 24
        self.types: dict[str, int] = {}
        self.sources: dict[str, int] = {}
        self.subdistricts: dict[str, int] = {}
        self.counts = dict.fromkeys(_COUNT_KEYS, 0.0)
        self._rates: dict[str, float] = {}
        self._server_last_week: list[float] | None = None
        self.origin = "local"

    def clear(self) -> None:
        """Forget today and the observed history (a different store)."""
        self._history.clear()
        self._totals = {}
        self._reset_day()

    def roll(self, now: float) -> bool:
        """Start a new day when ``now`` has crossed Beijing midnight; True if it did."""
        day = beijing_day(now)
        if day <= self.day:
            return False
        if self.day >= 0:
            self._history[self.day] = self.hourly
            for old in [d for d in self._history if d <= day - HISTORY_DAYS]:
                del self._history[old]
        self.day = day
        self._reset_day()
        return True

    def on_created(self, case: CaseInfo) -> bool:
        """Count a new case; True if today's figures changed."""
        day = beijing_day(case.reported_at)
        hour = beijing_hour(case.reported_at)
        if day != self.day:
            past = self._history.get(day)
            if past is not None:
                past[hour] += 1
            return False
        self.hourly[hour] += 1
        self.types[case.subclass] = self.types.get(case.subclass, 0) + 1
        self.sources[case.source] = self.sources.get(case.source, 0) + 1
        self.subdistricts[case.subdistrict] = self.subdistricts.get(case.subdistrict, 0) + 1
        self.counts["reported"] += 1
        return True

    def on_stage(self, stage: str, at: float) -> bool:
        """Count a filing or dispatch; True if a KPI changed."""
        if stage not in ("filed", "dispatched") or beijing_day(at) != self.day:
            return False
        self.counts[stage] += 1
        return True

    def on_closed(self, on_time: bool, at: float) -> bool:
        """Count a closure; True if a KPI changed."""
        if beijing_day(at) != self.day:
            return False
        self.counts["closed"] += 1
        return True

    def on_kpis(self, kpis: Kpis) -> tuple[bool, bool]:
        """Take the server's figures; returns ``(kpi_changed, charts_changed)``."""
        today = kpis.today or {}
        for key in _COUNT_KEYS:
            n = _num(today.get(key))
            if n is not None:
                self.counts[key] = n
        self._rates = {k: n for k in ("closure_rate", "on_time_rate") if (n := _num(today.get(k))) is not None}
        if kpis.totals:
            self._totals = {k: v for k, v in kpis.totals.items() if k != "charts"}
        self.origin = "server"
        charts = charts_payload(kpis)
        return True, charts is not None and self._take_charts(charts)

    def _take_charts(self, charts: Mapping[str, Any]) -> bool:
        day = charts.get("day")
        if day is not None and day != day_iso(self.day):
            return False
        hourly = _hours(charts.get("hourly_today"))
        if hourly is not None:
            self.hourly = [int(x) for x in hourly]
        self._server_last_week = _hours(charts.get("hourly_last_week")) or self._server_last_week
        for key, attr in (
            ("types_today", "types"),
            ("sources_today", "sources"),
            ("subdistricts_today", "subdistricts"),
        ):
            counts = _counts(charts.get(key))
            if counts is not None:
                setattr(self, attr, counts)
        return True

    def kpi_view(self) -> KpiView:
        """Today's KPI figures and the server's long-run totals."""
        c = self.counts
        # the rates are the documented indicators (feeds/analytics/indicators.py), sent by the server;
        # the wall never substitutes a formula of its own
        closure = self._rates.get("closure_rate")
        on_time = self._rates.get("on_time_rate")
        t = self._totals
        since = t.get("since")
        return KpiView(
            reported=c["reported"],
            filed=c["filed"],
            dispatched=c["dispatched"],
            closed=c["closed"],
            closure_rate=closure,
            on_time_rate=on_time,
            total_cases=_num(t.get("cases")),
            total_closed=_num(t.get("closed")),
            total_closure_rate=_num(t.get("closure_rate")),
            since=since if isinstance(since, str) else None,
            origin=self.origin,
        )

    def chart_view(self, names: NameLookup, now: float, top_n: int = 10) -> ChartView:
        """Series for the chart strip, names resolved through ``names``."""
        if self._server_last_week is not None:
            last_week: tuple[float, ...] | None = tuple(self._server_last_week)
            origin = "server"
        elif (seen := self._history.get(self.day - 7)) is not None:
            last_week, origin = tuple(float(x) for x in seen), "observed"
        else:
            last_week, origin = None, "none"
        types = sorted(self.types.items(), key=lambda kv: (-kv[1], kv[0]))
        total = sum(self.types.values())
        top5 = sum(n for _, n in types[:5])
        return ChartView(
            hourly_today=tuple(self.hourly),
            hourly_last_week=last_week,
            last_week_origin=origin,
            current_hour=beijing_hour(now) if beijing_day(now) == self.day else 23,
            top_types=tuple(Ranked(code, names.case_type(code), n) for code, n in types[:top_n]),
            top5_share=top5 / total if total else 0.0,
            types_total=total,
            source_mix=_ranked(self.sources, names.source),
            subdistricts=_ranked(self.subdistricts, names.unit),
        )

    @property
    def history_days(self) -> int:
        """How many past days of observed hourly counts are kept (at most :data:`HISTORY_DAYS`)."""
        return len(self._history)


def _ranked(counts: Mapping[str, int], name: Any) -> tuple[Ranked, ...]:
    return tuple(Ranked(code, name(code), n) for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
