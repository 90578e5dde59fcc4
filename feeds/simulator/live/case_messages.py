"""A planned case as the timed wire events that play it out: created, each stage, urges, 疑难, 督办, closed."""

from __future__ import annotations

import random

import numpy as np

from feeds.protocol import (
    CaseClosed,
    CaseCreated,
    CaseDifficultChanged,
    CaseInfo,
    CaseNoted,
    CaseStageChanged,
    CaseUrged,
)
from feeds.simulator.environment.patrol import PatrolRoster
from feeds.simulator.live.schedule import Timed
from feeds.simulator.model.components import ComponentIndex
from feeds.simulator.model.district import District
from feeds.simulator.model.plans import CasePlan

CENTRE = "区城市管理指挥中心"
"""Who urges, escalates and registers difficult cases (``by`` of those events)."""
ESCALATION_NOTE = "督办：案件超期未处置，请责任单位加快办理并反馈。"
URGE_NOTE = "超期催办"


def case_info(
    plan: CasePlan,
    district: District,
    components: ComponentIndex | None = None,
    patrol: PatrolRoster | None = None,
) -> CaseInfo:
    """The case as reported (stage ``reported``, filing deadline), at a point of its grid with its street address;
    a component case at a component of its subclass (in its grid or as near as the units go, see
    :class:`~feeds.simulator.model.components.ComponentIndex`), in that component's grid, with its code;
    a patrol case with its reporter from ``patrol`` (:meth:`PatrolRoster.reporters`: the supervisor of the
    beat when on shift, else a neighbouring beat's on-shift supervisor)."""
    rng = random.Random(plan.case_id)
    lon, lat = district.random_point(plan.grid_code, rng)
    code, grid = None, plan.grid_code
    if components is not None and plan.kind == "component":
        picked = components.pick_one(plan.subclass_code, district.index(plan.grid_code), rng.random())
        if picked is not None:
            code, lon, lat = picked[0], picked[2], picked[3]
            grid = district.grid_codes[picked[1]]
    reporter = None
    if patrol is not None and plan.source == "patrol":
        reporter = patrol.reporters([grid], np.array([float(int(plan.reported_at))]))[0]
    return CaseInfo(
        id=plan.case_id,
        kind=plan.kind,
        subclass=plan.subclass_code,
        source=plan.source,
        grid=grid,
        lon=lon,
        lat=lat,
        stage="reported",
        reported_at=float(int(plan.reported_at)),
        department=plan.department,
        description=plan.description,
        address=district.address_at(grid, lon, lat),
        deadline=plan.steps[0].deadline,
        component=code,
        reporter=reporter,
    )


def plan_messages(
    plan: CasePlan,
    district: District | None,
    *,
    after_stage: str | None = None,
    components: ComponentIndex | None = None,
    patrol: PatrolRoster | None = None,
) -> list[Timed]:
    """Every event of a plan with its time, in publishing order.

    Args:
        plan: The case's plan (a new case) or its remaining steps (a case taken
            over from a snapshot, see :mod:`feeds.simulator.live.continuation`).
        district: Where to place a new case; not needed with ``after_stage``.
        after_stage: Stage the case is already in: ``plan.steps`` are then the
            remaining steps only and no ``case.created`` is sent.
        components: The component inventory a new component case is reported against.
        patrol: The roster whose on-shift supervisors report new patrol cases.
    """
    out: list[Timed] = []
    previous = after_stage
    steps = plan.steps
    if after_stage is None:
        if district is None:
            raise ValueError("a new case needs a district to be placed in")
        out.append((plan.reported_at, CaseCreated(case_info(plan, district, components, patrol))))
        previous, steps = steps[0].stage, steps[1:]
    for step in steps:
        if step.stage == "closed":
            out.append((step.at, CaseClosed(plan.case_id, on_time=not plan.overdue)))
        else:
            rework = step.stage == "handling" and previous == "verifying"
            out.append((step.at, CaseStageChanged(plan.case_id, step.stage, deadline=step.deadline, rework=rework)))
        previous = step.stage
    out += [(t, CaseUrged(plan.case_id, CENTRE, URGE_NOTE)) for t in plan.urges]
    if plan.escalated_at is not None:
        out.append((plan.escalated_at, CaseNoted(plan.case_id, CENTRE, ESCALATION_NOTE)))
    if plan.difficult and plan.difficult_at is not None:
        out.append((plan.difficult_at, CaseDifficultChanged(plan.case_id, True, CENTRE)))
    out.sort(key=lambda item: item[0])  # stable: a step keeps its place among events of the same second
    return out
