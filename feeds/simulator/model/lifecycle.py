"""Stage durations and outcomes of cases (the workflow part of the case model).

Every duration is lognormal, written as a median fraction of the subclass's
stage deadline and a log-sd (:class:`LifecycleParams`). :func:`plan_lifecycles`
draws every case's timeline at once, vectorised; see ``docs/simulation.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from feeds.simulator.model.arrays import F64, I64, Bool
from feeds.simulator.model.calendar import DAY_S, HOUR_S, UTC_OFFSET_S
from feeds.taxonomy import Taxonomy

MAX_REWORKS = 2
MAX_URGES = 3
URGE_INTERVAL_S = DAY_S
"""A late case is urged (催办) once past its deadline, then daily, at most 3 times."""


@dataclass(frozen=True)
class LifecycleParams:
    """Tunable parameters of stage durations and outcomes.

    Durations are lognormal, expressed as a median fraction of the stage's
    deadline and a log-sd. Defaults give ~2.8 % cancelled at report (97.2 %
    filed), ~3 % rework, ~4-5 % of closed cases overdue and ~99.6 % of filed
    cases closed.
    """

    cancel_patrol: float = 0.027
    cancel_citizen: float = 0.22
    cancel_sensor: float = 0.15
    filing_median: float = 0.12
    dispatch_median: float = 0.15
    step_sigma: float = 0.6
    accept_median_s: float = 600.0
    handling_median: float = 0.40
    handling_sigma: float = 0.55
    rework_median: float = 0.3
    verify_wait_median: float = 0.12
    verify_median: float = 0.08
    rework_rate: float = 0.03
    repeat_rework_rate: float = 0.15
    unresolved_rate: float = 0.0029
    difficult_rate: float = 3510 / 3_220_000 / 0.972
    difficult_unresolved: float = 0.65
    night_defer_min_handling_h: float = 8.0


DEFAULT_PARAMS = LifecycleParams()


def _lognormal(rng: np.random.Generator, median: float, sigma: float, n: int) -> F64:
    return median * np.exp(sigma * rng.standard_normal(n))


def _defer_night(
    rng: np.random.Generator, t: F64, mask: Bool, latest: F64, night_from: float = 22.0, morning: float = 7.0
) -> F64:
    """Move times that fall in the night (local) to the next morning, 07:00-08:30.

    Only when the morning still meets the deadline ``latest``: work that would
    otherwise run late is done at night (night shifts exist for that), so the
    night rule never makes a case overdue by itself.
    """
    hour = ((t + UTC_OFFSET_S) % DAY_S) / HOUR_S
    midnight = t - hour * HOUR_S
    target = midnight + morning * HOUR_S + np.where(hour >= night_from, DAY_S, 0.0) + rng.random(t.size) * 1.5 * HOUR_S
    night = mask & ((hour >= night_from) | (hour < morning)) & (target <= latest)
    return np.where(night, target, t)


def _whole_seconds_late(t: F64, deadline: F64) -> Bool:
    """``t`` after ``deadline`` as the store sees them (whole seconds, truncated)."""
    late: Bool = np.floor(t) > np.floor(deadline)
    return late


def plan_lifecycles(
    rng: np.random.Generator, tax: Taxonomy, reported: F64, sub: I64, src: I64, p: LifecycleParams
) -> dict[str, NDArray[np.generic]]:
    """Draw every stage time and outcome for cases with known subclass/source."""
    n, nan = reported.size, np.nan
    d = tax.subclasses
    dl = (
        np.array(
            [
                [s.deadlines_h.filed, s.deadlines_h.dispatched, s.deadlines_h.handling, s.deadlines_h.verifying]
                for s in d
            ]
        ).reshape(-1, 4)
        * HOUR_S
    )
    f_s, d_s, h_s, v_s = dl[sub].T
    cancel_p = np.array(
        [
            p.cancel_patrol if s.code == "patrol" else p.cancel_sensor if s.code == "sensor" else p.cancel_citizen
            for s in tax.sources
        ]
    )
    cancelled = rng.random(n) < cancel_p[src]
    filed_ok = ~cancelled
    decided = reported + f_s * _lognormal(rng, p.filing_median, p.step_sigma, n)
    filed = np.where(cancelled, nan, decided)
    dispatched = filed + d_s * _lognormal(rng, p.dispatch_median, p.step_sigma, n)
    handling_at = dispatched + np.minimum(_lognormal(rng, p.accept_median_s, p.step_sigma, n), 0.25 * h_s)
    deadline0 = dispatched + h_s
    difficult = filed_ok & (rng.random(n) < p.difficult_rate)
    u = rng.random(n)
    unresolved = filed_ok & np.where(difficult, u < p.difficult_unresolved, u < p.unresolved_rate)
    difficult_at = np.where(difficult, deadline0 + rng.uniform(2, 20, n) * DAY_S, nan)
    clock, pass_start, deadline = dispatched.copy(), handling_at.copy(), deadline0.copy()
    overdue = unresolved.copy()
    req_final, ver_final, closed, first_req = (np.full(n, nan) for _ in range(4))
    rework_count = np.zeros(n, dtype=np.int8)
    rows: list[tuple[I64, F64, F64, F64]] = []
    active = filed_ok & ~unresolved
    for k in range(MAX_REWORKS + 1):
        idx = np.flatnonzero(active)
        dur = h_s[idx] * _lognormal(rng, p.handling_median if k == 0 else p.rework_median, p.handling_sigma, idx.size)
        req = np.maximum(clock[idx] + dur, pass_start[idx] + 60.0)
        if k == 0:
            late = difficult_at[idx] + rng.uniform(10, 120, idx.size) * DAY_S
            req = np.where(difficult[idx], late, req)
        req = _defer_night(rng, req, h_s[idx] >= p.night_defer_min_handling_h * HOUR_S, deadline[idx])
        if k == 0:
            first_req[idx] = req
        is_late = _whole_seconds_late(req, deadline[idx])
        vstart = req + v_s[idx] * _lognormal(rng, p.verify_wait_median, p.step_sigma, idx.size)
        room = req + 0.75 * v_s[idx]  # a deferred verification still ends within its deadline
        vstart = _defer_night(rng, vstart, np.ones(idx.size, dtype=bool), room, night_from=21.0)
        vend = vstart + v_s[idx] * _lognormal(rng, p.verify_median, 0.5, idx.size)
        rate = p.rework_rate if k == 0 else p.repeat_rework_rate
        fail = (rng.random(idx.size) < rate) & ~difficult[idx] & (k < MAX_REWORKS)
        failed, ok = idx[fail], idx[~fail]
        overdue[ok] |= is_late[~fail]
        rows.append((failed, req[fail], vstart[fail], vend[fail]))
        rework_count[failed] += 1
        req_final[ok], ver_final[ok], closed[ok] = req[~fail], vstart[~fail], vend[~fail]
        active = np.zeros(n, dtype=bool)
        active[failed] = True
        clock[failed] = pass_start[failed] = vend[fail]
        deadline[failed] = vend[fail] + h_s[failed]
    open_end = np.where(unresolved, np.inf, first_req)
    first_urge = deadline0 + rng.uniform(0.5, 2.0, n) * HOUR_S
    urged = filed_ok & (open_end > first_urge)
    span = np.where(urged, np.minimum(open_end - first_urge, 30 * DAY_S), 0.0)
    urges = np.where(urged, np.minimum(MAX_URGES, 1 + np.floor(span / URGE_INTERVAL_S)), 0)
    escalate_t = deadline0 + np.maximum(DAY_S, h_s)
    case_idx = np.concatenate([r[0] for r in rows]) if rows else np.zeros(0, dtype=np.int64)
    order = np.argsort(case_idx, kind="stable")
    return {
        "cancelled": cancelled,
        "cancelled_at": np.where(cancelled, decided, nan),
        "filed_at": filed,
        "dispatched_at": dispatched,
        "handling_at": handling_at,
        "handling_deadline": deadline0,
        "closure_requested_at": req_final,
        "verifying_at": ver_final,
        "closed_at": closed,
        "overdue": overdue,
        "rework_count": rework_count,
        "difficult": difficult,
        "difficult_at": difficult_at,
        "urge_count": urges.astype(np.int8),
        "first_urge_at": np.where(urged, first_urge, nan),
        "escalated_at": np.where(filed_ok & (open_end > escalate_t), escalate_t, nan),
        "rework_case": case_idx[order].astype(np.int64),
        **{
            name: np.concatenate([r[j] for r in rows])[order]
            for j, name in ((1, "rework_requested_at"), (2, "rework_verifying_at"), (3, "rework_failed_at"))
        },
    }
