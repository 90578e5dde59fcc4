"""Free-text search over case addresses and descriptions through a real text index.

* **SQLite**: ``cases_fts``, an FTS5 table with the ``trigram`` tokenizer (substring
  matching that works for Chinese, which has no spaces between words). It is an
  external-content table: the text lives once, in ``cases``, and the index holds
  trigrams only. Triggers keep it in step with every insert, delete and change of
  ``address``/``description`` (live events and bulk upserts alike); the initial bulk
  load, which drops the triggers with the other indexes, rebuilds it in one pass.
* **PostgreSQL**: the ``pg_trgm`` extension and a GIN trigram index on each of the two
  columns, which ``LIKE '%…%'`` uses as it is. Chinese text only yields trigrams when
  the database's ``LC_CTYPE`` is a UTF-8 locale (``C.UTF-8``, ``zh_CN.UTF-8``…); in
  the ``C`` locale PostgreSQL still answers correctly, by scanning.

A query of fewer than :data:`MIN_INDEXED_CHARS` characters has no trigram: it is
answered with ``LIKE`` over the rows of the selection, like a store whose SQLite lacks
FTS5/trigram (3.34 or newer) or whose PostgreSQL lacks ``pg_trgm``. The answer is the
same either way: the rows whose address or description contains the text (SQLite:
ASCII letters in any case; PostgreSQL: case as typed), or whose id starts with it.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    Select,
    Table,
    Text,
    and_,
    case,
    func,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.elements import ColumnElement

from feeds.store.schema import cases

_log = logging.getLogger(__name__)

MIN_INDEXED_CHARS = 3
"""Shorter queries cannot use a trigram index and are answered by ``LIKE``."""

FTS_TABLE = "cases_fts"
_TRIGGERS = {
    "cases_fts_insert": (
        "AFTER INSERT ON cases BEGIN INSERT INTO cases_fts(rowid, address, description) "
        "VALUES (new.rowid, new.address, new.description); END"
    ),
    "cases_fts_delete": (
        "AFTER DELETE ON cases BEGIN INSERT INTO cases_fts(cases_fts, rowid, address, description) "
        "VALUES ('delete', old.rowid, old.address, old.description); END"
    ),
    "cases_fts_update": (
        "AFTER UPDATE OF address, description ON cases BEGIN "
        "INSERT INTO cases_fts(cases_fts, rowid, address, description) "
        "VALUES ('delete', old.rowid, old.address, old.description); "
        "INSERT INTO cases_fts(rowid, address, description) VALUES (new.rowid, new.address, new.description); END"
    ),
}
PG_INDEXES = {
    "ix_cases_address_trgm": "address",
    "ix_cases_description_trgm": "description",
}
_fts = Table("cases_fts", MetaData(), Column("rowid", Integer), Column("cases_fts", Text))


def _sqlite_has_fts(conn: Connection) -> bool:
    return conn.exec_driver_sql(f"SELECT 1 FROM sqlite_master WHERE name = '{FTS_TABLE}'").first() is not None


def _pg_has_trgm(conn: Connection) -> bool:
    names = ", ".join(f"'{name}'" for name in PG_INDEXES)
    found = conn.exec_driver_sql(f"SELECT count(*) FROM pg_indexes WHERE indexname IN ({names})").scalar()
    return int(found or 0) == len(PG_INDEXES)


def indexed(conn: Connection) -> bool:
    """Whether the store has its text index (FTS5 table or both trigram indexes)."""
    if conn.dialect.name == "sqlite":
        return _sqlite_has_fts(conn)
    if conn.dialect.name == "postgresql":
        return _pg_has_trgm(conn)
    return False


def install(conn: Connection) -> bool:
    """Create the text index where missing (idempotent); returns whether the store has one.

    Runs in the caller's transaction (opening or migrating a store). A new SQLite index
    is filled from the rows already stored, and so is one whose triggers are missing (a
    bulk load that was interrupted). Refusals by the database (no FTS5 or trigram
    tokenizer, no ``pg_trgm``) are logged and leave search on ``LIKE``.
    """
    if conn.dialect.name == "sqlite":
        return _install_sqlite(conn)
    if conn.dialect.name == "postgresql":
        return _install_pg(conn)
    return False


def _install_sqlite(conn: Connection) -> bool:
    stale = not _sqlite_has_fts(conn)
    if stale:
        try:
            with conn.begin_nested():
                conn.exec_driver_sql(
                    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(address, description, "
                    "content='cases', content_rowid='rowid', tokenize='trigram')"
                )
        except DBAPIError as exc:
            _log.warning("store: no FTS5 trigram index (%s); case search scans with LIKE", exc.orig)
            return False
    names = ", ".join(f"'{name}'" for name in _TRIGGERS)
    found = conn.exec_driver_sql(f"SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ({names})")
    if stale or int(found.scalar() or 0) < len(_TRIGGERS):
        rebuild(conn)
    create_triggers(conn)
    return True


def _install_pg(conn: Connection) -> bool:
    if _pg_has_trgm(conn):
        return True
    try:
        with conn.begin_nested():
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DBAPIError as exc:
        _log.warning("store: pg_trgm unavailable (%s); case search scans with LIKE", str(exc.orig).strip())
        return False
    schema = conn.exec_driver_sql(  # the extension may live in a schema off the search path
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
    ).scalar()
    for name, column in PG_INDEXES.items():
        conn.exec_driver_sql(f'CREATE INDEX IF NOT EXISTS {name} ON cases USING gin ({column} "{schema}".gin_trgm_ops)')
    return True


def create_triggers(conn: Connection) -> None:
    """SQLite: the triggers that keep ``cases_fts`` in step with ``cases`` (where missing)."""
    for name, body in _TRIGGERS.items():
        conn.exec_driver_sql(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")


REBUILD_HASH_BYTES = 256 * 1024 * 1024
"""FTS5 ``hashsize`` while rebuilding: terms gathered in memory before a segment is written.

The default (1 MiB) writes a small segment every few thousand cases and merges them over
and over: ten years (3.8M rows) took 31 s of CPU and ended in 11 segments; with 256 MiB,
18 s and 2 segments (the same terms and rows; measured on a copy of a ten-year store).
"""
FTS5_DEFAULT_HASH_BYTES = 1024 * 1024
"""FTS5's own ``hashsize`` default, set back after a rebuild (live writes flush at each commit anyway)."""


def rebuild(conn: Connection) -> None:
    """SQLite: index every stored case again from ``cases`` (one pass).

    The pass runs with a large in-memory term table (:data:`REBUILD_HASH_BYTES`); the
    table's configuration is left as it was (no ``hashsize`` entry, FTS5's default).
    """
    conn.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('hashsize', {REBUILD_HASH_BYTES})")
    conn.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
    conn.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('hashsize', {FTS5_DEFAULT_HASH_BYTES})")
    try:  # the entry, now FTS5's default, removed too (refused in SQLite's defensive mode: it stays)
        conn.exec_driver_sql(f"DELETE FROM {FTS_TABLE}_config WHERE k = 'hashsize'")
    except DBAPIError as exc:
        _log.debug("store: FTS5 hashsize entry left at its default (%s)", exc.orig)


def suspend(conn: Connection) -> None:
    """Stop maintaining the text index during a bulk load (:func:`resume` brings it back in one pass).

    SQLite: the triggers are dropped (a store opened meanwhile sees them missing and
    rebuilds the index: an interrupted load leaves no stale index). PostgreSQL: the
    trigram indexes are dropped.
    """
    if conn.dialect.name == "sqlite":
        for name in _TRIGGERS:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    elif conn.dialect.name == "postgresql":
        for name in PG_INDEXES:
            conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")


def resume(conn: Connection) -> None:
    """Index everything loaded since :func:`suspend` and maintain the index again."""
    if conn.dialect.name == "sqlite":
        rebuild(conn)
        create_triggers(conn)
    elif conn.dialect.name == "postgresql":
        _install_pg(conn)


def store_has_index(engine: Engine) -> bool:
    """:func:`indexed` on a fresh connection."""
    with engine.connect() as conn:
        return indexed(conn)


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _id_prefix(q: str) -> ColumnElement[bool]:
    """Ids starting with ``q`` as typed or in capitals: ranges on the primary key's index, not a scan."""
    ranges = [and_(cases.c.id >= p, cases.c.id < p + "\U0010ffff") for p in dict.fromkeys((q, q.upper()))]
    return or_(*ranges)


FREQUENT_MATCHES = 2_000
"""Above this many text matches, a page in report-time order is found faster by walking the time index."""

COUNT_LIMIT = 1_000
"""The ``cases`` query counts matching cases up to this many by default; more is shown as "1,000+"."""

SCAN_LIMIT = 20_000
"""SQLite: text matches (newest first) looked up to count a selection's matches before falling back."""


def _phrase(q: str) -> str:
    return '"' + q.replace('"', '""') + '"'  # one FTS5 string: a substring, never query syntax


def _uses_fts(dialect: str, query: str, has_index: bool) -> bool:
    return dialect == "sqlite" and has_index and len(query.strip()) >= MIN_INDEXED_CHARS


def _fts_matches(conn: Connection, q: str, limit: int) -> int:
    """SQLite: how many cases the index matches, counted up to ``limit`` + 1."""
    found = conn.exec_driver_sql(
        f"SELECT count(*) FROM (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? LIMIT ?)",
        (_phrase(q), limit + 1),
    )
    return int(found.scalar() or 0)


def frequent(conn: Connection, query: str) -> bool:
    """SQLite: whether ``query`` matches more than :data:`FREQUENT_MATCHES` cases (by text or id prefix).

    The first page of such a search, newest first, is found within a few hundred rows
    of the report-time index; fetching every match by rowid and sorting costs more.
    The index stops counting at :data:`FREQUENT_MATCHES` + 1, so this costs well under a
    millisecond however common the text is.
    """
    q = query.strip()
    if conn.dialect.name != "sqlite" or len(q) < MIN_INDEXED_CHARS:
        return False
    by_id: Select[Any] = select(literal_column("1")).select_from(cases).where(_id_prefix(q))
    ids, every_id = _capped(conn, by_id, FREQUENT_MATCHES)
    return not every_id or _fts_matches(conn, q, FREQUENT_MATCHES) + ids > FREQUENT_MATCHES


def _capped(conn: Connection, rows: Select[Any], limit: int) -> tuple[int, bool]:
    n = int(conn.execute(select(func.count()).select_from(rows.limit(limit + 1).subquery())).scalar_one())
    return min(n, limit), n <= limit


def count_matches(
    conn: Connection, where: ColumnElement[bool], query: str | None, has_index: bool, limit: int
) -> tuple[int, bool]:
    """How many cases satisfy ``where`` (and contain ``query`` when given), counted up to ``limit``.

    Returns ``(count, exact)``: ``exact`` is false when more than ``limit`` cases match
    (``count`` is then ``limit``). Counting stops at ``limit`` + 1 rows, so a text found in
    a quarter of the district costs about what a rare one does. On SQLite with the text
    index, each walk below looks at no more than :data:`SCAN_LIMIT` rows before the next:

    1. a text the index matches at most :data:`SCAN_LIMIT` times: its matches (then the id
       matches) are looked up one by one and tested against the selection (exact);
    2. a more common text: the selection's rows, newest first, tested with ``LIKE``;
    3. then the index's matches newest first, as in 1;
    4. when neither settled it (a common text that is rare in a large selection): the
       selection's rows against the list of every match, as before the limit.
    """
    dialect = conn.dialect.name
    q = (query or "").strip()
    if not q:
        return _capped(conn, select(literal_column("1")).select_from(cases).where(where), limit)
    if not _uses_fts(dialect, q, has_index):
        cond = text_condition(dialect, q, has_index)
        return _capped(conn, select(literal_column("1")).select_from(cases).where(where, cond), limit)
    in_selection = case((where, 1), else_=0)
    joined = _fts.join(cases, literal_column("cases.rowid") == _fts.c.rowid)
    by_text = select(_fts.c.rowid, in_selection).select_from(joined).where(_fts.c.cases_fts.op("MATCH")(_phrase(q)))
    by_text = by_text.order_by(_fts.c.rowid.desc())
    by_id = select(literal_column("cases.rowid"), in_selection).select_from(cases).where(_id_prefix(q))
    walks: list[tuple[Select[Any], ...]] = [(by_text, by_id)]
    if _like_agrees(q) and _fts_matches(conn, q, SCAN_LIMIT) > SCAN_LIMIT:
        newest = select(literal_column("cases.rowid"), case((_like(q), 1), else_=0)).where(where)
        walks.insert(0, (newest.order_by(cases.c.reported_at.desc()),))
    for walk in walks:
        found, settled = _walk_count(conn, walk, limit)
        if settled:
            return (found, True) if found <= limit else (limit, False)
    every = text_condition(dialect, q, True)
    return _capped(conn, select(literal_column("1")).select_from(cases).where(where, every), limit)


def _walk_count(conn: Connection, statements: tuple[Select[Any], ...], limit: int) -> tuple[int, bool]:
    """Distinct rowids with a hit over ``statements`` (rows ``(rowid, hit)``), stepping each cursor
    until ``limit`` + 1 hits or :data:`SCAN_LIMIT` rows; returns ``(hits, settled)``: settled when
    the count passed ``limit`` or every statement ran to its end."""
    hits: set[int] = set()
    complete = True
    for statement in statements:
        looked = 0
        result = conn.execute(statement.limit(SCAN_LIMIT + 1))
        try:
            for chunk in result.partitions(500):
                for rowid, hit in chunk:
                    looked += 1
                    if hit:
                        hits.add(rowid)
                if len(hits) > limit:
                    return len(hits), True
                if looked > SCAN_LIMIT:
                    complete = False
                    break
        finally:
            result.close()
    return len(hits), complete


def _like_agrees(q: str) -> bool:
    """Whether ``LIKE`` finds what the index finds: SQLite's ``LIKE`` folds ASCII letters only,
    the trigram index folds every letter, so a text with another cased letter (É, Ж) differs."""
    return all(ch.isascii() or ch.lower() == ch.upper() for ch in q)


def text_condition(dialect: str, query: str, has_index: bool, *, by_time: bool = False) -> ColumnElement[bool]:
    """The cases whose address or description contains ``query``, or whose id starts with it.

    Args:
        dialect: The store's SQL dialect name.
        query: The text as typed (trimmed here).
        has_index: Whether the store has its text index (:func:`store_has_index`).
        by_time: SQLite: let the query walk another index (report time) and test each row
            with ``LIKE`` (or, for a text ``LIKE`` folds differently, against the list of
            matches), instead of starting from the matches (see :func:`frequent`).
    """
    q = query.strip()
    if by_time and _uses_fts(dialect, q, has_index) and _like_agrees(q):
        return _like(q)  # tested on each row of the walk: no list of every match to build first
    if _uses_fts(dialect, q, has_index):
        phrase = _phrase(q)
        # one rowid list (text matches, then id matches) that drives the query: with an OR
        # beside the period's range SQLite would walk the period's index and probe every row
        rowid: ColumnElement[int] = literal_column("+cases.rowid" if by_time else "cases.rowid")
        matched = select(_fts.c.rowid).where(_fts.c.cases_fts.op("MATCH")(phrase))
        by_id = select(rowid).select_from(cases).where(_id_prefix(q))
        return rowid.in_(union_all(matched, by_id))
    return _like(q)  # PostgreSQL's trigram indexes serve this LIKE as it is


def _like(q: str) -> ColumnElement[bool]:
    like = f"%{_escape_like(q)}%"
    return or_(
        cases.c.description.like(like, escape="\\"),
        cases.c.address.like(like, escape="\\"),
        cases.c.id.like(f"{_escape_like(q)}%", escape="\\"),
    )
