"""Live 全响应 requests: planned requests as timed protocol events, and the rest of open ones.

:class:`RequestStream` plans each window ``[a, b)`` with its own seeded generator
(so the stream is a function of the seed and the window grid, whatever the speed),
and turns every request into its 接-派-办-评 events: created (接), filed (受理),
dispatched with the response deadline (派), handling when the department responds and
closure requested when it replies (办), verifying with the return visit's
``case.evaluated`` (评), a re-opening back to handling, and the closing. An enquiry
answered on the line is created and closed at once. Requests open in the snapshot are
given the rest of a fresh lifecycle after their current stage.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence

import numpy as np

from feeds.protocol import CaseClosed, CaseCreated, CaseEvaluated, CaseInfo, CaseStageChanged, Message
from feeds.protocol.vocab import REOPENED_NOTE, RETURN_VISITOR
from feeds.response.taxonomy import ResponseTaxonomy, load_response_taxonomy
from feeds.simulator.model.calendar import UTC_OFFSET_S
from feeds.simulator.model.district import District
from feeds.simulator.response.history import CHANNEL_WORDS, SATISFACTION
from feeds.simulator.response.plan import RequestPlan, plan_requests

Timed = tuple[float, Message]
VISITOR = RETURN_VISITOR
"""Who evaluates (``by`` of ``case.evaluated``): a code the views translate (回访员)."""
_NUMBER = re.compile(r"QX(\d{4})(\d{2})(\d{2})(\d{6})")
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_ORDER = ("reported", "filed", "dispatched", "handling", "closure_requested", "verifying", "closed")


def _t(value: float) -> float | None:
    return None if math.isnan(value) else float(int(value))


def request_messages(plan: RequestPlan, i: int, case_id: str, *, after: str | None = None) -> list[Timed]:
    """The events of request ``i`` of ``plan`` (only those after stage ``after`` for a taken-over one)."""
    steps: list[tuple[float, str, Message]] = []

    def stage(t: float, name: str, **kw: object) -> None:
        at = _t(t)
        if at is not None:
            steps.append((at, name, CaseStageChanged(case_id, name, **kw)))  # type: ignore[arg-type]

    p = plan
    stage(p.filed[i], "filed")
    if not p.answered[i]:
        stage(
            p.dispatched[i],
            "dispatched",
            deadline=_t(p.handle_deadline[i]),
            response_deadline=_t(p.response_deadline[i]),
        )
        stage(p.responded[i], "handling", deadline=_t(p.handle_deadline[i]))
        first = _t(p.first_evaluated[i])
        if first is not None:
            stage(p.first_handled[i], "closure_requested")
            stage(p.first_handled[i] + 3600, "verifying")
            sat = str(SATISFACTION[p.first_satisfaction[i]])
            steps.append((first, "verifying", CaseEvaluated(case_id, False, sat, VISITOR)))
            stage(
                p.reopened_at[i],
                "handling",
                deadline=_t(p.handle_deadline[i]),
                rework=True,
                note=REOPENED_NOTE,
            )
        stage(p.handled[i], "closure_requested")
        stage(p.verifying[i], "verifying")
        evaluated = _t(p.evaluated[i])
        if evaluated is not None:
            sat = str(SATISFACTION[p.satisfaction[i]])
            steps.append((evaluated, "verifying", CaseEvaluated(case_id, bool(p.resolved[i]), sat, VISITOR)))
    closed = _t(p.closed[i])
    if closed is not None:
        on_time = bool(p.answered[i] or p.handled[i] <= p.handle_deadline[i])
        steps.append((closed, "closed", CaseClosed(case_id, on_time=on_time)))
    if after is not None:
        # a taken-over request: drop what it has been through (by stage order; a re-opening restarts it)
        reached = _ORDER.index(after)
        keep, passed = [], False
        for item in steps:
            if passed or _ORDER.index(item[1]) > reached:
                passed = True
                keep.append(item)
        steps = keep
    return [(t, msg) for t, _, msg in sorted(steps, key=lambda s: s[0])]


class RequestStream:
    """New 全响应 requests window by window, and the rest of those open at the start.

    Args:
        start: Simulated start.
        seed: Seed of the stream.
        district: Grids, weights, points and addresses.
        cases: The snapshot's cases (open requests are taken over; request numbers continue).
        tax: The 全响应 taxonomy.
    """

    def __init__(
        self,
        start: float,
        seed: int,
        district: District,
        cases: Sequence[CaseInfo] = (),
        tax: ResponseTaxonomy | None = None,
    ) -> None:
        self.seed, self.district = seed, district
        self.tax = tax or load_response_taxonomy()
        self.created = 0
        self._seq: dict[int, int] = {}
        for c in cases:
            m = _NUMBER.fullmatch(c.id)
            if m is not None:
                day = dt.date(int(m[1]), int(m[2]), int(m[3])).toordinal() - _EPOCH_ORDINAL
                self._seq[day] = max(self._seq.get(day, 0), int(m[4]))
        self._taken = [c for c in cases if c.platform == "response" and c.stage not in ("closed", "cancelled")]
        self._start = start

    def take_over(self) -> list[Timed]:
        """The remaining events of every open request of the snapshot (fresh lifecycles shifted to the start)."""
        if not self._taken:
            return []
        rng = np.random.default_rng([self.seed, 7, int(self._start)])
        index = {t.code: i for i, t in enumerate(self.tax.types)}
        flat = np.full(len(self.district.weights), 1.0 / len(self.district.weights))
        span = 86_400.0
        plan = plan_requests(self._start, self._start + span, rng, flat, now=self._start, tax=self.tax)
        while int((~plan.answered).sum()) < len(self._taken):
            span *= 2
            plan = plan_requests(self._start, self._start + span, rng, flat, now=self._start, tax=self.tax)
        picked = plan.subset(np.flatnonzero(~plan.answered)[: len(self._taken)])
        shift = self._start - picked.reported
        for name in picked.__dataclass_fields__:
            column = getattr(picked, name)
            if column.dtype == np.float64:
                setattr(picked, name, column + shift)
        out: list[Timed] = []
        for i, c in enumerate(self._taken):
            picked.type_index[i] = index.get(c.subclass, int(picked.type_index[i]))
            out += request_messages(picked, i, c.id, after=c.stage)
        return out

    def window(self, a: float, b: float) -> list[Timed]:
        """Every event of the requests reported in ``[a, b)``."""
        rng = np.random.default_rng([self.seed, 12345, int(a)])
        plan = plan_requests(a, b, rng, self.district.weights, now=a, tax=self.tax)
        out: list[Timed] = []
        for i in range(len(plan)):
            case_id = self._next_id(plan.reported[i])
            out.append((float(int(plan.reported[i])), CaseCreated(self._info(plan, i, case_id, rng))))
            out += request_messages(plan, i, case_id)
        self.created += len(plan)
        return out

    def _next_id(self, t: float) -> str:
        day = int((t + UTC_OFFSET_S) // 86_400)
        self._seq[day] = self._seq.get(day, 0) + 1
        return f"QX{dt.date.fromordinal(_EPOCH_ORDINAL + day):%Y%m%d}{self._seq[day]:06d}"

    def _info(self, plan: RequestPlan, i: int, case_id: str, rng: np.random.Generator) -> CaseInfo:
        t = self.tax.types[int(plan.type_index[i])]
        grid = int(plan.grid[i])
        k = int(rng.integers(0, self.district.lon.shape[1]))
        channel = int(plan.channel[i])
        return CaseInfo(
            id=case_id,
            kind="event",
            subclass=t.code,
            source=self.tax.channels[channel].code,
            grid=self.district.grid_codes[grid],
            lon=float(self.district.lon[grid, k]),
            lat=float(self.district.lat[grid, k]),
            stage="reported",
            reported_at=float(int(plan.reported[i])),
            department=t.department,
            description=f"{CHANNEL_WORDS[min(channel, 2)]}：{t.name_zh.replace('·', '，诉求类型：')}",
            address=self.district.addresses[grid],
            platform="response",
        )
