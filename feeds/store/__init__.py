"""The case store: SQLAlchemy Core schema, durable event log, state tables, snapshots, KPIs."""

from __future__ import annotations

from feeds.store.schema import SCHEMA_VERSION
from feeds.store.store import (
    EventRefused,
    SchemaTooNewError,
    Store,
    StoreBusyError,
    StoredEvent,
    StoreError,
    open_store,
)

__all__ = [
    "SCHEMA_VERSION",
    "EventRefused",
    "SchemaTooNewError",
    "Store",
    "StoreBusyError",
    "StoreError",
    "StoredEvent",
    "open_store",
]
