"""Start-up marks: printed only under GRIDWALL_STARTUP_TRACE, one line per phase with a monotonic time."""

from __future__ import annotations

import pytest

from feeds import startup_trace


def test_marks_are_silent_without_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without the variable nothing is printed and the wall does not quit."""
    monkeypatch.delenv(startup_trace.ENV, raising=False)
    startup_trace.mark("store open")
    assert capsys.readouterr().err == ""
    assert not startup_trace.exit_when_complete()


def test_a_mark_names_its_phase_and_time(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Each mark is '[startup] <phase> <seconds>' on stderr; 'exit' also asks the wall to quit when complete."""
    monkeypatch.setenv(startup_trace.ENV, "exit")
    startup_trace.mark("store open")
    startup_trace.mark("server started")
    lines = capsys.readouterr().err.splitlines()
    assert [line.rsplit(" ", 1)[0] for line in lines] == ["[startup] store open", "[startup] server started"]
    times = [float(line.rsplit(" ", 1)[1]) for line in lines]
    assert times[0] <= times[1]
    assert startup_trace.exit_when_complete()
    monkeypatch.setenv(startup_trace.ENV, "1")
    assert startup_trace.enabled() and not startup_trace.exit_when_complete()
