"""``gridwall stats`` and ``gridwall report`` only read the store, and refuse what they cannot report in one line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import pytest
from subprocesses import python_path

from desktop.cli import main
from feeds.store import open_store
from feeds.store.bulk import upsert_cases

ROOT = Path(__file__).resolve().parents[2]
REPORTED = 1_795_744_000  # 2026-11-27 ~09:46 Beijing


def _store_with_a_case(path: Path) -> Path:
    """A store holding one closed case (Xicheng's units and the taxonomy loaded)."""
    store = open_store(str(path))
    row = {
        "id": "A1", "kind": "event", "subclass": "1201", "source": "patrol", "grid": "110102001004001",
        "department": "D01", "lon": 116.368, "lat": 39.92, "stage": "closed", "reported_at": REPORTED,
        "filed_at": REPORTED + 60, "dispatched_at": REPORTED + 120, "handled_at": REPORTED + 600,
        "closed_at": REPORTED + 900, "on_time": True,
    }  # fmt: skip
    try:
        for _ in upsert_cases(store.engine, [row]):
            pass
    finally:
        store.close()
    return path


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str], code: int = 1) -> str:
    """Run a command that must be refused: its exit code (2: by the argument parser), and the one line it says."""
    try:
        assert main(argv) == code
    except SystemExit as stopped:
        assert stopped.code == code == 2
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if line.startswith("gridwall ")]
    assert len(lines) == 1 and "Traceback" not in captured.err, captured.err
    return lines[0]


def test_a_day_is_reported_from_1970_01_02_to_today() -> None:
    """A day after today has nothing to report (it was a PDF of zeros); a period beginning before the store's
    first whole day was a traceback."""
    from feeds.briefing import period_problem

    today = date(2026, 12, 6)
    assert period_problem(today, "day", today) is None
    assert period_problem(date(1970, 1, 2), "day", today) is None
    assert period_problem(date(1970, 1, 8), "week", today) is None
    assert period_problem(date(2026, 12, 7), "day", today) == (
        "--date 2026-12-07 is after today (2026-12-06, Beijing time): there is nothing to report yet"
    )
    assert "--date 1970-01-01 is before 1970-01-02, the first whole day" in str(
        period_problem(date(1970, 1, 1), "day", today)
    )
    assert "--date 1970-01-03 begins its week on 1969-12-28, before 1970-01-02" in str(
        period_problem(date(1970, 1, 3), "week", today)
    )
    assert "begins its month on 1970-01-01" in str(period_problem(date(1970, 1, 31), "month", today))


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["--date", "1969-12-31"], 1, "--date 1969-12-31 is before 1970-01-02"),  # a ProtocolError traceback
        (["--period", "week", "--date", "1970-01-03"], 1, "begins its week on 1969-12-28"),  # the same
        (["--date", "9999-12-31"], 1, "--date 9999-12-31 is after today ("),  # an OverflowError traceback
        (["--date", "2026-02-29"], 2, "'2026-02-29' does not exist (day is out of range for month)"),
        (["--date", "20261203"], 2, "'20261203' is not a date: give YYYY-MM-DD"),
    ],
)
def test_report_refuses_a_day_it_cannot_report_in_one_line(
    args: list[str], code: int, needle: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Dates outside what a store can hold, and dates that do not exist, are one line; no PDF is written."""
    db = _store_with_a_case(tmp_path / "s.db")
    line = _refused(["report", "--db", str(db), *args, "--out", str(tmp_path / "r.pdf")], capsys, code)
    assert needle in line
    assert not (tmp_path / "r.pdf").exists()


@pytest.mark.parametrize("command", ["stats", "report"])
def test_a_store_without_cases_is_refused_and_an_empty_file_left_as_it_was(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """report wrote a four-page PDF of zeros where stats refused; an empty file was made a GridWall store."""
    open_store(str(tmp_path / "none.db")).close()
    argv = [command, "--db", str(tmp_path / "none.db")] + (
        ["--out", str(tmp_path / "r.pdf")] if command == "report" else []
    )
    assert _refused(argv, capsys) == f"gridwall {command}: the store holds no case (seed it first: gridwall seed)"
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    line = _refused([command, "--db", str(empty), *argv[3:]], capsys)
    assert (
        line
        == f"gridwall {command}: store {empty}: not a GridWall store (it holds no GridWall tables; seed one "
        + ("first: gridwall seed)")
    )
    assert empty.read_bytes() == b""
    assert not (tmp_path / "r.pdf").exists()


def _unshare() -> str | None:
    """``unshare``, when this machine lets a user namespace mount a folder read-only (else ``None``)."""
    tool = shutil.which("unshare")
    if tool is None or sys.platform != "linux":
        return None
    with tempfile.TemporaryDirectory() as folder:
        probe = subprocess.run([tool, "-rm", "mount", "--bind", "-o", "ro", folder, folder], capture_output=True)
    return tool if probe.returncode == 0 else None


@pytest.mark.skipif(_unshare() is None, reason="no user namespace to mount a folder read-only here")
def test_stats_and_report_read_a_store_on_a_read_only_medium(tmp_path: Path) -> None:
    """A store on a read-only mount (no -wal or -shm file beside it) is read: it was 'cannot open it: unable to
    open database file'."""
    source, mounted = tmp_path / "source", tmp_path / "mounted"
    source.mkdir()
    mounted.mkdir()
    _store_with_a_case(source / "s.db")
    for extra in source.glob("s.db-*"):
        extra.unlink()
    pdf = tmp_path / "r.pdf"
    script = (
        f"mount --bind -o ro {source} {mounted} && {sys.executable} -m desktop.cli stats --db {mounted / 's.db'}; "
        f"{sys.executable} -m desktop.cli report --db {mounted / 's.db'} --date 2026-11-27 --out {pdf}"
    )
    env = dict(os.environ, PYTHONPATH=python_path(ROOT), QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [str(_unshare()), "-rm", "sh", "-c", script], capture_output=True, text=True, env=env, timeout=300
    )
    assert "cannot open it" not in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert "within tolerance" in done.stdout and f"{pdf}: 4 pages" in done.stdout, done.stdout
    assert sorted(p.name for p in source.iterdir()) == ["s.db"]
