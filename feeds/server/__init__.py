"""The case server: websockets front end over the store (snapshot, backfill, live fan-out, roles)."""

from __future__ import annotations

from feeds.paths import default_tokens_path
from feeds.server.app import CaseServer, run_server, serve
from feeds.server.config import QueryHandler, ServerConfig
from feeds.server.hub import ServerStats
from feeds.server.thread import ServerThread
from feeds.server.tokens import Grant, TokenBook, ensure_default_tokens

__all__ = [
    "CaseServer",
    "Grant",
    "QueryHandler",
    "ServerConfig",
    "ServerStats",
    "ServerThread",
    "TokenBook",
    "default_tokens_path",
    "ensure_default_tokens",
    "run_server",
    "serve",
]
