"""A SQLite store a failed command created is not left behind empty.

``import-csv`` with a header that lacks a mapped column, or ``seed`` with unreadable geodata,
used to leave a new, empty store file: a later command then took it as the store (a wall on
no data, a report of zeros). :func:`new_sqlite_file` says, before the store is opened, whether
opening it will create the file; :func:`remove_if_unused` removes it again after a failure,
only if nothing was stored in it, and :func:`remove_new_file` when the opening itself failed.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import ArgumentError

from feeds.store.engine import sqlite_file
from feeds.store.schema import cases
from feeds.store.store import Store


def new_sqlite_file(url: str | None) -> Path | None:
    """The SQLite file that opening ``url`` will create (``None``: it exists, or the store is not a file)."""
    try:
        path = sqlite_file(url)
    except ArgumentError:
        return None  # not a URL: opening it names the problem
    return path if path is not None and not path.exists() else None


def remove_if_unused(store: Store, created: Path | None) -> bool:
    """Close ``store``; remove ``created`` (and its WAL files) if it holds no case and no event. Whether removed."""
    unused = False
    if created is not None:
        with contextlib.suppress(Exception), store.engine.connect() as conn:
            unused = store.head() == 0 and conn.execute(select(cases.c.id).limit(1)).first() is None
    store.close()
    if unused:
        remove_new_file(created)
    return unused


def remove_new_file(created: Path | None) -> None:
    """Remove ``created`` and its WAL files (a store this command made and could not use)."""
    if created is not None:
        for suffix in ("", "-wal", "-shm"):
            created.with_name(created.name + suffix).unlink(missing_ok=True)
