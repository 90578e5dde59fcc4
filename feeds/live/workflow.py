"""One case's workflow as timeline entries: stage steps with deadlines, rework loops and urges.

Input is the case's history (``case_history`` rows from a query, or steps
the wall recorded itself); output says for every stage step when it ended
and how early or late against its deadline, which is what
:class:`widgets.timeline.WorkflowTimeline` draws.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from feeds.protocol.vocab import STAGES

MAIN_CHAIN: tuple[str, ...] = (
    "reported",
    "filed",
    "dispatched",
    "handling",
    "closure_requested",
    "verifying",
    "closed",
)
"""Stages in workflow order (上报 → 立案 → 派发 → 处置 → 申结 → 核查 → 结案)."""
CITY_CHAIN: tuple[tuple[str, ...], ...] = tuple((stage,) for stage in MAIN_CHAIN)
"""The city-management step bar: one node per stage."""
RESPONSE_CHAIN: tuple[tuple[str, ...], ...] = (
    ("reported", "filed"),
    ("dispatched",),
    ("handling", "closure_requested"),
    ("verifying", "evaluated"),
    ("closed",),
)
"""The 全响应 step bar, 接-派-办-评 then closing (docs/protocol.md): 接 (receive: ``reported``,
``filed``), 派 (dispatch), 办 (handle: ``handling`` to ``closure_requested``), 评 (the return
visit's evaluation, 回访: ``verifying``, and the ``evaluated`` step itself, which a seeded
request has without a ``verifying`` time), 办结 (``closed``)."""


def workflow_chain(platform: str) -> tuple[tuple[str, ...], ...]:
    """The step-bar nodes of a case of ``platform`` (``response``: 接派办评; anything else: city)."""
    return RESPONSE_CHAIN if platform == "response" else CITY_CHAIN


def chain_position(chain: tuple[tuple[str, ...], ...], stage: str) -> int:
    """The node of ``chain`` that ``stage`` belongs to (-1: none, e.g. ``cancelled``)."""
    return next((i for i, stages in enumerate(chain) if stage in stages), -1)


_AFTER_HANDLING = frozenset({"closure_requested", "verifying"})


@dataclass(frozen=True, slots=True)
class WorkflowStep:
    """One recorded step: a stage reached, or an ``urge``/``difficult``/``undifficult``/``note``."""

    at: float
    action: str
    deadline: float | None = None
    actor: str = ""
    note: str = ""

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> WorkflowStep:
        """Build from a ``case_history`` row (keys ``at, action, deadline_at, actor, note``)."""
        deadline = row.get("deadline_at", row.get("deadline"))
        return cls(
            float(row["at"]),
            str(row["action"]),
            float(deadline) if deadline is not None else None,
            str(row.get("actor") or ""),
            str(row.get("note") or ""),
        )


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """A step placed on the timeline.

    Attributes:
        step: The recorded step.
        kind: ``"stage"``, ``"urge"``, ``"mark"`` (difficult/undifficult) or ``"note"``.
        chain_index: Node of the platform's step bar (:func:`workflow_chain`; -1 when on none: a city
            case's side steps, ``cancelled``).
        ended_at: When the stage was left (next stage step), ``None`` while current.
        margin_s: Deadline minus end (or minus ``now`` while current): positive = early / time left.
        late: True if ended (or still running) past its deadline, ``None`` without a deadline.
        rework: True if this step sent the case back to handling after closure was requested.
        current: True for the stage the case is in now.
    """

    step: WorkflowStep
    kind: str
    chain_index: int
    ended_at: float | None
    margin_s: float | None
    late: bool | None
    rework: bool
    current: bool


def _kind(action: str) -> str:
    if action in STAGES:
        return "stage"
    if action == "urge":
        return "urge"
    return "mark" if action in ("difficult", "undifficult") else "note"


def timeline_entries(steps: Iterable[WorkflowStep], now: float, platform: str = "city") -> list[TimelineEntry]:
    """Place steps in time order and work out ends, margins and rework loops.

    Args:
        steps: Recorded steps in any order.
        now: Current time, for the margin of the stage still running.
        platform: The case's platform, whose step bar gives ``chain_index``.
    """
    chain = workflow_chain(platform)
    ordered = sorted(steps, key=lambda s: s.at)
    stage_pos = [i for i, s in enumerate(ordered) if _kind(s.action) == "stage"]
    final = bool(stage_pos) and ordered[stage_pos[-1]].action in ("closed", "cancelled")
    entries: list[TimelineEntry] = []
    previous_stage = ""
    next_of = dict(pairwise(stage_pos))
    for i, step in enumerate(ordered):
        kind = _kind(step.action)
        if kind != "stage":
            entries.append(
                TimelineEntry(step, kind, chain_position(chain, step.action), None, None, None, False, False)
            )
            continue
        nxt = next_of.get(i)
        ended = ordered[nxt].at if nxt is not None else None
        current = nxt is None and not final
        margin: float | None = None
        late: bool | None = None
        if step.deadline is not None and (ended is not None or current):
            margin = step.deadline - (ended if ended is not None else now)
            late = margin < 0
        rework = step.action == "handling" and previous_stage in _AFTER_HANDLING
        entries.append(
            TimelineEntry(step, kind, chain_position(chain, step.action), ended, margin, late, rework, current)
        )
        previous_stage = step.action
    return entries
