"""The poll-* commands as run from the command line: checkpoints, refusals before any store is made, options."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from open311_server import Open311Server, paged
from test_import_db import MAPPING, _legacy, _put
from test_import_open311 import req

from desktop.cli import build_parser, main


@pytest.fixture
def endpoint(data_dir: Path) -> Iterator[str]:
    """An HTTP server answering an Open311 request at ``/v2`` and a CAP alert at ``/cap``."""
    cap = (data_dir / "cap" / "rainstorm_yellow.xml").read_text(encoding="utf-8")
    requests = paged([req("P1")])

    def route(params: dict[str, str]) -> tuple[int, str]:
        return (200, cap) if params["path"].startswith("/cap") else requests(params)

    http = Open311Server(route).start()
    yield http.url.removesuffix("/v2")
    http.stop()


def _source(tmp_path: Path) -> tuple[str, str]:
    """A SQLite source of one case and its mapping file: poll-db's URL and ``--mapping``."""
    db = _legacy(tmp_path / "legacy.db")
    _put(db, "X1", "立案", "2026-11-27 09:00:00")
    db.close()
    mapping = tmp_path / "legacy.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    return f"sqlite:///{tmp_path / 'legacy.db'}", str(mapping)


def _poll_argv(poller: str, tmp_path: Path, base: str) -> list[str]:
    """The command line of one poll of ``poller`` (its checkpoint and store still to add)."""
    if poller == "poll-db":
        url, mapping = _source(tmp_path)
        return ["poll-db", url, "--mapping", mapping, "--once"]
    if poller == "poll-open311":
        return ["poll-open311", f"{base}/v2", "--since", "2026-11-26", "--once"]
    return ["poll-cap", f"{base}/cap/alert.xml", "--once"]


def _one_line(argv: list[str], capsys: pytest.CaptureFixture[str], code: int = 1) -> str:
    """Run a command that must be refused: the exit code, one line on stderr starting ``gridwall <command>: ``."""
    assert main(argv) == code
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"gridwall {argv[0]}"), err
    return err[0]


@pytest.mark.parametrize("poller", ["poll-db", "poll-open311", "poll-cap"])
def test_a_checkpoint_in_a_folder_not_there_is_made_after_the_poll(
    poller: str, endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The checkpoint's missing folder is made: it was a FileNotFoundError traceback after the poll was stored."""
    checkpoint = tmp_path / "state" / "deeper" / "cp.json"
    argv = [*_poll_argv(poller, tmp_path, endpoint), "--checkpoint", str(checkpoint), "--db", str(tmp_path / "s.db")]
    assert main([*argv, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["errors"] == []
    assert isinstance(json.loads(checkpoint.read_text(encoding="utf-8")), dict)


@pytest.mark.parametrize("poller", ["poll-db", "poll-open311", "poll-cap"])
def test_a_checkpoint_folder_that_cannot_be_made_is_refused_before_the_poll(
    poller: str, endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder that cannot be made (a file stands in its way) is refused in one line; nothing is stored."""
    (tmp_path / "file").write_text("", encoding="utf-8")
    argv = [*_poll_argv(poller, tmp_path, endpoint), "--checkpoint", str(tmp_path / "file" / "cp.json")]
    line = _one_line([*argv, "--db", str(tmp_path / "s.db")], capsys)
    assert f"--checkpoint {tmp_path / 'file' / 'cp.json'}: cannot create its folder" in line
    assert not (tmp_path / "s.db").exists()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["poll-db", "{source}", "--mapping", "{mapping}", "--server", "http://x", "--token", "t"], "ws:// or wss://"),
        (["poll-db", "{source}", "--mapping", "{mapping}", "--server", "ws://x"], "needs --token"),
        (["poll-cap", "http://127.0.0.1:1/x", "--server", "http://x", "--token", "t"], "ws:// or wss://"),
        (["poll-open311", "http://127.0.0.1:1/v2", "--server", "http://x", "--token", "t"], "ws:// or wss://"),
        (["poll-open311", "http://127.0.0.1:1/v2", "--extent", "1,2,3,4"], "--extent goes with --generate-units"),
        (["poll-open311", "http://127.0.0.1:1/v2", "--generate-units", "--extent", "5,5,1,1"], "west < east"),
        (
            ["poll-open311", "http://127.0.0.1:1/v2", "--generate-units", "--server", "ws://x", "--token", "t"],
            "poll into the store, then serve it",
        ),
        (["poll-db", "{source}", "--mapping", "{missing_table}"], "no table or view 'v_missing'"),
    ],
)
def test_a_refused_poll_leaves_no_new_store(
    args: list[str], needle: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Refused in one line, and the store it would have made (the default one here) is not left behind."""
    monkeypatch.setenv("GRIDWALL_DATA_DIR", str(tmp_path / "data"))
    source, mapping = _source(tmp_path)
    missing_table = tmp_path / "missing.toml"
    missing_table.write_text(MAPPING.replace('"v_cases"', '"v_missing"'), encoding="utf-8")
    argv = [a.format(source=source, mapping=mapping, missing_table=missing_table) for a in args]
    line = _one_line([*argv, "--checkpoint", str(tmp_path / "cp.json"), "--once"], capsys)
    assert needle in line
    assert not list((tmp_path / "data").glob("gridwall.db*"))


@pytest.mark.parametrize(
    ("poller", "text", "needle"),
    [
        ("poll-db", '{"updated_at": 5}', "missing key 'id'"),
        ("poll-db", "[1, 2]", "not a JSON object (a list)"),
        ("poll-db", '{"seen": []}', "missing keys 'updated_at', 'id'"),  # a poll-cap checkpoint
        ("poll-db", "{not json", "not JSON ("),
        ("poll-cap", '{"updated_at": 5, "id": "X1"}', "missing key 'seen'"),
        ("poll-cap", '{"seen": 3}', "'seen' is not a list of the links read"),
        ("poll-open311", '{"done_until": "x"}', "'done_until' is 'x', not a time from 1970 to 2099"),
        ("poll-open311", '{"done_until": -1e300}', "not a time from 1970 to 2099"),
        ("poll-open311", '"done"', "not a JSON object (a string)"),
    ],
)
def test_an_unusable_checkpoint_says_what_is_wrong_and_how_to_start_over(
    poller: str, text: str, needle: str, endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A damaged (or another poller's) checkpoint is named with its problem in words, and deleting it starts over."""
    checkpoint = tmp_path / "cp.json"
    checkpoint.write_text(text, encoding="utf-8")
    argv = [*_poll_argv(poller, tmp_path, endpoint), "--checkpoint", str(checkpoint), "--db", str(tmp_path / "s.db")]
    line = _one_line(argv, capsys)
    assert f"checkpoint {checkpoint}: " in line and needle in line and line.endswith("; delete it to start over")
    assert not (tmp_path / "s.db").exists()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["poll-open311", "http://127.0.0.1:1/v2", "--since", "1900-01-01"], "--since '1900-01-01': outside 1970–2099"),
        (
            ["poll-open311", "http://127.0.0.1:1/v2", "--since", "2026-02-29"],
            "not an ISO date/time (day is out of range",
        ),
        (["replay", "--from", "1900-01-01", "--to", "2026-01-01"], "--from '1900-01-01': outside 1970–2099"),
        (["replay", "--from", "2026-01-01", "--to", "yesterday"], "--to 'yesterday': not an ISO date/time; e.g."),
        (["poll-open311", "http://127.0.0.1:1/v2", "--cell-m", "100"], "--cell-m goes with --generate-units"),
        (["poll-open311", "http://127.0.0.1:1/v2", "--city", "X", "--cell-m", "100"], "--cell-m and --city go with"),
        (["import-csv", "x.csv", "--mapping", "nyc311", "--city", "X"], "--city goes with --generate-units"),
    ],
)
def test_times_and_options_are_refused_saying_why(
    args: list[str], needle: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A time outside 1970–2099 says so (it said 'must be an ISO date/time'); --cell-m or --city without
    --generate-units is refused as --extent is (it was ignored)."""
    monkeypatch.setenv("GRIDWALL_CONFIG_DIR", str(tmp_path / "config"))  # replay reads (makes) the tokens
    store = tmp_path / "s.db"
    if args[0] == "replay":
        store.write_bytes(b"")  # a file is there: the time is checked before the store is read
    argv = [*args, "--db", str(store)] + (
        ["--checkpoint", str(tmp_path / "c.json"), "--once"] if "poll" in args[0] else []
    )
    assert needle in _one_line(argv, capsys)


@pytest.mark.parametrize("poller", ["poll-db", "poll-open311", "poll-cap"])
def test_a_poll_interval_under_a_second_is_refused(poller: str, capsys: pytest.CaptureFixture[str]) -> None:
    """--interval 0.001 polled the source in a tight loop: every poller's interval is at least 1 s."""
    argv = [poller, "http://x", "--checkpoint", "c.json", "--interval", "0.001"] + (
        ["--mapping", "m.toml"] if poller == "poll-db" else []
    )
    with pytest.raises(SystemExit) as stopped:
        build_parser().parse_args(argv)
    assert stopped.value.code == 2
    assert "argument --interval: '0.001' must be at least 1" in capsys.readouterr().err


def test_every_command_heads_its_help_with_a_description() -> None:
    """replay, the poll-* and import-* commands and look-at had no description in their --help."""
    commands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for name in ("replay", "poll-open311", "poll-cap", "poll-db", "import-csv", "import-cap", "look-at"):
        description = commands[name].description
        assert description and description[0].isupper() and description.endswith("."), (name, description)
