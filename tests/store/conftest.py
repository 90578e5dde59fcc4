"""Fixtures for the store tests: a fresh store (SQLite and PostgreSQL) with the real reference data."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from feeds.store import Store, open_store


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """An empty store, on each back end (a temporary SQLite file, a fresh PostgreSQL schema)."""
    opened = open_store(db_url)
    yield opened
    opened.close()
