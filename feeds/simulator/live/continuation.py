"""Take over open cases from a snapshot: draw the rest of their workflow so the backlog drains realistically.

A snapshot tells a case's current stage and that stage's deadline, not when
the stage began; since every deadline is "stage start + the subclass's hours",
the start is ``deadline - hours``. The next step is drawn from the model's
lognormal duration for that stage *conditioned on not having happened yet*
(inverse CDF on ``[F(elapsed), 1)``), later steps unconditionally, with the
same night deferral, rework and closing rules as new cases
(:mod:`feeds.simulator.model.lifecycle`). Cases far past any plausible handling
time are the long tail the model leaves open (0.29 % of filed cases, plus
65 % of difficult ones): they stay open, except difficult ones, which close
with the model's 35 % chance some weeks later.

Draws use a generator seeded by ``(seed, case id)``, so a case's future does
not depend on the order cases are taken over in.
"""

from __future__ import annotations

import math
import random
from statistics import NormalDist

from feeds.protocol import CaseInfo
from feeds.simulator.model.calendar import DAY_S, HOUR_S, UTC_OFFSET_S
from feeds.simulator.model.lifecycle import DEFAULT_PARAMS, MAX_REWORKS, MAX_URGES, URGE_INTERVAL_S, LifecycleParams
from feeds.simulator.model.plans import CasePlan, StageStep
from feeds.taxonomy import Subclass, Taxonomy, load_taxonomy

_NORMAL = NormalDist()
TAIL_AFTER_DEADLINES = 3.0
"""A handling pass older than this many handling deadlines plus a day is in the long tail."""


def draw_after(rng: random.Random, start: float, scale: float, median: float, sigma: float, now: float) -> float:
    """``start + scale·median·exp(σZ)`` conditioned on being later than ``now``."""
    elapsed = (now - start) / (scale * median)
    p0 = min(_NORMAL.cdf(math.log(elapsed) / sigma), 0.999) if elapsed > 0 else 0.0
    u = min(p0 + (1.0 - p0) * rng.random(), 1.0 - 1e-9)
    t = start + scale * median * math.exp(sigma * _NORMAL.inv_cdf(u))
    return t if t > now else now + rng.random() * 0.1 * scale


def _lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return median * math.exp(sigma * rng.gauss(0.0, 1.0))


def defer_night(
    rng: random.Random, t: float, latest: float = math.inf, night_from: float = 22.0, morning: float = 7.0
) -> float:
    """Move a time in the (local) night to 07:00-08:30 the next morning, if that is still by ``latest``."""
    hour = ((t + UTC_OFFSET_S) % DAY_S) / HOUR_S
    if morning <= hour < night_from:
        return t
    midnight = t - hour * HOUR_S
    target = midnight + morning * HOUR_S + (DAY_S if hour >= night_from else 0.0) + rng.random() * 1.5 * HOUR_S
    return target if target <= latest else t


class _Timeline:
    """Builds the remaining steps of one case."""

    def __init__(self, case: CaseInfo, sub: Subclass, p: LifecycleParams, rng: random.Random) -> None:
        self.case, self.p, self.rng = case, p, rng
        dl = sub.deadlines_h
        self.filed_s, self.dispatch_s = dl.filed * HOUR_S, dl.dispatched * HOUR_S
        self.handle_s, self.verify_s = dl.handling * HOUR_S, dl.verifying * HOUR_S
        self.steps: list[StageStep] = []
        self.overdue = False
        self.first_request: float | None = None

    def add(self, stage: str, at: float, deadline: float | None) -> None:
        self.steps.append(StageStep(stage, at, deadline))

    def request(self, pass_start: float, deadline: float, now: float, rework: bool) -> float:
        """Closure request of a handling pass (conditioned on ``now``)."""
        p = self.p
        median = p.rework_median if rework else p.handling_median
        req = max(draw_after(self.rng, pass_start, self.handle_s, median, p.handling_sigma, now), pass_start + 60.0)
        if self.handle_s >= p.night_defer_min_handling_h * HOUR_S:
            req = defer_night(self.rng, req, deadline)
        return req

    def verify(self, req: float, deadline: float, reworks: int, now: float, started: bool) -> None:
        """From a closure request to closing, with reworks."""
        p, rng = self.p, self.rng
        while True:
            self.overdue = math.floor(req) > math.floor(deadline)  # judged on the last pass, as in the model
            if self.first_request is None:
                self.first_request = req
            if not started:
                self.add("closure_requested", req, req + self.verify_s)
                wait = draw_after(rng, req, self.verify_s, p.verify_wait_median, p.step_sigma, now)
                vstart = defer_night(rng, wait, req + 0.75 * self.verify_s, night_from=21.0)
                self.add("verifying", vstart, req + self.verify_s)
            else:
                vstart = now
            vend = vstart + self.verify_s * _lognormal(rng, p.verify_median, 0.5)
            rate = p.rework_rate if reworks == 0 else p.repeat_rework_rate
            if self.case.difficult or reworks >= MAX_REWORKS or rng.random() >= rate:
                self.add("closed", vend, None)
                return
            reworks += 1
            deadline = vend + self.handle_s
            self.add("handling", vend, deadline)
            req, now, started = self.request(vend, deadline, vend, rework=True), vend, False


def _urges(case: CaseInfo, deadline: float, open_until: float, now: float, rng: random.Random) -> tuple[float, ...]:
    """Urges still to come: 0.5-2 h after the first deadline, then daily, at most 3, within 30 days."""
    first = deadline + rng.uniform(0.5, 2.0) * HOUR_S
    times = (first + k * URGE_INTERVAL_S for k in range(case.urges, MAX_URGES))
    return tuple(t for t in times if now < t < open_until and t <= deadline + 30 * DAY_S)


def continue_case(
    case: CaseInfo,
    now: float,
    seed: int,
    *,
    taxonomy: Taxonomy | None = None,
    params: LifecycleParams = DEFAULT_PARAMS,
) -> CasePlan | None:
    """The rest of an open case's workflow after ``now``, or ``None`` if nothing more will happen.

    The returned plan's ``steps`` are the remaining steps only (feed it to
    :func:`~feeds.simulator.live.case_messages.plan_messages` with ``after_stage=case.stage``).
    """
    tax = taxonomy or load_taxonomy()
    try:
        sub = tax.subclass(case.subclass)
    except KeyError:
        return None
    p, rng = params, random.Random(f"{seed}:{case.id}")
    tl = _Timeline(case, sub, p, rng)
    stage, deadline = case.stage, case.deadline
    handle_deadline = case.handle_deadline
    t = now
    if stage == "reported":
        t = draw_after(rng, case.reported_at, tl.filed_s, p.filing_median, p.step_sigma, now)
        cancel = {"patrol": p.cancel_patrol, "sensor": p.cancel_sensor}.get(case.source, p.cancel_citizen)
        if rng.random() < cancel:
            tl.add("cancelled", t, None)
            return _plan(case, tl, (), None)
        tl.add("filed", t, t + tl.dispatch_s)
        stage, deadline = "filed", t + tl.dispatch_s
    if stage == "filed":
        start = (deadline or t + tl.dispatch_s) - tl.dispatch_s
        t = draw_after(rng, start, tl.dispatch_s, p.dispatch_median, p.step_sigma, max(now, t))
        handle_deadline = t + tl.handle_s
        tl.add("dispatched", t, handle_deadline)
        stage, deadline = "dispatched", handle_deadline
    if stage in ("dispatched", "handling") and deadline is not None:
        handle_deadline = deadline  # the current pass's handling deadline
    elif handle_deadline is None:
        handle_deadline = now + tl.handle_s  # unknown: as if dispatched now
    if stage == "dispatched":
        accept = min(_lognormal(rng, p.accept_median_s, p.step_sigma), 0.25 * tl.handle_s)
        t = max(handle_deadline - tl.handle_s + accept, max(now, t) + rng.random() * 60.0)
        tl.add("handling", t, handle_deadline)
        stage = "handling"
    urge_deadline = handle_deadline if case.reworks == 0 else None
    if stage == "handling":
        pass_start = handle_deadline - tl.handle_s
        tail = max(now, t) - pass_start > TAIL_AFTER_DEADLINES * tl.handle_s + DAY_S
        if case.difficult or tail:
            if not case.difficult or rng.random() < p.difficult_unresolved:
                return _plan(case, tl, _urges(case, handle_deadline, math.inf, now, rng), None)
            req = max(handle_deadline + rng.uniform(12, 140) * DAY_S, now + rng.uniform(0.5, 30) * DAY_S)
        elif rng.random() < p.unresolved_rate:
            return _plan(case, tl, _urges(case, handle_deadline, math.inf, now, rng), None)
        else:
            req = tl.request(pass_start, handle_deadline, max(now, t), rework=case.reworks > 0)
        tl.verify(req, handle_deadline, case.reworks, max(now, t), started=False)
    elif stage in ("closure_requested", "verifying"):
        req = (deadline if deadline is not None else now) - tl.verify_s
        tl.overdue = req > handle_deadline
        if stage == "closure_requested":
            tl.verify(req, handle_deadline, case.reworks, now, started=False)
            tl.steps.pop(0)  # the request itself already happened
        else:
            tl.verify(req, handle_deadline, case.reworks, now, started=True)
    else:
        return None
    open_until = tl.first_request if tl.first_request is not None else math.inf
    urges = _urges(case, urge_deadline, open_until, now, rng) if urge_deadline is not None else ()
    escalate = handle_deadline + max(DAY_S, tl.handle_s)
    escalated = escalate if urge_deadline is not None and now < escalate < open_until else None
    return _plan(case, tl, urges, escalated)


def _plan(case: CaseInfo, tl: _Timeline, urges: tuple[float, ...], escalated: float | None) -> CasePlan | None:
    if not tl.steps and not urges and escalated is None:
        return None
    return CasePlan(
        case_id=case.id,
        kind=case.kind,
        class_code=case.subclass[:2],
        subclass_code=case.subclass,
        department=case.department,
        source=case.source,
        grid_code=case.grid,
        reported_at=case.reported_at,
        steps=tuple(tl.steps),
        urges=urges,
        escalated_at=escalated,
        difficult=False,  # already registered ones stay so; no new registrations for taken-over cases
        overdue=tl.overdue,
        description=case.description,
    )
