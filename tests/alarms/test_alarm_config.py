"""Alarm settings and linkage-plan files: the shipped ones load; a wrong one names its key."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from feeds.alarms import load_alarm_config, load_plans
from feeds.alarms.plans import plan_for


def test_shipped_settings_give_three_priorities_per_kind() -> None:
    """Orange weather is high, a busy hot spot raises nothing, due_soon is low; floods: more than 10 in 10 min."""
    cfg = load_alarm_config()
    assert cfg.priority_of("weather", "orange") == "high" and cfg.priority_of("crowd", "busy") is None
    assert cfg.priority_of("due_soon") == "low" and (cfg.flood_count, cfg.flood_window_s) == (10, 600.0)
    assert (cfg.lead_s, cfg.urge_delay_s) == (1800.0, 3600.0)


def test_shipped_plans_cover_rainstorm_colours() -> None:
    """Every rainstorm colour has a plan; orange switches to water-logging points and gauges."""
    plans = load_plans()
    found = {level: plan_for(plans, "rainstorm", level) for level in ("blue", "yellow", "orange", "red")}
    assert all(found.values())
    orange = found["orange"]
    assert orange is not None and {"waterlogging", "rain_gauge"} <= set(orange.layers)
    assert all(s.department.startswith("D") for s in orange.steps)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[priority]\nweather = { red = "urgent" }\n', "priority of weather red"),
        ('[priority]\nquake = "high"\n', "unknown alarm kind 'quake'"),
        ("[flood]\ncount = -1\n", "'count' must be a number"),
        ("[escalation]\nmax_per_scan = inf\n", "'max_per_scan' must be a number from 1 to 1e\\+09"),
        ("[escalation]\nlead_min = nan\n", "'lead_min' must be a number"),
        ("[escalation]\nlead_mins = 10\n", r"\[escalation\] unknown key 'lead_mins' \(did you mean 'lead_min'\?\)"),
        ("[flod]\ncount = 3\n", r"unknown key 'flod' \(did you mean 'flood'\?\)"),
        ("flood = 3\n", r"\[flood\] must be a table"),
    ],
)
def test_a_wrong_setting_is_named(tmp_path: Path, text: str, message: str) -> None:
    """The error names the file and the key."""
    _refused(tmp_path, load_alarm_config, text, message)


def test_a_wrong_plan_is_named(tmp_path: Path) -> None:
    """An unknown map layer is refused with the plan's id."""
    path = tmp_path / "plans.toml"
    path.write_text(
        '[[plan]]\nid = "p1"\nhazard = "rainstorm"\nlevels = ["red"]\nlayers = ["lava"]\n'
        'steps = [{ id = "a", text = "x", department = "D01" }]\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="plan 'p1': unknown map layers"):
        load_plans(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[[plan]]\nid = "p1"\nhazard = "rainstorm"\nlevels = ["red"]\nlayer = ["crowd"]\n',
            r"plan 'p1': unknown key 'layer' \(did you mean 'layers'\?\)",
        ),
        (
            '[[plan]]\nid = "p1"\nhazard = "rainstorm"\nlevels = "red"\n',
            "plan 'p1': 'levels' must list warning colours",
        ),
        (
            '[[plan]]\nid = "p1"\nhazard = "rainstorm"\nlevels = ["red"]\n'
            'steps = [{ id = "a", text = "x", department = "D01", dept = "D02" }]\n',
            "plan 'p1': step 'a': unknown key 'dept'",
        ),
        ('[plan]\nid = "p1"\n', r"the plans must be \[\[plan\]\] tables"),
        ('[[plans]]\nid = "p1"\n', r"unknown key 'plans' \(did you mean 'plan'\?\)"),
    ],
)
def test_a_wrong_plan_key_is_named(tmp_path: Path, text: str, message: str) -> None:
    """A misspelt key (that would be dropped without a word) or a table of the wrong shape is named."""
    _refused(tmp_path, load_plans, text, message)


def _refused(tmp_path: Path, load: Callable[[Path], object], text: str, message: str) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load(path)


@pytest.mark.parametrize(
    ("option", "content", "message"),
    [
        ("--plans", None, "cannot read the linkage plans: {path}: Is a directory"),  # it said 'the alarm settings'
        ("--alarms", "x y\n", "cannot read the alarm settings: {path}: not a valid TOML file: Expected '='"),
        ("--plans", "[[plan]\n", "cannot read the linkage plans: {path}: not a valid TOML file: "),
        ("--alarms", None, "cannot read the alarm settings: {path}: No such file or directory"),
    ],
)
def test_server_names_the_alarm_file_it_cannot_read(
    option: str, content: str | None, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--plans or --alarms that cannot be read or parsed: one line naming which file it is and the file
    (a TOML error was 'Invalid statement (at line 1, column 1)' with no file name)."""
    from desktop.cli import main

    path = tmp_path / "settings.toml"
    if option == "--plans" and content is None:
        path.mkdir()
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    assert main(["server", "--port", "0", "--db", str(tmp_path / "s.db"), option, str(path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("gridwall server: " + message.format(path=path)), err
    assert not (tmp_path / "s.db").exists()
