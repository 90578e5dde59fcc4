"""Every case of a planned batch as it stood at one moment (vectorised): what the history seeder writes.

A :class:`~feeds.simulator.model.plans.CaseBatch` holds whole lifecycles, future
steps included. :func:`batch_as_of` cuts them at time ``at``: the stage each
case was in, the first time it reached each stage, the deadline of that
stage, its urges, reworks and difficult flag so far, and the
``case_history`` entries for rework passes, urges and the difficult register.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from feeds.simulator.model.arrays import F64, I64, Bool
from feeds.simulator.model.calendar import HOUR_S
from feeds.simulator.model.lifecycle import MAX_URGES, URGE_INTERVAL_S
from feeds.simulator.model.plans import STAGES, CaseBatch

STAGE_CODE = {stage: code for code, stage in enumerate(STAGES)}
HISTORY_ACTIONS = ("closure_requested", "verifying", "rework", "urge", "difficult")
"""``case_history.action`` values written for seeded cases, by code."""


@dataclass(frozen=True, eq=False)
class BatchState:
    """Columns of a batch's cases as of ``at`` (NaN: not reached by then).

    Attributes:
        at: The moment, epoch seconds.
        stage: Index into :data:`~feeds.simulator.model.plans.STAGES`.
        filed_at: First filing.
        dispatched_at: First dispatch.
        handled_at: Latest closure request (申结).
        closed_at: Closing.
        cancelled_at: Cancellation.
        deadline_at: Deadline of the current stage (NaN for closed/cancelled).
        handle_deadline_at: Handling deadline (处置时限) of the current pass, once dispatched.
        on_time: Closed within every handling deadline (meaningful for closed cases only).
        difficult: In the 疑难 register by then.
        urges: Urges (催办) so far.
        reworks: Failed verifications so far.
        hist_case: Case index of each history entry.
        hist_at: Time of each history entry.
        hist_action: Index into :data:`HISTORY_ACTIONS`.
        hist_deadline: Deadline recorded with the entry (NaN: none).
    """

    at: float
    stage: NDArray[np.int8]
    filed_at: F64
    dispatched_at: F64
    handled_at: F64
    closed_at: F64
    cancelled_at: F64
    deadline_at: F64
    handle_deadline_at: F64
    on_time: Bool
    difficult: Bool
    urges: NDArray[np.int16]
    reworks: NDArray[np.int16]
    hist_case: I64
    hist_at: F64
    hist_action: NDArray[np.int8]
    hist_deadline: F64


class _Cut:
    """Walks timeline steps in order, keeping for each case the latest step reached by ``at``."""

    def __init__(self, batch: CaseBatch, at: float) -> None:
        n = len(batch)
        self.at = at
        self.best = batch.reported_at.copy()
        self.stage = np.zeros(n, dtype=np.int8)
        self.deadline = np.full(n, np.nan)
        self.handled = np.full(n, np.nan)
        self.handle_deadline = np.full(n, np.nan)
        self.hist: list[tuple[I64, F64, int, F64]] = []

    def step(self, cases: I64 | slice, t: F64, stage: str, deadline: F64, history: int | None = None) -> None:
        """Apply one step (times ``t``, NaN where absent) to ``cases``."""
        with np.errstate(invalid="ignore"):
            reached = (t <= self.at) & (t >= self.best[cases])
        idx = np.arange(self.best.size)[cases][reached]
        self.best[idx] = t[reached]
        self.stage[idx] = STAGE_CODE[stage]
        self.deadline[idx] = deadline[reached]
        if stage == "closure_requested":
            self.handled[idx] = t[reached]
        if stage == "handling":
            self.handle_deadline[idx] = deadline[reached]
        if history is not None:
            self.hist.append((idx, t[reached], history, deadline[reached]))


def _deadline_seconds(batch: CaseBatch) -> tuple[F64, F64, F64, F64]:
    hours = [(s.deadlines_h.filed, s.deadlines_h.dispatched, s.deadlines_h.handling, s.deadlines_h.verifying)
             for s in batch.taxonomy.subclasses]  # fmt: skip
    table = np.array(hours, dtype=np.float64).reshape(-1, 4)
    per_case = table[batch.subclass.astype(np.int64)] * HOUR_S
    return per_case[:, 0], per_case[:, 1], per_case[:, 2], per_case[:, 3]


def _rework_passes(batch: CaseBatch, cut: _Cut, verify_s: F64, handle_s: F64) -> NDArray[np.int16]:
    """Apply failed verification passes in order (first pass of every case, then second ...)."""
    reworks = np.zeros(len(batch), dtype=np.int16)
    cases = batch.rework_case
    if cases.size == 0:
        return reworks
    first = np.searchsorted(cases, cases, side="left")
    rank = np.arange(cases.size) - first
    for k in range(int(rank.max()) + 1):
        rows = np.flatnonzero(rank == k)
        c = cases[rows]
        req, ver = batch.rework_requested_at[rows], batch.rework_verifying_at[rows]
        fail = batch.rework_failed_at[rows]
        cut.step(c, req, "closure_requested", req + verify_s[c], history=0)
        cut.step(c, ver, "verifying", req + verify_s[c], history=1)
        cut.step(c, fail, "handling", fail + handle_s[c], history=2)
        reworks[c] += (fail <= cut.at).astype(np.int16)
    return reworks


def _urges(batch: CaseBatch, at: float) -> tuple[NDArray[np.int16], list[tuple[I64, F64, int, F64]]]:
    first, count = batch.first_urge_at, batch.urge_count.astype(np.int64)
    done = np.zeros(len(batch), dtype=np.int16)
    hist = []
    for k in range(MAX_URGES):
        t = first + k * URGE_INTERVAL_S
        with np.errstate(invalid="ignore"):
            m = (k < count) & (t <= at)
        done += m.astype(np.int16)
        idx = np.flatnonzero(m)
        hist.append((idx, t[idx], 3, np.full(idx.size, np.nan)))
    return done, hist


def _reached(t: F64, at: float) -> F64:
    with np.errstate(invalid="ignore"):
        return np.where(t <= at, t, np.nan)


def batch_as_of(batch: CaseBatch, at: float) -> BatchState:
    """Cut every case of ``batch`` at time ``at`` (cases reported after ``at`` are not expected)."""
    filed_s, dispatch_s, handle_s, verify_s = _deadline_seconds(batch)
    cut = _Cut(batch, at)
    everyone = slice(None)
    cut.deadline[:] = batch.reported_at + filed_s
    nan = np.full(len(batch), np.nan)
    cut.step(everyone, batch.cancelled_at, "cancelled", nan)
    cut.step(everyone, batch.filed_at, "filed", batch.filed_at + dispatch_s)
    cut.step(everyone, batch.dispatched_at, "dispatched", batch.handling_deadline)
    with np.errstate(invalid="ignore"):
        cut.handle_deadline = np.where(batch.dispatched_at <= at, batch.handling_deadline, np.nan)
    cut.step(everyone, batch.handling_at, "handling", batch.handling_deadline)
    reworks = _rework_passes(batch, cut, verify_s, handle_s)
    req = batch.closure_requested_at
    cut.step(everyone, req, "closure_requested", req + verify_s)
    cut.step(everyone, batch.verifying_at, "verifying", req + verify_s)
    cut.step(everyone, batch.closed_at, "closed", nan)
    urges, urge_hist = _urges(batch, at)
    with np.errstate(invalid="ignore"):
        difficult = batch.difficult & (batch.difficult_at <= at)
    hard = np.flatnonzero(difficult)
    hist = [*cut.hist, *urge_hist, (hard, batch.difficult_at[hard], 4, np.full(hard.size, np.nan))]
    closed = cut.stage == STAGE_CODE["closed"]
    final = closed | (cut.stage == STAGE_CODE["cancelled"])
    return BatchState(
        at=at,
        stage=cut.stage,
        filed_at=_reached(batch.filed_at, at),
        dispatched_at=_reached(batch.dispatched_at, at),
        handled_at=cut.handled,
        closed_at=_reached(batch.closed_at, at),
        cancelled_at=_reached(batch.cancelled_at, at),
        deadline_at=np.where(final, np.nan, cut.deadline),
        handle_deadline_at=cut.handle_deadline,
        on_time=closed & ~batch.overdue,
        difficult=difficult,
        urges=urges,
        reworks=reworks,
        hist_case=np.concatenate([h[0] for h in hist]).astype(np.int64),
        hist_at=np.concatenate([h[1] for h in hist]),
        hist_action=np.concatenate([np.full(h[0].size, h[2], dtype=np.int8) for h in hist]),
        hist_deadline=np.concatenate([h[3] for h in hist]),
    )
