"""``gridwall --self-test``: the real run in a subprocess, and its failure reporting."""

from __future__ import annotations

import faulthandler
import io
import os
import re
import struct
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from subprocesses import python_path

from desktop import cli, selftest

ROOT = Path(__file__).resolve().parents[2]


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    return int(width), int(height)


@pytest.mark.webengine
@pytest.mark.timeout(330)
def test_self_test_passes_and_writes_a_screenshot(tmp_path: Path) -> None:
    """The self-test in the venv passes every check and saves a full-HD screenshot."""
    shot = tmp_path / "selftest.png"
    env = dict(os.environ, PYTHONPATH=python_path(ROOT), GRIDWALL_DATA_DIR=str(tmp_path / "user-data"))
    # a stuck run ends itself by 200 + 2 × 20 s (its watchdogs), with its output, before this timeout
    out = subprocess.run(
        [sys.executable, "-m", "desktop.cli", "self-test", "--screenshot", str(shot), "--timeout", "200"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    for check in ("fonts", "store", "server", "connect", "data", "map", "screenshot"):
        assert any(line.startswith(f"  ok  {check} ") for line in lines), out.stdout
    assert lines[-1].startswith("self-test passed in ")
    assert _png_size(shot) == (1920, 1080)
    user_data = tmp_path / "user-data"
    assert not user_data.exists() or not any(user_data.iterdir()), "the self-test wrote into the user's data folder"


def test_a_screenshot_path_it_cannot_write_is_refused_before_the_checks(tmp_path: Path) -> None:
    """self-test --screenshot x.txt fails at once, naming the formats as the wall does; it ran every check
    first and then said 'could not write the screenshot'."""
    env = dict(os.environ, PYTHONPATH=python_path(ROOT), GRIDWALL_DATA_DIR=str(tmp_path / "user-data"))
    shot = tmp_path / "x.txt"
    out = subprocess.run(
        [sys.executable, "-m", "desktop.cli", "self-test", "--screenshot", str(shot), "--timeout", "200"],
        capture_output=True, text=True, timeout=300, env=env,
    )  # fmt: skip
    assert out.returncode == 1, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 1 and " png, " in lines[0], out.stdout  # no check ran
    assert lines[0].startswith(f"self-test FAILED: --screenshot {shot}: cannot save a picture as a '.txt' file")
    assert not shot.exists()


def test_a_failed_check_is_one_line_and_exit_1(monkeypatch: pytest.MonkeyPatch) -> None:
    """A failing check ends the run with 'self-test FAILED: <reason>' and exit status 1."""

    def fail(self: Any, screenshot: Path) -> None:
        raise selftest.SelfTestFailure("the map did not paint (timed out: no grid is coloured)")

    monkeypatch.setattr(selftest._SelfTest, "run", fail)
    out = io.StringIO()
    assert selftest.run_self_test(Path("x.png"), out=out) == 1
    assert out.getvalue().splitlines()[-1] == "self-test FAILED: the map did not paint (timed out: no grid is coloured)"


def test_an_unexpected_error_is_one_line_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """An exception no check expected (a broken install) is reported as one line, not a traceback."""

    def broken(self: Any, screenshot: Path) -> None:
        raise ImportError("libfoo.so.1: cannot open shared object file\n\nsecond line")

    monkeypatch.setattr(selftest._SelfTest, "run", broken)
    out = io.StringIO()
    assert selftest.run_self_test(Path("x.png"), out=out) == 1
    assert out.getvalue() == "self-test FAILED: ImportError: libfoo.so.1: cannot open shared object file second line\n"


def test_a_stuck_run_is_ended_by_the_watchdog(monkeypatch: pytest.MonkeyPatch, capfd: Any) -> None:
    """A step that never returns (past the timeout and the grace) ends in one line naming the step,
    every thread's stack on stderr and exit status 1; a run that ends in time cancels the watchdog."""
    release = threading.Event()
    exits: list[int] = []

    def stuck(self: Any, screenshot: Path) -> None:
        self.step = "closing the case server"
        release.wait(10)

    def exit_(code: int) -> None:
        exits.append(code)
        release.set()  # the process would end here; let the blocked step return instead

    monkeypatch.setattr(selftest._SelfTest, "run", stuck)
    monkeypatch.setattr(selftest, "STUCK_GRACE_S", 0.2)
    monkeypatch.setattr(selftest.os, "_exit", exit_)
    out = io.StringIO()
    selftest.run_self_test(Path("x.png"), timeout_s=0.1, out=out)
    assert exits == [1]
    assert out.getvalue().splitlines()[0] == (
        "self-test FAILED: stuck in 'closing the case server' (0 s without an end; every thread's stack is on stderr)"
    )
    assert re.search(r'test_selftest\.py", line \d+ in stuck', capfd.readouterr().err)  # the stuck thread's stack
    quick = selftest.Watchdog(io.StringIO(), 0.2, lambda: "x", exit=exits.append)
    quick.cancel()
    quick.thread.join(2)
    assert not quick.thread.is_alive() and exits == [1]


def test_top_level_option_runs_the_self_test(monkeypatch: pytest.MonkeyPatch) -> None:
    """``gridwall --self-test`` is the ``self-test`` sub-command with its defaults."""
    calls: list[tuple[Path | None, float]] = []
    monkeypatch.setattr(selftest, "run_self_test", lambda shot, timeout_s: calls.append((shot, timeout_s)) or 0)
    armed: list[object] = []  # the C backstop ends the process: only the real run arms it, not the command
    monkeypatch.setattr(faulthandler, "dump_traceback_later", lambda *a, **k: armed.append(a))
    assert cli.main(["--self-test"]) == 0
    assert calls == [(None, selftest.DEFAULT_TIMEOUT_S)] and armed == []


@pytest.mark.parametrize(
    ("state", "problem"),
    [
        ({}, "no answer"),
        ({"leaflet": None}, "Leaflet is not loaded"),
        ({"leaflet": "1.9.3", "errors": 2}, "2 script errors"),
        ({"leaflet": "1.9.3", "errors": 0, "units": {"grid": 0}}, "no grid polygons"),
        ({"leaflet": "1.9.3", "errors": 0, "units": {"grid": 9}, "gridColoured": 0}, "no grid is coloured"),
        ({"leaflet": "1.9.3", "errors": 0, "units": {"grid": 9}, "gridColoured": 3, "cases": 0}, "no case markers"),
        ({"leaflet": "1.9.3", "errors": 0, "units": {"grid": 9}, "gridColoured": 3, "cases": {"open": 4}}, ""),
    ],
)
def test_map_state_problems(state: dict[str, Any], problem: str) -> None:
    """The page state is judged field by field, naming the first thing missing."""
    found = selftest._map_problems(state)
    assert problem in found if problem else found == ""


def test_font_check_names_missing_glyphs(qapp: Any) -> None:
    """A Latin-only font lacks the sample's Chinese glyphs; the installed CJK font has them all."""
    from widgets.theme import find_cjk_family

    assert selftest.missing_glyphs("DejaVu Sans", "网格A") == "网格"
    family = find_cjk_family()
    assert family is not None
    assert selftest.missing_glyphs(family) == ""
