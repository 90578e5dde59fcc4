"""全响应 history: planned requests cut at a moment, written through the store's bulk path.

:func:`seed_requests` plans every request reported in ``[start, end)``
(:func:`~feeds.simulator.response.plan.plan_requests`, one pass: ten years are
~600k requests), cuts each at ``end`` (:func:`as_of`: stage, stage times, current
deadline, evaluation, re-opening) and hands the rows to
:meth:`~feeds.store.Store.bulk_insert_cases`. Re-opened requests get their first
return visit and the re-opening in ``case_history``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from feeds.protocol.vocab import REOPENED_NOTE, SEEDED_ACTOR, evaluation_note
from feeds.response.taxonomy import ACCEPT_H, DISPATCH_H, EVALUATE_H, ResponseTaxonomy, load_response_taxonomy
from feeds.simulator.model.calendar import HOUR_S
from feeds.simulator.model.district import District
from feeds.simulator.response.plan import RequestPlan, plan_requests, request_ids
from feeds.store import Store

SATISFACTION = np.array(["satisfied", "basically_satisfied", "unsatisfied"], dtype=object)
CHANNEL_WORDS = ("市民来电反映", "市民网上反映", "网格员上报")
"""How a description starts, per channel (phone, online, grid member)."""
STAGE_ORDER = ("reported", "filed", "dispatched", "handling", "closure_requested", "verifying", "closed")


@dataclass(frozen=True)
class RequestSeedReport:
    """What was written: requests, closed, answered on the line, re-opened, and the seconds of a
    :func:`seed_requests` call (0 when they went in with the cases of ``seed_history``)."""

    requests: int
    closed: int
    answered: int
    reopened: int
    seconds: float


def _le(times: NDArray[np.float64], end: float) -> NDArray[np.bool_]:
    """``times <= end`` with NaN (never) False."""
    with np.errstate(invalid="ignore"):
        return np.asarray(~np.isnan(times) & (times <= end))


@dataclass
class RequestsAsOf:
    """A plan cut at ``end``: stage codes (index into :data:`STAGE_ORDER`) and the columns as stored."""

    stage: NDArray[np.int64]
    columns: dict[str, NDArray[Any]]


def as_of(plan: RequestPlan, end: float) -> RequestsAsOf:
    """Where each request stood at ``end`` (see the module docstring)."""
    n = len(plan)
    stage = np.zeros(n, dtype=np.int64)
    steps = (
        (plan.filed, 1),
        (plan.dispatched, 2),
        (plan.responded, 3),
        (plan.first_handled, 4),
        (plan.first_evaluated, 5),
        (plan.reopened_at, 3),
        (plan.handled, 4),
        (plan.verifying, 5),
        (plan.closed, 6),
    )
    for times, code in steps:
        stage = np.where(_le(times, end), code, stage)
    closed = stage == 6

    def known(times: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.where(_le(times, end), times, np.nan)

    final = _le(plan.evaluated, end)
    first = ~final & _le(plan.first_evaluated, end)
    handled = np.where(_le(plan.handled, end), plan.handled, known(plan.first_handled))
    deadline = np.select(
        [stage == 0, stage == 1, stage == 2, stage == 3, (stage == 4) | (stage == 5)],
        [
            plan.reported + ACCEPT_H * HOUR_S,
            plan.filed + DISPATCH_H * HOUR_S,
            plan.response_deadline,
            plan.handle_deadline,
            handled + EVALUATE_H * HOUR_S,
        ],
        np.nan,
    )
    dispatched = known(plan.dispatched)
    sat = np.where(final, plan.satisfaction, np.where(first, plan.first_satisfaction, -1))
    on_time = np.where(plan.answered, True, _le(plan.handled, float("inf")) & (plan.handled <= plan.handle_deadline))
    return RequestsAsOf(
        stage,
        {
            "filed_at": known(plan.filed),
            "dispatched_at": dispatched,
            "responded_at": known(plan.responded),
            "handled_at": handled,
            "closed_at": known(plan.closed),
            "deadline_at": deadline,
            "handle_deadline_at": np.where(np.isnan(dispatched), np.nan, plan.handle_deadline),
            "response_deadline_at": np.where(np.isnan(dispatched), np.nan, plan.response_deadline),
            "evaluated_at": np.where(final, plan.evaluated, np.where(first, plan.first_evaluated, np.nan)),
            "resolved": np.where(final, plan.resolved, False),
            "evaluated": final | first,
            "satisfaction": sat,
            "reworks": _le(plan.reopened_at, end).astype(np.int64),
            "on_time": np.where(closed, on_time, False),
            "closed": closed,
        },
    )


def _times(values: NDArray[np.float64]) -> list[int | None]:
    out = np.full(values.size, None, dtype=object)
    ok = ~np.isnan(values)
    out[ok] = values[ok].astype(np.int64)
    result: list[int | None] = out.tolist()
    return result


def _or_none(mask: NDArray[np.bool_], values: NDArray[Any]) -> list[Any]:
    """``values`` where ``mask``, else ``None`` (as Python objects)."""
    out = np.full(mask.size, None, dtype=object)
    out[mask] = values[mask]
    result: list[Any] = out.tolist()
    return result


class RequestRows:
    """``cases`` and ``case_history`` rows of a plan cut at ``end``."""

    def __init__(
        self, plan: RequestPlan, end: float, district: District, tax: ResponseTaxonomy, rng: np.random.Generator
    ) -> None:
        self.plan, self.state = plan, as_of(plan, end)
        self.ids = request_ids(plan)
        self._point = rng.integers(0, district.lon.shape[1], len(plan))
        self.district = district
        self._code = np.array([t.code for t in tax.types], dtype=object)
        self._dept = np.array([t.department for t in tax.types], dtype=object)
        self._channel = np.array([c.code for c in tax.channels], dtype=object)
        words = [f"{CHANNEL_WORDS[min(c, 2)]}：{{}}" for c in range(len(tax.channels))]
        self._text = np.array(
            [[w.format(t.name_zh.replace("·", "，诉求类型：")) for w in words] for t in tax.types], dtype=object
        )
        self._grid = np.array(district.grid_codes, dtype=object)
        self._address = np.array(district.addresses, dtype=object)
        self._stage = np.array(STAGE_ORDER, dtype=object)

    def __len__(self) -> int:
        return len(self.plan)

    def columns(self, lo: int, hi: int) -> dict[str, list[Any]]:
        """``cases`` columns of requests ``lo..hi-1`` (a chunk for the store's column bulk path)."""
        p, c, sl = self.plan, self.state.columns, slice(lo, hi)
        ti, grid, ch = p.type_index[sl], p.grid[sl], p.channel[sl]
        n = hi - lo
        sat = c["satisfaction"][sl]
        out: dict[str, list[Any]] = {
            "id": self.ids[lo:hi],
            "kind": ["event"] * n,
            "subclass": self._code[ti].tolist(),
            "source": self._channel[ch].tolist(),
            "grid": self._grid[grid].tolist(),
            "department": self._dept[ti].tolist(),
            "lon": self.district.lon[grid, self._point[sl]].tolist(),
            "lat": self.district.lat[grid, self._point[sl]].tolist(),
            "address": self._address[grid].tolist(),
            "description": self._text[ti, ch].tolist(),
            "stage": self._stage[self.state.stage[sl]].tolist(),
            "reported_at": p.reported[sl].astype(np.int64).tolist(),
            "on_time": _or_none(c["closed"][sl], c["on_time"][sl]),
            "reworks": c["reworks"][sl].tolist(),
            "resolved": _or_none(c["evaluated"][sl], c["resolved"][sl]),
            "satisfaction": _or_none(sat >= 0, SATISFACTION[np.clip(sat, 0, 2)]),
            "platform": ["response"] * n,
        }
        for key in ("filed_at", "dispatched_at", "handled_at", "closed_at", "deadline_at", "handle_deadline_at",
                    "response_deadline_at", "responded_at", "evaluated_at"):  # fmt: skip
            out[key] = _times(c[key][sl])
        return out

    def chunks(self, chunk_rows: int) -> Iterator[dict[str, list[Any]]]:
        """Every request as column chunks of ``chunk_rows``."""
        for lo in range(0, len(self), chunk_rows):
            yield self.columns(lo, min(lo + chunk_rows, len(self)))

    def history(self, end: float) -> dict[str, list[Any]]:
        """The first return visit and the re-opening of every re-opened request (by ``end``), as columns."""
        p = self.plan
        picked = np.flatnonzero(_le(p.reopened_at, end)).tolist()
        out: dict[str, list[Any]] = {"case_id": [], "at": [], "action": [], "actor": [], "note": []}
        for i in picked:
            for at, action, note in (
                (p.first_evaluated[i], "evaluated", evaluation_note(False, str(SATISFACTION[p.first_satisfaction[i]]))),
                (p.reopened_at[i], "rework", REOPENED_NOTE),
            ):
                out["case_id"].append(self.ids[i])
                out["at"].append(int(at))
                out["action"].append(action)
                out["actor"].append(SEEDED_ACTOR)
                out["note"].append(note)
        return out

    def report(self, seconds: float) -> RequestSeedReport:
        """What these rows hold."""
        closed = self.state.columns["closed"]
        return RequestSeedReport(
            requests=len(self.plan),
            closed=int(closed.sum()),
            answered=int((self.plan.answered & closed).sum()),
            reopened=int(self.state.columns["reworks"].sum()),
            seconds=seconds,
        )


def plan_request_rows(start: float, end: float, district: District, *, seed: int) -> RequestRows:
    """Plan every request reported in ``[start, end)`` and cut it at ``end``."""
    rng = np.random.default_rng([seed, 12345])
    tax = load_response_taxonomy()
    plan = plan_requests(start, end, rng, district.weights, now=end, tax=tax)
    return RequestRows(plan, end, district, tax, rng)


def seed_requests(
    store: Store,
    start: float,
    end: float,
    district: District,
    *,
    seed: int,
    chunk_rows: int = 50_000,
) -> RequestSeedReport:
    """Write every 全响应 request reported in ``[start, end)``, as it stood at ``end``, into ``store``.

    :func:`feeds.simulator.history.seed.seed_history` writes them in the same bulk call as the
    cases instead (one index rebuild); this is for a store that holds its cases already.
    """
    started = time.perf_counter()
    rows = plan_request_rows(start, end, district, seed=seed)
    history = rows.history(end)
    store.bulk_insert_columns(rows.chunks(chunk_rows), [history] if history["case_id"] else [])
    return rows.report(time.perf_counter() - started)
