"""Ctrl+C (SIGINT) and SIGTERM close a running wall as Ctrl+Q does, in a real process (exit code 0).

The default SIGINT handler raised ``KeyboardInterrupt`` inside a Qt slot, where PySide printed it and
the wall went on; only SIGTERM ended it, at once, without stopping the demo's server and simulator.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from subprocesses import python_path
from waiting import WAIT_S, wait_until

ROOT = Path(__file__).resolve().parents[2]
SHOWN = "[startup] snapshot on panels"
"""The mark a wall prints once its first state is on the panels: its event loop runs then."""
SIMULATING = "feeds.simulator: simulating from"
"""The demo's simulator has started (a second after the wall's first state)."""


@contextmanager
def _gridwall(args: list[str], tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    """``gridwall ARGS`` in a process of its own, its stderr lines collected as they come (killed at the end)."""
    env = dict(os.environ, PYTHONPATH=python_path(ROOT), GRIDWALL_STARTUP_TRACE="1")
    env.update(GRIDWALL_DATA_DIR=str(tmp_path / "data"), GRIDWALL_CONFIG_DIR=str(tmp_path / "config"))
    with subprocess.Popen(
        [sys.executable, "-m", "desktop.cli", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    ) as process:
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.extend(process.stderr or ()), daemon=True)
        reader.start()
        try:
            yield process, lines
        finally:
            if process.poll() is None:
                process.kill()
            process.wait(WAIT_S)
            reader.join(WAIT_S)


def _stopped_by(process: subprocess.Popen[str], lines: list[str], sig: signal.Signals, when: str = SHOWN) -> int | None:
    """Send ``sig`` once a line holding ``when`` is logged; the exit code (None: still running after the wait)."""
    assert wait_until(lambda: any(when in line for line in lines) or process.poll() is not None, 180)
    assert process.poll() is None, "".join(lines[-30:])
    process.send_signal(sig)
    try:
        return process.wait(WAIT_S)
    except subprocess.TimeoutExpired:
        return None


@pytest.mark.webengine
@pytest.mark.timeout(400)
def test_ctrl_c_closes_a_wall_cleanly(tmp_path: Path) -> None:
    """SIGINT to ``gridwall wall`` closes it (exit 0, the stop logged, no traceback) instead of a
    KeyboardInterrupt traceback from a slot and a wall that goes on."""
    from feeds.server import ServerConfig, ServerThread, TokenBook

    book = TokenBook()
    book.add("wall-token", "wall", "lobby")
    server = ServerThread(ServerConfig(host="127.0.0.1", port=0, store_url=str(tmp_path / "s.db"), tokens=book))
    server.start()
    try:
        args = ["wall", "--server", server.url, "--token", "wall-token", "--windowed", "--size", "1280x720"]
        with _gridwall(args, tmp_path) as (process, lines):
            code = _stopped_by(process, lines, signal.SIGINT)
    finally:
        server.stop()
    text = "".join(lines)
    assert code == 0, text[-3000:]
    assert "SIGINT: closing the wall" in text and "Traceback" not in text, text[-3000:]


@pytest.mark.webengine
@pytest.mark.timeout(400)
def test_sigterm_closes_the_demo_and_stops_its_server_and_simulator(tmp_path: Path) -> None:
    """SIGTERM to ``gridwall demo`` closes the wall, then its simulator and its server stop cleanly (exit 0)."""
    db = tmp_path / "s.db"
    env = dict(os.environ, PYTHONPATH=python_path(ROOT), GRIDWALL_DATA_DIR=str(tmp_path / "data"))
    seeded = subprocess.run(
        [sys.executable, "-m", "desktop.cli", "seed", "--days", "2", "--db", str(db)],
        capture_output=True, text=True, timeout=180, env=env,
    )  # fmt: skip
    assert seeded.returncode == 0, seeded.stderr
    args = ["demo", "--db", str(db), "--windowed", "--size", "1280x720"]
    with _gridwall(args, tmp_path) as (process, lines):
        code = _stopped_by(process, lines, signal.SIGTERM, SIMULATING)
    text = "".join(lines)
    assert code == 0, text[-3000:]
    assert "SIGTERM: closing the wall" in text and "Traceback" not in text, text[-3000:]
    after = text[text.index("SIGTERM: closing the wall") :]
    assert "producer 'simulator'" in after and "code=1000" in after, after  # the simulator said goodbye
    assert "feeds.server: stopped" in after, after


@pytest.mark.webengine
@pytest.mark.timeout(400)
def test_ctrl_c_before_the_screenshot_fails_the_run(tmp_path: Path) -> None:
    """SIGINT to a ``--screenshot`` run before its picture ends it with exit 1 in one line, not 0 without a picture."""
    from feeds.server import ServerConfig, ServerThread, TokenBook

    book = TokenBook()
    book.add("wall-token", "wall", "lobby")
    server = ServerThread(ServerConfig(host="127.0.0.1", port=0, store_url=str(tmp_path / "s.db"), tokens=book))
    server.start()
    shot = tmp_path / "shot.png"
    try:
        args = ["wall", "--server", server.url, "--token", "wall-token", "--screenshot", str(shot), "--after", "86400"]
        with _gridwall(args, tmp_path) as (process, lines):
            code = _stopped_by(process, lines, signal.SIGINT)
    finally:
        server.stop()
    errors = [line for line in lines if line.startswith("gridwall ")]
    assert code == 1 and errors == ["gridwall wall: the wall was closed before the screenshot was taken\n"], lines
    assert not shot.exists()
