"""``feeds.store.driver_sql.executemany``: the same rows as ``conn.execute``; on SQLite run as driver SQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, Table, Text, bindparam, create_engine, insert, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.sql.elements import quoted_name

from feeds.store import driver_sql
from feeds.store.apply import _insert_statement, _update_statement
from feeds.store.driver_sql import executemany
from feeds.store.schema import cases
from feeds.store.store import Store


def _rows() -> list[dict[str, Any]]:
    """Rows naming every column (as the applier's do), with floats, booleans and NULLs."""
    rows = []
    for i in range(5):
        row: dict[str, Any] = {c.name: getattr(c.default, "arg", None) for c in cases.columns}
        row |= {"id": f"C{i}", "kind": "event", "subclass": "1201", "source": "patrol", "grid": "110102001004001"}
        row |= {"community": "110102001004", "subdistrict": "110102001", "department": "D01", "stage": "reported"}
        row |= {"lon": 116.3 + i / 7, "lat": 39, "reported_at": 1_765_000_000 + i, "difficult": i % 2 == 1}
        row |= {"on_time": None if i == 0 else i % 2 == 0, "description": f"描述{i}"}
        rows.append(row)
    return rows


def _read(engine: Engine, table: Table) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(table).order_by(table.c.id))]


def test_executemany_writes_what_execute_writes(store: Store) -> None:
    """Inserts and updates give the rows ``conn.execute`` gives, on either database."""
    other = MetaData()
    copy = cases.to_metadata(other, name="cases_copy")
    for index in copy.indexes:
        index.name = quoted_name(f"{index.name}_copy", None)
    other.create_all(store.engine)
    changes: list[dict[str, Any]] = [
        {"_id": "C1", "v_stage": "filed", "v_filed_at": 5},
        {"_id": "C3", "v_stage": "filed", "v_filed_at": None},
    ]
    update_copy = (
        copy.update()
        .where(copy.c.id == bindparam("_id"))
        .values(stage=bindparam("v_stage"), filed_at=bindparam("v_filed_at"))
    )
    with store.engine.begin() as conn:
        executemany(conn, _insert_statement(cases), _rows())
        executemany(conn, _update_statement(cases, ("stage", "filed_at")), changes)
        conn.execute(insert(copy), _rows())
        conn.execute(update_copy, changes)
    assert _read(store.engine, cases) == _read(store.engine, copy)
    assert [r[0] for r in _read(store.engine, cases)] == [f"C{i}" for i in range(5)]
    if store.engine.dialect.name == "sqlite":  # the driver SQL was used, not the fallback
        assert driver_sql._DRIVER_SQL[(_insert_statement(cases), "sqlite", tuple(_rows()[0]))] is not None


def test_executemany_errors_are_sqlalchemys() -> None:
    """A failing statement raises SQLAlchemy's ``OperationalError`` (the journal reads it as a store failure)."""
    engine = create_engine("sqlite://")
    table = Table("missing", MetaData(), Column("a", Integer), Column("b", Text))
    stmt = insert(table)
    with engine.begin() as conn, pytest.raises(OperationalError, match="no such table"):
        executemany(conn, stmt, [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}])
    assert driver_sql._DRIVER_SQL[(stmt, "sqlite", ("a", "b"))] is not None
