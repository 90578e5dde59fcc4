"""QueryService: answers protocol ``query`` messages from the cube (or SQL while the cube loads).

Typical wiring in the case server::

    service = QueryService(store.engine)      # creates the extra indexes, cheap
    service.start()                           # loads cache / builds the cube in a thread
    ...
    stored = store.append(msgs)               # after each committed batch:
    service.apply([e.message for e in stored])
    ...
    data = service.handle(query.name, query.params)   # in a worker thread
    ...
    service.save_cache()                      # on shutdown (and e.g. hourly)

Every answer is a JSON-ready dict; bad parameters raise
``ProtocolError("bad_field", …, "params.<name>")``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from feeds import startup_trace
from feeds.analytics import caselist, drill, early_warning, forecast, response
from feeds.analytics.cube import CaseCube
from feeds.analytics.cube_events import apply_events
from feeds.analytics.cube_store import (
    Progress,
    build,
    default_cache_path,
    open_cube,
    save,
    store_bulk_generation,
    sync,
)
from feeds.analytics.indexes import ensure_indexes
from feeds.analytics.naming import Names
from feeds.analytics.params import Params
from feeds.analytics.reference import IndicatorEngine, SqlIndicators
from feeds.geo.reference import DISTRICT_CODE
from feeds.geo.units import UnitRegistry, load_units
from feeds.protocol import Message, ProtocolError
from feeds.store.imported_units import imported_registry
from feeds.taxonomy import Taxonomy, load_taxonomy

_log = logging.getLogger(__name__)
_AUTO = Path("<auto>")

Query = Callable[[IndicatorEngine, Names, Params], dict[str, Any]]
CUBE_QUERIES: dict[str, Query] = {
    "drill": drill.drill,
    "indicators": lambda e, n, p: drill.drill(e, n, p, children=False),
    "ranking": drill.ranking,
    "trend": drill.trend,
    "types": drill.types,
    "warnings": early_warning.warnings,
    "forecast": forecast.forecast,
}
"""Queries answered by the indicator engine (cube, or SQL as a fallback)."""
SQL_QUERIES = ("cases", "case", "response")
QUERY_NAMES: tuple[str, ...] = (*CUBE_QUERIES, *SQL_QUERIES)


class QueryService:
    """Drill-down, indicator, case-list and early-warning queries over one store.

    Args:
        engine: The store's engine.
        cache_path: Where the cube cache lives (default ``<db>.cube.npz`` next
            to a SQLite file; ``None`` disables caching).
        units: Unit registry (default: the store's own units when it holds an imported
            city, else :func:`feeds.geo.units.load_units`).
        taxonomy: Case taxonomy (default :func:`feeds.taxonomy.load_taxonomy`).
        clock: Current time in epoch seconds (default ``as_of`` of queries).
        sync_interval_s: A query syncs the cube from the store when the last
            sync is older than this (``0``: before every query).
        create_indexes: Create the extra indexes of :mod:`feeds.analytics.indexes`.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        cache_path: Path | None = _AUTO,
        units: UnitRegistry | None = None,
        taxonomy: Taxonomy | None = None,
        clock: Callable[[], float] = time.time,
        sync_interval_s: float = 5.0,
        create_indexes: bool = True,
    ) -> None:
        self.engine = engine
        self.cache_path = default_cache_path(engine) if cache_path is _AUTO else cache_path
        if units is None:
            units = imported_registry(engine) or load_units()
        self.names = Names(units, taxonomy or load_taxonomy())
        self._district = units.district.code
        self.clock = clock
        self.sync_interval_s = sync_interval_s
        self.sql = SqlIndicators(engine)
        self.cube: CaseCube | None = None
        self.load_error: BaseException | None = None
        self._last_sync = 0.0
        self._sync_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._rebuild: threading.Thread | None = None
        if create_indexes:
            ensure_indexes(engine)

    # -- lifecycle ---------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """Whether queries are answered from the cube."""
        return self.cube is not None

    def load_cube(self, progress: Progress | None = None) -> CaseCube:
        """Load the cube now (cache + sync, or a full build), blocking; then queries use it."""
        cube = open_cube(self.engine, self.cache_path, progress=progress)
        sync(cube, self.engine)  # rows changed while it loaded
        self.cube = cube
        sync(cube, self.engine)  # rows committed between that sync and now: apply() skipped them (no cube yet)
        self._last_sync = time.monotonic()
        return cube

    def start(self) -> threading.Thread:
        """Load the cube in a daemon thread; queries fall back to SQL until it is ready."""

        def run() -> None:
            try:
                started = time.perf_counter()
                cube = self.load_cube()
                _log.info("analytics: cube of %d cases ready in %.1f s", cube.n, time.perf_counter() - started)
                startup_trace.mark("cube loaded")
            except Exception as exc:  # keep serving from SQL
                self.load_error = exc
                _log.exception("analytics: cube load failed; answering from SQL")

        self._thread = threading.Thread(target=run, name="cube-loader", daemon=True)
        self._thread.start()
        return self._thread

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Wait for a :meth:`start`-ed load; returns :attr:`ready`."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self.ready

    def apply(self, messages: Iterable[Message]) -> None:
        """Fold committed events (with ``seq`` and ``ts``) into the cube (no-op while it loads)."""
        cube = self.cube
        if cube is not None:
            apply_events(cube, messages)

    def sync(self) -> int:
        """Pull rows changed in the store since the cube's ``seq`` (returns rows applied).

        A bulk write since the cube was built (an import: its rows have no
        ``updated_seq``) starts a rebuild in a daemon thread; queries keep using the
        current cube until the new one, synced, replaces it.
        """
        cube = self.cube
        if cube is None:
            return 0
        with self._sync_lock:
            if cube.bulk_generation != store_bulk_generation(self.engine):
                self._start_rebuild()
            n = sync(cube, self.engine)
            self._last_sync = time.monotonic()
        return n

    def _start_rebuild(self) -> None:
        """Build a fresh cube from the store in the background and swap it in (one at a time)."""
        if self._rebuild is not None and self._rebuild.is_alive():
            return

        def run() -> None:
            try:
                fresh = build(self.engine)
                sync(fresh, self.engine)
                self.cube = fresh
                sync(fresh, self.engine)  # rows of events folded into the old cube during the swap
                self.save_cache()
                _log.info("analytics: cube rebuilt after a bulk write (%d cases)", fresh.n)
            except Exception:  # keep the current cube
                _log.exception("analytics: cube rebuild after a bulk write failed")

        self._rebuild = threading.Thread(target=run, name="cube-rebuild", daemon=True)
        self._rebuild.start()

    def wait_rebuilt(self, timeout: float | None = None) -> None:
        """Wait for a rebuild started by :meth:`sync` (if any) to end."""
        if self._rebuild is not None:
            self._rebuild.join(timeout)

    def save_cache(self) -> None:
        """Write the cube cache (if there is a cube and a cache path)."""
        if self.cube is not None and self.cache_path is not None:
            save(self.cube, self.cache_path)

    # -- queries -----------------------------------------------------------------

    def indicator_engine(self) -> IndicatorEngine:
        """The cube when ready (synced if due), else the SQL reference."""
        cube = self.cube
        if cube is None:
            return self.sql
        if time.monotonic() - self._last_sync >= self.sync_interval_s:
            self.sync()
        return cube

    def handle(self, name: str, params: dict[str, Any]) -> dict[str, Any]:
        """Answer one query.

        Args:
            name: One of :data:`QUERY_NAMES`.
            params: The query's parameters (see ``docs/analytics.md``).

        Raises:
            ProtocolError: ``bad_field`` naming ``name`` or ``params.<field>``;
                ``not_found`` for an unknown case id.
        """
        started = time.perf_counter()
        if (
            self._district != DISTRICT_CODE
            and isinstance(params, dict)
            and params.get("unit", DISTRICT_CODE) == DISTRICT_CODE
        ):
            params = {**params, "unit": self._district}  # the walls' "whole district" is this city's district
        p = Params(params, self.clock(), self.names.known_unit)
        if name in CUBE_QUERIES:
            eng = self.indicator_engine()
            data = CUBE_QUERIES[name](eng, self.names, p)
            data["engine"] = "cube" if eng is self.cube else "sql"
        elif name == "cases":
            data = caselist.case_list(self.engine, self.names, p)
        elif name == "case":
            data = caselist.case_detail(self.engine, self.names, p)
        elif name == "response":
            data = response.response_query(self.engine, self.names, p)
        else:
            raise ProtocolError("bad_field", f"unknown query '{name[:40]}'; known: {', '.join(QUERY_NAMES)}", "name")
        data["query"] = name
        data["elapsed_ms"] = round((time.perf_counter() - started) * 1000, 2)
        return data
