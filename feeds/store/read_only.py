"""Opening a store only to read it (``gridwall stats``, ``gridwall report``): nothing is created or written.

:func:`~feeds.store.open_store` makes a missing schema, migrates an older one and loads the
reference tables: right for a server, wrong for a command that only reads. Given an empty
file it wrote a GridWall schema into it before saying the store held no case, and a store on
a read-only medium could not be opened at all (SQLite's WAL mode needs a ``-shm`` file beside
the store). :func:`open_read_only` opens a SQLite file with ``mode=ro`` (on a read-only file
system, where nobody can change it, with ``immutable=1``, which needs no ``-shm`` file) and
refuses a file holding no GridWall tables; only a store of an older schema is handed to
``open_store``, which migrates it as every command does.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError

from feeds.store.engine import make_engine, resolve_url, sqlite_file
from feeds.store.reference import Reference
from feeds.store.schema import SCHEMA_VERSION, meta
from feeds.store.store import Store, StoreError, _check_version, _driver_message, _read_meta, open_store


def open_read_only(url: str | None = None) -> Store:
    """Open an existing store to read it (see the module docstring); close it with :meth:`Store.close`.

    Raises:
        StoreError: The store cannot be opened (the driver's reason), is not a GridWall store (no
            GridWall tables: an empty file, another program's database), or is of a newer schema.
    """
    path = sqlite_file(url)
    if path is None:  # a database server (PostgreSQL), or SQLite in memory: nothing below writes
        resolved = resolve_url(url)
        return _open(make_engine(resolved), make_url(resolved).render_as_string(hide_password=True), url)
    try:
        return _open(_sqlite(path, "mode", "ro"), str(path), url)
    except StoreError as exc:
        if not isinstance(exc.__cause__, DBAPIError) or not on_read_only_medium(path):
            raise
    return _open(_sqlite(path, "immutable", "1"), str(path), url)


def on_read_only_medium(path: Path) -> bool:
    """Whether ``path`` lies on a file system mounted read-only (a CD, a read-only mount)."""
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no such file, or no statvfs (Windows)
        return False


def _sqlite(path: Path, key: str, value: str) -> Engine:
    """An engine reading the SQLite file ``path`` through a ``file:`` URI with ``key=value``."""
    url = URL.create("sqlite", database=path.resolve().as_uri(), query={key: value, "uri": "true"})
    return make_engine(url.render_as_string(hide_password=False), read_only=True)


def _open(engine: Engine, shown: str, url: str | None) -> Store:
    """Check that ``engine`` reaches a current GridWall store and read its reference tables."""
    try:
        with engine.connect() as conn, conn.begin():
            found = _read_meta(conn) if inspect(conn).has_table(meta.name) else {}
            if not found:
                raise StoreError(
                    f"store {shown}: not a GridWall store (it holds no GridWall tables; seed one first: gridwall seed)"
                )
            _check_version(found, shown)
            current = int(found["schema_version"]) >= SCHEMA_VERSION
            reference = Reference.read(conn) if current else None
    except DBAPIError as exc:
        engine.dispose()
        raise StoreError(f"store {shown}: cannot open it: {_driver_message(exc)}") from exc
    except BaseException:
        engine.dispose()
        raise
    if reference is None:  # an older schema: migrated as every command does (it needs a writable store)
        engine.dispose()
        return open_store(url, load_reference_data=False)
    return Store(engine, found["store_id"], float(found["created_at"]), reference)
