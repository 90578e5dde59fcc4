"""Bad component and camera files found by a sweep: refused (every bad row named), never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.cli import main

LONG = "y" * 140_000


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run a command that must fail: exit 1, no traceback, the error starting ``gridwall <command>: ``."""
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and captured.err.startswith(f"gridwall {argv[0]}: "), captured.err
    return captured.err


def test_a_field_over_the_csv_limit_is_named_by_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """import-parts and import-cameras printed a ``_csv.Error`` traceback for a field over 128 KiB."""
    parts = tmp_path / "parts.csv"
    parts.write_text(f'code,lon,lat,name\n1101020119000001,116.3681,39.9204,"{LONG}\n', encoding="utf-8")
    err = _refused(["import-parts", str(parts), "--db", str(tmp_path / "s.db")], capsys)
    assert "line 2: a field is longer than 131,072 characters" in err
    cams = tmp_path / "cams.csv"
    cams.write_text(f"id,name_zh,lon,lat,url\nC1,甲,116.3,39.9,\nC2,{LONG},116.3,39.9,\n", encoding="utf-8")
    err = _refused(["import-cameras", str(cams), "--db", str(tmp_path / "s.db")], capsys)
    assert len(err.splitlines()) == 1 and "line 3: a field is longer than 131,072 characters" in err
