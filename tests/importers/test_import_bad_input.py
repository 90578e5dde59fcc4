"""Bad input found by a sweep of the import commands: each is refused in one line or skipped with a reason."""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from desktop.cli import main
from feeds.store import open_store
from feeds.store.schema import alerts

MAPPING = """name = "Sweep"
timezone = "Asia/Shanghai"
time_format = "%Y-%m-%d %H:%M"
{extra}
[columns]
id = "id"
reported_at = "at"
type = "type"
lat = "lat"
lon = "lon"
description = "text"
"""
HEADER = "id,at,type,lat,lon,text\n"
ROW = "A{n},2026-11-27 09:00,x,39.9204,116.3681,ok\n"


def _one_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run a command that must fail: exit 1, one line on stderr starting ``gridwall <command>: ``."""
    assert main(argv) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"gridwall {argv[0]}: "), err
    return err[0]


def _mapping(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "m.toml"
    path.write_text(MAPPING.format(extra=extra), encoding="utf-8")
    return path


def test_a_field_over_the_csv_limit_refuses_the_file_naming_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A field over 128 KiB (an unclosed quote, as a rule) was a ``_csv.Error`` traceback."""
    path = tmp_path / "long.csv"
    path.write_text(HEADER + ROW.format(n=1) + f'A2,2026-11-27 09:00,x,39.92,116.36,"{"y" * 140_000}\n', "utf-8")
    argv = ["import-csv", str(path), "--mapping", str(_mapping(tmp_path)), "--db", str(tmp_path / "s.db")]
    line = _one_line([*argv, "--no-progress"], capsys)
    assert "line 3: a field is longer than 131,072 characters" in line
    line = _one_line([*argv, "--no-progress", "--generate-units"], capsys)  # the pre-pass reads it first
    assert "line 3: a field is longer than" in line


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ('encoding = "no-such-codec"', "encoding 'no-such-codec' is not a text encoding"),
        ('encoding = "base64"', "encoding 'base64'"),
        ("encoding = 8", "encoding 8"),
        ('delimiter = ";;"', "delimiter must be one character"),
        ('delimiter = ""', "delimiter must be one character"),
        ("delimiter = 1", "delimiter must be one character"),
        ('default_stage = "nope"', "unknown stage(s) nope"),
        ('[statuses]\n"x" = "nope"', "unknown stage(s) nope"),
    ],
)
def test_a_mapping_with_a_bad_encoding_or_delimiter_is_refused_naming_the_key(
    extra: str, needle: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unknown codec was a LookupError, a delimiter of two or no characters a TypeError."""
    path = tmp_path / "a.csv"
    path.write_text(HEADER + ROW.format(n=1), encoding="utf-8")
    mapping = _mapping(tmp_path, extra)
    line = _one_line(["import-csv", str(path), "--mapping", str(mapping), "--db", str(tmp_path / "s.db")], capsys)
    assert f"{mapping}: {needle}" in line and line.count(str(mapping)) == 1, line  # the file named once


CAP = """<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>{ident}</identifier><sent>2026-11-27T08:00:00+08:00</sent>
  <status>Actual</status><msgType>Alert</msgType>
  <info><event>暴雨黄色预警</event><severity>Moderate</severity><expires>2099-11-27T20:00:00+08:00</expires>
    <headline>西城区气象台发布暴雨黄色预警</headline>
    <area><areaDesc>西城区</areaDesc><polygon>{polygon}</polygon></area></info>
</alert>
"""


@pytest.mark.parametrize(
    ("polygon", "why"),
    [
        ("nan,116.31 39.87,inf 39.98,116.40 nan,116.31", "coordinates are not finite lat,lon degrees"),
        ("39.87,116.31 39.87,516.40 95,116.40 39.87,116.31", "coordinates are not finite lat,lon degrees"),
        ("39.87,116.31 39.87,116.40 39.87,116.31", "not at least four lat,lon pairs"),
    ],
)
def test_a_cap_polygon_of_unusable_coordinates_skips_its_alert_as_malformed(
    polygon: str, why: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``<polygon>nan,116.31 39.87,inf …</polygon>`` was a GEOSException traceback; the other alert is taken."""
    bad, good = tmp_path / "bad.xml", tmp_path / "good.xml"
    bad.write_text(CAP.format(ident="bad-1", polygon=polygon), encoding="utf-8")
    good.write_text(CAP.format(ident="good-1", polygon="39.87,116.31 39.87,116.40 39.98,116.40 39.87,116.31"), "utf-8")
    assert main(["import-cap", str(bad), str(good), "--db", str(tmp_path / "s.db"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["read"], report["taken"], report["skipped"]) == (2, 1, {"malformed": 1})
    (example,) = report["skip_examples"]["malformed"]
    assert example.startswith(f"{bad}: area polygon ") and why in example


def test_a_cap_file_is_read_in_the_encoding_it_declares_and_an_undecodable_one_is_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A valid ``encoding="GBK"`` file aborted the whole batch ('utf-8' codec can't decode); now it is taken, a file
    that is not text in its declared encoding (or names an unknown one) is skipped as malformed, the others taken."""
    polygon = "39.87,116.31 39.87,116.40 39.98,116.40 39.87,116.31"
    gbk = CAP.format(ident="gbk-1", polygon=polygon).replace('encoding="UTF-8"', 'encoding="GBK"')
    files = {
        "gbk.xml": gbk.encode("gbk"),
        "broken.xml": gbk.replace("gbk-1", "gbk-2").encode("gbk").replace("暴雨".encode("gbk"), b"\xff\xff"),
        "unknown.xml": gbk.replace("gbk-1", "x-3").replace('"GBK"', '"x-no-such"').encode("gbk"),
        "utf8.xml": CAP.format(ident="utf8-1", polygon=polygon).encode("utf-8"),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    argv = ["import-cap", *(str(tmp_path / n) for n in files), "--db", str(tmp_path / "s.db"), "--json"]
    assert main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["read"], report["taken"], report["skipped"]) == (4, 2, {"malformed": 2})
    broken, unknown = sorted(report["skip_examples"]["malformed"])
    assert broken.startswith(f"{tmp_path / 'broken.xml'}: not GBK text: illegal multibyte sequence"), broken
    assert unknown == f"{tmp_path / 'unknown.xml'}: unknown encoding 'x-no-such'"
    store = open_store(str(tmp_path / "s.db"))
    try:
        with store.engine.connect() as conn:
            frame = conn.execute(select(alerts.c.frame).where(alerts.c.id == "gbk-1")).scalar_one()
    finally:
        store.close()
    assert "西城区气象台发布暴雨黄色预警" in frame


def test_import_open311_refuses_a_services_list_in_one_line_and_stores_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A services list given as requests was 'skipped 3 missing_id' (rc 0); now refused, the good file before it
    not stored either (no store file is left)."""
    good = tmp_path / "requests.json"
    good.write_text(
        '[{"service_request_id": "1", "requested_datetime": "2026-11-27T08:00:00+08:00", '
        '"lat": 39.92, "long": 116.368}]',
        encoding="utf-8",
    )
    services = tmp_path / "services.json"
    services.write_text('[{"service_code": 001, "service_name": "Cans left out 24x7", "group": "sanitation"}]', "utf-8")
    line = _one_line(["import-open311", str(good), str(services), "--db", str(tmp_path / "s.db")], capsys)
    assert line == f"gridwall import-open311: {services}: a services list, not requests"
    assert not (tmp_path / "s.db").exists()


def _db_mapping(tmp_path: Path) -> Path:
    return _mapping(tmp_path, 'table = "v_cases"\nupdated_at = "modified"')


def test_poll_db_names_the_missing_driver_and_what_to_install(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``mysql://`` without mysqlclient was a ModuleNotFoundError traceback (the driver is made missing here,
    whatever this machine has installed)."""
    monkeypatch.setitem(sys.modules, "MySQLdb", None)  # `import MySQLdb` now raises ModuleNotFoundError
    argv = ["poll-db", "mysql://x@y/z", "--mapping", str(_db_mapping(tmp_path)), "--checkpoint", str(tmp_path / "c")]
    line = _one_line([*argv, "--db", str(tmp_path / "s.db"), "--once"], capsys)
    assert "mysql://x@y/z: no database driver (" in line and "MySQLdb" in line
    assert line.endswith("install `pip install mysqlclient` (or PyMySQL and a mysql+pymysql:// URL)"), line


@pytest.mark.parametrize("url", ["sqlite:///{tmp}/missing.db", "notaurl"])
def test_poll_db_refuses_a_sqlite_file_that_is_not_there_and_creates_none(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """poll-db is read-only: a missing SQLite source was created empty (then 'no table or view')."""
    monkeypatch.chdir(tmp_path)
    argv = ["poll-db", url.format(tmp=tmp_path), "--mapping", str(_db_mapping(tmp_path))]
    line = _one_line([*argv, "--checkpoint", "c.json", "--db", str(tmp_path / "s.db"), "--once"], capsys)
    assert "no SQLite database" in line and "creates nothing" in line
    assert not (tmp_path / "missing.db").exists() and not (tmp_path / "notaurl").exists()


def test_poll_db_opens_a_sqlite_source_read_only(tmp_path: Path) -> None:
    """An existing SQLite source is read through a read-only connection; the report shows the URL as given."""
    import sqlite3

    from sqlalchemy import text

    from feeds.importers.dbpoll import source_engine

    path = tmp_path / "legacy #1.db"
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE t (a)")
        conn.commit()
    engine = source_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM t")).scalar_one() == 0
            with pytest.raises(OperationalError, match="readonly"):
                conn.execute(text("INSERT INTO t VALUES (1)"))
    finally:
        engine.dispose()
