"""A ``case`` query answer as workflow steps for :class:`widgets.timeline.WorkflowTimeline`.

The case's ``history`` rows are the record. Cases seeded in bulk (history
imported without its log) have no history rows: their steps are rebuilt
from the case's stage times, with each stage's deadline from ``stages``.
"""

from __future__ import annotations

from feeds.live import WorkflowStep
from feeds.protocol.answers import CaseDetailAnswer
from feeds.protocol.vocab import SEEDED_ACTOR, evaluation_note


def _stage_deadlines(detail: CaseDetailAnswer) -> dict[str, float | None]:
    """Deadline of leaving each stage: ``stages`` judges the stage *reached*, counted from the one before."""
    by_target = {s.stage: s.deadline_at for s in detail.stages}
    return {
        "reported": by_target.get("filed"),
        "filed": by_target.get("dispatched"),
        "handling": by_target.get("handling"),
        "closure_requested": by_target.get("verifying"),
    }


def steps_from_detail(detail: CaseDetailAnswer) -> list[WorkflowStep]:
    """The steps of a ``case`` answer: its history rows, else rebuilt from the stage times.

    A seeded case whose history holds only its extra rows (reworks, urges, a 全响应 return
    visit; no ``reported`` row) gets the rebuilt stages with those rows in time order; a
    seeded 全响应 request's latest return visit (its ``evaluated_at``, ``resolved`` and
    ``satisfaction`` columns, not a history row) is added as an ``evaluated`` step.
    """
    recorded = [WorkflowStep(h.at, h.action, h.deadline_at, h.actor, h.note) for h in detail.history]
    if any(h.action == "reported" for h in detail.history):
        return recorded
    case = detail.case
    deadlines = _stage_deadlines(detail)
    times = [
        ("reported", case.reported_at),
        ("filed", case.filed_at),
        ("dispatched", case.dispatched_at),
        ("handling", case.dispatched_at),
        ("closure_requested", case.handled_at),
        ("closed", case.closed_at),
        ("cancelled", case.cancelled_at),
    ]
    rebuilt = [WorkflowStep(at, action, deadlines.get(action)) for action, at in times if at is not None]
    if (
        case.evaluated_at is not None
        and case.satisfaction
        and all(not (h.action == "evaluated" and h.at == case.evaluated_at) for h in detail.history)
    ):
        note = evaluation_note(bool(case.resolved), case.satisfaction)
        recorded.append(WorkflowStep(case.evaluated_at, "evaluated", None, SEEDED_ACTOR, note))
    return sorted(rebuilt + recorded, key=lambda s: s.at) if recorded else rebuilt
