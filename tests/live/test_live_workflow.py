"""Workflow timeline entries: ends, early/late margins, rework loops, urges."""

from __future__ import annotations

from feeds.live import WorkflowStep, timeline_entries

H = 3600.0


def test_margins_rework_and_urges() -> None:
    """Stage ends come from the next stage; rework is handling after verification; urges are side steps."""
    steps = [
        WorkflowStep(0, "reported"),
        WorkflowStep(600, "filed", deadline=H),
        WorkflowStep(1200, "dispatched", deadline=2 * H),
        WorkflowStep(1800, "handling", deadline=6 * H),
        WorkflowStep(3 * H, "urge", actor="op1"),
        WorkflowStep(7 * H, "closure_requested"),
        WorkflowStep(8 * H, "verifying", deadline=9 * H),
        WorkflowStep(10 * H, "handling", deadline=12 * H, note="not fixed"),
    ]
    entries = timeline_entries(reversed(steps), now=11 * H)
    assert [e.step.action for e in entries] == [s.action for s in steps]
    filed = entries[1]
    assert filed.ended_at == 1200 and filed.margin_s == H - 1200 and filed.late is False
    handling = entries[3]
    assert handling.ended_at == 7 * H and handling.late is True and handling.margin_s == -H
    assert entries[4].kind == "urge" and entries[4].chain_index == -1
    assert entries[6].late is True and entries[6].margin_s == -H
    rework = entries[7]
    assert rework.rework and rework.current and rework.margin_s == H and rework.late is False
    assert not any(e.rework for e in entries[:7])


def test_closed_case_has_no_current_step() -> None:
    """After closing, no step is current and the closing step has no margin."""
    entries = timeline_entries([WorkflowStep(0, "reported"), WorkflowStep(10, "closed")], now=100)
    assert not any(e.current for e in entries) and entries[-1].margin_s is None


def test_from_row_reads_case_history_rows() -> None:
    """A case_history row maps to a step."""
    step = WorkflowStep.from_row({"at": 5, "action": "filed", "deadline_at": 65, "actor": None, "note": "x"})
    assert step == WorkflowStep(5.0, "filed", 65.0, "", "x")
