"""Alarm handling for the duty room: priorities, escalation, auto-urging, linkage plans, metrics.

No Qt and no I/O of its own: :mod:`feeds.alarms.engine` reads the store and returns the
events the server appends (alarms raised and cleared, shelving that ran out, overdue
cases urged, linkage plans opened and closed); :mod:`feeds.alarms.metrics` computes the
EEMUA 191 / ISA-18.2 figures. See ``docs/alarms.md``.
"""

from __future__ import annotations

from feeds.alarms.config import AlarmConfig, load_alarm_config
from feeds.alarms.engine import AlarmEngine
from feeds.alarms.plans import LinkagePlan, load_plans

__all__ = ["AlarmConfig", "AlarmEngine", "LinkagePlan", "load_alarm_config", "load_plans"]
