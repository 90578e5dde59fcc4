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
from feeds.protocol import Message
from feeds.store import Store

Handler = Callable[[Store, dict[str, Any]], Any]


class AnalyticsQueries:
    """Lazily started query services, one per store, and their handlers."""

    def __init__(self) -> None:
        self._services: dict[str, QueryService] = {}
        self._lock = threading.Lock()

    def service(self, store: Store) -> QueryService:
        """The (started) service of ``store``."""
        with self._lock:
            service = self._services.get(store.store_id)
            if service is None:
                service = QueryService(store.engine)
                service.start()
                self._services[store.store_id] = service
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

    def handlers(self) -> dict[str, Handler]:
        """``name -> handler`` for every analytics query."""

        def make(name: str) -> Handler:
            def handle(store: Store, params: dict[str, Any]) -> Any:
                return self.service(store).handle(name, params)

            return handle

        return {name: make(name) for name in QUERY_NAMES}


def analytics_queries() -> dict[str, Handler]:
    """Handlers for a server started from the command line (one shared registry)."""
    return _SHARED.handlers()


_SHARED = AnalyticsQueries()
