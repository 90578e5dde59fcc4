"""Case ids from external ids, mapping files checked key by key, encodings, headers, dates and the
generated-units paths: the defects a sweep of the import commands found, each pinned."""

from __future__ import annotations

import io
import json
import re
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop.cli import main
from feeds.analytics.columns import id_hash
from feeds.importers.commands import (
    CsvImportOptions,
    ImportUserError,
    Open311Options,
    UnitsImportOptions,
    run_import_csv,
    run_import_open311,
    run_import_units,
)
from feeds.importers.csv311 import import_csv
from feeds.importers.dbpoll import load_db_mapping
from feeds.importers.mapping import SHIPPED_DIR, load_csv_mapping
from feeds.importers.open311 import load_open311_mapping
from feeds.importers.records import ID_MAX, PREFIX_MAX, MappingError, case_id
from feeds.importers.times import TimeParser, zone
from feeds.importers.units import store_locator
from feeds.protocol.vocab import CASE_ID
from feeds.store import Store, open_store
from feeds.store.schema import cases, units

DOCS = Path(__file__).resolve().parents[2] / "docs" / "importing.md"
IN_XICHENG = "39.9204,116.3681"

MAPPING = """name = "Sweep"
id_prefix = "HL"
timezone = "Asia/Shanghai"
time_format = "%Y/%m/%d %H:%M:%S"
{extra}
[columns]
id = "工单编号"
reported_at = "受理时间"
type = "问题类型"
lat = "纬度"
lon = "经度"
description = "问题描述"
"""
HEADER = "工单编号,受理时间,问题类型,纬度,经度,问题描述\n"


def _mapping(tmp_path: Path, extra: str = "", text: str = MAPPING) -> Path:
    path = tmp_path / "m.toml"
    path.write_text(text.format(extra=extra), encoding="utf-8")
    return path


def _row(external: str, when: str = "2026/11/20 08:00:00", text: str = "ok") -> str:
    lat, lon = IN_XICHENG.split(",")
    return f"{external},{when},占道经营,{lat},{lon},{text}\n"


def _ids(store: Store) -> dict[str, str]:
    with store.engine.connect() as conn:
        return {r.id: r.description for r in conn.execute(select(cases.c.id, cases.c.description))}


# --- 2. case ids: distinct external ids never collapse, clean ones are kept as they are ---------------

FIVE = ["西城2026001", "东城2026001", "X/1", "X-1", "X 1"]


def test_five_ids_that_used_to_collide_are_five_cases_and_a_reimport_updates_them(tmp_path: Path, store: Store) -> None:
    """``西城2026001``/``东城2026001`` (CJK stripped) and ``X/1``/``X-1``/``X 1`` (made ``X-1``) were one case each,
    the later rows overwriting the earlier, counted as "updated"."""
    path = tmp_path / "five.csv"
    path.write_text(HEADER + "".join(_row(x, text=f"row {i}") for i, x in enumerate(FIVE)), encoding="utf-8")
    mapping = load_csv_mapping(str(_mapping(tmp_path)))
    first = import_csv(path, mapping, store.engine, store_locator(store.engine))
    assert (first.taken, first.updated) == (5, 0)
    stored = _ids(store)
    assert sorted(stored.values()) == [f"row {i}" for i in range(5)]  # nothing overwritten
    assert "HLX-1" in stored  # a clean id keeps its case id: existing stores keep theirs
    assert all(CASE_ID.fullmatch(cid) for cid in stored)
    again = import_csv(path, mapping, store.engine, store_locator(store.engine))
    assert (again.taken, again.updated) == (0, 5)  # updates, never duplicates
    assert _ids(store) == stored
    id_hash(list(stored))  # the analytics cube's hash takes them (it raised UnicodeEncodeError on CJK)


def test_case_ids_are_clean_bounded_distinct_and_stable() -> None:
    """The rule of docs/importing.md: clean ids as they are; others a readable part + 16 hex of BLAKE2b."""
    assert case_id("NYC", "39573567") == "NYC39573567"
    assert case_id("HL", " A-1_b ") == "HLA-1_b"  # surrounding blanks trimmed
    assert case_id("HL", "   ") is None
    # pinned: the same id gives the same case id on every machine and every run (no per-process hash seed)
    assert case_id("HL", "西城2026001") == "HL2026001_7aae0e9b7bd5b453"
    assert case_id("", "西城") == "_" + case_id("", "西城")[1:]  # type: ignore[index]  # no readable part
    long_a, long_b = "A" * 30 + "-" + "X" * 20, "B" * 30 + "-" + "X" * 20  # the same 40-character tail
    ids = {case_id(p, x) for p in ("", "HL", "P" * PREFIX_MAX) for x in (*FIVE, long_a, long_b, "ä" * 100)}
    assert len(ids) == 3 * 8
    for cid in ids:
        assert cid is not None and CASE_ID.fullmatch(cid) and len(cid) <= ID_MAX, cid
    assert case_id("P" * PREFIX_MAX, long_a) == case_id("P" * PREFIX_MAX, long_a)
    assert case_id("P" * PREFIX_MAX, long_a).startswith("P" * PREFIX_MAX + "XXXXXXX_")  # type: ignore[union-attr]


# --- 1. id_prefix -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "prefix", ['"西城-"', '"H L/"', '["a"]', "7", f'"{"A" * (PREFIX_MAX + 1)}"', '"a.b"'], ids=lambda p: p[:8]
)
def test_an_id_prefix_that_would_make_bad_case_ids_is_refused(prefix: str, tmp_path: Path) -> None:
    """Such a prefix stored ids the protocol refuses (every wall's snapshot broke), or was silently cut."""
    text = MAPPING.replace('id_prefix = "HL"', f"id_prefix = {prefix}")
    with pytest.raises(MappingError, match=r"id_prefix must be text of at most 16 ASCII letters") as caught:
        load_csv_mapping(str(_mapping(tmp_path, text=text)))
    assert "\n" not in str(caught.value)
    o311 = tmp_path / "o.toml"
    o311.write_text(f"id_prefix = {prefix}\n", encoding="utf-8")
    with pytest.raises(MappingError, match=r"id_prefix must be text"):
        load_open311_mapping(str(o311))


def test_a_clean_prefix_of_sixteen_characters_is_taken(tmp_path: Path) -> None:
    text = MAPPING.replace('id_prefix = "HL"', f'id_prefix = "{"a-_9" * 4}"')
    assert load_csv_mapping(str(_mapping(tmp_path, text=text))).id_prefix == "a-_9" * 4


# --- 8. unknown keys --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ('time_fromat = "iso"', "unknown key 'time_fromat' (did you mean 'time_format'?)"),
        ('[typs]\n"x" = "1505"', "unknown key 'typs' (did you mean 'types'?)"),
        ('[statuse]\n"x" = "filed"', "unknown key 'statuse' (did you mean 'statuses'?)"),
        ('timezon = "UTC"', "unknown key 'timezon' (did you mean 'timezone'?)"),
    ],
)
def test_unknown_keys_of_a_csv_mapping_are_refused_with_a_guess(extra: str, needle: str, tmp_path: Path) -> None:
    """``time_fromat`` made every row bad_time, ``[typs]`` every row unmapped, without a word."""
    path = _mapping(tmp_path, extra)
    with pytest.raises(MappingError) as caught:
        load_csv_mapping(str(path))
    assert str(caught.value) == f"{path}: {needle}"


def test_an_unknown_column_field_is_refused_with_a_guess(tmp_path: Path) -> None:
    path = _mapping(tmp_path, text=MAPPING + 'adress = "地址"\n')
    with pytest.raises(MappingError, match=r"\[columns\] unknown key 'adress' \(did you mean 'address'\?\)"):
        load_csv_mapping(str(path))
    path = _mapping(tmp_path, text=MAPPING + 'latitude = "纬度"\n')
    with pytest.raises(MappingError, match=r"\[columns\] unknown key 'latitude' \(known: address, closed_at"):
        load_csv_mapping(str(path))


def test_unknown_keys_of_open311_and_poll_db_mappings_are_refused(tmp_path: Path) -> None:
    o311 = tmp_path / "o.toml"
    o311.write_text('id_prefix = "O"\n[service_name]\n"Pothole" = "1125"\n', encoding="utf-8")
    with pytest.raises(MappingError, match=r"unknown key 'service_name' \(did you mean 'service_names'\?\)"):
        load_open311_mapping(str(o311))
    db = _mapping(tmp_path, 'table = "v"\nupdated_at = "m"\nupdate_at = "m"')
    with pytest.raises(MappingError, match=r"unknown key 'update_at' \(did you mean 'updated_at'\?\)"):
        load_db_mapping(str(db))
    fine = _mapping(tmp_path, 'table = "v"\nupdated_at = "m"')
    assert load_db_mapping(str(fine)).table == "v"
    assert load_csv_mapping(str(fine)).id_prefix == "HL"  # a poll-db mapping serves import-csv too


def _doc_mappings() -> list[tuple[int, str]]:
    text = DOCS.read_text(encoding="utf-8")
    return [(text[: m.start()].count("\n") + 1, m.group(1)) for m in re.finditer(r"```toml\n(.*?)```", text, re.S)]


def test_every_shipped_mapping_and_every_mapping_in_the_docs_loads(tmp_path: Path) -> None:
    """The key checks refuse nothing GridWall ships or documents."""
    shipped = sorted(SHIPPED_DIR.glob("*.toml"))
    assert {p.stem for p in shipped} >= {"nyc311", "boston311", "open311"}
    for path in shipped:
        if path.stem == "open311":
            load_open311_mapping(str(path))
        else:
            load_csv_mapping(str(path))
    blocks = _doc_mappings()
    kinds = []
    for line, block in blocks:
        data = tomllib.loads(block)
        path = tmp_path / f"doc-{line}.toml"
        path.write_text(block, encoding="utf-8")
        if "table" in data:
            kinds.append("poll-db")
            load_db_mapping(str(path))
        elif "service_codes" in data or "service_names" in data:
            kinds.append("open311")
            load_open311_mapping(str(path))
        else:
            kinds.append("csv")
            load_csv_mapping(str(path))
    assert "csv" in kinds and "poll-db" in kinds, (blocks, kinds)


# --- 3. impossible dates ----------------------------------------------------------------------------------


def test_impossible_dates_are_bad_times_not_march(tmp_path: Path, store: Store) -> None:
    """``2026/02/31`` was read as 3 March (the fixed-width path checked only day ≤ 31)."""
    parser = TimeParser("%Y/%m/%d %H:%M:%S", zone("Asia/Shanghai"))
    texts = ["2026/02/31 08:00:00", "2025/02/29 08:00:00", "2026/04/31 08:00:00", "2100/02/29 08:00:00"]
    _, bad = parser.parse_many([*texts, "2024/02/29 08:00:00", "2000/02/29 08:00:00", "2026/12/31 23:59:59"])
    assert bad.tolist() == [True] * 4 + [False] * 3
    _, bad_iso = TimeParser("iso", zone("UTC")).parse_many(["2026-02-30T08:00:00", "2026-02-28T08:00:00"])
    assert bad_iso.tolist() == [True, False]
    path = tmp_path / "dates.csv"
    path.write_text(HEADER + _row("D1", "2026/02/31 08:00:00") + _row("D2", "2024/02/29 08:00:00"), encoding="utf-8")
    report = import_csv(path, load_csv_mapping(str(_mapping(tmp_path))), store.engine, store_locator(store.engine))
    assert report.taken == 1 and report.skipped == {"bad_time": 1}
    assert report.examples["bad_time"] == ["line 2 id D1"]  # 11: the id, as the docs show


# --- 9, 10, 11: encodings, duplicated headers, folders, header-only files, partial multi-file imports ------


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_utf8_with_a_bom_and_a_gbk_file_read_as_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``encoding = "utf-8"`` made the BOM part of the first header; a GBK file said only the codec's words."""
    mapping = _mapping(tmp_path, 'encoding = "UTF8"')
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + (HEADER + _row("B1")).encode("utf-8"))
    code, out, err = _cli(["import-csv", str(bom), "--mapping", str(mapping), "--db", str(tmp_path / "a.db")], capsys)
    assert code == 0 and "taken 1 new" in out, err
    late = tmp_path / "late.csv"
    late.write_bytes((HEADER + _row("G1") + _row("G2")).encode("utf-8") + _row("G3", text="西城").encode("gbk"))
    argv = ["import-csv", str(late), "--mapping", str(mapping), "--db", str(tmp_path / "b.db"), "--no-progress"]
    code, out, err = _cli(argv, capsys)
    lines = err.strip().splitlines()
    assert code == 1 and len(lines) == 1, err
    with pytest.raises(UnicodeDecodeError) as where:
        late.read_bytes().decode("utf-8")
    offset = where.value.start  # in the file, on line 4 (占道经营 in GBK; its first two bytes happen to be UTF-8)
    assert offset > len((HEADER + _row("G1") + _row("G2")).encode("utf-8"))
    byte = late.read_bytes()[offset]
    assert f"{late}: line 4 (byte {offset:,} of the file) is not utf-8 text (0x{byte:02x}: " in lines[0]
    assert 'e.g. encoding = "gbk"' in lines[0]


def test_a_mapped_header_named_twice_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The last of two same-named columns was used without a word."""
    path = tmp_path / "dup.csv"
    path.write_text(HEADER.strip() + ",问题描述\n" + _row("A1").strip() + ",other\n", encoding="utf-8")
    db = tmp_path / "dup.db"
    code, _, err = _cli(["import-csv", str(path), "--mapping", str(_mapping(tmp_path)), "--db", str(db)], capsys)
    assert code == 1
    assert "the header names a mapped column more than once ('问题描述' is column 6 and 7)" in err
    assert not db.exists()
    path.write_text(HEADER.strip() + ",unused,unused\n" + _row("A1").strip() + ",a,b\n", encoding="utf-8")
    code, out, _ = _cli(["import-csv", str(path), "--mapping", str(_mapping(tmp_path)), "--db", str(db)], capsys)
    assert code == 0 and "taken 1 new" in out  # an unmapped column named twice is no matter


def test_a_folder_as_the_input_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mapping = str(_mapping(tmp_path))
    for argv in (
        ["import-csv", str(tmp_path), "--mapping", mapping],
        ["import-open311", str(tmp_path)],
        ["import-units", str(tmp_path), "--name-property", "N"],
    ):
        code, _, err = _cli([*argv, "--db", str(tmp_path / "x.db")], capsys)
        assert code == 1 and err.strip() == f"gridwall {argv[0]}: {tmp_path} is a folder, not a file", err
    assert not (tmp_path / "x.db").exists()


def test_a_header_only_file_is_no_error_and_leaves_no_new_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It exited 0 leaving an empty store, which a later command would take as the store."""
    path = tmp_path / "header.csv"
    path.write_text(HEADER, encoding="utf-8")
    db = tmp_path / "new.db"
    code, out, err = _cli(["import-csv", str(path), "--mapping", str(_mapping(tmp_path)), "--db", str(db)], capsys)
    assert code == 0 and "read 0, taken 0 new" in out
    assert f"nothing was stored: removed the new store {db}" in err and not db.exists()
    existing = tmp_path / "old.db"
    open_store(str(existing)).close()
    code, _, err = _cli(["import-csv", str(path), "--mapping", str(_mapping(tmp_path)), "--db", str(existing)], capsys)
    assert code == 0 and existing.exists() and "removed" not in err  # a store it did not create is kept


def test_a_bad_later_open311_file_stores_nothing(tmp_path: Path) -> None:
    """Every file is read before any is stored: a bad second file leaves no half-import (it stored the first)."""
    lat, lon = IN_XICHENG.split(",")
    good = tmp_path / "good.json"
    good.write_text(
        json.dumps(
            [
                {
                    "service_request_id": "R1",
                    "status": "open",
                    "service_name": "Pothole",
                    "requested_datetime": "2026-11-20T08:00:00+08:00",
                    "lat": float(lat),
                    "long": float(lon),
                }
            ]
        ),
        encoding="utf-8",
    )
    bad = tmp_path / "bad.json"
    bad.write_text('[{"service_request_id": ', encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(ImportUserError, match=r"bad\.json: not JSON"):
        run_import_open311([good, bad], Open311Options(db=str(tmp_path / "o.db")), out=out)
    assert out.getvalue() == "" and not (tmp_path / "o.db").exists()


# --- 4, 6: --generate-units keeps a city's units, names the real cell size, bounds --cell-m ---------------


def _outlines(tmp_path: Path, data_dir: Path) -> Path:
    db = tmp_path / "bos.db"
    opts = UnitsImportOptions(data_dir / "madeup_areas_boston.geojson", "AREA_NAME", db=str(db), city="Made-up")
    run_import_units(opts, out=io.StringIO())
    return db


def _grids(db: Path) -> int:
    store = open_store(str(db))
    try:
        with store.engine.connect() as conn:
            query = select(func.count()).select_from(units).where(units.c.level == "grid")
            return int(conn.execute(query).scalar_one())
    finally:
        store.close()


def test_generate_units_keeps_a_citys_imported_outlines(data_dir: Path, tmp_path: Path) -> None:
    """``import-csv --generate-units`` replaced the real outlines ``import-units`` had loaded, silently."""
    db = _outlines(tmp_path, data_dir)
    before = _grids(db)
    err = io.StringIO()
    opts = CsvImportOptions(
        data_dir / "boston311_100.csv", "boston311", db=str(db), generate_units=True, progress=False
    )
    run_import_csv(opts, out=io.StringIO(), err=err)
    assert err.getvalue() == (
        f"kept the store's units of Made-up ({before:,} unit grids): --generate-units generates only into a store "
        "without a city's units\n"
    )
    assert _grids(db) == before
    err = io.StringIO()  # and a re-import with --generate-units keeps the generated ones, as poll-open311 does
    run_import_csv(opts, out=io.StringIO(), err=err)
    assert err.getvalue().startswith("kept the store's units of Made-up")


def test_the_generated_message_names_the_grown_cell_and_cell_m_is_bounded(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--cell-m 10`` over Boston grows the cell (the message said 10 m); ``1e308`` was an IntegrityError."""
    err = io.StringIO()
    opts = CsvImportOptions(
        data_dir / "boston311_100.csv", "boston311", str(tmp_path / "a.db"), True, 10, progress=False
    )
    run_import_csv(opts, out=io.StringIO(), err=err)
    size = re.match(r"generated ([\d,]+) unit grids of ([\d,]+) m over", err.getvalue())
    assert size is not None and int(size.group(2).replace(",", "")) > 10, err.getvalue()
    for bad in ("1e308", "5", "100001"):
        argv = ["import-csv", str(data_dir / "boston311_100.csv"), "--mapping", "boston311", "--generate-units"]
        with pytest.raises(SystemExit):
            main([*argv, "--cell-m", bad, "--db", str(tmp_path / "b.db")])
        assert "--cell-m" in capsys.readouterr().err
    with pytest.raises(ImportUserError, match=r"--cell-m must be from 10 to 100,000 metres, not 1e\+308"):
        run_import_csv(replace(opts, cell_m=1e308, db=str(tmp_path / "b.db")), out=io.StringIO())
    assert not (tmp_path / "b.db").exists()


def test_poll_open311_generate_units_keeps_imported_outlines_and_says_so(data_dir: Path, tmp_path: Path) -> None:
    """The poll path keeps a city's units as the CSV path does, and names them on stderr (it said nothing)."""
    from feeds.importers.commands import _generation, _poll_locator

    db = _outlines(tmp_path, data_dir)
    before = _grids(db)
    store = open_store(str(db))
    try:
        err = io.StringIO()
        locator = _poll_locator(Open311Options(db=str(db), generate_units=True), None, store, err)
        assert getattr(locator, "kept", None) == ("Made-up", before)
        assert err.getvalue().startswith(f"kept the store's units of Made-up ({before:,} unit grids)")
        with pytest.raises(ImportUserError, match="--cell-m must be from 10"):
            _generation(Open311Options(db=str(db), generate_units=True, cell_m=5.0))
    finally:
        store.close()
    assert _grids(db) == before
