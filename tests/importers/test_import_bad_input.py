"""Bad input found by a sweep of the import commands: each is refused in one line or skipped with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.cli import main

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
    assert f"{mapping}: {needle}" in line
