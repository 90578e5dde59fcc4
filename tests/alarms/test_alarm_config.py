"""Alarm settings and linkage-plan files: the shipped ones load; a wrong one names its key."""

from __future__ import annotations

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
    ],
)
def test_a_wrong_setting_is_named(tmp_path: Path, text: str, message: str) -> None:
    """The error names the file and the key."""
    path = tmp_path / "alarms.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_alarm_config(path)


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
