"""Alarm settings: priority per kind (three levels), escalation times, flood limits.

Read from ``resources/alarms/alarms.toml`` (or a copy given with ``--alarms``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from feeds.protocol import ALARM_KINDS, PRIORITIES
from resources import resource_path

DEFAULT_ALARMS = resource_path("alarms", "alarms.toml")


@dataclass(frozen=True)
class AlarmConfig:
    """What raises an alarm, how urgent it is, and when cases escalate.

    Attributes:
        priority: Per kind, a priority per level (``""`` key: the kind's priority for any level).
        lead_s: A due-soon alarm this long before a dispatched/handling case's deadline.
        urge_delay_s: Auto-urge a case still dispatched/handling this long after its deadline.
        window_s: Deadlines passed longer ago than this are the standing backlog: not escalated.
        max_per_scan: Most new case alarms per scan.
        shelve_max_s: Longest shelving the server allows.
        flood_count: More than this many new alarms within ``flood_window_s`` is a flood.
        flood_window_s: The flood window.
        stale_s: An alarm active longer than this is stale (metrics).
        operators: Console positions sharing the alarms (the metrics' "per operator").
    """

    priority: dict[str, dict[str, str]] = field(default_factory=dict)
    lead_s: float = 1800.0
    urge_delay_s: float = 3600.0
    window_s: float = 86400.0
    max_per_scan: int = 50
    shelve_max_s: float = 8 * 3600.0
    flood_count: int = 10
    flood_window_s: float = 600.0
    stale_s: float = 86400.0
    operators: int = 1

    def priority_of(self, kind: str, level: str = "") -> str | None:
        """The priority of an alarm of ``kind`` at ``level``; ``None``: that level raises no alarm."""
        table = self.priority.get(kind, {})
        return table.get(level) or table.get("")


def _num(table: dict[str, Any], key: str, default: float, path: Path, lo: float = 0.0) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < lo:
        raise ValueError(f"{path}: '{key}' must be a number of at least {lo:g}")
    return float(value)


def load_alarm_config(path: Path | None = None) -> AlarmConfig:
    """Read an alarm settings file (default: the shipped one).

    Raises:
        ValueError: naming the file and the key that is wrong.
    """
    path = path or DEFAULT_ALARMS
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    priority: dict[str, dict[str, str]] = {}
    for kind, value in data.get("priority", {}).items():
        if kind not in ALARM_KINDS:
            raise ValueError(f"{path}: unknown alarm kind '{kind}' (known: {', '.join(sorted(ALARM_KINDS))})")
        table = value if isinstance(value, dict) else {"": value}
        for level, prio in table.items():
            if prio not in PRIORITIES:
                raise ValueError(f"{path}: priority of {kind} {level or ''} must be one of {', '.join(PRIORITIES)}")
        priority[kind] = dict(table)
    esc, shelve, flood, metrics = (data.get(k, {}) for k in ("escalation", "shelve", "flood", "metrics"))
    return AlarmConfig(
        priority=priority,
        lead_s=_num(esc, "lead_min", 30, path) * 60,
        urge_delay_s=_num(esc, "urge_delay_min", 60, path) * 60,
        window_s=_num(esc, "window_h", 24, path, lo=1) * 3600,
        max_per_scan=int(_num(esc, "max_per_scan", 50, path, lo=1)),
        shelve_max_s=_num(shelve, "max_min", 480, path, lo=1) * 60,
        flood_count=int(_num(flood, "count", 10, path, lo=1)),
        flood_window_s=_num(flood, "window_min", 10, path, lo=1) * 60,
        stale_s=_num(metrics, "stale_h", 24, path, lo=1) * 3600,
        operators=int(_num(metrics, "operators", 1, path, lo=1)),
    )
