"""Bulk seeding of historical cases in chunks: ``COPY`` on PostgreSQL, ``executemany`` elsewhere.

This is the trusted fast path for the simulator's history and importers: rows
are not validated against the reference tables and produce no events (the
event log is for live changes). Each chunk is its own transaction, with the
KPI counters updated in the same transaction, so the store stays consistent
if seeding is interrupted (the cases seeded so far remain).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice, repeat
from operator import itemgetter
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    Connection,
    Engine,
    Float,
    Integer,
    SmallInteger,
    String,
    any_,
    delete,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.sql.elements import ColumnElement

from feeds.store import search
from feeds.store.counters import BEIJING_OFFSET_S, DAY_S, KpiDeltas
from feeds.store.schema import case_history, cases, meta

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
    "component": None,
    "reporter": None,
}
PLATFORM_DEFAULTS: dict[str, Any] = {
    "platform": "city",
    "response_deadline_at": None,
    "responded_at": None,
    "evaluated_at": None,
    "resolved": None,
    "satisfaction": None,
}
"""The platform columns of a row that does not name them: a city-management case (schema 3)."""
_DEFAULTS.update(PLATFORM_DEFAULTS)
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


_COUNT_TIMES = ("reported_at", "filed_at", "dispatched_at", "closed_at", "cancelled_at")


def _epoch(values: Sequence[Any]) -> NDArray[np.float64]:
    """Epoch seconds as floats, NaN for ``None`` (numpy converts ``None`` itself, in C)."""
    return np.asarray(values, dtype=np.float64)


def _add_days(deltas: KpiDeltas, column: str, times: NDArray[np.float64], sign: int) -> None:
    """Count ``times`` (no NaN) per Beijing day into ``column`` (integer arithmetic like ``int(t)``)."""
    if times.size:
        days, counts = np.unique((times.astype(np.int64) + BEIJING_OFFSET_S) // DAY_S, return_counts=True)
        for day, n in zip(days.tolist(), counts.tolist(), strict=True):
            deltas.add_day(column, day, sign * n)


def count_columns(columns: Mapping[str, Sequence[Any]], deltas: KpiDeltas, sign: int = 1) -> None:
    """Add (``sign`` -1: take away) the KPI counters of cases given as columns, vectorised.

    ``columns`` needs ``reported_at, filed_at, dispatched_at, closed_at, cancelled_at``
    (epoch seconds or ``None``) and ``on_time`` (true, false or ``None``).
    """
    t = {name: _epoch(columns[name]) for name in _COUNT_TIMES}
    on_time = np.fromiter(map(bool, columns["on_time"]), dtype=bool, count=len(columns["on_time"]))
    if "platform" in columns:  # kpi_daily counts city management only (全响应 has its own rates)
        city = np.asarray([p != "response" for p in columns["platform"]], dtype=bool)
        if not city.all():
            t = {name: times[city] for name, times in t.items()}
            on_time = on_time[city]
    rep = t["reported_at"]
    filed, closed = ~np.isnan(t["filed_at"]), ~np.isnan(t["closed_at"])
    on_time &= closed
    dispatched, cancelled = t["dispatched_at"], t["cancelled_at"]
    for column, times in (
        ("reported", rep),
        ("filed", t["filed_at"][filed]),
        ("cohort_filed", rep[filed]),
        ("dispatched", dispatched[~np.isnan(dispatched)]),
        ("closed", t["closed_at"][closed]),
        ("cohort_closed", rep[closed]),
        ("closed_on_time", t["closed_at"][on_time]),
        ("cohort_cancelled", rep[~np.isnan(cancelled)]),
    ):
        _add_days(deltas, column, times, sign)


def _count(rows: Iterable[Mapping[str, Any]] | Sequence[Any], deltas: KpiDeltas, sign: int = 1) -> None:
    """:func:`count_columns` of row mappings (city-management rows only)."""
    rows = [r for r in rows if r.get("platform", "city") != "response"]
    count_columns({name: [r[name] for r in rows] for name in (*_COUNT_TIMES, "on_time")}, deltas, sign)


CASE_COLUMNS = tuple(c.name for c in cases.columns)
"""The ``cases`` columns in table order (the order of the tuples the bulk path writes)."""
_CASE_COLUMNS = CASE_COLUMNS
_HISTORY_COLUMNS = tuple(c.name for c in case_history.columns if c.name != "id")
_SQLITE_INSERT = f"INSERT INTO cases ({', '.join(_CASE_COLUMNS)}) VALUES ({', '.join('?' * len(_CASE_COLUMNS))})"
_SQLITE_HISTORY_INSERT = (
    f"INSERT INTO case_history ({', '.join(_HISTORY_COLUMNS)}) VALUES ({', '.join('?' * len(_HISTORY_COLUMNS))})"
)
Columns = Mapping[str, Sequence[Any]]
"""A chunk of rows as columns: column name → one value per row (all of the same length)."""


_PG_BINARY_TYPES = {SmallInteger: "int2", Integer: "int4", BigInteger: "int8", Float: "float8", Boolean: "bool"}
"""Binary ``COPY`` type of each column type; strings (``VARCHAR``, ``TEXT``) go as ``text``."""
_INT2 = (-32768, 32767)


def _binary_types(table: str, columns: tuple[str, ...]) -> list[str]:
    target = cases if table == "cases" else case_history
    return [_PG_BINARY_TYPES.get(type(target.c[name].type), "text") for name in columns]


def _int2_checked(rows: Iterable[tuple[Any, ...]], types: list[str]) -> Iterator[tuple[Any, ...]]:
    """The rows, refusing an ``int2`` value out of range (binary ``COPY`` would wrap it silently)."""
    small = [i for i, t in enumerate(types) if t == "int2"]
    lo, hi = _INT2
    for row in rows:
        for i in small:
            value = row[i]
            if value is not None and not lo <= value <= hi:
                raise ValueError(f"value {value} out of range for a SMALLINT column")
        yield row


def copy_rows(conn: Connection, table: str, columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]]) -> None:
    """PostgreSQL: stream tuples into ``table`` with binary ``COPY … FROM STDIN`` (psycopg 3), in the open transaction.

    Binary, with each column's type given (``set_types``): the driver packs numbers
    without formatting them and the server reads them without parsing text, about 2.5×
    less CPU in this process than text ``COPY`` (``bench/city.py copy``).
    """
    raw: Any = conn.connection.driver_connection
    types = _binary_types(table, columns)
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
    with raw.cursor() as cur, cur.copy(sql) as copy:
        copy.set_types(types)
        for row in _int2_checked(rows, types):
            copy.write_row(row)


def _insert_tuples(conn: Connection, table: str, rows: Iterable[tuple[Any, ...]]) -> None:
    """Insert tuples in table column order: ``COPY`` on PostgreSQL, raw sqlite3 ``executemany``, else Core."""
    columns, sqlite_sql, target = (
        (_CASE_COLUMNS, _SQLITE_INSERT, cases)
        if table == "cases"
        else (_HISTORY_COLUMNS, _SQLITE_HISTORY_INSERT, case_history)
    )
    if conn.dialect.name == "postgresql":
        copy_rows(conn, table, columns, rows)
    elif conn.dialect.name == "sqlite":
        conn.connection.driver_connection.executemany(sqlite_sql, rows)  # type: ignore[union-attr]
    else:
        conn.execute(insert(target), [dict(zip(columns, r, strict=True)) for r in rows])


def _insert(conn: Connection, chunk: list[dict[str, Any]]) -> None:
    """Insert one chunk of complete row dicts (see :func:`_complete`)."""
    _insert_tuples(conn, "cases", map(itemgetter(*_CASE_COLUMNS), chunk))


def _insert_history(conn: Connection, chunk: list[dict[str, Any]]) -> None:
    rows = [{**_HISTORY_DEFAULTS, **h} for h in chunk]
    _insert_tuples(conn, "case_history", map(itemgetter(*_HISTORY_COLUMNS), rows))


def _column_default(table: str, name: str) -> Any:
    """The value a column left out of a bulk chunk takes."""
    defaults = _DEFAULTS if table == "cases" else _HISTORY_DEFAULTS
    if name in defaults:
        return defaults[name]
    column = (cases if table == "cases" else case_history).c[name]
    if column.default is not None and getattr(column.default, "is_scalar", False):
        return getattr(column.default, "arg", None)
    if column.nullable:
        return None
    raise ValueError(f"{table} rows lack the column {name}")


def column_tuples(table: str, columns: Columns, required: Sequence[str] = ()) -> Iterator[tuple[Any, ...]]:
    """Rows of ``table`` (``cases`` or ``case_history``) as tuples in table order, from columns.

    Columns left out take their defaults; for ``cases``, ``community`` and
    ``subdistrict`` default to the grid code's prefixes.

    Raises:
        ValueError: If a required column is missing or holds ``None``.
    """
    _check_required(table, columns, required)
    n = len(next(iter(columns.values())))
    return zip(*_picked(table, columns, n), strict=False)


def _check_required(table: str, columns: Columns, required: Sequence[str]) -> None:
    for name in required:
        if name not in columns or None in columns[name]:
            raise ValueError(f"{table} rows lack {name}")


def _picked(table: str, columns: Columns, n: int) -> list[Iterable[Any]]:
    """Each column of ``table`` in table order: the chunk's, or its default repeated ``n`` times."""
    order = _CASE_COLUMNS if table == "cases" else _HISTORY_COLUMNS
    picked: list[Iterable[Any]] = []
    for name in order:
        if name in columns:
            picked.append(columns[name])
        elif table == "cases" and name in ("community", "subdistrict"):
            width = 12 if name == "community" else 9
            picked.append([g[:width] for g in columns["grid"]])
        else:
            picked.append(repeat(_column_default(table, name), n))
    return picked


def _sql_literal(value: Any) -> str | None:
    """``value`` written into SQL (``None``: not a value written so; it stays a parameter)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and "\0" not in value:
        return "'" + value.replace("'", "''") + "'"
    return None


def _uniform(column: list[Any]) -> bool:
    """Whether every value of ``column`` is the first one (``None``, a bool, an int or a string; not floats)."""
    first = column[0]
    if type(first) not in (type(None), bool, int, str) or column[-1] != first:
        return False
    if first is None:
        return column.count(None) == len(column)
    return column.count(first) == len(column) and len(set(map(type, column))) == 1


def _insert_columns(conn: Connection, table: str, columns: Columns, required: Sequence[str]) -> None:
    """Insert a column chunk; SQLite: the columns holding one value for every row are written into the SQL.

    A CSV import leaves a third of the 41 ``cases`` columns at one value (the platform
    columns, counters at 0, times never set); as literals they are not bound again for
    every row, which was the larger part of ``executemany``'s time.
    """
    if conn.dialect.name != "sqlite":
        _insert_tuples(conn, table, column_tuples(table, columns, required))
        return
    _check_required(table, columns, required)
    n = len(next(iter(columns.values())))
    order = _CASE_COLUMNS if table == "cases" else _HISTORY_COLUMNS
    values: list[str] = []
    varying: list[Iterable[Any]] = []
    for name, column in zip(order, _picked(table, columns, n), strict=True):
        literal = None
        if isinstance(column, repeat):
            literal = _sql_literal(_column_default(table, name))
        elif isinstance(column, list) and n and _uniform(column):
            literal = _sql_literal(column[0])
        if literal is None:
            values.append("?")
            varying.append(column)
        else:
            values.append(literal)
    sql = f"INSERT INTO {table} ({', '.join(order)}) VALUES ({', '.join(values)})"
    driver: Any = conn.connection.driver_connection
    driver.executemany(sql, zip(*varying, strict=True) if varying else repeat((), n))


def bulk_insert_columns(
    engine: Engine,
    chunks: Iterable[Columns],
    history: Iterable[Columns] = (),
    *,
    defer_indexes: bool | None = None,
) -> int:
    """Insert cases given as column chunks (and their history); returns the number of cases inserted.

    The fast path of :func:`bulk_insert_cases` for producers that hold columns
    already (the simulator's history, the CSV importer): no dict per row, the
    KPI counters counted with numpy, the tuples streamed to the driver. Each
    chunk is one transaction; ``defer_indexes`` as in :func:`bulk_insert_cases`.

    Raises:
        ValueError: If a chunk lacks a required column (see :func:`bulk_insert_cases`).
    """
    total = 0
    deferred = _is_empty(engine) if defer_indexes is None else defer_indexes
    with engine.connect() as conn, _indexes_deferred(conn, deferred):
        for chunk in chunks:
            deltas = KpiDeltas()
            count_columns(_with_count_defaults(chunk), deltas)
            with conn.begin():
                _insert_columns(conn, "cases", chunk, _REQUIRED)
                deltas.flush(conn)
                _bump_generation(conn)
            total += len(chunk["id"])
        for hist in history:
            with conn.begin():
                _insert_tuples(conn, "case_history", column_tuples("case_history", hist, ("case_id", "at", "action")))
    return total


def _with_count_defaults(chunk: Columns) -> Columns:
    """The chunk with ``None`` columns for the counted times it leaves out."""
    missing = [name for name in (*_COUNT_TIMES, "on_time") if name not in chunk]
    if not missing:
        return chunk
    n = len(chunk["id"])
    return {**chunk, **{name: [None] * n for name in missing}}


SORT_CACHE_KIB = 512 * 1024
"""SQLite page cache while rebuilding indexes after a load: the sorter keeps a ten-year index in memory."""
SORT_THREADS = 2
"""SQLite sorter threads while rebuilding indexes (``PRAGMA threads``; 2 cores are the target machine)."""
SORT_MMAP_BYTES = 16 << 30
"""SQLite ``mmap_size`` while rebuilding indexes and the text index (capped by SQLite's build limit).

Each ``CREATE INDEX`` and the text index's rebuild scan the whole ``cases`` table (2.3 GB at ten
years, past the page cache): read through the memory map, not copied by ``read`` calls page by
page. On a ten-year store the nine indexes took 24 s of CPU instead of 28 s (system time 2.2 s
instead of 5.2 s) and half the wall-clock time (measured on a copy under load 5).
"""


@contextlib.contextmanager
def _sort_memory(conn: Connection, wanted: bool) -> Iterator[None]:
    """SQLite: a big page cache, sorter threads and a memory map for the rebuild on this connection, set back after."""
    if not wanted or conn.dialect.name != "sqlite":
        yield
        return
    cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    threads = conn.exec_driver_sql("PRAGMA threads").scalar()
    mmap = conn.exec_driver_sql("PRAGMA mmap_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size=-{SORT_CACHE_KIB}")
    conn.exec_driver_sql(f"PRAGMA threads={SORT_THREADS}")
    conn.exec_driver_sql(f"PRAGMA mmap_size={SORT_MMAP_BYTES}")
    conn.commit()  # the pragmas began a transaction (autobegin); each index gets its own
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={int(cache or 0)}")
        conn.exec_driver_sql(f"PRAGMA threads={int(threads or 0)}")
        conn.exec_driver_sql(f"PRAGMA mmap_size={int(mmap or 0)}")
        conn.commit()


@contextlib.contextmanager
def _indexes_deferred(conn: Connection, deferred: bool) -> Iterator[None]:
    """Drop the secondary indexes of ``cases``/``case_history`` while loading, rebuild them after.

    The text index of case search goes the same way (:func:`feeds.store.search.suspend`):
    indexed again in one pass after the load instead of row by row.
    """
    indexes = [*cases.indexes, *case_history.indexes] if deferred else []
    with conn.begin():
        text_index = deferred and search.indexed(conn)
        for index in indexes:
            index.drop(conn, checkfirst=True)
        if text_index:
            search.suspend(conn)
    try:
        yield
    finally:
        with _sort_memory(conn, bool(indexes)):
            for index in indexes:  # one transaction each: live writers wait seconds, not minutes
                with conn.begin():
                    index.create(conn, checkfirst=True)
            if text_index:
                with conn.begin():
                    search.resume(conn)
        if conn.dialect.name == "postgresql":  # fresh statistics for the planner after a big load
            with conn.begin():
                conn.exec_driver_sql("ANALYZE cases")


BULK_GENERATION_KEY = "bulk_generation"
"""``meta`` key counting bulk writes: bulk rows carry no ``updated_seq``, so caches that follow
``updated_seq`` (the analytics cube) compare this number to know they missed some."""


def bulk_generation(conn: Connection) -> int:
    """How many bulk-write transactions the store has seen (0 for none)."""
    value = conn.execute(select(meta.c.value).where(meta.c.key == BULK_GENERATION_KEY)).scalar()
    return int(value or 0)


def _bump_generation(conn: Connection) -> None:
    """Count one bulk-write transaction (call inside it)."""
    found = bulk_generation(conn)
    if found:
        conn.execute(update(meta).where(meta.c.key == BULK_GENERATION_KEY).values(value=str(found + 1)))
    else:
        conn.execute(insert(meta).values(key=BULK_GENERATION_KEY, value="1"))


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
                _bump_generation(conn)
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
    cases.c.platform,
)
_COUNTED_NAMES = tuple(c.name for c in _COUNTED)
_ID_BATCH = 10_000


def _ids_in(conn: Connection, ids: list[str]) -> ColumnElement[bool]:
    """``cases.id`` in ``ids`` as one parameter (SQLite ``json_each``, PostgreSQL ``ANY``), not one per id."""
    if conn.dialect.name == "sqlite":
        listed = func.json_each(json.dumps(ids)).table_valued("value")
        return cases.c.id.in_(select(listed.c.value))
    if conn.dialect.name == "postgresql":
        return cases.c.id == any_(literal(ids, ARRAY(String)))
    return cases.c.id.in_(ids)


class _Stored:
    """Which ids of a bulk upsert may already be stored.

    When the store was empty at the start, only ids this upsert wrote can be: no query
    is needed for a chunk of new ids (the common first import).
    """

    def __init__(self, engine: Engine) -> None:
        self.written: set[str] | None = set() if _is_empty(engine) else None

    def replace(self, conn: Connection, ids: list[str], deltas: KpiDeltas) -> int:
        """Delete the stored cases of ``ids``, taking their counters away; returns how many."""
        if self.written is not None:
            candidates = [i for i in ids if i in self.written]
            self.written.update(ids)
        else:
            candidates = ids
        return _replace_existing(conn, candidates, deltas) if candidates else 0


def _replace_existing(conn: Connection, ids: list[str], deltas: KpiDeltas) -> int:
    """Delete the cases of ``ids`` already stored, taking their counters away; returns how many."""
    found = 0
    for start in range(0, len(ids), _ID_BATCH):
        batch = ids[start : start + _ID_BATCH]
        old = conn.execute(select(*_COUNTED).where(_ids_in(conn, batch))).all()
        if old:  # counted as columns (numpy), not as one mapping per row
            columns = dict(zip(_COUNTED_NAMES, zip(*old, strict=True), strict=True))
            count_columns(columns, deltas, -1)
            conn.execute(delete(cases).where(_ids_in(conn, list(columns["id"]))))
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
    stored = _Stored(engine)
    deferred = stored.written is not None if defer_indexes is None else defer_indexes
    with engine.connect() as conn, _indexes_deferred(conn, deferred):
        for raw in _chunks(rows, chunk_rows):
            chunk = list({r["id"]: r if complete else _complete(r) for r in raw}.values())
            deltas = KpiDeltas()
            with conn.begin():
                updated = stored.replace(conn, [r["id"] for r in chunk], deltas)
                _count(chunk, deltas)
                _insert(conn, chunk)
                deltas.flush(conn)
                _bump_generation(conn)
            yield UpsertCounts(len(chunk) - updated, updated, len(raw) - len(chunk))


def _dedupe(chunk: Columns) -> Columns:
    """The chunk with one row per id, the last one (its order kept)."""
    ids = chunk["id"]
    last = {case_id: i for i, case_id in enumerate(ids)}
    if len(last) == len(ids):
        return chunk
    rows = sorted(last.values())
    return {name: [values[i] for i in rows] for name, values in chunk.items()}


def upsert_columns(
    engine: Engine,
    chunks: Iterable[Columns],
    *,
    defer_indexes: bool | None = None,
) -> Iterator[UpsertCounts]:
    """:func:`upsert_cases` for cases given as column chunks (the CSV importer's path); yields counts per chunk.

    Each chunk is one transaction: the stored cases of its ids are deleted (their
    counters taken away), then the chunk is written as in :func:`bulk_insert_columns`.

    Raises:
        ValueError: If a chunk lacks a required column.
    """
    stored = _Stored(engine)
    deferred = stored.written is not None if defer_indexes is None else defer_indexes
    with engine.connect() as conn, _indexes_deferred(conn, deferred):
        for raw in chunks:
            chunk = _dedupe(raw)
            deltas = KpiDeltas()
            with conn.begin():
                updated = stored.replace(conn, list(chunk["id"]), deltas)
                count_columns(_with_count_defaults(chunk), deltas)
                _insert_columns(conn, "cases", chunk, _REQUIRED)
                deltas.flush(conn)
                _bump_generation(conn)
            n = len(chunk["id"])
            yield UpsertCounts(n - updated, updated, len(raw["id"]) - n)
