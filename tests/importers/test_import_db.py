"""Polling another system's case table (SQLite) by its updated-at column, with a checkpoint."""

from __future__ import annotations

import math
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from feeds.importers.dbpoll import DbCheckpoint, DbPoller, load_db_mapping
from feeds.importers.records import MappingError
from feeds.importers.sinks import StoreSink
from feeds.importers.units import store_locator
from feeds.store import Store
from feeds.store.schema import cases

MAPPING = """
table = "v_cases"
updated_at = "modified"
id_prefix = "LEG"
timezone = "Asia/Shanghai"
time_format = "%Y-%m-%d %H:%M:%S"
source = "city_platform"
default_stage = "filed"

[columns]
id = "case_no"
reported_at = "created"
closed_at = "finished"
status = "state"
type = "category"
lat = "wgs_lat"
lon = "wgs_lon"
address = "addr"

[statuses]
"立案" = "filed"
"处置中" = "handling"
"结案" = "closed"

[types]
"乱停车" = "1505"
"暴露垃圾" = "1102"
"""


def _legacy(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE cases_raw (case_no TEXT PRIMARY KEY, created TEXT, finished TEXT, state TEXT, category TEXT,"
        " wgs_lat REAL, wgs_lon REAL, addr TEXT, modified TEXT)"
    )
    db.execute("CREATE VIEW v_cases AS SELECT * FROM cases_raw")
    return db


def _put(db: sqlite3.Connection, no: str, state: str, modified: str, category: str = "乱停车", **kw: object) -> None:
    row = {
        "case_no": no,
        "created": "2026-11-27 08:00:00",
        "finished": None,
        "state": state,
        "category": category,
        "wgs_lat": 39.92,
        "wgs_lon": 116.368,
        "addr": "西长安街",
        "modified": modified,
    }
    row.update(kw)
    db.execute(
        "INSERT OR REPLACE INTO cases_raw VALUES"
        " (:case_no, :created, :finished, :state, :category, :wgs_lat, :wgs_lon, :addr, :modified)",
        row,
    )
    db.commit()


def _poller(tmp_path: Path, store: Store, page_rows: int = 2) -> DbPoller:
    mapping_file = tmp_path / "legacy.toml"
    mapping_file.write_text(MAPPING, encoding="utf-8")
    return DbPoller(
        f"sqlite:///{tmp_path / 'legacy.db'}",
        load_db_mapping(str(mapping_file)),
        StoreSink(store.engine),
        store_locator(store.engine),
        DbCheckpoint.load(tmp_path / "cp.json"),
        page_rows=page_rows,
    )


def _stages(store: Store) -> dict[str, str]:
    with store.engine.connect() as conn:
        return {r.id: r.stage for r in conn.execute(select(cases.c.id, cases.c.stage))}


def test_poll_takes_new_rows_then_only_changes_and_resumes_after_a_restart(tmp_path: Path, store: Store) -> None:
    """Rows in pages; a changed row is taken again, an unchanged one is not read; a restart misses nothing."""
    db = _legacy(tmp_path / "legacy.db")
    for i in range(5):
        _put(db, f"X{i}", "立案", "2026-11-27 08:00:00")  # all share one updated-at: keyset paging keeps them
    _put(db, "X5", "未知状态", "2026-11-27 08:01:00", category="井盖丢失", wgs_lat=None)
    poller = _poller(tmp_path, store)
    first = poller.poll_once()
    assert first.errors == []
    assert (first.read, first.taken) == (6, 5)
    assert first.skipped == {"no_coordinates": 1}
    assert set(_stages(store)) == {f"LEGX{i}" for i in range(5)}
    _put(db, "X2", "结案", "2026-11-27 09:00:00", finished="2026-11-27 08:50:00")
    second = poller.poll_once()
    assert (second.read, second.updated) == (1, 1)
    assert _stages(store)["LEGX2"] == "closed"
    _put(db, "X9", "处置中", "2026-11-27 09:00:00")  # same updated-at as the checkpoint, later id
    restarted = _poller(tmp_path, store)
    third = restarted.poll_once()
    assert (third.read, third.taken) == (1, 1)
    assert _stages(store)["LEGX9"] == "handling"
    assert restarted.poll_once().read == 0


def test_unmapped_categories_and_an_older_state_are_reported(tmp_path: Path, store: Store) -> None:
    """An unknown category is stored as unmapped; a row moved back to an earlier status is a stale update."""
    db = _legacy(tmp_path / "legacy.db")
    _put(db, "A", "处置中", "2026-11-27 08:00:00", category="井盖丢失")
    poller = _poller(tmp_path, store)
    report = poller.poll_once()
    assert report.unmapped == {"井盖丢失": 1}
    _put(db, "A", "立案", "2026-11-27 08:30:00", category="井盖丢失")
    assert poller.poll_once().skipped == {"stale_update": 1}
    assert _stages(store)["LEGA"] == "handling"


def test_times_outside_the_wire_range_are_bad_times(tmp_path: Path, store: Store) -> None:
    """A row created in 9999 or before 1970 (text) is skipped as a bad time: the wire refuses such a time, so
    stored it would break every snapshot; the row beside it is taken."""
    db = _legacy(tmp_path / "legacy.db")
    _put(db, "OK", "立案", "2026-11-27 08:00:00")
    _put(db, "LATE", "立案", "2026-11-27 08:00:00", created="9999-12-31 23:00:00")
    _put(db, "EARLY", "立案", "2026-11-27 08:00:00", created="1969-07-20 20:17:00")
    report = _poller(tmp_path, store).poll_once()
    assert report.skipped == {"bad_time": 2} and report.taken == 1
    assert set(_stages(store)) == {"LEGOK"}
    poller = _poller(tmp_path, store)  # typed columns (PostgreSQL's timestamps, epoch numbers) are checked alike
    for typed in (datetime(9999, 12, 31, 23, tzinfo=UTC), datetime(1960, 1, 1), 1e12, -1.0, math.nan):
        with pytest.raises(ValueError, match="between 1970 and 2099"):
            poller._epoch(typed)
    assert poller._epoch(datetime(2026, 11, 27, tzinfo=UTC)) == 1_795_737_600.0


def test_a_missing_table_or_column_is_named(tmp_path: Path, store: Store) -> None:
    """A mapping naming a table or column the database lacks is reported in one line."""
    db = _legacy(tmp_path / "legacy.db")
    db.execute("DROP VIEW v_cases")
    with pytest.raises(MappingError, match="no table or view 'v_cases'"):
        _poller(tmp_path, store).poll_once()
    db.execute("CREATE VIEW v_cases AS SELECT case_no, created FROM cases_raw")
    with pytest.raises(MappingError, match="category"):
        _poller(tmp_path, store).poll_once()


PG_MAPPING = MAPPING.replace('time_format = "%Y-%m-%d %H:%M:%S"\n', "")


def test_poll_of_a_postgresql_view_with_typed_columns_resumes_after_a_restart(
    pg_url: str, tmp_path: Path, store: Store
) -> None:
    """On PostgreSQL: timestamptz updated-at, naive timestamps, numeric points, integer ids; restart misses nothing."""
    from sqlalchemy import create_engine, text

    from feeds.store.engine import resolve_url

    legacy = create_engine(resolve_url(pg_url))
    with legacy.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE cases_raw (case_no integer PRIMARY KEY, created timestamp, finished timestamp,"
                " state text, category text, wgs_lat numeric(9,6), wgs_lon numeric(9,6), addr text,"
                " modified timestamptz)"
            )
        )
        conn.execute(text("CREATE VIEW v_cases AS SELECT * FROM cases_raw"))

    def put(no: int, state: str, modified: str, finished: str | None = None) -> None:
        with legacy.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO cases_raw VALUES (:no, '2026-11-27 08:00:00', :finished, :state, '乱停车',"
                    " 39.92, 116.368, '西长安街', :modified) ON CONFLICT (case_no) DO UPDATE SET"
                    " state = excluded.state, finished = excluded.finished, modified = excluded.modified"
                ),
                {"no": no, "state": state, "finished": finished, "modified": modified},
            )

    (tmp_path / "legacy.toml").write_text(PG_MAPPING, encoding="utf-8")

    pollers: list[DbPoller] = []

    def poller() -> DbPoller:
        pollers.append(
            DbPoller(
                pg_url.replace("postgresql+psycopg://", "postgresql://"),  # as a user writes it
                load_db_mapping(str(tmp_path / "legacy.toml")),
                StoreSink(store.engine),
                store_locator(store.engine),
                DbCheckpoint.load(tmp_path / "cp.json"),
                page_rows=2,
            )
        )
        return pollers[-1]

    for i in range(5):  # one shared updated-at across page boundaries
        put(i, "立案", "2026-11-27 08:00:00.250+08")
    first = poller().poll_once()
    assert first.errors == []
    assert first.skipped == {}
    assert (first.read, first.taken) == (5, 5)
    with store.engine.connect() as conn:
        reported = conn.execute(select(cases.c.reported_at).where(cases.c.id == "LEG3")).scalar_one()
    assert reported == 1795737600  # 2026-11-27 08:00 Beijing: the mapping's zone for naive timestamps
    put(2, "结案", "2026-11-27 09:00:00+08", finished="2026-11-27 08:50:00")
    put(9, "处置中", "2026-11-27 09:00:00+08")  # same updated-at, a later id
    restarted = poller()  # a new process: the checkpoint (a timestamptz) is read back from its file
    second = restarted.poll_once()
    assert second.errors == []
    assert (second.read, second.taken, second.updated) == (2, 1, 1)
    assert _stages(store) == {"LEG0": "filed", "LEG1": "filed", "LEG2": "closed", "LEG3": "filed", "LEG4": "filed",
                              "LEG9": "handling"}  # fmt: skip
    assert poller().poll_once().read == 0
    for each in pollers:
        each.close()
    legacy.dispose()
