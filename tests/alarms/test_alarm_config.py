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
