"""Fixtures for the supervision tests: a store with reference data and a small supervision set-up."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from feeds.store import Store, open_store

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """An empty store with the real units and taxonomy, on each back end."""
    opened = open_store(db_url)
    yield opened
    opened.close()
