"""Fixtures for the server tests: real servers on 127.0.0.1, port 0."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from server_helpers import TOKENS

from feeds.server import ServerConfig, ServerThread, TokenBook


@pytest.fixture
def tokens() -> TokenBook:
    """One token per role."""
    book = TokenBook()
    for token, (role, name) in TOKENS.items():
        book.add(token, role, name)
    return book


@pytest.fixture
def start_server(db_url: str, tokens: TokenBook) -> Iterator[Callable[..., ServerThread]]:
    """Start servers on one fresh store, on each back end (all stopped at teardown)."""
    started: list[ServerThread] = []

    def start(**overrides: Any) -> ServerThread:
        options: dict[str, Any] = {
            "host": "127.0.0.1",
            "port": 0,
            "store_url": db_url,
            "tokens": tokens,
            "heartbeat_s": 0.5,
            "kpi_interval_s": 0.5,
        }
        options.update(overrides)
        server = ServerThread(ServerConfig(**options)).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def server(start_server: Callable[..., ServerThread]) -> ServerThread:
    """A running server with short heartbeats."""
    return start_server()
