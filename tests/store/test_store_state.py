"""Snapshots, KPIs, staff positions, alerts, schema versions and bulk seeding."""

from __future__ import annotations

import contextlib
import logging
import re
import time
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, update
from store_helpers import bulk_row, make_case

from feeds.protocol import (
    CaseClosed,
    CaseCreated,
    CaseStageChanged,
    CrowdFlow,
    SensorReading,
    Snapshot,
    StaffPosition,
    WeatherWarning,
)
from feeds.protocol.codec import decode, encode
from feeds.store import SCHEMA_VERSION, SchemaTooNewError, Store, StoreError, open_store
from feeds.store import store as store_module
from feeds.store.bulk import SORT_THREADS, _sort_memory
from feeds.store.counters import beijing_day, day_start
from feeds.store.schema import alerts, cases, meta, sensor_readings
from feeds.store.snapshot import ACTIVE_WINDOW_S

DAY = 86_400


def test_snapshot_holds_open_recent_and_closed_today_cases(store: Store) -> None:
    """Open cases of the active window, cases reported in 24 h and closed today are in; the rest is not."""
    now = time.time()
    today = day_start(beijing_day(now))
    store.append_events(
        [
            CaseCreated(make_case("OPEN_BACKLOG", reported_at=now - ACTIVE_WINDOW_S - DAY)),
            CaseCreated(make_case("OPEN_OLD", reported_at=now - 20 * DAY)),
            CaseCreated(make_case("CLOSED_OLD", reported_at=now - 30 * DAY, stage="verifying")),
            CaseCreated(make_case("CLOSED_TODAY", reported_at=now - 10 * DAY, stage="verifying")),
            CaseCreated(make_case("RECENT", reported_at=now - 3600)),
        ]
    )
    store.append_events(
        [
            CaseClosed("CLOSED_OLD", ts=now - 20 * DAY),
            CaseClosed("CLOSED_TODAY", ts=max(today, now - 60)),
            CaseStageChanged("RECENT", "cancelled"),
        ]
    )
    snap = store.snapshot(now)
    assert snap.head == store.head() == 8
    assert snap.store_id == store.store_id
    ids = [c.id for c in snap.cases]
    assert sorted(ids) == ["CLOSED_TODAY", "OPEN_OLD", "RECENT"]
    assert ids[0] == "OPEN_OLD"  # oldest report first
    assert {c.id: c.stage for c in snap.cases}["RECENT"] == "cancelled"
    assert snap.kpi is not None and snap.kpi.totals is not None and snap.kpi.totals["cases"] == 5


def test_alerts_and_staff_in_snapshot(store: Store) -> None:
    """Active warnings only; latest crowd and sensor state; fresh staff positions."""
    store.append_events(
        [
            WeatherWarning("W-RAIN", "rainstorm", "yellow"),
            WeatherWarning("W-HEAT", "heat", "orange"),
            CrowdFlow("xidan", 900, 1000, "busy"),
            CrowdFlow("xidan", 1200, 1000, "critical"),
            SensorReading("rg-1", "rain_gauge", 42.0, "mm/h", 30.0, True, 116.36, 39.91),
        ]
    )
    store.append_events([WeatherWarning("W-HEAT", "heat", "orange", active=False)])
    store.update_staff([StaffPosition("s1", "110102001004001", 116.36, 39.91)])
    store.update_staff(
        [StaffPosition("s1", "110102001004002", 116.37, 39.92), StaffPosition("s2", "110102001004001", 116.36, 39.91)]
    )
    snap = store.snapshot()
    assert [w.alert_id for w in snap.weather] == ["W-RAIN"]
    assert [(c.spot_id, c.count, c.level) for c in snap.crowd] == [("xidan", 1200, "critical")]
    assert [(s.sensor_id, s.alarm) for s in snap.sensors] == [("rg-1", True)]
    assert {(p.staff_id, p.grid) for p in snap.staff} == {("s1", "110102001004002"), ("s2", "110102001004001")}
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(sensor_readings)).scalar_one() == 1


def test_kpis_count_today_and_totals(store: Store) -> None:
    """Today's reported/filed/dispatched/closed (no rates of its own); totals include bulk-seeded history."""
    now = time.time()
    today = day_start(beijing_day(now))
    t = max(today + 1, now - 120)
    store.append_events([CaseCreated(make_case(f"K{i}", reported_at=t)) for i in range(4)])
    store.append_events(
        [CaseStageChanged(f"K{i}", "filed", ts=t) for i in range(4)]
        + [CaseStageChanged(f"K{i}", "dispatched", ts=t) for i in range(3)]
        + [CaseStageChanged(f"K{i}", s, ts=t) for i in (0, 1) for s in ("handling", "closure_requested", "verifying")]
        + [CaseClosed("K0", on_time=True, ts=t), CaseClosed("K1", on_time=False, ts=t)]
    )
    start = int(today - 400 * DAY)
    store.bulk_insert_cases([bulk_row(i, start + i * DAY, closed=i != 0) for i in range(10)])
    kpi = store.kpis(now)
    assert kpi.today == {
        "reported": 4,
        "filed": 4,
        "dispatched": 3,
        "closed": 2,
    }  # no rates: they are the analytics indicators, added by the server (one definition)
    assert kpi.totals is not None
    assert (kpi.totals["cases"], kpi.totals["closed"]) == (14, 11)
    assert kpi.totals["closure_rate"] == round(11 / 14, 4)
    assert kpi.totals["since"] == time.strftime("%Y-%m-%d", time.gmtime(start + 8 * 3600))


def test_bulk_insert_matches_group_by_and_rebuilds_indexes(store: Store) -> None:
    """Counters agree with a plain GROUP BY; deferred indexes are back; history rows land."""
    base = int(time.time()) - 800 * DAY
    rows = [bulk_row(i, base + i * 3 * 3600, closed=i % 7 != 0, on_time=i % 5 != 0) for i in range(2000)]
    history = [{"case_id": "H0000001", "at": base, "action": "urge", "actor": "op"}]
    assert store.bulk_insert_cases(iter(rows), history, chunk_rows=300) == 2000
    with store.engine.connect() as conn:
        total, closed = conn.execute(select(func.count(), func.count(cases.c.closed_at))).one()
        names = {ix["name"] for ix in inspect(conn).get_indexes("cases")}
    assert {ix.name for ix in cases.indexes} <= names
    totals = store.kpis().totals
    assert totals is not None and (totals["cases"], totals["closed"]) == (total, closed) == (2000, 1714)
    found = store.case("H0000001")
    assert found is not None and [h["action"] for h in found[1]] == ["urge"]
    with pytest.raises(ValueError, match="grid"):
        store.bulk_insert_cases([{k: v for k, v in bulk_row(9999, base).items() if k != "grid"}])


def test_the_index_rebuild_settings_are_set_back(tmp_path: Path) -> None:
    """SQLite: the page cache, sorter threads and memory map of an index rebuild are this connection's own,
    for the rebuild only: the connection goes back to the pool with its settings as before."""
    store = open_store(str(tmp_path / "pragmas.db"))
    pragmas = ("cache_size", "threads", "mmap_size")
    try:
        with store.engine.connect() as conn:
            before = [conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in pragmas]
            with _sort_memory(conn, True):
                assert conn.exec_driver_sql("PRAGMA threads").scalar() == SORT_THREADS
                assert (conn.exec_driver_sql("PRAGMA mmap_size").scalar() or 0) > 0
            assert [conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in pragmas] == before
            conn.rollback()
    finally:
        store.close()


def test_bulk_columns_round_trip_every_column_type(store: Store) -> None:
    """Column chunks come back as written (text, float, bigint, smallint, bool, NULL); PostgreSQL loads them by
    binary COPY, which would wrap a SMALLINT out of range silently: such a chunk is refused, nothing written."""
    base = int(time.time()) - 50 * DAY
    row = {**bulk_row(1, base), "urges": 3, "reworks": 1, "difficult": True, "description": "tab\there\\ 暴露垃圾"}
    chunk = {k: [v] for k, v in row.items()}
    assert store.bulk_insert_columns([chunk]) == 1
    with store.engine.connect() as conn:
        got = conn.execute(select(*(cases.c[k] for k in row)).where(cases.c.id == row["id"])).one()
    assert dict(zip(row, got, strict=True)) == row
    if store.engine.dialect.name == "postgresql":
        bad = {**chunk, "id": ["H9999999"], "urges": [70_000]}
        with pytest.raises(ValueError, match="SMALLINT"):
            store.bulk_insert_columns([bad])
        with store.engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(cases)).scalar() == 1


def test_bulk_columns_of_one_value_come_back_as_written(store: Store) -> None:
    """Columns holding one value for every row (written into the SQL on SQLite) round-trip exactly: a quote,
    a NUL, booleans, NULL, and columns whose values are equal but of mixed types (True and 1) or differ.
    PostgreSQL's COPY takes each value as typed: there the same rows without the NUL (its text cannot
    hold one) and with an integer for the SMALLINT column."""
    sqlite = store.engine.dialect.name == "sqlite"
    base = int(time.time()) - 50 * DAY
    rows = [
        {**bulk_row(i, base + i), "address": "O'Brien's \x00 路" if sqlite else "O'Brien's 路", "description": "it's",
         "difficult": True, "urges": 2.0 if sqlite and not i else 2, "reworks": True if i else 1, "component": None,
         "on_time": [True, False, None][i]}
        for i in range(3)
    ]  # fmt: skip
    chunk = {k: [r[k] for r in rows] for k in rows[0]}
    assert store.bulk_insert_columns([chunk]) == 3
    with store.engine.connect() as conn:
        got = conn.execute(select(*(cases.c[k] for k in rows[0])).order_by(cases.c.id)).all()
    assert [dict(zip(rows[0], g, strict=True)) for g in got] == rows
    assert [type(g.urges) for g in got] == [int] * 3 and [g.reworks for g in got] == [1, 1, 1]


def test_reopen_keeps_identity_and_refuses_newer_or_older_schema(tmp_path: Path) -> None:
    """store_id persists; a newer schema_version is refused clearly, one older than any migration too."""
    path = str(tmp_path / "v.db")
    first = open_store(path, load_reference_data=False)
    store_id = first.store_id
    first.append_events([CaseCreated(make_case("R1"))])
    first.close()
    again = open_store(path, load_reference_data=False)
    assert (again.store_id, again.head()) == (store_id, 1)
    for version, error, text in (
        (SCHEMA_VERSION + 1, SchemaTooNewError, "newer"),
        (1, StoreError, "oldest"),
    ):
        with again.engine.connect() as conn, conn.begin():
            conn.execute(update(meta).where(meta.c.key == "schema_version").values(value=str(version)))
        with pytest.raises(error, match=text):
            open_store(path, load_reference_data=False)
    again.close()


def test_default_store_lives_in_the_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """open_store(None) creates gridwall.db under $GRIDWALL_DATA_DIR, in WAL mode."""
    monkeypatch.setenv("GRIDWALL_DATA_DIR", str(tmp_path / "data"))
    opened = open_store(None, load_reference_data=False)
    try:
        assert (tmp_path / "data" / "gridwall.db").exists()
        with opened.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    finally:
        opened.close()


def test_reference_data_is_loaded_once(store: Store) -> None:
    """Units and taxonomy are loaded into empty tables, and checked against."""
    assert len(store.reference.grids) > 2000
    assert store.reference.subclasses["1201"][0] == "event"


def test_a_missing_database_driver_is_a_clear_store_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bundle carries no libpq: opening a PostgreSQL store without one says what to install."""

    def no_driver(url: str) -> None:
        raise ImportError("no pq wrapper available")

    monkeypatch.setattr(store_module, "make_engine", no_driver)
    with pytest.raises(StoreError, match=r"127\.0\.0\.1/wall: no database driver .*libpq5") as raised:
        open_store("postgresql://operator:secret@127.0.0.1/wall")
    assert "secret" not in str(raised.value)


def test_a_store_that_cannot_be_opened_is_a_store_error_naming_it(tmp_path: Path) -> None:
    """No folder can be made for it, it is a folder, it is not a database: each a StoreError with the path
    and the reason on one line (commands print it as their one-line error), never the driver's traceback."""
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    folder = tmp_path / "folder.db"
    folder.mkdir()
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(bytes(range(256)) * 20)
    for path, reason in (
        (blocker / "s.db", "cannot create its folder"),
        (folder, "cannot open it: unable to open database file"),
        (garbage, "cannot open it: file is not a database"),
    ):
        with pytest.raises(StoreError) as raised:
            open_store(str(path), load_reference_data=False)
        message = str(raised.value)
        assert message.startswith(f"store {path}: {reason}") and "\n" not in message, message
    assert garbage.read_bytes() == bytes(range(256)) * 20  # left as it was


def test_another_programs_database_is_refused_untouched(tmp_path: Path) -> None:
    """A SQLite file with other tables and no GridWall ``meta`` is not made a store (its tables were added
    to it, even by the read-only ``stats``); a ``schema_version`` that is no number is a StoreError too."""
    import sqlite3

    other = tmp_path / "accounts.db"
    with contextlib.closing(sqlite3.connect(other)) as db:
        db.execute("CREATE TABLE invoices (id INTEGER, amount REAL)")
        db.commit()
    with pytest.raises(StoreError, match=r"not a GridWall store \(it holds other tables: invoices\)"):
        open_store(str(other), load_reference_data=False)
    with contextlib.closing(sqlite3.connect(other)) as db:
        assert [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")] == ["invoices"]
    damaged = open_store(str(tmp_path / "s.db"), load_reference_data=False)
    with damaged.engine.begin() as conn:
        conn.execute(update(meta).where(meta.c.key == "schema_version").values(value="abc"))
    damaged.close()
    with pytest.raises(StoreError, match="schema_version 'abc' is not a number"):
        open_store(str(tmp_path / "s.db"), load_reference_data=False)
    fresh = open_store(str(tmp_path / "new.db"), load_reference_data=False)  # a new file, and opened again
    fresh.close()
    open_store(str(tmp_path / "new.db"), load_reference_data=False).close()


def test_a_stored_row_that_cannot_be_sent_is_left_out_of_the_snapshot(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    """A case with a time outside 1970-2099 or a stored alert the protocol refuses (from an older version)
    is left out and named in the log; the rest of the snapshot goes out and a wall takes it. One such row
    made every snapshot fail: the server could not encode it, or every wall refused the whole snapshot."""
    now = time.time()
    store.append_events(
        [
            CaseCreated(make_case("GOOD", reported_at=now - 3600)),
            CaseCreated(make_case("FAR_DEADLINE", reported_at=now - 1800)),
            CaseCreated(make_case("BAD_POSITION", reported_at=now - 900)),
            WeatherWarning("W-RAIN", "rainstorm", "yellow"),
            WeatherWarning("W-OLD", "rainstorm", "blue"),
        ]
    )
    with store.engine.connect() as conn:
        frame = conn.execute(select(alerts.c.frame).where(alerts.c.id == "W-OLD")).scalar_one()
    assert '"ts":"' in frame
    with store.engine.begin() as conn:  # what an older import could leave in a store
        conn.execute(update(cases).where(cases.c.id == "FAR_DEADLINE").values(deadline_at=253_402_300_800))
        conn.execute(update(cases).where(cases.c.id == "BAD_POSITION").values(lon=500.0))
        far = re.sub(r'"ts":"[^"]*"', '"ts":"9999-12-31T23:59:59+08:00"', frame)  # a CAP alert dated 9999
        conn.execute(update(alerts).where(alerts.c.id == "W-OLD").values(frame=far))
    with caplog.at_level(logging.WARNING, logger="feeds.store.snapshot"):
        snap = store.snapshot(now)
    assert [c.id for c in snap.cases] == ["GOOD"]
    assert [w.alert_id for w in snap.weather] == ["W-RAIN"]
    taken = decode(encode(snap))  # the wall's own check of the snapshot passes
    assert isinstance(taken, Snapshot) and [c.id for c in taken.cases] == ["GOOD"]
    messages = [r.getMessage() for r in caplog.records]
    assert "snapshot: 2 case(s) left out, their times or position cannot be sent (first: BAD_POSITION)" in messages
    assert any(m.startswith("snapshot: a stored weather left out: ") for m in messages)
