"""Shared by the alarm tests: a fresh store and one engine scan appended as the server would."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from feeds.alarms import AlarmEngine
from feeds.protocol import Message
from feeds.store import Store, open_store


def fresh_store(folder: Path, name: str) -> Iterator[Store]:
    """A fresh SQLite store with the reference data (for a fixture to yield from)."""
    opened = open_store(str(folder / name))
    yield opened
    opened.close()


def scan(engine: AlarmEngine, store: Store, now: float) -> list[Message]:
    """One scan, its groups appended as the server would; returns the events appended."""
    out: list[Message] = []
    for group in engine.scan(store, now):
        out.extend(store.append_events(group))
    return out
