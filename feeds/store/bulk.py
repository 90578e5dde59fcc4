"""Bulk seeding of historical cases in chunks: ``COPY`` on PostgreSQL, ``executemany`` elsewhere.

This is the trusted fast path for the simulator's history and importers: rows
are not validated against the reference tables and produce no events (the
event log is for live changes). Each chunk is its own transaction, with the
KPI counters updated in the same transaction, so the store stays consistent
if seeding is interrupted (the cases seeded so far remain).
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select

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


def _count(rows: Iterable[Mapping[str, Any]] | Sequence[Any], deltas: KpiDeltas, sign: int = 1) -> None:
    """Add (``sign`` -1: take away) the KPI counters of rows (integer day arithmetic, no datetime per row)."""
    rows = list(rows)

    def days(times: Iterable[Any]) -> Counter[int]:
        return Counter((int(t) + BEIJING_OFFSET_S) // DAY_S for t in times)

    filed = [r for r in rows if r["filed_at"] is not None]
    closed = [r for r in rows if r["closed_at"] is not None]
    counts = {
        "reported": days(r["reported_at"] for r in rows),
        "filed": days(r["filed_at"] for r in filed),
        "cohort_filed": days(r["reported_at"] for r in filed),
        "dispatched": days(r["dispatched_at"] for r in rows if r["dispatched_at"] is not None),
        "closed": days(r["closed_at"] for r in closed),
        "cohort_closed": days(r["reported_at"] for r in closed),
        "closed_on_time": days(r["closed_at"] for r in closed if r["on_time"]),
        "cohort_cancelled": days(r["reported_at"] for r in rows if r["cancelled_at"] is not None),
    }
    for column, per_day in counts.items():
        for day, n in per_day.items():
            deltas.add_day(column, day, sign * n)


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


@contextlib.contextmanager
def _indexes_deferred(conn: Connection, deferred: bool) -> Iterator[None]:
    """Drop the secondary indexes of ``cases``/``case_history`` while loading, rebuild them after."""
    indexes = [*cases.indexes, *case_history.indexes] if deferred else []
    with conn.begin():
        for index in indexes:
            index.drop(conn, checkfirst=True)
    try:
        yield
    finally:
        for index in indexes:  # one transaction each: live writers wait seconds, not minutes
            with conn.begin():
                index.create(conn, checkfirst=True)
        if conn.dialect.name == "postgresql":  # fresh statistics for the planner after a big load
            with conn.begin():
                conn.exec_driver_sql("ANALYZE cases")


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
    total = 0
    with (
        engine.connect() as conn,
        _indexes_deferred(conn, _is_empty(engine) if defer_indexes is None else defer_indexes),
    ):
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
    return total


_COUNTED = (
    cases.c.id,
    cases.c.reported_at,
    cases.c.filed_at,
    cases.c.dispatched_at,
    cases.c.closed_at,
    cases.c.on_time,
    cases.c.cancelled_at,
)
_ID_BATCH = 10_000


def _replace_existing(conn: Connection, ids: list[str], deltas: KpiDeltas) -> int:
    """Delete the cases of ``ids`` already stored, taking their counters away; returns how many."""
    found = 0
    for start in range(0, len(ids), _ID_BATCH):
        batch = ids[start : start + _ID_BATCH]
        old = conn.execute(select(*_COUNTED).where(cases.c.id.in_(batch))).mappings().all()
        if old:
            _count(old, deltas, -1)
            conn.execute(delete(cases).where(cases.c.id.in_([r["id"] for r in old])))
            found += len(old)
    return found


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    """What one chunk of :func:`upsert_cases` did: new cases, replaced cases, rows merged by id within the chunk."""

    new: int
    updated: int
    merged: int


def upsert_cases(
    engine: Engine,
    rows: Iterable[dict[str, Any]],
    *,
    chunk_rows: int = CHUNK_ROWS,
    defer_indexes: bool | None = None,
    complete: bool = False,
) -> Iterator[UpsertCounts]:
    """Insert cases, replacing those whose id is already stored; yields the counts of each chunk.

    The importers' bulk path: re-importing the same records leaves the store (cases
    and KPI counters) as after the first import. Within a chunk the last row of an
    id wins. Like :func:`bulk_insert_cases`, rows produce no events, each chunk is
    one transaction, and ``defer_indexes`` (default: when ``cases`` is empty) drops
    the secondary indexes while loading. ``complete``: the rows already carry every
    ``cases`` column (the CSV importer's fast path), so no defaults are filled in.

    Raises:
        ValueError: If a row lacks a required column.
    """
    deferred = _is_empty(engine) if defer_indexes is None else defer_indexes
    with engine.connect() as conn, _indexes_deferred(conn, deferred):
        for raw in _chunks(rows, chunk_rows):
            chunk = list({r["id"]: r if complete else _complete(r) for r in raw}.values())
            deltas = KpiDeltas()
            with conn.begin():
                updated = _replace_existing(conn, [r["id"] for r in chunk], deltas)
                _count(chunk, deltas)
                _insert(conn, chunk)
                deltas.flush(conn)
            yield UpsertCounts(len(chunk) - updated, updated, len(raw) - len(chunk))
