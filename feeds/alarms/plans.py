"""Bad-weather linkage plans (恶劣天气联动预案) per warning type and colour, from a TOML file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from feeds.config_keys import read_toml, unknown_keys
from feeds.protocol import PlanRun, PlanStep
from feeds.protocol import vocab as v
from resources import resource_path

DEFAULT_PLANS = resource_path("alarms", "linkage_plans.toml")
MAP_LAYERS = frozenset({"waterlogging", "rain_gauge", "manhole", "crowd", "overdue"})
"""Map layers a plan may switch the wall to (see ``docs/alarms.md``)."""
PLAN_KEYS = ("id", "hazard", "levels", "title", "title_en", "layers", "steps")
STEP_KEYS = ("id", "text", "text_en", "department")
"""A ``[[plan]]``'s keys and its steps' keys; any other is refused (a misspelt one would be dropped)."""


@dataclass(frozen=True)
class LinkagePlan:
    """One response plan: which warnings start it, its map layers and its checklist."""

    id: str
    hazard: str
    levels: frozenset[str]
    title: str
    title_en: str
    layers: tuple[str, ...]
    steps: tuple[PlanStep, ...]

    def run_for(self, alert_id: str, level: str, at: float) -> PlanRun:
        """A new run of this plan for the warning ``alert_id`` at ``level``, started at ``at``."""
        return PlanRun(
            id=f"plan:{alert_id}:{level}:{int(at)}"[:100],
            plan_id=self.id,
            alert_id=alert_id,
            hazard=self.hazard,
            level=level,
            title=self.title,
            title_en=self.title_en,
            started_at=at,
            layers=self.layers,
            steps=self.steps,
        )


def plan_for(plans: tuple[LinkagePlan, ...], hazard: str, level: str) -> LinkagePlan | None:
    """The plan for a warning of ``hazard`` at ``level`` (the first that matches), or ``None``."""
    return next((p for p in plans if p.hazard == hazard and level in p.levels), None)


def load_plans(path: Path | None = None) -> tuple[LinkagePlan, ...]:
    """Read a linkage-plan file (default: the shipped one).

    Raises:
        ValueError: naming the file, the plan and what is wrong.
    """
    path = path or DEFAULT_PLANS
    data = read_toml(path)
    if (problem := unknown_keys(data, ("plan",))) is not None:
        raise ValueError(f"{path}: {problem}")
    items = data.get("plan", [])
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ValueError(f"{path}: the plans must be [[plan]] tables")
    plans = []
    for i, item in enumerate(items):
        where = f"{path}: plan {item.get('id', i + 1)!r}"
        if (problem := unknown_keys(item, PLAN_KEYS)) is not None:
            raise ValueError(f"{where}: {problem}")
        plan_id = item.get("id")
        if not isinstance(plan_id, str) or not v.PLAIN_ID.fullmatch(plan_id):
            raise ValueError(f"{where}: 'id' must be a plain name")
        if item.get("hazard") not in v.HAZARDS:
            raise ValueError(f"{where}: 'hazard' must be one of {', '.join(sorted(v.HAZARDS))}")
        levels = item.get("levels", [])
        if not isinstance(levels, list) or not levels or any(level not in v.WARNING_LEVELS for level in levels):
            raise ValueError(f"{where}: 'levels' must list warning colours ({', '.join(v.WARNING_LEVELS)})")
        raw_layers = item.get("layers", [])
        if not isinstance(raw_layers, list) or not all(isinstance(layer, str) for layer in raw_layers):
            raise ValueError(f"{where}: 'layers' must be a list of map layer names")
        layers = tuple(raw_layers)
        unknown = set(layers) - MAP_LAYERS
        if unknown:
            raise ValueError(f"{where}: unknown map layers {sorted(unknown)} (known: {', '.join(sorted(MAP_LAYERS))})")
        steps = []
        raw_steps = item.get("steps", [])
        if not isinstance(raw_steps, list):
            raise ValueError(f"{where}: 'steps' must be a list of tables")
        for s in raw_steps:
            if not isinstance(s, dict) or not all(isinstance(s.get(k), str) for k in ("id", "text", "department")):
                raise ValueError(f"{where}: every step needs 'id', 'text' and 'department'")
            if (problem := unknown_keys(s, STEP_KEYS)) is not None:
                raise ValueError(f"{where}: step {s['id']!r}: {problem}")
            if not v.PLAIN_ID.fullmatch(s["id"]) or not v.DEPT_CODE.fullmatch(s["department"]):
                raise ValueError(f"{where}: step {s['id']!r} has a malformed id or department code")
            steps.append(PlanStep(s["id"], s["text"], str(s.get("text_en", "")), s["department"]))
        if not steps or len({s.id for s in steps}) != len(steps):
            raise ValueError(f"{where}: needs at least one step, with distinct ids")
        plans.append(
            LinkagePlan(
                plan_id,
                item["hazard"],
                frozenset(levels),
                str(item.get("title", plan_id)),
                str(item.get("title_en", "")),
                layers,
                tuple(steps),
            )
        )
    return tuple(plans)
