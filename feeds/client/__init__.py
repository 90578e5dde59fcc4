"""Client of the case server (pure Python, no Qt): asyncio :class:`CaseClient` and :class:`ClientThread`."""

from __future__ import annotations

from feeds.client.case_client import CaseClient, MessageHandler, NotConnectedError, StatusHandler
from feeds.client.status import STALE_FACTOR, ClientStatus, State, backoff
from feeds.client.thread import ClientThread

__all__ = [
    "STALE_FACTOR",
    "CaseClient",
    "ClientStatus",
    "ClientThread",
    "MessageHandler",
    "NotConnectedError",
    "State",
    "StatusHandler",
    "backoff",
]
