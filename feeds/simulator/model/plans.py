"""Planned cases: one :class:`CasePlan`, or many as the columns of a :class:`CaseBatch`.

A plan holds a case's whole lifecycle, including steps that lie in the future
of the moment it is reported; the live loop publishes each step when the clock
reaches it (:meth:`CasePlan.stage_at`) and the history seeder writes what lies
before its end time. All times are epoch seconds (UTC).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from feeds.simulator.model.arrays import F64, I64, Bool
from feeds.simulator.model.calendar import HOUR_S
from feeds.simulator.model.descriptions import DEFAULT_PLACES, describe
from feeds.simulator.model.lifecycle import URGE_INTERVAL_S
from feeds.taxonomy import Subclass, Taxonomy

STAGES = (
    "reported", "filed", "dispatched", "handling",
    "closure_requested", "verifying", "closed", "cancelled",
)  # fmt: skip
"""Stage identifiers in workflow order; ``cancelled`` is 不予立案/作废."""
STAGE_NAMES_ZH = dict(zip(STAGES, ("上报", "立案", "派发", "处置", "申结", "核查", "结案", "作废"), strict=True))
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


@dataclass(frozen=True)
class StageStep:
    """One entry of a case's workflow timeline.

    Attributes:
        stage: One of :data:`STAGES`.
        at: Epoch seconds when the case entered the stage.
        deadline: Epoch seconds by which the stage should be finished, or
            ``None`` for terminal stages.
    """

    stage: str
    at: float
    deadline: float | None


@dataclass(frozen=True)
class CasePlan:
    """A single case with its complete planned lifecycle.

    Attributes:
        case_id: ``"XC"`` + local yyyymmdd + 6-digit daily sequence.
        kind: ``"component"`` (部件) or ``"event"`` (事件).
        class_code: Two-digit class code.
        subclass_code: Four-digit subclass code.
        department: Responsible department code.
        source: Source code (``"patrol"``, ``"hotline_12345"`` ...).
        grid_code: Unit-grid code chosen from the caller's grids.
        reported_at: Epoch seconds of the report.
        steps: Ordered timeline; rework shows as ``verifying`` followed by
            ``handling`` again.
        urges: Times of 催办 (urging) while the case ran late.
        escalated_at: Time of 督办 escalation, if any.
        difficult: Whether the case entered the 疑难 register.
        difficult_at: When it entered the register.
        overdue: Whether the handling pass that led to closure requested
            closure (申结) after its deadline, in whole seconds; a reworked
            case is judged on its last pass. Never-closed cases are overdue.
        description: Short Chinese description as a citizen or supervisor
            would write it (untrusted text downstream: escape it).
    """

    case_id: str
    kind: str
    class_code: str
    subclass_code: str
    department: str
    source: str
    grid_code: str
    reported_at: float
    steps: tuple[StageStep, ...]
    urges: tuple[float, ...] = ()
    escalated_at: float | None = None
    difficult: bool = False
    difficult_at: float | None = None
    overdue: bool = False
    description: str = ""

    @property
    def final_stage(self) -> str:
        """Stage the case ends in under this plan."""
        return self.steps[-1].stage

    @property
    def rework_count(self) -> int:
        """Number of failed verifications sent back to handling."""
        return max(0, sum(1 for s in self.steps if s.stage == "handling") - 1)

    @property
    def closed_at(self) -> float | None:
        """Time of 结案, or ``None`` if the plan never closes the case."""
        last = self.steps[-1]
        return last.at if last.stage == "closed" else None

    def stage_at(self, t: float) -> StageStep | None:
        """Return the step in force at time ``t`` (``None`` before the report)."""
        current: StageStep | None = None
        for step in self.steps:
            if step.at > t:
                break
            current = step
        return current


@dataclass(frozen=True, eq=False)
class CaseBatch:
    """Many planned cases as parallel numpy arrays, sorted by ``reported_at``.

    Times are epoch seconds, NaN where a stage never happens. The final pass
    through handling/verification is in the main columns; earlier failed
    passes (rework) are in the ``rework_*`` arrays, ordered by case and pass.
    Use :meth:`plan` to expand one case into a :class:`CasePlan`.
    """

    taxonomy: Taxonomy
    grid_codes: tuple[str, ...]
    reported_at: F64
    day: I64
    seq: I64
    subclass: NDArray[np.int16]
    source: NDArray[np.int8]
    grid: NDArray[np.int32]
    cancelled: Bool
    cancelled_at: F64
    filed_at: F64
    dispatched_at: F64
    handling_at: F64
    handling_deadline: F64
    closure_requested_at: F64
    verifying_at: F64
    closed_at: F64
    overdue: Bool
    rework_count: NDArray[np.int8]
    difficult: Bool
    difficult_at: F64
    urge_count: NDArray[np.int8]
    first_urge_at: F64
    escalated_at: F64
    rework_case: I64
    rework_requested_at: F64
    rework_verifying_at: F64
    rework_failed_at: F64

    def __len__(self) -> int:
        return int(self.reported_at.size)

    def case_id(self, i: int) -> str:
        """Return the case number of case ``i``."""
        date = dt.date.fromordinal(_EPOCH_ORDINAL + int(self.day[i]))
        return f"XC{date:%Y%m%d}{int(self.seq[i]):06d}"

    def last_seq_by_day(self) -> dict[int, int]:
        """Highest daily sequence used per local day (to continue numbering)."""
        if len(self) == 0:
            return {}
        days, last = np.unique(self.day[::-1], return_index=True)
        return {int(d): int(self.seq[::-1][i]) for d, i in zip(days, last, strict=True)}

    def plan(self, i: int, place: str | None = None) -> CasePlan:
        """Expand case ``i`` into a :class:`CasePlan` with its description."""
        sub = self.taxonomy.subclasses[int(self.subclass[i])]
        source = self.taxonomy.sources[int(self.source[i])].code
        case_id = self.case_id(i)
        text_rng = random.Random(case_id)
        return CasePlan(
            case_id=case_id,
            kind=sub.kind,
            class_code=sub.class_code,
            subclass_code=sub.code,
            department=sub.department,
            source=source,
            grid_code=self.grid_codes[int(self.grid[i])],
            reported_at=float(self.reported_at[i]),
            steps=self._steps(i, sub),
            urges=self._urges(i),
            escalated_at=_opt(self.escalated_at[i]),
            difficult=bool(self.difficult[i]),
            difficult_at=_opt(self.difficult_at[i]),
            overdue=bool(self.overdue[i]),
            description=describe(sub, place or text_rng.choice(DEFAULT_PLACES), source, text_rng),
        )

    def plans(self) -> Iterator[CasePlan]:
        """Yield every case as a :class:`CasePlan`, in report order."""
        for i in range(len(self)):
            yield self.plan(i)

    def _urges(self, i: int) -> tuple[float, ...]:
        first = float(self.first_urge_at[i])
        return tuple(first + k * URGE_INTERVAL_S for k in range(int(self.urge_count[i])))

    def _steps(self, i: int, sub: Subclass) -> tuple[StageStep, ...]:
        dl = sub.deadlines_h
        rep = float(self.reported_at[i])
        steps = [StageStep("reported", rep, rep + dl.filed * HOUR_S)]
        if self.cancelled[i]:
            return (*steps, StageStep("cancelled", float(self.cancelled_at[i]), None))
        filed, disp = float(self.filed_at[i]), float(self.dispatched_at[i])
        deadline = float(self.handling_deadline[i])
        steps += [
            StageStep("filed", filed, filed + dl.dispatched * HOUR_S),
            StageStep("dispatched", disp, deadline),
            StageStep("handling", float(self.handling_at[i]), deadline),
        ]
        lo, hi = np.searchsorted(self.rework_case, [i, i + 1])
        for k in range(int(lo), int(hi)):
            req, failed = float(self.rework_requested_at[k]), float(self.rework_failed_at[k])
            steps += [
                StageStep("closure_requested", req, req + dl.verifying * HOUR_S),
                StageStep("verifying", float(self.rework_verifying_at[k]), req + dl.verifying * HOUR_S),
                StageStep("handling", failed, failed + dl.handling * HOUR_S),
            ]
        if not math.isnan(self.closed_at[i]):
            req = float(self.closure_requested_at[i])
            steps += [
                StageStep("closure_requested", req, req + dl.verifying * HOUR_S),
                StageStep("verifying", float(self.verifying_at[i]), req + dl.verifying * HOUR_S),
                StageStep("closed", float(self.closed_at[i]), None),
            ]
        return tuple(steps)


def _opt(value: float | np.float64) -> float | None:
    return None if math.isnan(value) else float(value)
