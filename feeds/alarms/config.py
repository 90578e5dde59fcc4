"""Alarm settings: priority per kind (three levels), escalation times, flood limits.

Read from ``resources/alarms/alarms.toml`` (or a copy given with ``--alarms``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from feeds.config_keys import read_toml, unknown_keys
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
        operators: Operators assumed when none was connected in a 10-minute window (the metrics'
            "per operator" otherwise counts the operators really connected).
        anomaly_every_s: How often the server evaluates today's early-warning anomalies.
        anomaly_by: ``subdistrict`` or ``community``: the units anomalies are looked for in.
        anomaly_weeks: Same-weekday baseline weeks.
        anomaly_alpha: A (unit, subclass) pair is an anomaly when its Poisson tail is at most this.
        anomaly_min: … and it has at least this many cases today.
        anomaly_severe_alpha: An anomaly whose tail is at most this is ``severe`` (else ``elevated``).
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
    anomaly_every_s: float = 300.0
    anomaly_by: str = "subdistrict"
    anomaly_weeks: int = 8
    anomaly_alpha: float = 1e-5
    anomaly_min: int = 4
    anomaly_severe_alpha: float = 1e-9

    def priority_of(self, kind: str, level: str = "") -> str | None:
        """The priority of an alarm of ``kind`` at ``level``; ``None``: that level raises no alarm."""
        table = self.priority.get(kind, {})
        return table.get(level) or table.get("")


SECTIONS: dict[str, tuple[str, ...]] = {
    "priority": (),  # its keys are alarm kinds, checked on their own
    "escalation": ("lead_min", "urge_delay_min", "window_h", "max_per_scan"),
    "shelve": ("max_min",),
    "flood": ("count", "window_min"),
    "metrics": ("stale_h", "operators"),
    "early_warning": ("every_min", "by", "weeks", "alpha", "min_count", "severe_alpha"),
}
"""The file's tables and the keys each knows; any other key is refused (a misspelt one would keep its default)."""

MAX_NUMBER = 1e9
"""The largest number a setting takes (minutes, hours, counts): more is a mistake, and ``inf`` would overflow."""


def _num(table: dict[str, Any], key: str, default: float, path: Path, lo: float = 0.0) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo <= value <= MAX_NUMBER:  # NaN too
        raise ValueError(f"{path}: '{key}' must be a number from {lo:g} to {MAX_NUMBER:g}")
    return float(value)


def _sections(data: dict[str, Any], path: Path) -> dict[str, dict[str, Any]]:
    """Every table of the file (empty when absent), each checked for unknown keys."""
    if (problem := unknown_keys(data, SECTIONS)) is not None:
        raise ValueError(f"{path}: {problem}")
    tables: dict[str, dict[str, Any]] = {}
    for name, known in SECTIONS.items():
        table = data.get(name, {})
        if not isinstance(table, dict):
            raise ValueError(f"{path}: [{name}] must be a table")
        if known and (problem := unknown_keys(table, known)) is not None:
            raise ValueError(f"{path}: [{name}] {problem}")
        tables[name] = table
    return tables


def load_alarm_config(path: Path | None = None) -> AlarmConfig:
    """Read an alarm settings file (default: the shipped one).

    Raises:
        ValueError: naming the file and the key that is wrong.
    """
    path = path or DEFAULT_ALARMS
    data = read_toml(path)
    sections = _sections(data, path)
    priority: dict[str, dict[str, str]] = {}
    for kind, value in sections["priority"].items():
        if kind not in ALARM_KINDS:
            raise ValueError(f"{path}: unknown alarm kind '{kind}' (known: {', '.join(sorted(ALARM_KINDS))})")
        table = value if isinstance(value, dict) else {"": value}
        for level, prio in table.items():
            if prio not in PRIORITIES:
                raise ValueError(f"{path}: priority of {kind} {level or ''} must be one of {', '.join(PRIORITIES)}")
        priority[kind] = dict(table)
    esc, shelve, flood, metrics, early = (
        sections[k] for k in ("escalation", "shelve", "flood", "metrics", "early_warning")
    )
    by = early.get("by", "subdistrict")
    if by not in ("subdistrict", "community"):
        raise ValueError(f'{path}: \'by\' must be "subdistrict" or "community"')
    alpha = _num(early, "alpha", 1e-5, path, lo=1e-15)
    if alpha > 0.5:
        raise ValueError(f"{path}: 'alpha' must be a number of at most 0.5")
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
        anomaly_every_s=_num(early, "every_min", 5, path, lo=0.1) * 60,
        anomaly_by=by,
        anomaly_weeks=int(_num(early, "weeks", 8, path, lo=2)),
        anomaly_alpha=alpha,
        anomaly_min=int(_num(early, "min_count", 4, path, lo=1)),
        anomaly_severe_alpha=min(alpha, _num(early, "severe_alpha", 1e-9, path, lo=1e-300)),
    )
