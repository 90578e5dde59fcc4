"""Fixtures for the supervision tests: a store with reference data and a small supervision set-up."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from feeds.server import ServerConfig, ServerThread, TokenBook
from feeds.store import Store, open_store

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """An empty store with the real units and taxonomy, on each back end."""
    opened = open_store(db_url)
    yield opened
    opened.close()


@pytest.fixture
def start_server(db_url: str) -> Iterator[Callable[..., ServerThread]]:
    """Start case servers on one fresh store with the test tokens (stopped at teardown)."""
    from server_helpers import TOKENS

    book = TokenBook()
    for token, (role, name) in TOKENS.items():
        book.add(token, role, name)
    started: list[ServerThread] = []

    def start(**overrides: Any) -> ServerThread:
        options: dict[str, Any] = {
            "host": "127.0.0.1",
            "port": 0,
            "store_url": db_url,
            "tokens": book,
            "heartbeat_s": 0.5,
        }
        server = ServerThread(ServerConfig(**{**options, **overrides})).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
