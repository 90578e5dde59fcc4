"""Stores for the tests on both back ends: a SQLite file, or a fresh schema on a real PostgreSQL.

The PostgreSQL URL comes from ``--pg-url`` or ``$GRIDWALL_TEST_PG_URL`` (``.ci/run``
starts a throw-away cluster and sets it). Without one, the PostgreSQL variants skip
with that reason, unless ``$GRIDWALL_TEST_PG_REQUIRED=1`` (CI), where they fail.
Each PostgreSQL store lives in its own schema (``search_path`` in the URL), dropped
afterwards, so tests never see each other's rows.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from feeds.store.engine import resolve_url

PG_URL_ENV = "GRIDWALL_TEST_PG_URL"
PG_REQUIRED_ENV = "GRIDWALL_TEST_PG_REQUIRED"
BACKENDS = ("sqlite", "postgresql")


def pg_base_url(config: pytest.Config) -> str | None:
    """The PostgreSQL server for tests, or ``None``."""
    return config.getoption("pg_url", default=None) or os.environ.get(PG_URL_ENV) or None


def require_pg(config: pytest.Config) -> str:
    """The URL, or skip (fail under ``$GRIDWALL_TEST_PG_REQUIRED=1``) naming what is missing."""
    base = pg_base_url(config)
    if base is None:
        reason = f"PostgreSQL variant: no server given (set {PG_URL_ENV} or --pg-url; .ci/run starts one)"
        if os.environ.get(PG_REQUIRED_ENV) == "1":
            pytest.fail(reason + f" but {PG_REQUIRED_ENV}=1")
        pytest.skip(reason)
    return base


@contextmanager
def pg_schema_url(base: str) -> Iterator[str]:
    """A URL whose connections use a new, empty schema (dropped on exit)."""
    schema = "t_" + secrets.token_hex(6)
    admin = create_engine(resolve_url(base), poolclass=NullPool)
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        url = make_url(resolve_url(base)).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


@contextmanager
def backend_url(backend: str, config: pytest.Config, folder: Path, name: str = "store.db") -> Iterator[str]:
    """A store URL for ``backend``: a SQLite file in ``folder`` or a fresh PostgreSQL schema."""
    if backend == "sqlite":
        yield str(folder / name)
        return
    with pg_schema_url(require_pg(config)) as url:
        yield url
