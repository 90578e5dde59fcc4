"""311 CSV import: counts with reasons, stages, times, unmapped types, idempotent re-import."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from feeds.importers.commands import CsvImportOptions, ImportUserError, run_import_csv
from feeds.importers.csv311 import CsvLayoutError, import_csv
from feeds.importers.mapping import load_csv_mapping
from feeds.importers.records import MappingError, case_id
from feeds.importers.units import store_locator
from feeds.store import Store, open_store
from feeds.store.schema import cases, units
from feeds.taxonomy import UNMAPPED


def _import(path: Path, db: Path, mapping: str, **kw: object) -> dict[str, object]:
    out = io.StringIO()
    opts = CsvImportOptions(path, mapping, db=str(db), json=True, progress=False, **kw)  # type: ignore[arg-type]
    run_import_csv(opts, out=out, err=io.StringIO())
    return dict(json.loads(out.getvalue()))


def _case(store: Store, case_id: str) -> dict[str, object]:
    with store.engine.connect() as conn:
        return dict(conn.execute(select(cases).where(cases.c.id == case_id)).mappings().one())


def test_nyc_sample_with_generated_units_counts_every_row(data_dir: Path, tmp_path: Path) -> None:
    """Every row of the NYC sample is taken or skipped with a reason; units are generated for the city."""
    report = _import(data_dir / "nyc311_300.csv", tmp_path / "nyc.db", "nyc311", generate_units=True)
    assert report["read"] == 300
    assert report["taken"] + report["skipped_total"] == 300  # type: ignore[operator]
    skipped = report["skipped"]
    assert isinstance(skipped, dict)
    assert skipped["no_coordinates"] > 0  # the sample has rows without Latitude/Longitude
    assert set(skipped) <= {"no_coordinates", "outside_units"}
    assert report["unmapped_total"] > 0
    store = open_store(str(tmp_path / "nyc.db"))
    try:
        with store.engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(cases)).scalar_one() == report["taken"]
            levels = dict(conn.execute(select(units.c.level, func.count()).group_by(units.c.level)).all())
            assert levels["district"] == 1 and levels["grid"] > 100
            generated = conn.execute(select(func.min(units.c.generated))).scalar_one()
            assert generated  # all generated
            unmapped = conn.execute(
                select(func.count()).select_from(cases).where(cases.c.subclass == UNMAPPED.code)
            ).scalar_one()
        assert unmapped == report["unmapped_total"]
        first = _case(store, "NYC39573567")  # 06/26/2018 10:58:54 AM New York, closed 12:50:01 PM
        assert first["stage"] == "closed"
        assert first["subclass"] == UNMAPPED.code  # "Non-Emergency Police Matter" is not mapped
        ny = ZoneInfo("America/New_York")
        assert first["reported_at"] == int(datetime(2018, 6, 26, 10, 58, 54, tzinfo=ny).timestamp())
        assert first["closed_at"] == int(datetime(2018, 6, 26, 12, 50, 1, tzinfo=ny).timestamp())
        assert first["source"] == "hotline_12345"  # PHONE
        assert str(first["grid"]).startswith("990000") and len(str(first["grid"])) == 15
    finally:
        store.close()


def test_reimport_updates_and_never_duplicates(data_dir: Path, tmp_path: Path) -> None:
    """Importing the same file twice leaves the same cases and the same KPI totals."""
    db = tmp_path / "bos.db"
    first = _import(data_dir / "boston311_100.csv", db, "boston311", generate_units=True)
    store = open_store(str(db))
    totals = store.kpis(now=0).totals
    store.close()
    second = _import(data_dir / "boston311_100.csv", db, "boston311")
    assert first["taken"] == second["updated"] and second["taken"] == 0
    assert first["taken"] > 90
    store = open_store(str(db))
    try:
        assert store.kpis(now=0).totals == totals
        assert totals["cases"] == first["taken"]
        with store.engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(cases)).scalar_one() == first["taken"]
    finally:
        store.close()


def test_stage_mapping_of_open_and_closed_boston_cases(data_dir: Path, tmp_path: Path) -> None:
    """Boston's Open/Closed map to filed/closed; the target date becomes the deadline; the app is a source."""
    db = tmp_path / "bos.db"
    _import(data_dir / "boston311_100.csv", db, "boston311", generate_units=True)
    store = open_store(str(db))
    try:
        open_case = _case(store, "BOS101004143000")  # Open, target 2022-02-04 13:47:30 Boston
        assert open_case["stage"] == "filed"
        boston = ZoneInfo("America/New_York")
        assert open_case["deadline_at"] == int(datetime(2022, 2, 4, 13, 47, 30, tzinfo=boston).timestamp())
        closed = _case(store, "BOS101004130437")  # Closed, Needle Pickup (unmapped), Constituent Call
        assert closed["stage"] == "closed" and closed["source"] == "hotline_12345"
        assert closed["filed_at"] == closed["reported_at"] and closed["closed_at"] > closed["reported_at"]  # type: ignore[operator]
    finally:
        store.close()


def test_points_outside_the_loaded_units_are_skipped_with_a_reason(data_dir: Path, store: Store) -> None:
    """Boston's points fall outside Xicheng's grids: skipped as outside_units, nothing stored."""
    report = import_csv(
        data_dir / "boston311_100.csv", load_csv_mapping("boston311"), store.engine, store_locator(store.engine)
    )
    assert report.read == 100 and report.taken == 0
    assert report.skipped == {"outside_units": 100}
    assert "outside_units" in report.summary()


def test_duplicate_ids_in_one_file_keep_the_last_row(tmp_path: Path, store: Store) -> None:
    """Two rows with one id: one case, counted as taken once and updated once."""
    path = tmp_path / "dup.csv"
    path.write_text(
        "case_enquiry_id,open_dt,type,case_status,closed_dt,latitude,longitude\n"
        "7,2022-01-01 08:00:00,Parking Enforcement,Open,,39.913,116.365\n"
        "7,2022-01-01 08:00:00,Parking Enforcement,Closed,2022-01-01 09:00:00,39.913,116.365\n",
        encoding="utf-8",
    )
    mapping_file = tmp_path / "m.toml"
    mapping_file.write_text(
        'timezone = "Asia/Shanghai"\n[columns]\nid = "case_enquiry_id"\nreported_at = "open_dt"\ntype = "type"\n'
        'status = "case_status"\nclosed_at = "closed_dt"\nlat = "latitude"\nlon = "longitude"\n'
        '[statuses]\nOpen = "filed"\nClosed = "closed"\n[types]\n"Parking Enforcement" = "1505"\n',
        encoding="utf-8",
    )
    report = import_csv(path, load_csv_mapping(str(mapping_file)), store.engine, store_locator(store.engine))
    assert (report.taken, report.updated, report.skipped_total) == (1, 1, 0)
    row = _case(store, "7")
    assert row["stage"] == "closed" and row["subclass"] == "1505" and row["kind"] == "event"
    assert row["reported_at"] == int(datetime(2022, 1, 1, 8, tzinfo=ZoneInfo("Asia/Shanghai")).timestamp())


def test_bad_times_and_missing_ids_are_skipped(tmp_path: Path, store: Store) -> None:
    """A row with an unreadable time or no id is skipped with its reason and line."""
    path = tmp_path / "bad.csv"
    path.write_text(
        "case_enquiry_id,open_dt,type,latitude,longitude\n"
        ",2022-01-01 08:00:00,x,39.913,116.365\n"
        "8,yesterday,x,39.913,116.365\n"
        "9,2022-01-01 08:00:00,x,39.913,116.365\n"
        "10,9999-12-31 23:00:00,x,39.913,116.365\n"  # readable, but no wire time: a snapshot would carry it
        "11,1969-12-31 08:00:00,x,39.913,116.365\n"
        "12,2099-12-31 23:59:59,x,39.913,116.365\n",  # the last Beijing second the wire takes
        encoding="utf-8",
    )
    mapping_file = tmp_path / "m.toml"
    mapping_file.write_text(
        '[columns]\nid = "case_enquiry_id"\nreported_at = "open_dt"\ntype = "type"\n'
        'lat = "latitude"\nlon = "longitude"\n',
        encoding="utf-8",
    )
    report = import_csv(path, load_csv_mapping(str(mapping_file)), store.engine, store_locator(store.engine))
    assert report.skipped == {"missing_id": 1, "bad_time": 3}
    assert report.examples["bad_time"] == ["line 3 id 8", "line 5 id 10", "line 6 id 11"]
    assert report.taken == 2 and report.unmapped == {"x": 2}


def test_line_numbers_count_quoted_line_breaks_and_short_rows_are_skipped(tmp_path: Path, store: Store) -> None:
    """Skip examples name the file's line even after a quoted multi-line field; a short row is skipped; odd ids kept."""
    path = tmp_path / "lines.csv"
    path.write_text(
        "case_enquiry_id,open_dt,type,latitude,longitude,location\n"
        '1,2022-01-01 08:00:00,x,39.913,116.365,"two\nlines"\n'
        "2,2022-01-01 08:00:00\n"
        "3,yesterday,x,39.913,116.365,a\n"
        '4 / A,2022-01-01 08:00:00,x,39.913,116.365,"three\r\nline\r\nbreaks"\n'
        ",2022-01-01 08:00:00,x,39.913,116.365,b\n",
        encoding="utf-8",
    )
    mapping_file = tmp_path / "m.toml"
    mapping_file.write_text(
        '[columns]\nid = "case_enquiry_id"\nreported_at = "open_dt"\ntype = "type"\n'
        'lat = "latitude"\nlon = "longitude"\naddress = "location"\n',
        encoding="utf-8",
    )
    report = import_csv(path, load_csv_mapping(str(mapping_file)), store.engine, store_locator(store.engine))
    assert report.read == 5
    assert report.skipped == {"short_row": 1, "bad_time": 1, "missing_id": 1}
    assert report.examples == {"short_row": ["line 4"], "bad_time": ["line 5 id 3"], "missing_id": ["line 9"]}
    assert report.taken == 2
    assert _case(store, "1")["address"] == "two\nlines"
    odd = case_id("", "4 / A")
    assert odd is not None and odd.startswith("4-A_")  # readable, with the hash of the id (unsafe characters)
    assert _case(store, odd)["address"] == "three\r\nline\r\nbreaks"


def test_a_large_reimport_rebuilds_the_indexes_it_dropped(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A re-import of the whole file (indexes dropped and rebuilt) leaves every index and the text search working."""
    from feeds.importers import csv311

    db = tmp_path / "bos.db"
    _import(data_dir / "boston311_100.csv", db, "boston311", generate_units=True)
    monkeypatch.setattr(csv311, "DEFER_MIN_ROWS", 0)  # the sample is small: treat it as a big file
    deferred: list[bool | None] = []
    upsert = csv311.upsert_columns

    def spy(engine: object, chunks: object, *, defer_indexes: bool | None = None) -> object:
        deferred.append(defer_indexes)
        return upsert(engine, chunks, defer_indexes=defer_indexes)  # type: ignore[arg-type]

    monkeypatch.setattr(csv311, "upsert_columns", spy)
    store = open_store(str(db))
    try:
        with store.engine.connect() as conn:
            before = sorted(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger')"))
        report = import_csv(
            data_dir / "boston311_100.csv", load_csv_mapping("boston311"), store.engine, store_locator(store.engine)
        )
        assert report.updated == report.read - report.skipped_total
        with store.engine.connect() as conn:
            after = sorted(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger')"))
            hits = conn.exec_driver_sql("SELECT count(*) FROM cases_fts WHERE cases_fts MATCH '\"Cross St\"'").scalar()
        assert deferred == [True]
        assert after == before and any(name.startswith("ix_cases_") for (name,) in after)
        assert hits and hits > 0
    finally:
        store.close()


def test_mapping_errors_are_one_line(tmp_path: Path) -> None:
    """An unknown subclass, stage or column, or a missing mapping, is refused with a clear message."""
    bad = tmp_path / "bad.toml"
    bad.write_text('[columns]\nid = "a"\nreported_at = "b"\ntype = "c"\n[types]\nx = "9999"\n', encoding="utf-8")
    with pytest.raises(MappingError, match="9999"):
        load_csv_mapping(str(bad))
    bad.write_text('[columns]\nid = "a"\nreported_at = "b"\ntype = "c"\n[statuses]\nx = "done"\n', encoding="utf-8")
    with pytest.raises(MappingError, match="unknown stage"):
        load_csv_mapping(str(bad))
    bad.write_text('[columns]\nid = "a"\n', encoding="utf-8")
    with pytest.raises(MappingError, match="lacks reported_at, type"):
        load_csv_mapping(str(bad))
    with pytest.raises(MappingError, match=r"shipped mappings: boston311, nyc311\)"):
        load_csv_mapping("chicago")


def test_header_without_a_mapped_column_is_refused(data_dir: Path, tmp_path: Path) -> None:
    """The NYC mapping on the Boston file names the missing headers."""
    with pytest.raises(ImportUserError, match="'Unique Key'"):
        _import(data_dir / "boston311_100.csv", tmp_path / "x.db", "nyc311")
    with pytest.raises(CsvLayoutError):
        import_csv(data_dir / "boston311_100.csv", load_csv_mapping("nyc311"), None, None)  # type: ignore[arg-type]


def test_a_nul_in_a_text_field_never_reaches_the_store(data_dir: Path, tmp_path: Path) -> None:
    """The bulk path skips the protocol's validation, which refuses NUL (PostgreSQL's text cannot hold
    one, and a wall's snapshot would be refused): a NUL in a description or address becomes U+FFFD."""
    with (data_dir / "nyc311_300.csv").open(encoding="utf-8", newline="") as f:
        table = list(csv.reader(f))
    header, body = table[0], table[1:]
    at = {name: header.index(name) for name in ("Descriptor", "Incident Address", "Latitude")}
    rows = [r for r in body if r[at["Latitude"]]]  # the rows with a place
    for r in rows:
        for name in ("Descriptor", "Incident Address"):
            r[at[name]] += "\x00x"
    assert len(rows) > 20
    path = tmp_path / "nul.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    report = _import(path, tmp_path / "nul.db", "nyc311", generate_units=True)
    assert report["read"] == len(rows) and report["taken"] > 20
    store = open_store(str(tmp_path / "nul.db"))
    try:
        with store.engine.connect() as conn:
            texts = conn.execute(select(cases.c.description, cases.c.address)).all()
        assert len(texts) == report["taken"]
        assert all("\x00" not in t for row in texts for t in row)
        assert all(d.endswith("\ufffdx") and a.endswith("\ufffdx") for d, a in texts)
    finally:
        store.close()
