"""Fixtures for the importer tests: sample files and fresh stores."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from feeds.server import ServerConfig, ServerThread, TokenBook
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


@pytest.fixture
def gridwall(tmp_path: Path) -> Iterator[ServerThread]:
    """A case server on 127.0.0.1 with a producer token."""
    tokens = TokenBook()
    tokens.add("prod-token", "producer", "importer")
    tokens.add("wall-token", "wall", "wall")
    server = ServerThread(
        ServerConfig(host="127.0.0.1", port=0, store_url=str(tmp_path / "server.db"), tokens=tokens, heartbeat_s=0.5)
    ).start()
    yield server
    server.stop()
