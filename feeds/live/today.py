"""Today's counters (Beijing day): hourly trend, type/source/subdistrict mix and KPI figures.

One moment, one state: every figure about today's reports (the 上报 tile, the
hourly bars, the type, source and subdistrict charts) is counted here from the
same cases, so they always agree. A snapshot holds every case reported in the
last 24 hours, so each snapshot recounts today from its cases, and each
``case.created`` then adds to all of them at once. The server's own counts of
today's reports (``today.reported``, ``charts.hourly_today``, ``types_today``,
``sources_today``, ``subdistricts_today``) are not used: they are read at
another moment (the KPI loop, the analytics cube's last sync) and would make
the tile and the charts disagree.

From a :class:`~feeds.protocol.Kpis` message the wall takes what it cannot
count itself: today's filed / dispatched / closed (steps of cases it may not
hold; events folded afterwards increment them until the next message), the
rates (fractions 0–1) over the server's window (``today.rate_window_s``, the
last 24 hours: never a formula of the wall's own), the long-run totals, and
``charts.hourly_last_week`` (as ``Kpis.charts`` or ``Kpis.totals["charts"]``)::

    {"day": "2026-08-10",                    # Beijing date the figures are for
     "hourly_last_week": [24 numbers]}      # same weekday seven days earlier

Without ``hourly_last_week`` the wall uses the hourly counts it observed itself
a week ago (partial if it was not running all day).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from feeds.live.names import NameLookup
from feeds.live.records import ChartView, KpiView, Ranked
from feeds.protocol import CaseInfo, Kpis

_OFFSET = 8 * 3600  # Beijing is UTC+8 all year
_COUNT_KEYS = ("reported", "filed", "dispatched", "closed")
_SERVER_COUNTS = ("filed", "dispatched", "closed")  # "reported" is counted here, with the charts
HISTORY_DAYS = 8
RATE_WINDOW_S = 86_400.0
"""The window of the rates the tiles show ("· 24 h"); rates over another window are not shown."""


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
        self.rate_window_s: float | None = None
        self._server_last_week: list[float] | None = None
        self.origin = "local"

    def recount(self, cases: Iterable[CaseInfo]) -> None:
        """Count today's reports again from a snapshot's cases (its last 24 h hold all of today)."""
        self.hourly = [0] * 24
        self.types, self.sources, self.subdistricts = {}, {}, {}
        self.counts["reported"] = 0.0
        for case in cases:
            self.on_created(case)

    def clear(self) -> None:
        """Forget today and the observed history (a different store: its day may be earlier, e.g. a replay)."""
        self._history.clear()
        self._totals = {}
        self.day = -1
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
        """Count a new case; True if today's figures changed (全响应 requests have their own panel)."""
        if case.platform == "response":
            return False
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
        for key in _SERVER_COUNTS:
            n = _num(today.get(key))
            if n is not None:
                self.counts[key] = n
        self._rates = {k: n for k in ("closure_rate", "on_time_rate") if (n := _num(today.get(k))) is not None}
        self.rate_window_s = _num(today.get("rate_window_s"))
        if kpis.totals:
            self._totals = {k: v for k, v in kpis.totals.items() if k != "charts"}
        self.origin = "server"
        charts = charts_payload(kpis)
        return True, charts is not None and self._take_charts(charts)

    def _take_charts(self, charts: Mapping[str, Any]) -> bool:
        day = charts.get("day")
        if day is not None and day != day_iso(self.day):
            return False
        last_week = _hours(charts.get("hourly_last_week"))
        if last_week is None:
            return False
        self._server_last_week = last_week
        return True

    def kpi_view(self) -> KpiView:
        """Today's KPI figures and the server's long-run totals."""
        c = self.counts
        # the rates are the documented indicators (feeds/analytics/indicators.py), sent by the server;
        # the wall never substitutes a formula of its own, and shows them only over the window its
        # tiles are labelled with (an older server's rates of "today so far" are noise at night)
        windowed = self.rate_window_s == RATE_WINDOW_S
        closure = self._rates.get("closure_rate") if windowed else None
        on_time = self._rates.get("on_time_rate") if windowed else None
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
