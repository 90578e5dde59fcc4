"""``executemany`` of the store's hot statements, cheaper on SQLite than ``conn.execute``.

On SQLite a statement is compiled once per set of row keys and run as driver SQL with
tuples: SQLAlchemy then does no per-row parameter processing (a few microseconds per row,
several rows per event on the ingest path). The columns' bind processors (floats,
booleans) are still applied, and errors are still SQLAlchemy's (``OperationalError`` for a
locked or read-only store, which the server's journal reads as "cannot take writes").
Other databases take ``conn.execute`` as it is (PostgreSQL batches an executemany its own way).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Insert, Update

_DRIVER_SQL: dict[
    tuple[Insert | Update, str, tuple[str, ...]], tuple[str, tuple[str, ...], tuple[Any, ...]] | None
] = {}
"""(statement, dialect, keys) -> (SQL text, parameter names in order, each one's bind processor or None), or None."""


def executemany(conn: Connection, stmt: Insert | Update, rows: Sequence[dict[str, Any]]) -> None:
    """``conn.execute(stmt, rows)`` for rows that all have the same keys (see the module docstring)."""
    if not rows:
        return
    dialect = conn.dialect
    if dialect.name != "sqlite" or not dialect.positional:
        conn.execute(stmt, list(rows))
        return
    keys = tuple(rows[0])
    key = (stmt, dialect.name, keys)
    compiled = _DRIVER_SQL[key] if key in _DRIVER_SQL else _DRIVER_SQL.setdefault(key, _compile(conn, stmt, keys))
    if compiled is None:  # SQLAlchemy fills in column defaults for keys the rows lack: let it
        conn.execute(stmt, list(rows))
        return
    sql, names, processors = compiled
    if any(processors):
        params = [
            tuple(p(r[n]) if p is not None else r[n] for n, p in zip(names, processors, strict=True)) for r in rows
        ]
    else:
        params = [tuple(r[n] for n in names) for r in rows]
    conn.exec_driver_sql(sql, params)


def _compile(
    conn: Connection, stmt: Insert | Update, keys: tuple[str, ...]
) -> tuple[str, tuple[str, ...], tuple[Any, ...]] | None:
    """The driver SQL of ``stmt`` for rows with ``keys``, or ``None`` if it takes other parameters (defaults)."""
    compiled = stmt.compile(dialect=conn.dialect, column_keys=list(keys))
    names = tuple(compiled.positiontup or ())
    if set(names) != set(keys) or compiled.escaped_bind_names:
        return None
    # SQLAlchemy's own table of bind processors (2.0 and 2.1); without it, let SQLAlchemy run the statement
    processors: Mapping[str, Any] | None = getattr(compiled, "_bind_processors", None)
    if processors is None:
        return None
    return compiled.string, names, tuple(processors.get(n) for n in names)
