"""--screenshot: a picture that could not be saved, or of a wall that never reached its server, fails the run
(exit 1, one line); it does not exit 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from subprocesses import python_path

from desktop.app import WallOptions
from desktop.startup import StartedApp, UserError, run_wall_session
from feeds.client.status import ClientStatus

ROOT = Path(__file__).resolve().parents[2]


def test_a_window_not_saved_is_the_sessions_screenshot_error(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Saving fails (Qt writes no '.txt'): the session records why instead of only logging it, and ends the
    event loop with 1 (0 when saved)."""
    import desktop.session
    from desktop.session import WallSession

    codes: list[int] = []  # the test's own application must not be told to exit: later tests' waits would end
    monkeypatch.setattr(desktop.session, "QApplication", SimpleNamespace(exit=codes.append))
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(64, 48)
    target = tmp_path / "shot.txt"
    live = SimpleNamespace(store_id="s1")  # the wall shows its server's state
    session = SimpleNamespace(
        options=WallOptions(screenshot=target), windows=[window], screenshot_error=None, state=live
    )
    WallSession._take_screenshot(session)  # type: ignore[arg-type]
    assert session.screenshot_error == f"could not save the screenshot {target}"
    session.options = WallOptions(screenshot=tmp_path / "shot.png")
    session.screenshot_error = None
    WallSession._take_screenshot(session)  # type: ignore[arg-type]
    assert session.screenshot_error is None and (tmp_path / "shot.png").stat().st_size > 0
    assert codes == [1, 0]


def test_a_run_whose_screenshot_failed_ends_in_a_user_error(qapp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """run_wall_session turns the session's screenshot error into a UserError (one line, exit 1), after closing."""
    import desktop.session
    import feeds.client

    closed: list[bool] = []

    class Session:
        def __init__(self, *args: object, **kwargs: object) -> None:
            self.screenshot_error: str | None = None

        def show(self) -> None:
            self.screenshot_error = "could not save the screenshot /x.png"

        def close(self) -> None:
            closed.append(True)

    class App:
        def exec(self) -> int:
            return 1

    monkeypatch.setattr(feeds.client, "ClientThread", lambda *a, **k: SimpleNamespace(start=lambda: None))
    monkeypatch.setattr(desktop.session, "WallSession", Session)
    started = StartedApp(App(), None, None)  # type: ignore[arg-type]
    with pytest.raises(UserError, match=r"could not save the screenshot /x\.png"):
        run_wall_session(started, "ws://x", "t", WallOptions(screenshot=Path("/x.png")), ask_units=False)
    assert closed == [True]


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (
            ClientStatus(
                "reconnecting", None, None, "cannot reach ws://127.0.0.1:1: [Errno 111] Connect call failed", 0
            ),
            "cannot reach ws://127.0.0.1:1: [Errno 111] Connect call failed",
        ),
        (
            ClientStatus("refused", None, None, "access refused: unknown token", 0),
            "ws://h:1 refused the token: unknown token",
        ),
        (ClientStatus("connecting", None, None, "", 0), "no answer from ws://h:1 yet (connecting)"),
    ],
)
def test_a_picture_of_a_wall_that_never_reached_its_server_is_saved_but_fails_the_run(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, status: ClientStatus, reason: str
) -> None:
    """No snapshot ever reached the panels: the picture is saved, and the run fails (1) saying why the wall
    never reached its server (it exited 0, as if the unconnected wall were a good screenshot)."""
    import desktop.session
    from desktop.session import WallSession

    codes: list[int] = []
    monkeypatch.setattr(desktop.session, "QApplication", SimpleNamespace(exit=codes.append))
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(64, 48)
    target = tmp_path / "shot.png"
    session = SimpleNamespace(
        options=WallOptions(screenshot=target),
        windows=[window],
        screenshot_error=None,
        state=SimpleNamespace(store_id=None),
        bridge=SimpleNamespace(status=status),
        client=SimpleNamespace(url="ws://h:1"),
    )
    session._why_not_live = lambda: WallSession._why_not_live(session)  # type: ignore[arg-type]
    WallSession._take_screenshot(session)  # type: ignore[arg-type]
    assert session.screenshot_error == f"saved {target}, but the wall never reached its server: {reason}"
    assert target.stat().st_size > 0 and codes == [1]


@pytest.mark.webengine
def test_a_wall_screenshot_with_a_refused_token_exits_1(tmp_path: Path) -> None:
    """``wall --token wrong --screenshot`` saves the picture and exits 1 in one line naming the refusal."""
    from feeds.server import ServerConfig, ServerThread, TokenBook

    book = TokenBook()
    book.add("wall-token", "wall", "lobby")
    server = ServerThread(ServerConfig(host="127.0.0.1", port=0, store_url=str(tmp_path / "s.db"), tokens=book))
    url = server.start().url
    shot = tmp_path / "shot.png"
    env = dict(os.environ, PYTHONPATH=python_path(ROOT), GRIDWALL_DATA_DIR=str(tmp_path / "data"))
    args = ["wall", "--server", url, "--token", "wrong", "--screenshot", str(shot), "--after", "1"]
    try:
        out = subprocess.run(
            [sys.executable, "-m", "desktop.cli", *args], capture_output=True, text=True, timeout=240, env=env
        )
    finally:
        server.stop()
    errors = [line for line in out.stderr.splitlines() if line.startswith("gridwall ")]
    assert out.returncode == 1 and "Traceback" not in out.stderr, out.stderr[-3000:]
    assert errors == [
        f"gridwall wall: saved {shot}, but the wall never reached its server: {url} refused the token: unknown token"
    ], out.stderr[-3000:]
    assert shot.stat().st_size > 0


def test_a_screenshot_under_a_file_names_the_file(tmp_path: Path) -> None:
    """A --screenshot whose folder would be under a file says which file is in the way (it said only
    'cannot make its folder: File exists', or 'Not a directory' further down)."""
    from desktop.startup import check_screenshot_path

    (tmp_path / "notdb.db").write_text("", encoding="utf-8")
    for shot in (tmp_path / "notdb.db" / "x.png", tmp_path / "notdb.db" / "a" / "b" / "x.png"):
        with pytest.raises(UserError) as caught:
            check_screenshot_path(shot)
        assert str(caught.value) == f"--screenshot {shot}: cannot make its folder: {tmp_path / 'notdb.db'} is a file"
