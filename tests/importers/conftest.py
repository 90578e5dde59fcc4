"""Fixtures for the importer tests: sample files and fresh stores."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from feeds.store import Store, open_store

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def data_dir() -> Path:
    """The folder of sample files (see its README for sources and licences)."""
    return DATA


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty store (with Xicheng's units and the taxonomy) in a temporary SQLite file."""
    opened = open_store(str(tmp_path / "store.db"))
    yield opened
    opened.close()
