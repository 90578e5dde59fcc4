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


@pytest.mark.parametrize("db", [":memory:", "sqlite://", "sqlite:///", "sqlite:///:memory:"])
@pytest.mark.parametrize(
    "args",
    [
        ["seed", "--days", "1"],
        ["import-csv", "{data}/boston311_100.csv", "--mapping", "boston311"],
        ["import-open311", "{data}/open311/json-service-requests.json"],
        ["import-cap", "{data}/cap/rainstorm_yellow.xml"],
        ["import-units", "{data}/madeup_areas_boston.geojson", "--name-property", "name"],
        ["import-parts", "{data}/boston311_100.csv"],
        ["import-cameras", "{data}/boston311_100.csv"],
        ["poll-open311", "http://127.0.0.1:1/v2", "--checkpoint", "{tmp}/c.json", "--once"],
        ["poll-cap", "http://127.0.0.1:1/cap", "--checkpoint", "{tmp}/c.json", "--once"],
        ["poll-db", "sqlite://", "--mapping", "nyc311", "--checkpoint", "{tmp}/c.json", "--once"],
    ],
)
def test_a_store_in_memory_is_refused_by_the_commands_that_write_one(
    args: list[str],
    db: str,
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What seed, an import or a poll writes into a store in memory is lost at its end: refused in one line (seed
    --db sqlite:/// seeded one, threw it away and said 'seeded'; --db :memory: made a file of that name)."""
    monkeypatch.chdir(tmp_path)
    argv = [a.format(data=data_dir, tmp=tmp_path) for a in args]
    assert main([*argv, "--db", db]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"gridwall {argv[0]}: the store {db!r} is in memory: "), err
    assert list(tmp_path.iterdir()) == []
