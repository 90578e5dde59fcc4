"""Expose :class:`QueryService` as case-server queries (``ServerConfig.queries``).

The server calls each handler on a worker thread with its store. One service
per store is created on first use and started (cube from the cache file, or
built in the background; SQL answers meanwhile). Events the server commits
reach the cube through :meth:`AnalyticsQueries.apply` when the server calls it,
and in any case through the service's periodic sync from the store.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from feeds.analytics.early_warning import find_anomalies
from feeds.analytics.params import DISTRICT
from feeds.analytics.periods import local_midnight
from feeds.analytics.response import WINDOW_S as RESPONSE_WINDOW_S
from feeds.analytics.response import window_rates
from feeds.analytics.selection import Filters, Selection
from feeds.analytics.service import QUERY_NAMES, QueryService
from feeds.protocol import Kpis, Message
from feeds.protocol.answers import DrillAnswer, TrendAnswer
from feeds.store import Store
from feeds.store.imported_units import imported_unit_rows

Handler = Callable[[Store, dict[str, Any]], Any]

RATE_WINDOW_S = 86_400
"""The wall's rates (结案率, 按期结案率) are over the last 24 hours: a window that means
the same at 03:00 as at noon (today's few night-time cases would make them noise)."""


class AnalyticsQueries:
    """Lazily started query services, one per store, and their handlers.

    Args:
        factory: Makes the service of a store (default: ``QueryService(store.engine)``, started).
    """

    def __init__(self, factory: Callable[[Store], QueryService] | None = None) -> None:
        self._services: dict[str, QueryService] = {}
        self._lock = threading.Lock()
        self._factory = factory or _started_service

    def service(self, store: Store) -> QueryService:
        """The (started) service of ``store``."""
        with self._lock:
            service = self._services.get(store.store_id)
            if service is None:
                service = self._services[store.store_id] = self._factory(store)
            return service

    def apply(self, store: Store, messages: Iterable[Message]) -> None:
        """Fold committed events into the store's cube (no-op before the first query)."""
        service = self._services.get(store.store_id)
        if service is not None:
            service.apply(messages)

    def save(self) -> None:
        """Write every cube cache (on shutdown)."""
        for service in list(self._services.values()):
            service.save_cache()

    def enrich_kpis(self, store: Store, kpis: Kpis) -> Kpis:
        """The store's KPI message with the rates of the last 24 h and last week's hourly profile.

        Counts stay the store's throughput of the day (steps that happened today). The
        rates are the documented indicators (``docs/indicators.md``) of the cases reported
        in the last :data:`RATE_WINDOW_S` seconds (``today.rate_window_s``), so a tile and a
        drill-down over the same window agree. ``charts`` carries the same weekday a week
        earlier, hour by hour; today's series are the wall's own count of the cases it
        holds (one state for the tile and every chart, ``feeds/live/today.py``).
        """
        service = self.service(store)
        today = dict(kpis.today or {})
        now = int(service.clock())
        window = {"range": "custom", "start": now - RATE_WINDOW_S, "end": now + 1}
        block = DrillAnswer.from_wire(service.handle("indicators", window)).indicators
        for key, value in (("closure_rate", block.closure_rate), ("on_time_rate", block.ontime_closure_rate)):
            if value is not None:
                today[key] = round(value, 4)
        today["rate_window_s"] = RATE_WINDOW_S
        today.update(window_rates(store.engine, now))  # 全响应: response_rate, resolution_rate, satisfaction_rate
        today["response_window_s"] = RESPONSE_WINDOW_S
        trend = TrendAnswer.from_wire(service.handle("trend", {"range": "today", "bucket": "hour"}))
        week_ago = trend.start_s - 7 * 86_400
        last_week = TrendAnswer.from_wire(
            service.handle("trend", {"range": "custom", "start": week_ago, "end": week_ago + 86_400, "bucket": "hour"})
        )
        charts: dict[str, Any] = {"day": trend.start[:10], "hourly_last_week": _hours(last_week.counts)}
        totals = dict(kpis.totals or {})
        totals["charts"] = charts
        return Kpis(today, totals, seq=kpis.seq, ts=kpis.ts, id=kpis.id)

    def anomalies(
        self, store: Store, now: float, *, by: str, weeks: int, alpha: float, min_count: int
    ) -> list[dict[str, Any]] | None:
        """Today's early-warning anomalies at ``now`` (the ``warnings`` query's rows, all of them).

        ``None`` while the store's cube is still loading: on a large store the SQL fallback
        would hold the alarm scan for long, and an alarm that comes a minute late is better
        than a scan that stalls every other alarm.
        """
        service = self.service(store)
        if not service.ready:
            return None
        at = int(now)
        today = Selection(DISTRICT, local_midnight(at), at, at, Filters())
        return find_anomalies(
            service.indicator_engine(), service.names, today, by=by, weeks=weeks, alpha=alpha, min_count=min_count
        )

    def handlers(self) -> dict[str, Handler]:
        """``name -> handler`` for every analytics query."""

        def make(name: str) -> Handler:
            def handle(store: Store, params: dict[str, Any]) -> Any:
                return self.service(store).handle(name, params)

            return handle

        return {**{name: make(name) for name in QUERY_NAMES}, "units": units_query}


def units_query(store: Store, params: dict[str, Any]) -> dict[str, Any]:
    """The ``units`` query: the store's own units when it holds an imported city (else none: Xicheng's files).

    Answer: ``{"district": code or None, "units": [row, ...]}`` with the rows of
    :data:`feeds.geo.unit_rows.UNIT_FIELDS` (GeoJSON geometry); walls adopt them.
    """
    rows = imported_unit_rows(store.engine)
    if not rows:
        return {"district": None, "units": []}
    district = next(r["code"] for r in rows if r["level"] == "district")
    return {"district": district, "units": rows}


def _started_service(store: Store) -> QueryService:
    service = QueryService(store.engine)
    service.start()
    return service


def _hours(counts: Sequence[int]) -> list[int]:
    """24 hourly counts (padded with zeros after the current hour)."""
    hours = [int(c) for c in counts[:24]]
    return hours + [0] * (24 - len(hours))


def analytics_queries() -> dict[str, Handler]:
    """Handlers for a server started from the command line (one shared registry)."""
    return _SHARED.handlers()


def analytics_kpis(store: Store, kpis: Kpis) -> Kpis:
    """KPI enricher for a server started from the command line (see :meth:`AnalyticsQueries.enrich_kpis`)."""
    return _SHARED.enrich_kpis(store, kpis)


def analytics_anomalies(store: Store, now: float, config: Any) -> list[dict[str, Any]] | None:
    """Anomaly source for the alarm engine of a server started from the command line
    (``config``: the :class:`feeds.alarms.AlarmConfig`'s ``anomaly_*`` settings)."""
    return _SHARED.anomalies(
        store,
        now,
        by=config.anomaly_by,
        weeks=config.anomaly_weeks,
        alpha=config.anomaly_alpha,
        min_count=config.anomaly_min,
    )


_SHARED = AnalyticsQueries()
