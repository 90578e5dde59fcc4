"""Live state of the wall: folds protocol messages into what the panels show (no Qt).

See ``docs/wall-panels.md``. Typical use on the GUI thread::

    state = LiveState(load_names())
    changes = state.apply(batch, now)      # once per frame, whole batch
    if changes.feed:
        feed_widget.update_cases(state.feed())
    ...
    changes = state.tick(now)              # once a second
"""

from __future__ import annotations

from feeds.live.changes import Changes
from feeds.live.deadlines import DeadlineBook, deadline_status
from feeds.live.feed import FEED_SIZE, RecentCases
from feeds.live.names import SOURCE_NAMES, Label, NameLookup, TableNames, load_names
from feeds.live.records import (
    AlarmRow,
    AlarmView,
    CaseView,
    ChartView,
    Countdown,
    CrowdView,
    FloodLine,
    GridValue,
    KpiView,
    OverdueView,
    PlanStepView,
    PlanView,
    Ranked,
    SensorView,
    UnitLoad,
    WeatherView,
)
from feeds.live.state import LiveState
from feeds.live.today import beijing_day, beijing_hour, charts_payload
from feeds.live.workflow import TimelineEntry, WorkflowStep, timeline_entries

__all__ = [
    "FEED_SIZE",
    "SOURCE_NAMES",
    "AlarmRow",
    "AlarmView",
    "CaseView",
    "Changes",
    "ChartView",
    "Countdown",
    "CrowdView",
    "DeadlineBook",
    "FloodLine",
    "GridValue",
    "KpiView",
    "Label",
    "LiveState",
    "NameLookup",
    "OverdueView",
    "PlanStepView",
    "PlanView",
    "Ranked",
    "RecentCases",
    "SensorView",
    "TableNames",
    "TimelineEntry",
    "UnitLoad",
    "WeatherView",
    "WorkflowStep",
    "beijing_day",
    "beijing_hour",
    "charts_payload",
    "deadline_status",
    "load_names",
    "timeline_entries",
]
