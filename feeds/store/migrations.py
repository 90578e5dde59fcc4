"""Schema migrations: numbered steps that take an existing store forward in place.

A store records its ``schema_version`` in ``meta``. When GridWall opens a store older
than :data:`feeds.store.schema.SCHEMA_VERSION`, :func:`migrate` runs every registered
step above the store's version, in order, inside the transaction that opens the store:
either all of them land together with the new version number, or (on any error) none do
and the store stays as it was.

New tables need no step: ``metadata.create_all`` adds missing tables (and indexes) on
every open, before the steps run. A step is for what ``create_all`` cannot do: a new
column on an existing table (:func:`add_column`), a backfill, a changed index.

Adding a schema change:
    1. change ``schema.py`` and bump ``SCHEMA_VERSION`` (note the change in its history);
    2. register the step here with ``@migration(<new version>)``; a step must be safe on a
       store that already has the change (``add_column`` skips an existing column);
    3. give every new NOT NULL column a ``server_default`` so existing rows get a value.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import Connection, Table, inspect, text
from sqlalchemy.schema import CreateColumn

from feeds.store import search
from feeds.store.schema import cases

_log = logging.getLogger(__name__)

Step = Callable[[Connection], None]

OLDEST_MIGRATABLE = 2
"""Stores older than this were written before migrations existed and are refused."""

MIGRATIONS: dict[int, Step] = {}
"""Step that brings a store from ``version - 1`` to ``version``, keyed by ``version``."""


def migration(version: int) -> Callable[[Step], Step]:
    """Register ``step`` as the migration to ``version`` (one step per version)."""

    def register(step: Step) -> Step:
        if version in MIGRATIONS:
            raise ValueError(f"two migrations to schema version {version}")
        if version <= OLDEST_MIGRATABLE:
            raise ValueError(f"migration to {version}: versions up to {OLDEST_MIGRATABLE} predate migrations")
        MIGRATIONS[version] = step
        return step

    return register


def add_column(conn: Connection, table: Table, name: str) -> bool:
    """Add ``table.c[name]`` (as declared in the schema) to the live table unless it is there.

    Returns whether the column was added.
    """
    present = {column["name"] for column in inspect(conn).get_columns(table.name)}
    if name in present:
        return False
    column = table.c[name]
    if not column.nullable and column.server_default is None:
        raise ValueError(f"{table.name}.{name} is NOT NULL without a server_default: existing rows need a value")
    spec = CreateColumn(column).compile(dialect=conn.dialect)
    conn.execute(text(f"ALTER TABLE {table.name} ADD COLUMN {spec}"))
    return True


def migrate(conn: Connection, found: int, target: int) -> list[int]:
    """Run the steps from ``found + 1`` up to ``target`` on ``conn``; return the versions applied.

    Raises:
        LookupError: If a step between the two versions is not registered.
    """
    missing = [version for version in range(found + 1, target + 1) if version not in MIGRATIONS]
    if missing:
        raise LookupError(f"no migration registered to schema version(s) {missing}")
    applied = []
    for version in range(found + 1, target + 1):
        _log.info("store: migrating schema %d -> %d", version - 1, version)
        MIGRATIONS[version](conn)
        applied.append(version)
    return applied


@migration(3)
def _text_index(conn: Connection) -> None:
    """3: the case search's text index, filled from the stored cases (:mod:`feeds.store.search`)."""
    search.install(conn)


@migration(4)
def _alarm_tables(conn: Connection) -> None:
    """Schema 4: ``alarms``, ``alarm_log`` and ``plan_runs`` are new tables (``create_all`` made them).

    Nothing moves: alarms of warnings, crowds and sensors already active in the store are
    raised by the server's alarm engine on its first scan (``feeds.alarms``), through the
    event log like any other.
    """
    tables = set(inspect(conn).get_table_names())
    missing = {"alarms", "alarm_log", "plan_runs"} - tables
    if missing:
        raise RuntimeError(f"tables {sorted(missing)} were not created")


@migration(5)
def _response_platform(conn: Connection) -> None:
    """5: the 全响应 columns on ``cases``; every existing case is city management."""
    for name in ("platform", "response_deadline_at", "responded_at", "evaluated_at", "resolved", "satisfaction"):
        add_column(conn, cases, name)


@migration(6)
def _supervision_tables(conn: Connection) -> None:
    """6: only new tables (components, supervisors, staff_tracks, cameras), which ``create_all`` made."""


@migration(7)
def _case_component(conn: Connection) -> None:
    """7: ``cases.component`` (existing cases name no component: they link by place) and its index."""
    add_column(conn, cases, "component")
    next(i for i in cases.indexes if i.name == "ix_cases_component").create(conn, checkfirst=True)


@migration(8)
def _case_reporter(conn: Connection) -> None:
    """8: ``cases.reporter`` (existing cases name no reporter: supervisor figures credit them by beat) and its index."""
    add_column(conn, cases, "reporter")
    next(i for i in cases.indexes if i.name == "ix_cases_reporter").create(conn, checkfirst=True)


@migration(9)
def _cap_messages(conn: Connection) -> None:
    """9: only a new table (``cap_messages``), which ``create_all`` made; warnings imported before are not in it."""
