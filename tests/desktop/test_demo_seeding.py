"""``gridwall demo`` seeding its store: a failure is one clear line, not a traceback, and nothing is seeded in vain."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from subprocesses import python_path

from desktop import demo
from desktop.app import UserError
from feeds.store import open_store

ROOT = Path(__file__).resolve().parents[2]


def test_a_seeding_stopped_by_a_full_disk_says_so_in_one_line(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's "database or disk is full" (or any store error) while seeding ends the demo with a one-line
    reason and what happens next; the splash is closed."""
    from sqlalchemy.exc import OperationalError

    import feeds.simulator.history.seed as seeding

    def disk_full(*_args: Any, **_kwargs: Any) -> Any:
        raise OperationalError("COMMIT", {}, Exception("database or disk is full"))

    monkeypatch.setattr(seeding, "seed_history", disk_full)
    store = open_store(str(tmp_path / "s.db"))
    try:
        with pytest.raises(UserError) as caught:
            demo.seed_with_splash(store, 2, 1, SimpleNamespace(app=QApplication.instance()))  # type: ignore[arg-type]
    finally:
        store.close()
    message = str(caught.value)
    assert message.startswith("seeding the history stopped: database or disk is full.")
    assert "seeded again" in message and "\n" not in message


def test_a_demo_on_a_port_in_use_is_refused_before_its_store_is_made(tmp_path: Path) -> None:
    """demo --port P with P taken stops in one line (exit 1) before it makes or seeds a store; it seeded the
    whole history first (minutes, ~1.5 GB for ten years), then failed and left the store."""
    env = dict(os.environ, PYTHONPATH=python_path(ROOT), GRIDWALL_DATA_DIR=str(tmp_path / "data"))
    env["GRIDWALL_CONFIG_DIR"] = str(tmp_path / "config")
    db = tmp_path / "s.db"
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        command = ["demo", "--port", str(port), "--db", str(db), "--history-days", "2", "--windowed"]
        out = subprocess.run(
            [sys.executable, "-m", "desktop.cli", *command], capture_output=True, text=True, timeout=120, env=env
        )
    assert out.returncode == 1, out.stderr
    assert out.stderr.splitlines() == [f"gridwall demo: cannot listen on 127.0.0.1:{port}: Address already in use"]
    assert not list(tmp_path.glob("s.db*"))
