"""A ``case`` query answer as workflow steps for :class:`widgets.timeline.WorkflowTimeline`.

The case's ``history`` rows are the record. Cases seeded in bulk (history
imported without its log) have no history rows: their steps are rebuilt
from the case's stage times, with each stage's deadline from ``stages``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from feeds.live import WorkflowStep


def epoch(value: Any) -> float | None:
    """Epoch seconds from an ISO 8601 string or a number (``None`` stays ``None``)."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    try:
        return datetime.fromisoformat(str(value)).timestamp()
    except ValueError:
        return None


def _stage_deadlines(detail: Mapping[str, Any]) -> dict[str, float | None]:
    """Deadline of leaving each stage: ``stages`` judges the stage *reached*, counted from the one before."""
    by_target = {str(s.get("stage")): epoch(s.get("deadline_at")) for s in detail.get("stages") or ()}
    return {
        "reported": by_target.get("filed"),
        "filed": by_target.get("dispatched"),
        "handling": by_target.get("handling"),
        "closure_requested": by_target.get("verifying"),
    }


def steps_from_detail(detail: Mapping[str, Any]) -> list[WorkflowStep]:
    """The steps of a ``case`` answer: its history rows, else rebuilt from the stage times."""
    history = detail.get("history") or ()
    if history:
        return [WorkflowStep.from_row(_row(h)) for h in history]
    case = detail.get("case") or {}
    deadlines = _stage_deadlines(detail)
    times = [
        ("reported", case.get("reported_at_s", case.get("reported_at"))),
        ("filed", case.get("filed_at_s", case.get("filed_at"))),
        ("dispatched", case.get("dispatched_at_s", case.get("dispatched_at"))),
        ("handling", case.get("dispatched_at_s", case.get("dispatched_at"))),
        ("closure_requested", case.get("handled_at_s", case.get("handled_at"))),
        ("closed", case.get("closed_at_s", case.get("closed_at"))),
        ("cancelled", case.get("cancelled_at_s", case.get("cancelled_at"))),
    ]
    steps = []
    for action, raw in times:
        at = epoch(raw)
        if at is not None:
            steps.append(WorkflowStep(at, action, deadlines.get(action)))
    return steps


def _row(h: Mapping[str, Any]) -> dict[str, Any]:
    """A history row with epoch ``at``/``deadline_at`` whatever the wire gave (ISO or numbers)."""
    at = epoch(h.get("at"))
    return {
        "at": at if at is not None else epoch(h.get("at_iso")) or 0.0,
        "action": h.get("action", ""),
        "deadline_at": epoch(h.get("deadline_at", h.get("deadline"))),
        "actor": h.get("actor") or "",
        "note": h.get("note") or "",
    }
