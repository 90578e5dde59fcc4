"""Fixtures for the store tests: a fresh SQLite store with the real reference data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from feeds.store import Store, open_store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty store in a temporary SQLite file."""
    opened = open_store(str(tmp_path / "store.db"))
    yield opened
    opened.close()
