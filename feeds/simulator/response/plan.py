"""Requests and their lifecycles as numpy columns (vectorised, seeded).

The figures the model is built to meet (``docs/simulation.md`` has the table):

* **600,000 requests in ten years** (``resources/response_taxonomy.json`` weights), growing
  smoothly: the yearly rate rises linearly from 0.6× to 1.4× the mean over the ten years
  before ``now`` (no step at year boundaries).
* **Channels**: phone (12345) 90 %, online 8 %, grid members 2 %.
* **About 6 in 10 answered on the line** (per-type ``answered_on_line``), 4 in 10 dispatched.
* **98.82 % closed**: of dispatched requests :data:`NEVER_CLOSED` stay open (stuck at
  handling), so that 1.18 % of all requests are open for ever.
* **The three rates over time**: resolution 53.1 % (2019) → 96.5 % (2024-09), satisfaction
  64.6 % → 96.9 % (Beijing's city-wide figures), linear in between, flat before and after;
  response (department contacts the caller within the response deadline) 95 % → 99 %.
* **Seasons**: per-type monthly profiles (heating season, summer storms, summer, winter,
  school year); holidays at 0.7×, weekends at 0.85×; a citizen's day (hourly profile).
* **Re-opened**: a fifth of the requests unresolved at the first return visit are re-opened
  (sent back to handling) and evaluated again, 60 % resolved the second time; the first
  visit's resolution is set so that the final one meets the published rate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import NDArray

from feeds.response.taxonomy import ACCEPT_H, DISPATCH_H, EVALUATE_H, ResponseTaxonomy, load_response_taxonomy
from feeds.simulator.model.calendar import CITIZEN_HOURLY, DAY_S, HOUR_S, UTC_OFFSET_S, holiday_mask, month_of_day

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
B = NDArray[np.bool_]

TEN_YEARS_S = 3652.425 * DAY_S
REQUESTS_TEN_YEARS = 600_000
NEVER_CLOSED = 0.0295
"""Share of dispatched requests never closed: 1.18 % of all requests at 40 % dispatched."""
REOPEN_SHARE = 0.2
"""Share of requests found unresolved at the return visit that are re-opened (重办)."""
SECOND_RESOLVED = 0.6
"""Share of re-opened requests resolved at the second return visit."""
UNRESOLVED_SATISFIED = 0.25
"""Share of unresolved requests still rated satisfied or basically satisfied."""
BASIC_SHARE = 0.15
"""Of satisfied-or-basically ratings, the share "basically satisfied"."""
WEEKEND = 0.85
HOLIDAY = 0.7

RATE_POINTS: dict[str, tuple[tuple[float, float], tuple[float, float]]] = {
    "resolution": ((2019.5, 0.531), (2024.7, 0.965)),
    "satisfaction": ((2019.5, 0.646), (2024.7, 0.969)),
    "response": ((2019.5, 0.95), (2024.7, 0.99)),
}
"""(decimal year, rate) at the start and end of the improvement; flat outside. The 2019 figure
is the year's, so it is placed mid-year: 2019 as a whole averages close to it."""


def year_fraction(t: F64) -> F64:
    """Decimal years (2019.5 = mid-2019) of epoch seconds (Beijing calendar, to a day)."""
    days = (t.astype(np.int64) + UTC_OFFSET_S) // DAY_S
    years = days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    start = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
    return np.asarray(years + (days - start) / 365.25, dtype=np.float64)


def rate_at(kind: str, t: F64) -> F64:
    """The modelled rate (``resolution``, ``satisfaction`` or ``response``) at each time."""
    (y0, r0), (y1, r1) = RATE_POINTS[kind]
    return np.asarray(np.interp(year_fraction(t), [y0, y1], [r0, r1]), dtype=np.float64)


@cache
def _type_tables(tax: ResponseTaxonomy) -> tuple[F64, F64, F64, F64, F64]:
    """Per type: month weights (12 × types, rows sum to the month's volume factor), answered, response h, deadline h."""
    weights = np.array([t.weight for t in tax.types])
    season = np.array([np.asarray(t.season) / np.mean(t.season) for t in tax.types]).T  # 12 × types
    month_w = season * weights
    factor = month_w.sum(axis=1) / weights.sum()  # each month's volume relative to the mean
    answered = np.array([t.answered_on_line for t in tax.types])
    response_h = np.array([t.response_h for t in tax.types])
    deadline_h = np.array([t.deadline_h for t in tax.types])
    return month_w / month_w.sum(axis=1, keepdims=True), factor, answered, response_h, deadline_h


def day_rates(days: I64, now: float, tax: ResponseTaxonomy, total: float = REQUESTS_TEN_YEARS) -> F64:
    """Expected requests on each local day (growth, season, weekday, holiday)."""
    _, factor, *_ = _type_tables(tax)
    mean_per_day = total / (TEN_YEARS_S / DAY_S)
    mid = (days.astype(np.float64) + 0.5) * DAY_S - UTC_OFFSET_S
    growth = np.clip(1.0 + 0.8 * (mid - (now - TEN_YEARS_S / 2)) / TEN_YEARS_S, 0.5, 1.5)
    weekday = (days + 3) % 7
    day_factor = np.where(holiday_mask(days), HOLIDAY, np.where(weekday >= 5, WEEKEND, 1.0))
    holidays = 23.0 / 365.25  # share of days that are public holidays (feeds.simulator.model.calendar)
    norm = 1.0 / ((5 / 7 + 2 / 7 * WEEKEND) * (1 - holidays) + HOLIDAY * holidays)
    return np.asarray(mean_per_day * growth * factor[month_of_day(days)] * day_factor * norm, dtype=np.float64)


def expected_requests(start: float, end: float, *, now: float | None = None) -> int:
    """Requests the span ``[start, end)`` is expected to hold (growth centred on ``now``, default ``end``)."""
    tax = load_response_taxonomy()
    first_day = int((start + UTC_OFFSET_S) // DAY_S)
    last_day = int((end - 1 + UTC_OFFSET_S) // DAY_S)
    days = np.arange(first_day, last_day + 1, dtype=np.int64)
    return int(day_rates(days, end if now is None else now, tax).sum())


@dataclass
class RequestPlan:
    """Planned requests, sorted by report time (times are epoch seconds; NaN: never happens).

    ``evaluated``/``resolved``/``satisfaction`` are the final return visit's; for a
    re-opened request ``first_*`` hold the first visit (unresolved) and ``reopened_at``
    the moment it went back to handling.
    """

    reported: F64
    type_index: I64
    channel: I64
    grid: I64
    answered: B
    filed: F64
    dispatched: F64
    response_deadline: F64
    handle_deadline: F64
    responded: F64
    handled: F64
    verifying: F64
    evaluated: F64
    resolved: B
    satisfaction: I64  # 0 satisfied, 1 basically, 2 unsatisfied
    first_handled: F64
    first_evaluated: F64
    first_satisfaction: I64
    reopened_at: F64
    closed: F64

    def __len__(self) -> int:
        return int(self.reported.size)

    def subset(self, keep: B | I64) -> RequestPlan:
        """The requests selected by ``keep`` (a mask or indices)."""
        return RequestPlan(**{name: getattr(self, name)[keep] for name in self.__dataclass_fields__})


def _satisfaction(rng: np.random.Generator, resolved: B, target: F64, p_resolved: F64) -> I64:
    """Ratings meeting each request's satisfaction target given its chance of being resolved.

    ``P(ok) = p·ok_if_resolved + (1 − p)·UNRESOLVED_SATISFIED = target`` request by request, so
    a year of low resolution (2019) still meets its own satisfaction figure.
    """
    r = np.clip(p_resolved, 1e-6, 1.0)
    ok_if_resolved = np.clip((target - (1 - r) * UNRESOLVED_SATISFIED) / r, 0.0, 1.0)
    ok = rng.random(resolved.size) < np.where(resolved, ok_if_resolved, UNRESOLVED_SATISFIED)
    basic = rng.random(resolved.size) < BASIC_SHARE
    return np.where(ok, np.where(basic, 1, 0), 2).astype(np.int64)


def plan_requests(
    start: float,
    end: float,
    rng: np.random.Generator,
    grid_weights: F64,
    *,
    now: float,
    tax: ResponseTaxonomy | None = None,
    total: float = REQUESTS_TEN_YEARS,
) -> RequestPlan:
    """Draw every request reported in ``[start, end)`` with its whole lifecycle.

    Args:
        start: First report time.
        end: End of the span (exclusive).
        rng: Random source.
        grid_weights: Share of requests per grid (sums to 1).
        now: The "present" the ten-year growth is centred on (normally the seeding end).
        tax: The 全响应 taxonomy (the packaged one if omitted).
        total: Requests in ten years.
    """
    tax = tax or load_response_taxonomy()
    month_p, _, answered_p, response_h, deadline_h = _type_tables(tax)
    first_day = int((start + UTC_OFFSET_S) // DAY_S)
    last_day = int((end - 1 + UTC_OFFSET_S) // DAY_S)
    days = np.arange(first_day, last_day + 1, dtype=np.int64)
    counts = rng.poisson(day_rates(days, now, tax, total))
    day = np.repeat(days, counts)
    hour_p = CITIZEN_HOURLY / CITIZEN_HOURLY.sum()
    hours = rng.choice(24, size=day.size, p=hour_p)
    reported = (day * DAY_S - UTC_OFFSET_S + hours * HOUR_S + rng.random(day.size) * HOUR_S).astype(np.float64)
    keep = (reported >= start) & (reported < end)
    reported = np.sort(reported[keep])
    n = reported.size
    months = month_of_day((reported.astype(np.int64) + UTC_OFFSET_S) // DAY_S)
    type_index = np.empty(n, dtype=np.int64)
    for m in range(12):
        sel = np.flatnonzero(months == m)
        type_index[sel] = rng.choice(month_p.shape[1], size=sel.size, p=month_p[m])
    shares = np.array([c.share for c in tax.channels])
    channel = rng.choice(shares.size, size=n, p=shares / shares.sum())
    grid = rng.choice(grid_weights.size, size=n, p=grid_weights)
    answered = rng.random(n) < answered_p[type_index]
    return _lifecycle(rng, reported, type_index, channel, grid, answered, response_h, deadline_h)


def _lifecycle(
    rng: np.random.Generator,
    reported: F64,
    type_index: I64,
    channel: I64,
    grid: I64,
    answered: B,
    response_h: F64,
    deadline_h: F64,
) -> RequestPlan:
    n = reported.size
    nan = np.full(n, np.nan)
    filed = reported + rng.uniform(60, ACCEPT_H * HOUR_S, n)
    disp = np.where(answered, np.nan, filed + rng.uniform(300, DISPATCH_H * HOUR_S, n))
    resp_s = response_h[type_index] * HOUR_S
    hdl_s = deadline_h[type_index] * HOUR_S
    # response: in time with the year's response rate, else up to 3× late
    in_time = rng.random(n) < rate_at("response", reported)
    responded = disp + np.where(in_time, rng.uniform(0.05, 1.0, n), rng.uniform(1.0, 3.0, n)) * resp_s
    # handling: 93 % by the deadline
    handled = np.maximum(
        responded + 60,
        disp + np.where(rng.random(n) < 0.93, rng.uniform(0.1, 1.0, n), rng.uniform(1.0, 2.0, n)) * hdl_s,
    )
    verifying = handled + rng.uniform(0.5, 24, n) * HOUR_S
    evaluated1 = verifying + rng.uniform(0.2, EVALUATE_H - 24, n) * HOUR_S
    # the published rate is the final one: first visits resolve less, re-opened requests make up the rest
    final = rate_at("resolution", reported)
    carried = REOPEN_SHARE * SECOND_RESOLVED
    p_first = (final - carried) / (1 - carried)
    resolved1 = rng.random(n) < p_first
    reopen = ~answered & ~resolved1 & (rng.random(n) < REOPEN_SHARE)
    reopened_at = np.where(reopen, evaluated1 + rng.uniform(0.5, 12, n) * HOUR_S, np.nan)
    handled2 = reopened_at + rng.uniform(0.1, 1.0, n) * hdl_s
    verifying2 = handled2 + rng.uniform(0.5, 24, n) * HOUR_S
    evaluated2 = verifying2 + rng.uniform(0.2, EVALUATE_H - 24, n) * HOUR_S
    resolved2 = rng.random(n) < SECOND_RESOLVED
    target = rate_at("satisfaction", reported)
    sat1 = _satisfaction(rng, resolved1, target, p_first)
    sat2 = _satisfaction(rng, resolved2, target, np.full(n, SECOND_RESOLVED))
    stuck = ~answered & (rng.random(n) < NEVER_CLOSED)
    closed_at = np.where(reopen, evaluated2, evaluated1) + rng.uniform(60, HOUR_S, n)
    return RequestPlan(
        reported=reported,
        type_index=type_index,
        channel=channel,
        grid=grid,
        answered=answered,
        filed=filed,
        dispatched=disp,
        response_deadline=disp + resp_s,
        handle_deadline=disp + hdl_s,
        responded=responded,
        handled=np.where(stuck, np.nan, np.where(reopen, handled2, handled)),
        verifying=np.where(stuck, np.nan, np.where(reopen, verifying2, verifying)),
        evaluated=np.where(stuck, np.nan, np.where(reopen, evaluated2, evaluated1)),
        resolved=np.where(reopen, resolved2, resolved1),
        satisfaction=np.where(reopen, sat2, sat1),
        first_handled=np.where(reopen & ~stuck, handled, nan),
        first_evaluated=np.where(reopen & ~stuck, evaluated1, nan),
        first_satisfaction=sat1,
        reopened_at=np.where(stuck, np.nan, reopened_at),
        closed=np.where(answered, filed, np.where(stuck, np.nan, closed_at)),
    )


def request_ids(plan: RequestPlan, first_seq: dict[int, int] | None = None) -> list[str]:
    """Request numbers ``QXyyyymmddNNNNNN`` (daily sequence in report order, after ``first_seq[day]``)."""
    days = (plan.reported.astype(np.int64) + UTC_OFFSET_S) // DAY_S
    out: list[str] = []
    seq: dict[int, int] = dict(first_seq or {})
    epoch = dt.date(1970, 1, 1).toordinal()
    prefix: dict[int, str] = {}
    for d in days.tolist():
        seq[d] = seq.get(d, 0) + 1
        p = prefix.get(d)
        if p is None:
            p = prefix[d] = f"QX{dt.date.fromordinal(epoch + d):%Y%m%d}"
        out.append(f"{p}{seq[d]:06d}")
    return out
