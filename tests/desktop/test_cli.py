"""The gridwall command line: readable help, one-line errors, no tracebacks."""

from __future__ import annotations

import gc
import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from subprocesses import python_path

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str, timeout: float = 120, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = dict(os.environ, PYTHONPATH=python_path(ROOT), **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "desktop.cli", *args], capture_output=True, text=True, timeout=timeout, env=full_env
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


COMMANDS = ("demo", "wall", "server", "simulate", "seed", "tail", "import-geo", "tokens")


def test_help_lists_every_command_on_one_line() -> None:
    """--help names each sub-command with a description that fits on its own line."""
    from desktop.cli import build_parser

    out = _run("--help", env={"COLUMNS": "80"})
    assert out.returncode == 0
    lines = out.stdout.splitlines()
    for command in COMMANDS:
        line = next(line for line in lines if line.strip().startswith(command + " "))
        assert len(line.split(None, 1)[1]) > 10, line  # the description is on the command's own line
        sub = build_parser()._subparsers._group_actions[0].choices[command]  # type: ignore[union-attr]
        assert sub.description.lower().startswith(line.split(None, 1)[1].lower())  # and heads `COMMAND --help`
    assert all(not line.startswith(" " * 10) for line in lines[lines.index("positional arguments:") :][:12])


@pytest.mark.parametrize(
    ("command", "needles"),
    [
        ("server", ["(default 127.0.0.1)", "(default 8765", "gridwall.db", "tokens.json"]),
        ("simulate", ["(default ws://127.0.0.1:8765)", "(default 1)", "(default: random)", "(default: never)"]),
        ("tail", ["(default ws://127.0.0.1:8765)"]),
        ("import-geo", ["(required)", "(default code)", "(default wgs84)", "written to", "geo"]),
        ("seed", ["(default 10", "(default: random)", "gridwall.db"]),
        ("demo", ["(default 3650", "(default: 0, any free port)", "(default 1)"]),
    ],
)
def test_command_help_shows_defaults(command: str, needles: list[str], tmp_path: Path) -> None:
    """Each option's help names its default (paths included), or says it is required."""
    out = _run(command, "--help", env={"COLUMNS": "400", "GRIDWALL_DATA_DIR": str(tmp_path / "data")})
    assert out.returncode == 0
    for needle in needles:
        assert needle in out.stdout, (needle, out.stdout)
    assert not (tmp_path / "data").exists()  # --help creates no folder


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["launch"], "invalid choice"),
        (["demo", "--speed", "0"], "must be greater than 0"),
        (["demo", "--speed", "fast"], "is not a number"),
        (["wall", "--server", "http://x", "--token", "t"], "ws:// or wss://"),
        (["wall", "--server", "ws://x", "--token", "t", "--size", "big"], "1920x1080"),
        (["wall", "--server", "ws://x", "--token", "t", "--layout", "/nonexistent.toml"], "layout file not found"),
        (["server", "--tls-cert", "a.pem"], "go together"),
        (["server", "--port", "99999"], "port 99999 is out of range"),
        (["server", "--port", "-5"], "port -5 is out of range"),
        (["server", "--port", "http"], "is not a port number"),
        (["server", "--db", "foo://bar"], "is not a store"),
        pytest.param(
            ["seed", "--db", "postgresql://u@h/db"],
            "is not installed",
            marks=pytest.mark.skipif(importlib.util.find_spec("psycopg") is not None, reason="psycopg is installed"),
        ),
        (["demo", "--port", "65536"], "out of range"),
        (["demo", "--seed", "-3"], "seed -3 is out of range"),
        (["demo", "--speed", "nan"], "must be a finite number"),
        (["seed", "--years", "inf"], "must be a finite number"),
        (["simulate", "--token", "t", "--server", "garbage"], "ws:// or wss://"),
        (["simulate", "--token", "t", "--server", "ws://h:99999"], "Port out of range"),
        (["tail", "--token", "t", "--server", "http://x"], "ws:// or wss://"),
        (["wall", "--server", "ws://", "--token", "t"], "ws:// or wss://"),
        (["import-geo", "/nonexistent.geojson", "--level", "grid"], "nonexistent.geojson: file: cannot read"),
        (  # a store that is not there is not created (it was, and then found no cases in it)
            ["replay", "--db", "/nonexistent/x.db", "--from", "2026-12-01", "--to", "2026-12-02"],
            "no store at /nonexistent/x.db",
        ),
        (["demo", "--after", "1e308"], "'1e308' must be at most 86400"),
        (["wall", "--server", "ws://x", "--token", "t", "--after", "3000000"], "must be at most 86400"),
        (["demo", "--after", "inf"], "must be a finite number"),
        (["self-test", "--timeout", "nan"], "must be a finite number"),
        (["self-test", "--timeout", "1e308"], "must be at most 3600"),
        (["self-test", "--timeout", "0"], "must be greater than 0"),
        (["self-test", "--timeout", "-1"], "must be greater than 0"),
        (["replay", "--from", "2026-12-01", "--to", "2026-12-02", "--speed", "1e12"], "must be at most 1e+07"),
        (["replay", "--from", "2026-12-01", "--to", "2026-12-02", "--speed", "0.0001"], "must be at least 0.001"),
        (["replay", "--from", "2026-12-01", "--to", "2026-12-02", "--port", "99999"], "port 99999 is out of range"),
        (["report", "--db", "/nonexistent/path.db"], "no store at /nonexistent/path.db (seed one first"),
        (["wall", "--server", "ws://x", "--token", "t", "--screenshot", "/proc/x.png"], "/proc/x.png: cannot write"),
        (["wall", "--server", "ws://x", "--token", "t", "--screenshot", "/tmp"], "--screenshot /tmp is a folder"),
        (["wall", "--server", "ws://x", "--token", "t", "--screenshot", "x.txt"], "picture as a '.txt' file"),
        (["demo", "--screenshot", "/proc/no/x.png"], "/proc/no/x.png: cannot make its folder"),
        (["seed", "--days", "1000000000"], "'1000000000' must be at most 18262"),  # it was killed for memory
        (["seed", "--years", "1e6"], "'1e6' must be at most 50"),  # it said: ordinal must be >= 1
        (["demo", "--history-days", "99999"], "'99999' must be at most 18262"),
        (["seed", "--days", "1.5"], "'1.5' must be a whole number (digits only)"),  # it said: is not a number
        (["poll-open311", "http://x", "--checkpoint", "c", "--page-size", "2.5"], "'2.5' must be a whole number"),
    ],
)
def test_bad_arguments_give_one_line(args: list[str], needle: str) -> None:
    """Bad input exits non-zero with one line on stderr and no traceback."""
    out = _run(*args)
    assert out.returncode != 0
    assert needle in out.stderr
    assert "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr


@pytest.mark.parametrize("command", ["server", "seed", "stats"])
def test_a_store_that_is_not_a_database_is_one_line(command: str, tmp_path: Path) -> None:
    """Any command given a file that is not a database says so in one line (exit 1), no traceback."""
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database" * 400)
    out = _run(command, "--db", str(garbage), env={"GRIDWALL_DATA_DIR": str(tmp_path / "data")})
    assert out.returncode == 1 and "Traceback" not in out.stderr, out.stderr
    errors = [line for line in out.stderr.splitlines() if line.startswith("gridwall ")]
    assert errors == [f"gridwall {command}: store {garbage}: cannot open it: file is not a database"], out.stderr


def test_unreadable_imported_geodata_is_one_line(tmp_path: Path) -> None:
    """A corrupt unit file in the data folder (where ``import-geo`` writes) is named in one line, no traceback;
    the store the run created is not left behind empty."""
    geo = tmp_path / "data" / "geo"
    geo.mkdir(parents=True)
    (geo / "subdistricts.geojson").write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    out = _run("seed", "--days", "1", "--db", str(tmp_path / "x.db"), env={"GRIDWALL_DATA_DIR": str(tmp_path / "data")})
    assert out.returncode == 1 and "Traceback" not in out.stderr, out.stderr
    errors = [line for line in out.stderr.splitlines() if line.startswith("gridwall ")]
    assert errors == [
        f"gridwall seed: {geo / 'subdistricts.geojson'}: cannot read subdistrict GeoJSON: "
        + ("Expecting value: line 1 column 44 (char 43)")
    ], out.stderr
    assert not list(tmp_path.glob("x.db*"))


def test_unreachable_server_for_simulate_is_one_line() -> None:
    """simulate against a closed port says so in one line and exits 1."""
    port = _free_port()
    out = _run("simulate", "--server", f"ws://127.0.0.1:{port}", "--token", "x", timeout=120)
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and str(port) in lines[0], out.stderr


def test_import_geo_is_what_the_app_then_loads(tmp_path: Path) -> None:
    """gridwall import-geo writes into the data folder, and load_units() there serves the real level."""
    import json

    from feeds.geo.units import load_units

    packaged = load_units(tmp_path / "empty")
    features = [
        {"type": "Feature", "properties": {"SQDM": c.code, "name": c.name_zh}, "geometry": c.geometry}
        for c in packaged.communities
    ]
    source = tmp_path / "communities.geojson"
    source.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    data = tmp_path / "data"
    env = dict(os.environ, PYTHONPATH=python_path(ROOT), GRIDWALL_DATA_DIR=str(data))
    command = ["import-geo", str(source), "--level", "community", "--code-property", "SQDM"]
    out = subprocess.run(
        [sys.executable, "-m", "desktop.cli", *command], capture_output=True, text=True, timeout=120, env=env
    )
    assert out.returncode == 0, out.stderr
    assert "imported 263 community features" in out.stdout
    check = subprocess.run(
        [sys.executable, "-c", "from feeds.geo.units import load_units; r = load_units(); "
         "print(sum(not c.generated for c in r.communities), len(r.grids))"],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert check.stdout.split() == ["263", str(len(packaged.grids))], check.stderr


def test_demo_refuses_a_bad_layout_before_any_work(tmp_path: Path) -> None:
    """A bad layout file stops the demo in one line before a store is created or seeded."""
    layout = tmp_path / "bad.toml"
    layout.write_text('[[screen]]\npanels = [{ name = "radar", row = 0, col = 0 }]\n', encoding="utf-8")
    data = tmp_path / "data"
    env = dict(os.environ, PYTHONPATH=python_path(ROOT), GRIDWALL_DATA_DIR=str(data))
    out = subprocess.run(
        [sys.executable, "-m", "desktop.cli", "demo", "--layout", str(layout), "--screenshot", str(tmp_path / "x.png")],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert out.returncode == 1 and "unknown panel name 'radar'" in out.stderr
    assert not (data / "gridwall.db").exists()


def test_demo_traces_its_start_up_phases_and_quits_at_the_first_complete_screen(tmp_path: Path) -> None:
    """Under GRIDWALL_STARTUP_TRACE=exit the demo marks each phase in order and exits once panels and map show."""
    data = tmp_path / "data"
    env = {"GRIDWALL_DATA_DIR": str(data), "GRIDWALL_CONFIG_DIR": str(data)}
    assert _run("seed", "--db", str(tmp_path / "s.db"), "--days", "2", env=env).returncode == 0
    env["GRIDWALL_STARTUP_TRACE"] = "exit"
    out = _run("demo", "--db", str(tmp_path / "s.db"), "--windowed", "--size", "1280x720", env=env, timeout=180)
    assert out.returncode == 0, out.stderr[-2000:]
    marks = [line.split()[1:-1] for line in out.stderr.splitlines() if line.startswith("[startup] ")]
    order = [" ".join(m) for m in marks]
    for earlier, later in (
        ("qt application", "store open"),
        ("server started", "windows built"),
        ("windows shown", "snapshot on panels"),
        ("snapshot on panels", "first complete screen"),
        ("map page scripts up", "first complete screen"),
    ):
        assert order.index(earlier) < order.index(later), order
    assert order[-1] == "first complete screen"


def test_tokens_issue_and_hash_leave_only_hashes_in_the_file(tmp_path: Path) -> None:
    """``tokens --issue`` prints a new token once and writes its hash; ``--hash`` converts a plain file's keys."""
    from feeds.server.tokens import TokenBook

    path = tmp_path / "site-tokens.json"
    path.write_text('{"plain-one": {"role": "wall", "name": "lobby"}}', encoding="utf-8")
    hashed = _run("tokens", "--tokens", str(path), "--hash", env={"GRIDWALL_CONFIG_DIR": str(tmp_path / "cfg")})
    assert hashed.returncode == 0, hashed.stderr
    assert hashed.stdout.splitlines()[-1].split() == ["wall", "lobby", "plain-one"]
    issued = _run("tokens", "--tokens", str(path), "--issue", "producer", "--name", "feed")
    assert issued.returncode == 0, issued.stderr
    role, name, token = issued.stdout.splitlines()[-1].split()
    text = path.read_text(encoding="utf-8")
    assert (role, name) == ("producer", "feed") and token not in text and "plain-one" not in text
    book = TokenBook.load(path)
    assert [(g.role, g.name) for g in (book.check(token), book.check("plain-one")) if g] == [
        ("producer", "feed"),
        ("wall", "lobby"),
    ]


def test_tokens_creates_a_file_not_there_and_refuses_a_name_without_issue(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``tokens --tokens NEW.json`` said 'No such file' though its description says it creates the file: it is made
    with one token per role, shown once; ``--name`` without ``--issue`` was ignored without a word."""
    from desktop.cli import main
    from feeds.server.tokens import TokenBook

    monkeypatch.setenv("GRIDWALL_CONFIG_DIR", str(tmp_path / "cfg"))
    path = tmp_path / "site" / "new.json"
    assert main(["tokens", "--tokens", str(path)]) == 0
    shown = [line.split() for line in capsys.readouterr().out.splitlines() if not line.startswith("#")]
    book = TokenBook.load(path)
    assert [(role, name) for role, name, _ in shown] == [
        ("wall", "wall"),
        ("operator", "operator"),
        ("producer", "producer"),
    ]
    assert all(book.check(token) is not None and token not in path.read_text(encoding="utf-8") for *_, token in shown)
    assert main(["tokens", "--tokens", str(path), "--name", "lobby"]) == 1
    assert (
        capsys.readouterr().err.strip()
        == "gridwall tokens: --name goes with --issue (the name of the client the new token is for)"
    )
    assert len(TokenBook.load(path)) == 3


def test_replay_on_a_port_in_use_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """replay on a port already taken says so in one line, as 'server' does (it raised a RuntimeError)."""
    from datetime import datetime

    from desktop.cli import main
    from feeds.briefing import BEIJING
    from feeds.store import open_store
    from feeds.store.bulk import upsert_cases

    t0 = 1_795_744_000.0
    store = open_store(str(tmp_path / "s.db"))
    case = {"id": "A", "kind": "event", "subclass": "1201", "source": "patrol", "grid": "110102001004001",
            "department": "D01", "lon": 116.368, "lat": 39.92, "stage": "reported", "reported_at": int(t0)}  # fmt: skip
    for _ in upsert_cases(store.engine, [case]):
        pass
    store.close()
    monkeypatch.setenv("GRIDWALL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GRIDWALL_CONFIG_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the replay's store folder goes
    when = [datetime.fromtimestamp(t, BEIJING).isoformat(timespec="minutes") for t in (t0 - 60, t0 + 600)]
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        args = ["replay", "--db", str(tmp_path / "s.db"), "--from", when[0], "--to", when[1], "--port", str(port)]
        code = main(args)
    err = [line for line in capsys.readouterr().err.splitlines() if line.startswith("gridwall ")]
    assert code == 1 and len(err) == 1, err
    assert err[0].startswith(f"gridwall replay: cannot listen on 127.0.0.1:{port}: ") and "in use" in err[0], err
    # its temporary stores are removed (the analytics loader, a daemon thread, may still write a cube cache there)
    assert not list(tmp_path.glob("gridwall-replay-*/*.db"))


def test_report_that_cannot_be_written_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """report --out a folder, or under a file, exits 1 with one line (it printed '4 pages', exit 0, no file)."""
    from test_reading_commands import _store_with_a_case

    from desktop.cli import main

    _store_with_a_case(tmp_path / "s.db")
    (tmp_path / "file").write_text("", encoding="utf-8")
    for out, reason in ((tmp_path, "Is a directory"), (tmp_path / "file" / "r.pdf", "File exists")):
        code = main(["report", "--db", str(tmp_path / "s.db"), "--date", "2026-12-01", "--out", str(out)])
        captured = capsys.readouterr()
        assert code == 1 and "pages" not in captured.out, captured.out
        errors = [line for line in captured.err.splitlines() if line.startswith("gridwall ")]
        assert errors == [f"gridwall report: cannot write {out}: {reason}"], captured.err


def test_look_at_says_a_refused_token_and_an_unreachable_server_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A wrong token is named as refused (it said 'cannot reach …: stopped'); a closed port says 'cannot
    reach' once (it said it twice)."""
    from desktop.cli import main
    from feeds.server import ServerConfig, ServerThread, TokenBook

    book = TokenBook()
    book.add("op-token", "operator", "duty leader")
    server = ServerThread(ServerConfig(host="127.0.0.1", port=0, store_url=str(tmp_path / "s.db"), tokens=book))
    url = server.start().url
    try:
        assert main(["look-at", "110102001004001", "--server", url, "--token", "wrong"]) == 1
    finally:
        server.stop()
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("gridwall ")]
    assert len(errors) == 1 and errors[0].startswith(f"gridwall look-at: {url} refused the token: "), errors
    port = _free_port()
    assert main(["look-at", "110102001004001", "--server", f"ws://127.0.0.1:{port}", "--token", "x"]) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("gridwall ")]
    assert len(errors) == 1 and errors[0].count("cannot reach") == 1 and str(port) in errors[0], errors


def test_the_command_line_leaves_the_collector_as_it_found_it(tmp_path: Path) -> None:
    """A command without windows, or a command line refused, gives the automatic collector back; a windowed
    command leaves it off, for the GUI thread's collector (desktop/gc_policy.py) to take over."""
    from desktop.cli import main

    was = gc.isenabled()
    gc.enable()
    try:
        assert main(["stats", "--db", str(tmp_path / "none.db")]) == 1  # no store there
        assert gc.isenabled()
        with pytest.raises(SystemExit):
            main(["seed", "--days", "many"])
        assert gc.isenabled()
        assert main(["demo", "--screenshot", str(tmp_path / "wall.txt")]) == 1  # refused before any work
        assert not gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()
