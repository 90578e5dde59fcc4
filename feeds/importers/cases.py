"""A case's state as another system reports it, and the protocol events that bring GridWall there."""

from __future__ import annotations

from dataclasses import dataclass

from feeds.protocol import STAGES, CaseClosed, CaseCreated, CaseInfo, CaseStageChanged, Message

_ORDER = {stage: i for i, stage in enumerate(STAGES)}
NOTE = "imported"


@dataclass(frozen=True, slots=True)
class CaseState:
    """One external record, mapped: where the case stands as of ``updated_at``.

    ``where`` says where it came from (for the report); ``unmapped_type`` is the
    external type when it went to the unmapped subclass. ``grid`` is filled in by
    unit assignment.
    """

    id: str
    subclass: str
    kind: str
    department: str
    source: str
    stage: str
    reported_at: float
    updated_at: float
    deadline: float | None
    lon: float
    lat: float
    address: str = ""
    description: str = ""
    where: str = ""
    unmapped_type: str | None = None
    grid: str = ""


def is_behind(stage: str, current: str) -> bool:
    """Whether ``stage`` lies before ``current`` in the workflow (an update that arrived out of order)."""
    if current == "cancelled":
        return True
    return _ORDER[stage] < _ORDER[current]


def transition_events(state: CaseState, current: str | None) -> list[Message]:
    """The events that take a case from ``current`` (None: not in GridWall yet) to ``state.stage``.

    Every stage in between is stepped through in workflow order (reported → filed →
    dispatched → handling → closure_requested → verifying → closed), all at the
    update's time, so the server sees only valid transitions; a case first appears
    at its report time. Nothing when the case is already there or further.
    """
    events: list[Message] = []
    if current is None:
        info = CaseInfo(
            id=state.id,
            kind=state.kind,
            subclass=state.subclass,
            source=state.source,
            grid=state.grid,
            lon=state.lon,
            lat=state.lat,
            stage="reported",
            reported_at=state.reported_at,
            department=state.department,
            description=state.description,
            address=state.address,
            deadline=state.deadline,
            handle_deadline=state.deadline,
        )
        events.append(CaseCreated(info, ts=state.reported_at))
        current = "reported"
    if current == state.stage or is_behind(state.stage, current):
        return events
    if state.stage == "cancelled":
        return [*events, CaseStageChanged(state.id, "cancelled", note=NOTE, ts=state.updated_at)]
    for stage in STAGES[_ORDER[current] + 1 : _ORDER[state.stage] + 1]:
        if stage == "closed":
            on_time = state.deadline is None or state.updated_at <= state.deadline
            events.append(CaseClosed(state.id, on_time, ts=state.updated_at))
        elif stage != "cancelled":
            deadline = state.deadline if stage != "verifying" else None
            events.append(CaseStageChanged(state.id, stage, deadline=deadline, note=NOTE, ts=state.updated_at))
    return events
