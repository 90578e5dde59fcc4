"""Where the store lives and how its SQLAlchemy engine is configured.

The embedded default is one SQLite file, ``gridwall.db``, in the user data
folder (``platformdirs.user_data_dir("gridwall")``, or ``$GRIDWALL_DATA_DIR``),
in WAL mode with ``synchronous=NORMAL`` and a busy timeout. Any SQLAlchemy URL
works too (``$GRIDWALL_STORE_URL`` sets one for every command that is not given
one); ``postgresql://`` is read as ``postgresql+psycopg://`` (psycopg 3).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import StaticPool

from feeds.paths import default_store_file

BUSY_TIMEOUT_MS = 10_000
STORE_URL_ENV = "GRIDWALL_STORE_URL"
"""Environment variable naming the store when no URL or path is given."""


def resolve_url(url: str | None) -> str:
    """Turn ``None``, a file path or a URL into a SQLAlchemy URL.

    Args:
        url: ``None`` for ``$GRIDWALL_STORE_URL`` or else the default SQLite
            file, a path to a SQLite file, or any SQLAlchemy URL
            (``sqlite:///...``, ``postgresql://...``); ``:memory:`` is SQLite in memory.
    """
    url = url or os.environ.get(STORE_URL_ENV) or None
    if not url:
        return f"sqlite:///{default_store_file()}"
    if url == ":memory:":  # SQLite's own name for an in-memory database, not a file of that name
        return "sqlite://"
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def sqlite_file(url: str | None) -> Path | None:
    """The file of a SQLite store URL or path (``None``: another database, or SQLite in memory)."""
    parsed = make_url(resolve_url(url))
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def in_memory(url: str | None) -> bool:
    """Whether ``url`` names a SQLite store in memory (``:memory:``, ``sqlite://``, ``sqlite:///``): it is gone
    when the process ends, so no other process can read what a command writes into it."""
    try:
        parsed = make_url(resolve_url(url))
    except ArgumentError:
        return False  # not a URL: opening it names the problem
    database = parsed.database or ""
    memory = not database or database == ":memory:" or "mode=memory" in database
    return parsed.get_backend_name() == "sqlite" and (memory or parsed.query.get("mode") == "memory")


def in_memory_problem(url: str | None) -> str | None:
    """Why a command that writes a store for other processes cannot write ``url`` (``None``: it can)."""
    if not in_memory(url):
        return None
    shown = url or os.environ.get(STORE_URL_ENV) or ""
    return (
        f"the store {shown!r} is in memory: what is written there is gone when this command ends "
        "and no other command can read it; give a SQLite file or a database server's URL"
    )


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    """Per-connection pragmas; hand transaction control to SQLAlchemy's ``begin`` hook."""
    dbapi_connection.isolation_level = None  # the driver must not BEGIN on its own
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB page cache per connection
    cursor.close()


def _on_sqlite_begin(conn: Any) -> None:
    """Open a real (deferred) transaction, so reads see one consistent snapshot."""
    conn.exec_driver_sql("BEGIN")


def _on_sqlite_read_connect(dbapi_connection: Any, _record: Any) -> None:
    """Per-connection pragmas of a reading connection: no journal mode is set (that would write the file)."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=1")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


def make_engine(url: str, *, read_only: bool = False) -> Engine:
    """Create the engine for a resolved URL (SQLite gets WAL and proper transactions).

    ``read_only``: a SQLite ``file:`` URI opened to read (``feeds.store.read_only``): its connections set
    no journal mode and refuse to write.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        connect_args = {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
        if not database or database == ":memory:":
            engine = create_engine(url, connect_args=connect_args, poolclass=StaticPool)
        else:
            if not database.startswith("file:"):
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args=connect_args, pool_size=8, max_overflow=8)
        event.listen(engine, "connect", _on_sqlite_read_connect if read_only else _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=8, max_overflow=8)
