"""Expose :class:`QueryService` as case-server queries (``ServerConfig.queries``).

The server calls each handler on a worker thread with its store. One service
per store is created on first use and started (cube from the cache file, or
built in the background; SQL answers meanwhile). Events the server commits
reach the cube through :meth:`AnalyticsQueries.apply` when the server calls it,
and in any case through the service's periodic sync from the store.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from feeds.analytics.service import QUERY_NAMES, QueryService
from feeds.protocol import Kpis, Message
from feeds.store import Store

Handler = Callable[[Store, dict[str, Any]], Any]


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
        """The store's KPI message with today's rates and chart series from the indicators.

        Counts stay the store's throughput of the day (steps that happened today); the
        rates become the documented indicators of today's report cohort
        (``docs/indicators.md``), so the tile and a drill-down for today agree; ``charts``
        carries today's hourly reports, the same weekday a week earlier, the top types
        and the subdistrict ranking.
        """
        service = self.service(store)
        today = dict(kpis.today or {})
        block = service.handle("indicators", {"range": "today"})["indicators"]
        for key, source in (("closure_rate", "closure_rate"), ("on_time_rate", "ontime_closure_rate")):
            if block.get(source) is not None:
                today[key] = round(float(block[source]), 4)
        trend = service.handle("trend", {"range": "today", "bucket": "hour"})
        day_start = int(trend["start_s"])
        week_ago = day_start - 7 * 86_400
        last_week = service.handle(
            "trend", {"range": "custom", "start": week_ago, "end": week_ago + 86_400, "bucket": "hour"}
        )
        types = service.handle("types", {"range": "today", "top": 500})  # all of them: shares need the total
        ranking = service.handle("ranking", {"range": "today", "by": "subdistrict", "indicator": "reported"})
        period_day = str(trend["start"])[:10]
        charts: dict[str, Any] = {
            "day": period_day,
            "hourly_today": _hours(trend["counts"]),
            "types_today": {row["code"]: int(row["count"]) for row in types["rows"]},
            "subdistricts_today": {row["code"]: int(row["value"] or 0) for row in ranking["rows"]},
            "hourly_last_week": _hours(last_week["counts"]),
        }
        totals = dict(kpis.totals or {})
        totals["charts"] = charts
        return Kpis(today, totals, seq=kpis.seq, ts=kpis.ts, id=kpis.id)

    def handlers(self) -> dict[str, Handler]:
        """``name -> handler`` for every analytics query."""

        def make(name: str) -> Handler:
            def handle(store: Store, params: dict[str, Any]) -> Any:
                return self.service(store).handle(name, params)

            return handle

        return {name: make(name) for name in QUERY_NAMES}


def _started_service(store: Store) -> QueryService:
    service = QueryService(store.engine)
    service.start()
    return service


def _hours(counts: list[Any]) -> list[int]:
    """24 hourly counts (padded with zeros after the current hour)."""
    hours = [int(c) for c in counts[:24]]
    return hours + [0] * (24 - len(hours))


def analytics_queries() -> dict[str, Handler]:
    """Handlers for a server started from the command line (one shared registry)."""
    return _SHARED.handlers()


def analytics_kpis(store: Store, kpis: Kpis) -> Kpis:
    """KPI enricher for a server started from the command line (see :meth:`AnalyticsQueries.enrich_kpis`)."""
    return _SHARED.enrich_kpis(store, kpis)


_SHARED = AnalyticsQueries()
