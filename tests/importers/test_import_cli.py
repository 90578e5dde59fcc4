"""The import sub-commands: one-line errors for bad input, a report on success."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.cli import main


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["import-csv", "missing.csv", "--mapping", "nyc311"], "file not found: missing.csv"),
        (["import-csv", "{data}/nyc311_300.csv", "--mapping", "chicago"], "shipped mappings: boston311, nyc311)"),
        (["import-csv", "{data}/boston311_100.csv", "--mapping", "nyc311", "--db", "{tmp}/x.db"], "'Unique Key'"),
        (["import-open311", "{data}/open311/json-errors.json", "--db", "{tmp}/x.db"], "Invalid api_key"),
        (
            ["import-open311", "{data}/open311/json-service-requests.json", "--server", "x", "--db", "{tmp}/x.db"],
            "ws://",
        ),
        (["poll-open311", "ftp://x", "--checkpoint", "{tmp}/c.json"], "http:// or https://"),
        (["import-cap", "{data}/cap/missing.xml", "--db", "{tmp}/x.db"], "cannot read"),
        (["poll-cap", "x", "--checkpoint", "{tmp}/c.json"], "http:// or https://"),
        (["poll-db", "sqlite://", "--mapping", "nyc311", "--checkpoint", "{tmp}/c.json"], "needs table"),
        (["import-units", "missing.geojson", "--name-property", "n", "--db", "{tmp}/x.db"], "file not found"),
        (
            ["import-units", "{data}/open311/json-errors.json", "--name-property", "n", "--db", "{tmp}/x.db"],
            "json-errors.json: not a readable UTF-8 JSON file",
        ),
    ],
)
def test_bad_input_is_one_line(
    args: list[str], needle: str, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit code 1 and a single line naming the problem, no traceback; no empty store is left behind."""
    argv = [a.format(data=data_dir, tmp=tmp_path) for a in args]
    assert main(argv) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and needle in err[0] and err[0].startswith(f"gridwall {argv[0]}: ")
    assert not list(tmp_path.glob("x.db*"))  # a failed first import removes the store it created


def test_import_csv_prints_the_report_as_json(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A successful import prints the report; --json makes it machine-readable."""
    argv = ["import-csv", str(data_dir / "boston311_100.csv"), "--mapping", "boston311", "--db", str(tmp_path / "b.db")]
    assert main([*argv, "--generate-units", "--json", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert '"taken": 98' in out and '"outside_units": 2' in out
