"""Bulk seeding of historical cases in chunks: ``COPY`` on PostgreSQL, ``executemany`` elsewhere.

This is the trusted fast path for the simulator's history and importers: rows
are not validated against the reference tables and produce no events (the
event log is for live changes). Each chunk is its own transaction, with the
KPI counters updated in the same transaction, so the store stays consistent
if seeding is interrupted (the cases seeded so far remain).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Engine, insert, select

from feeds.store.counters import BEIJING_OFFSET_S, DAY_S, KpiDeltas
from feeds.store.schema import case_history, cases

CHUNK_ROWS = 50_000
_REQUIRED = ("id", "kind", "subclass", "source", "grid", "department", "lon", "lat", "stage", "reported_at")
_DEFAULTS: dict[str, Any] = {
    "address": "",
    "description": "",
    "filed_at": None,
    "dispatched_at": None,
    "handled_at": None,
    "closed_at": None,
    "cancelled_at": None,
    "deadline_at": None,
    "handle_deadline_at": None,
    "on_time": None,
    "difficult": False,
    "urges": 0,
    "reworks": 0,
    "updated_seq": 0,
}
_HISTORY_DEFAULTS: dict[str, Any] = {"deadline_at": None, "actor": "", "note": "", "seq": None}


def _chunks(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def _complete(row: dict[str, Any]) -> dict[str, Any]:
    """A full ``cases`` row: defaults filled, community/subdistrict derived from the grid."""
    missing = [k for k in _REQUIRED if row.get(k) is None]
    if missing:
        raise ValueError(f"case row {row.get('id')!r} lacks {', '.join(missing)}")
    full = {**_DEFAULTS, **row}
    grid = full["grid"]
    full.setdefault("community", grid[:12])
    full.setdefault("subdistrict", grid[:9])
    return full


def _count(rows: list[dict[str, Any]], deltas: KpiDeltas) -> None:
    """Add the KPI counters of one chunk (integer day arithmetic, no datetime per row)."""
    counts: dict[str, dict[int, int]] = {}

    def bump(column: str, t: int) -> None:
        per_day = counts.setdefault(column, {})
        day = (t + BEIJING_OFFSET_S) // DAY_S
        per_day[day] = per_day.get(day, 0) + 1

    for r in rows:
        reported = int(r["reported_at"])
        bump("reported", reported)
        if r["filed_at"] is not None:
            bump("filed", int(r["filed_at"]))
            bump("cohort_filed", reported)
        if r["dispatched_at"] is not None:
            bump("dispatched", int(r["dispatched_at"]))
        if r["closed_at"] is not None:
            closed = int(r["closed_at"])
            bump("closed", closed)
            bump("cohort_closed", reported)
            if r["on_time"]:
                bump("closed_on_time", closed)
        if r["cancelled_at"] is not None:
            bump("cohort_cancelled", reported)
    for column, per_day in counts.items():
        for day, n in per_day.items():
            deltas.add_day(column, day, n)


_CASE_COLUMNS = tuple(c.name for c in cases.columns)
_HISTORY_COLUMNS = tuple(c.name for c in case_history.columns if c.name != "id")
_SQLITE_INSERT = f"INSERT INTO cases ({', '.join(_CASE_COLUMNS)}) VALUES ({', '.join('?' * len(_CASE_COLUMNS))})"


def copy_rows(conn: Connection, table: str, columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]]) -> None:
    """PostgreSQL: stream tuples into ``table`` with ``COPY … FROM STDIN`` (psycopg 3), in the open transaction."""
    raw: Any = conn.connection.driver_connection
    with raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _insert(conn: Connection, chunk: list[dict[str, Any]]) -> None:
    """Insert one chunk: ``COPY`` on PostgreSQL, the raw sqlite3 ``executemany`` on SQLite, else Core."""
    pick = itemgetter(*_CASE_COLUMNS)
    if conn.dialect.name == "postgresql":
        copy_rows(conn, cases.name, _CASE_COLUMNS, map(pick, chunk))
    elif conn.dialect.name == "sqlite":
        conn.connection.driver_connection.executemany(_SQLITE_INSERT, [pick(r) for r in chunk])  # type: ignore[union-attr]
    else:
        conn.execute(insert(cases), chunk)


def _insert_history(conn: Connection, chunk: list[dict[str, Any]]) -> None:
    rows = [{**_HISTORY_DEFAULTS, **h} for h in chunk]
    if conn.dialect.name == "postgresql":
        copy_rows(conn, case_history.name, _HISTORY_COLUMNS, map(itemgetter(*_HISTORY_COLUMNS), rows))
    else:
        conn.execute(insert(case_history), rows)


def _is_empty(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(cases.c.id).limit(1)).first() is None


def bulk_insert_cases(
    engine: Engine,
    rows: Iterable[dict[str, Any]],
    history_rows: Iterable[dict[str, Any]] = (),
    *,
    chunk_rows: int = CHUNK_ROWS,
    defer_indexes: bool | None = None,
) -> int:
    """Insert cases (and their history) in chunks; returns the number of cases inserted.

    Args:
        engine: The store's engine.
        rows: Dicts keyed by ``cases`` column names. Required: ``id, kind,
            subclass, source, grid, department, lon, lat, stage, reported_at``
            (epoch seconds); stage times, ``on_time``, ``deadline_at`` etc. are
            optional; ``community``/``subdistrict`` default to the grid's prefixes.
        history_rows: Dicts keyed by ``case_history`` column names
            (``case_id, at, action`` required).
        chunk_rows: Rows per transaction.
        defer_indexes: Drop the secondary indexes of ``cases`` and ``case_history``
            while loading and rebuild them at the end (about twice as fast).
            ``None``: only when ``cases`` is empty (the initial seeding).
            :func:`~feeds.store.open_store` recreates them if a load was interrupted.

    Raises:
        ValueError: If a row lacks a required column.
    """
    deferred = _is_empty(engine) if defer_indexes is None else defer_indexes
    indexes = [*cases.indexes, *case_history.indexes] if deferred else []
    total = 0
    with engine.connect() as conn:
        with conn.begin():
            for index in indexes:
                index.drop(conn, checkfirst=True)
        try:
            for raw in _chunks(rows, chunk_rows):
                chunk = [_complete(r) for r in raw]
                deltas = KpiDeltas()
                _count(chunk, deltas)
                with conn.begin():
                    _insert(conn, chunk)
                    deltas.flush(conn)
                total += len(chunk)
            for hist in _chunks(history_rows, chunk_rows):
                with conn.begin():
                    _insert_history(conn, hist)
        finally:
            for index in indexes:  # one transaction each: live writers wait seconds, not minutes
                with conn.begin():
                    index.create(conn, checkfirst=True)
            if conn.dialect.name == "postgresql":  # fresh statistics for the planner after a big load
                with conn.begin():
                    conn.exec_driver_sql("ANALYZE cases")
    return total
