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

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    Table,
    Text,
    and_,
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


def rebuild(conn: Connection) -> None:
    """SQLite: index every stored case again from ``cases`` (one pass)."""
    conn.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


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


def _phrase(q: str) -> str:
    return '"' + q.replace('"', '""') + '"'  # one FTS5 string: a substring, never query syntax


def frequent(conn: Connection, query: str) -> bool:
    """SQLite: whether ``query`` matches more than :data:`FREQUENT_MATCHES` cases (counted in the index alone).

    The first page of such a search, newest first, is found within a few hundred rows
    of the report-time index; fetching every match by rowid and sorting costs more.
    """
    q = query.strip()
    if conn.dialect.name != "sqlite" or len(q) < MIN_INDEXED_CHARS:
        return False
    found = conn.exec_driver_sql(f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?", (_phrase(q),))
    return int(found.scalar() or 0) > FREQUENT_MATCHES


def text_condition(dialect: str, query: str, has_index: bool, *, by_time: bool = False) -> ColumnElement[bool]:
    """The cases whose address or description contains ``query``, or whose id starts with it.

    Args:
        dialect: The store's SQL dialect name.
        query: The text as typed (trimmed here).
        has_index: Whether the store has its text index (:func:`store_has_index`).
        by_time: SQLite: let the query walk another index (report time) and test each row
            against the matches, instead of starting from the matches (see :func:`frequent`).
    """
    q = query.strip()
    if dialect == "sqlite" and has_index and len(q) >= MIN_INDEXED_CHARS:
        phrase = _phrase(q)
        # one rowid list (text matches, then id matches) that drives the query: with an OR
        # beside the period's range SQLite would walk the period's index and probe every row
        rowid: ColumnElement[int] = literal_column("+cases.rowid" if by_time else "cases.rowid")
        matched = select(_fts.c.rowid).where(_fts.c.cases_fts.op("MATCH")(phrase))
        by_id = select(rowid).select_from(cases).where(_id_prefix(q))
        return rowid.in_(union_all(matched, by_id))
    like = f"%{_escape_like(q)}%"  # PostgreSQL's trigram indexes serve this LIKE as it is
    return or_(
        cases.c.description.like(like, escape="\\"),
        cases.c.address.like(like, escape="\\"),
        cases.c.id.like(f"{_escape_like(q)}%", escape="\\"),
    )
