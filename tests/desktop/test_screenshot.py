"""--screenshot: a picture that could not be saved fails the run (exit 1, one line), it does not exit 0."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop.app import WallOptions
from desktop.startup import StartedApp, UserError, run_wall_session


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
    session = SimpleNamespace(options=WallOptions(screenshot=target), windows=[window], screenshot_error=None)
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
