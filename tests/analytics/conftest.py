"""Shared fixtures of the analytics tests: one seeded store (30k synthetic cases) per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pg_stores import BACKENDS, backend_url
from synthetic_cases import DAY, NOW, make_cases

from feeds.analytics import CaseCube, QueryService, SqlIndicators, build
from feeds.store import Store, open_store

N_CASES = 30_000


@pytest.fixture(scope="session", params=BACKENDS)
def seeded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A store with 30k cases reported over the 400 days before NOW, on each back end."""
    folder: Path = tmp_path_factory.mktemp("analytics")
    with backend_url(request.param, request.config, folder) as url:
        store = open_store(url)
        store.bulk_insert_cases(make_cases(N_CASES, NOW - 400 * DAY, NOW, seed=1))
        yield store
        store.close()


@pytest.fixture(scope="session")
def cube(seeded: Store) -> CaseCube:
    """The cube built from the seeded store."""
    return build(seeded.engine)


@pytest.fixture(scope="session")
def sql(seeded: Store) -> SqlIndicators:
    """The plain-SQL reference on the seeded store."""
    return SqlIndicators(seeded.engine)


@pytest.fixture(scope="session")
def service(seeded: Store, cube: CaseCube) -> QueryService:
    """A query service on the seeded store using the session cube (no cache file)."""
    svc = QueryService(seeded.engine, cache_path=None, clock=lambda: NOW, sync_interval_s=1e9)
    svc.cube = cube
    return svc
