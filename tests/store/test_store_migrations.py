"""Schema migrations: an older store is brought forward in place, all steps or none."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Column, Connection, Integer, MetaData, String, Table

from feeds.store import StoreError, migrations, open_store
from feeds.store import store as store_module
from feeds.store.schema import SCHEMA_VERSION

Advance = Callable[[migrations.Step], int]


def _meta_with(column: str, *, nullable: bool = True) -> Table:
    """A stand-in for a schema change: ``meta`` with one more column."""
    key = Column("key", String(64), primary_key=True)
    return Table("meta", MetaData(), key, Column(column, Integer, nullable=nullable))


def _raw(path: Path) -> tuple[int, set[str]]:
    """(schema_version, meta's columns) read with plain sqlite3, without migrating anything."""
    with sqlite3.connect(path) as conn:
        version = int(conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0])
        columns = {row[1] for row in conn.execute("PRAGMA table_info(meta)")}
    return version, columns


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """A store written by this code at today's SCHEMA_VERSION."""
    path = tmp_path / "m.db"
    open_store(str(path), load_reference_data=False).close()
    return path


@pytest.fixture
def advance(monkeypatch: pytest.MonkeyPatch) -> Advance:
    """Pretend the code is one schema version ahead, with ``step`` as the migration to it."""

    def ahead(step: migrations.Step) -> int:
        target = SCHEMA_VERSION + 1
        monkeypatch.setattr(store_module, "SCHEMA_VERSION", target)
        monkeypatch.setitem(migrations.MIGRATIONS, target, step)
        return target

    return ahead


def test_an_older_store_is_migrated_once_and_keeps_its_identity(store_path: Path, advance: Advance) -> None:
    store_id = open_store(str(store_path), load_reference_data=False).store_id
    runs: list[bool] = []
    target = advance(lambda conn: runs.append(migrations.add_column(conn, _meta_with("note"), "note")))
    for _ in range(2):
        opened = open_store(str(store_path), load_reference_data=False)
        assert opened.store_id == store_id
        opened.close()
    assert _raw(store_path) == (target, {"key", "value", "note"})
    assert runs == [True]  # the step ran on the first open only


def test_a_failing_step_leaves_the_store_unchanged(store_path: Path, advance: Advance) -> None:
    def broken(conn: Connection) -> None:
        migrations.add_column(conn, _meta_with("half"), "half")
        raise RuntimeError("disk on fire")

    target = advance(broken)
    with pytest.raises(StoreError, match=f"schema version {SCHEMA_VERSION} to {target} failed.*disk on fire"):
        open_store(str(store_path), load_reference_data=False)
    assert _raw(store_path) == (SCHEMA_VERSION, {"key", "value"})  # the ALTER rolled back with the rest


def test_a_missing_step_is_refused_clearly(store_path: Path, advance: Advance, monkeypatch: pytest.MonkeyPatch) -> None:
    target = advance(lambda conn: None)
    monkeypatch.delitem(migrations.MIGRATIONS, target)
    with pytest.raises(StoreError, match="no migration registered"):
        open_store(str(store_path), load_reference_data=False)
    assert _raw(store_path)[0] == SCHEMA_VERSION


def test_a_not_null_column_without_a_server_default_is_rejected(store_path: Path) -> None:
    opened = open_store(str(store_path), load_reference_data=False)
    try:
        with opened.engine.connect() as conn, conn.begin(), pytest.raises(ValueError, match="server_default"):
            migrations.add_column(conn, _meta_with("must", nullable=False), "must")
    finally:
        opened.close()


def test_registered_steps_lie_between_the_oldest_migratable_and_the_current_version() -> None:
    assert all(migrations.OLDEST_MIGRATABLE < version <= SCHEMA_VERSION for version in migrations.MIGRATIONS)
    with pytest.raises(ValueError, match="predate"):
        migrations.migration(migrations.OLDEST_MIGRATABLE)(lambda conn: None)


def test_a_schema_2_store_gains_the_alarm_tables(store_path: Path) -> None:
    """A store from before the alarm tables (schema 2) opens at schema 3 with alarms, alarm_log and plan_runs."""
    with sqlite3.connect(store_path) as conn:
        for table in ("alarms", "alarm_log", "plan_runs"):
            conn.execute(f"DROP TABLE {table}")
        conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    opened = open_store(str(store_path), load_reference_data=False)
    assert opened.snapshot().alarms == () and opened.snapshot().plans == ()
    opened.close()
    with sqlite3.connect(store_path) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"alarms", "alarm_log", "plan_runs"} <= tables
    assert _raw(store_path)[0] == SCHEMA_VERSION
