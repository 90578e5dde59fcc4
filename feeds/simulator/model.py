"""Case generation model: when cases arrive and how each one runs its course.

Pure and deterministic given a seeded :class:`numpy.random.Generator`. Two
entry points share one vectorised core:

* :func:`plan_cases_batch` plans every case reported in ``[start, end)`` as a
  :class:`CaseBatch` (struct of numpy arrays) - for seeding history fast;
* :class:`CaseStream` advances a live clock and returns :class:`CasePlan`
  objects for the cases reported since its previous call.

A plan holds a case's whole lifecycle, including steps that lie in the future
of the moment it is reported; the store or live loop publishes each step when
the clock reaches it (:meth:`CasePlan.stage_at`). All times are epoch seconds
(UTC); Beijing local time is UTC+8. Arrivals follow a non-homogeneous Poisson
process whose rate is constant within each hour (see
:mod:`feeds.simulator.calendar`), so per-hour Poisson counts with uniform
times inside the hour are exact, not an approximation.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from feeds.simulator.calendar import DAY_S, HOUR_S, UTC_OFFSET_S, month_of_day, source_rates
from feeds.taxonomy import Subclass, Taxonomy, load_taxonomy

STAGES = (
    "reported", "filed", "dispatched", "handling",
    "closure_requested", "verifying", "closed", "cancelled",
)  # fmt: skip
"""Stage identifiers in workflow order; ``cancelled`` is 不予立案/作废."""
STAGE_NAMES_ZH = dict(zip(STAGES, ("上报", "立案", "派发", "处置", "申结", "核查", "结案", "作废"), strict=True))
CASES_PER_YEAR = 500_000
"""Present-day yearly volume (~1,370 cases a day)."""
MAX_REWORKS = 2
MAX_URGES = 3
URGE_INTERVAL_S = DAY_S
"""A late case is urged (催办) once past its deadline, then daily, at most 3 times."""

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
Bool = NDArray[np.bool_]
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


@dataclass(frozen=True)
class LifecycleParams:
    """Tunable parameters of stage durations and outcomes.

    Durations are lognormal, expressed as a median fraction of the stage's
    deadline and a log-sd. Defaults give ~7 % cancelled at report, ~3 %
    rework, ~4-5 % of closed cases overdue and ~99.6 % of filed cases closed.
    """

    cancel_patrol: float = 0.06
    cancel_citizen: float = 0.22
    cancel_sensor: float = 0.15
    filing_median: float = 0.12
    dispatch_median: float = 0.15
    step_sigma: float = 0.6
    accept_median_s: float = 600.0
    handling_median: float = 0.34
    handling_sigma: float = 0.55
    rework_median: float = 0.3
    verify_wait_median: float = 0.12
    verify_median: float = 0.08
    rework_rate: float = 0.03
    repeat_rework_rate: float = 0.15
    unresolved_rate: float = 0.0029
    difficult_rate: float = 3510 / 3_220_000 / 0.93
    difficult_unresolved: float = 0.65
    night_defer_min_handling_h: float = 8.0


DEFAULT_PARAMS = LifecycleParams()


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
        overdue: Whether any handling pass ended after its deadline (for an
            unclosed case: whether its first deadline has passed by plan).
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


# ---------------------------------------------------------------- arrivals


def _shares(taxonomy: Taxonomy, source_shares: Sequence[float] | None) -> F64:
    shares = np.asarray(source_shares if source_shares is not None else [s.share for s in taxonomy.sources])
    if shares.shape != (len(taxonomy.sources),) or (shares < 0).any() or shares.sum() <= 0:
        raise ValueError("source_shares must give one non-negative share per taxonomy source")
    return np.asarray(shares / shares.sum(), dtype=np.float64)


def _hour_rates(
    start: float, end: float, taxonomy: Taxonomy, cases_per_year: float, source_shares: Sequence[float] | None
) -> tuple[F64, F64, F64]:
    """Return bin lower bounds, bin lengths and per-source rates (cases/hour)."""
    first = math.floor(start / HOUR_S) * HOUR_S
    starts = np.arange(first, end, HOUR_S, dtype=np.float64)
    lo = np.maximum(starts, start)
    hi = np.minimum(starts + HOUR_S, end)
    codes = tuple(s.code for s in taxonomy.sources)
    rates = source_rates(starts, codes, _shares(taxonomy, source_shares), cases_per_year)
    return lo, hi - lo, rates


def expected_rate(
    t: float, *, cases_per_year: float = CASES_PER_YEAR, source_shares: Sequence[float] | None = None
) -> float:
    """Expected cases per hour at epoch seconds ``t`` (all sources)."""
    _, _, rates = _hour_rates(t, t + 1.0, load_taxonomy(), cases_per_year, source_shares)
    return float(rates.sum())


def arrivals(
    start: float,
    end: float,
    rng: np.random.Generator,
    *,
    cases_per_year: float = CASES_PER_YEAR,
    source_shares: Sequence[float] | None = None,
) -> Iterator[float]:
    """Yield report times in ``[start, end)`` in increasing order, lazily per hour.

    Per-hour Poisson counts with uniform times inside each hour; exact for
    the piecewise-constant rate of :func:`expected_rate`.
    """
    lo, length, rates = _hour_rates(start, end, load_taxonomy(), cases_per_year, source_shares)
    for b in range(lo.size):
        n = int(rng.poisson(rates[b].sum() * length[b] / HOUR_S))
        yield from (float(x) for x in np.sort(lo[b] + rng.random(n) * length[b]))


def source_shares_for_year(year: int, taxonomy: Taxonomy | None = None) -> F64:
    """Source mix of a given year, interpolated from historical to present.

    Before the taxonomy's historical year patrol is >99 %; from its present
    year on the present-day shares hold.
    """
    tax = taxonomy or load_taxonomy()
    y0, y1 = tax.source_share_years["historical"], tax.source_share_years["present"]
    w = min(1.0, max(0.0, (year - y0) / max(1, y1 - y0)))
    mix = np.array([(1 - w) * s.share_historical + w * s.share for s in tax.sources])
    return np.asarray(mix / mix.sum(), dtype=np.float64)


def yearly_volumes(first_year: int, last_year: int, total: int = 3_220_000, final: int = 500_000) -> dict[int, int]:
    """Linearly growing yearly volumes summing to ``total`` and ending at ``final``."""
    n = last_year - first_year + 1
    if n == 1:
        return {first_year: total}
    step = (final - total / n) / ((n - 1) / 2)
    first = final - step * (n - 1)
    vols = {first_year + k: round(first + step * k) for k in range(n)}
    vols[last_year] += total - sum(vols.values())
    return vols


# ---------------------------------------------------------------- batch core


def plan_cases_batch(
    start: float,
    end: float,
    rng: np.random.Generator,
    grid_codes: Sequence[str],
    grid_weights: ArrayLike | None = None,
    *,
    taxonomy: Taxonomy | None = None,
    cases_per_year: float = CASES_PER_YEAR,
    source_shares: Sequence[float] | None = None,
    subclass_boost: Mapping[str, float] | None = None,
    seq_start: Mapping[int, int] | None = None,
    params: LifecycleParams = DEFAULT_PARAMS,
) -> CaseBatch:
    """Plan every case reported in ``[start, end)``, vectorised.

    Args:
        start: Window start, epoch seconds.
        end: Window end, epoch seconds (exclusive).
        rng: Seeded generator; same seed and arguments give the same batch.
        grid_codes: Unit-grid codes cases may fall in.
        grid_weights: Relative weight per grid (hot spots get more); uniform
            if omitted.
        taxonomy: Taxonomy to use; the packaged one if omitted.
        cases_per_year: Long-run yearly volume.
        source_shares: Share per taxonomy source; present-day if omitted.
        subclass_boost: Extra multiplier per subclass code (e.g. 积水 during
            a rainstorm warning, see ``environment.case_boost``).
        seq_start: Last daily sequence already used per local day number.
        params: Stage-duration and outcome parameters.

    Returns:
        The planned cases sorted by report time.
    """
    tax = taxonomy or load_taxonomy()
    grids = tuple(grid_codes)
    if not grids:
        raise ValueError("grid_codes must not be empty")
    lo, length, rates = _hour_rates(start, end, tax, cases_per_year, source_shares)
    counts = rng.poisson(rates.sum(axis=1) * length / HOUR_S)
    bins = np.repeat(np.arange(lo.size), counts)
    times = lo[bins] + rng.random(bins.size) * length[bins]
    order = np.lexsort((times, bins))
    times, n = times[order], int(bins.size)
    cum = np.cumsum(rates / np.maximum(rates.sum(axis=1, keepdims=True), 1e-300), axis=1)
    src = np.minimum((rng.random(n)[:, None] > cum[bins]).sum(axis=1), len(tax.sources) - 1)
    day = ((times.astype(np.int64) + UTC_OFFSET_S) // DAY_S).astype(np.int64)
    sensor_col = [k for k, s in enumerate(tax.sources) if s.code == "sensor"]
    sensor_rate = rates[:, sensor_col].sum(axis=1) / np.maximum(rates.sum(axis=1), 1e-300)
    sub = _draw_subclasses(rng, tax, month_of_day(day), src, sensor_rate[bins], subclass_boost)
    grid = _draw_grids(rng, len(grids), grid_weights, n)
    seq = _daily_seq(day, seq_start)
    cols = _plan_lifecycles(rng, tax, times, sub, src, params)
    return CaseBatch(
        taxonomy=tax,
        grid_codes=grids,
        reported_at=times,
        day=day,
        seq=seq,
        subclass=sub.astype(np.int16),
        source=src.astype(np.int8),
        grid=grid,
        **cols,  # type: ignore[arg-type]
    )


def _draw_subclasses(
    rng: np.random.Generator, tax: Taxonomy, months: I64, src: I64, sensor_p: F64, boost: Mapping[str, float] | None
) -> I64:
    """Draw subclasses by weight x season; sensors only raise sensor-linked ones.

    Human sources draw sensor-linked subclasses a little less often, by the
    expected sensor share ``sensor_p``, so the overall mix keeps the weights.
    """
    weight = np.array([s.weight for s in tax.subclasses])
    season = np.array([s.season for s in tax.subclasses])
    season = season / season.mean(axis=1, keepdims=True)
    if boost:
        weight = weight * np.array([boost.get(s.code, 1.0) for s in tax.subclasses])
    linked = np.array([s.sensor_linked for s in tax.subclasses])
    is_sensor = src == tax.source_index("sensor") if any(s.code == "sensor" for s in tax.sources) else src < 0
    out = np.empty(src.size, dtype=np.int64)
    for m in np.unique(months):
        in_month = months == m
        target = weight * season[:, m]
        share = float(sensor_p[in_month].mean())
        linked_mass = target[linked].sum() / target.sum()
        human = np.where(linked, target * max(0.0, 1.0 - share / max(linked_mass, 1e-12)), target)
        for group, w in ((False, human), (True, target * linked)):
            idx = np.flatnonzero(in_month & (is_sensor == group))
            if idx.size and w.sum() > 0:
                cum = np.cumsum(w) / w.sum()
                out[idx] = np.minimum(np.searchsorted(cum, rng.random(idx.size), side="right"), w.size - 1)
            elif idx.size:
                out[idx] = rng.choice(np.flatnonzero(target > 0), idx.size)
    return out


def _draw_grids(rng: np.random.Generator, n_grids: int, weights: ArrayLike | None, n: int) -> NDArray[np.int32]:
    if weights is None:
        return rng.integers(0, n_grids, size=n).astype(np.int32)
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (n_grids,) or (w < 0).any() or w.sum() <= 0:
        raise ValueError("grid_weights must give one non-negative weight per grid")
    return rng.choice(n_grids, size=n, p=w / w.sum()).astype(np.int32)


def _daily_seq(day: I64, seq_start: Mapping[int, int] | None) -> I64:
    if day.size == 0:
        return np.zeros(0, dtype=np.int64)
    uniq, first, inverse = np.unique(day, return_index=True, return_inverse=True)
    offset = np.array([(seq_start or {}).get(int(d), 0) for d in uniq], dtype=np.int64)
    return np.arange(day.size, dtype=np.int64) - first[inverse] + 1 + offset[inverse]


# ---------------------------------------------------------------- lifecycle


def _lognormal(rng: np.random.Generator, median: float, sigma: float, n: int) -> F64:
    return median * np.exp(sigma * rng.standard_normal(n))


def _defer_night(rng: np.random.Generator, t: F64, mask: Bool, night_from: float = 22.0, morning: float = 7.0) -> F64:
    """Move times that fall in the night (local) to the next morning."""
    hour = ((t + UTC_OFFSET_S) % DAY_S) / HOUR_S
    night = mask & ((hour >= night_from) | (hour < morning))
    midnight = t - hour * HOUR_S
    target = midnight + morning * HOUR_S + np.where(hour >= night_from, DAY_S, 0.0)
    return np.where(night, target + rng.random(t.size) * 1.5 * HOUR_S, t)


def _plan_lifecycles(
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
        req = _defer_night(rng, req, h_s[idx] >= p.night_defer_min_handling_h * HOUR_S)
        if k == 0:
            first_req[idx] = req
        overdue[idx] |= req > deadline[idx]
        vstart = req + v_s[idx] * _lognormal(rng, p.verify_wait_median, p.step_sigma, idx.size)
        vstart = _defer_night(rng, vstart, np.ones(idx.size, dtype=bool), night_from=21.0)
        vend = vstart + v_s[idx] * _lognormal(rng, p.verify_median, 0.5, idx.size)
        rate = p.rework_rate if k == 0 else p.repeat_rework_rate
        fail = (rng.random(idx.size) < rate) & ~difficult[idx] & (k < MAX_REWORKS)
        failed, ok = idx[fail], idx[~fail]
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


# ---------------------------------------------------------------- live stream


class CaseStream:
    """Live case source: call :meth:`advance` with the clock; get new plans.

    Deterministic for a given seed and sequence of ``advance`` times. Case
    numbers continue from ``last_seq`` (e.g. ``CaseBatch.last_seq_by_day()``
    of the seeded history) so live and history ids never collide.

    Args:
        grid_codes: Unit-grid codes cases may fall in.
        start: Clock start, epoch seconds.
        seed: Seed of the stream's generator.
        grid_weights: Relative weight per grid (hot spots), uniform if None.
        taxonomy: Taxonomy to use; the packaged one if omitted.
        cases_per_year: Long-run yearly volume.
        source_shares: Share per source; present-day if omitted.
        last_seq: Last daily sequence used per local day number.
        place_of: Maps a grid code to a street name for descriptions.
        params: Lifecycle parameters.
    """

    def __init__(
        self,
        grid_codes: Sequence[str],
        *,
        start: float,
        seed: int = 0,
        grid_weights: ArrayLike | None = None,
        taxonomy: Taxonomy | None = None,
        cases_per_year: float = CASES_PER_YEAR,
        source_shares: Sequence[float] | None = None,
        last_seq: Mapping[int, int] | None = None,
        place_of: Callable[[str], str] | None = None,
        params: LifecycleParams = DEFAULT_PARAMS,
    ) -> None:
        self._grids = tuple(grid_codes)
        self._weights = grid_weights
        self._taxonomy = taxonomy or load_taxonomy()
        self._rng = np.random.default_rng(seed)
        self._volume, self._shares, self._params = cases_per_year, source_shares, params
        self._seq: dict[int, int] = dict(last_seq or {})
        self._place_of = place_of
        self.clock = start

    def advance(self, until: float, boost: Mapping[str, float] | None = None) -> list[CasePlan]:
        """Plan the cases reported in ``[clock, until)`` and move the clock.

        Args:
            until: New clock, epoch seconds; earlier values return nothing.
            boost: Optional multiplier per subclass code for this interval.
        """
        if until <= self.clock:
            return []
        batch = plan_cases_batch(
            self.clock,
            until,
            self._rng,
            self._grids,
            self._weights,
            taxonomy=self._taxonomy,
            cases_per_year=self._volume,
            source_shares=self._shares,
            subclass_boost=boost,
            seq_start=self._seq,
            params=self._params,
        )
        self._seq.update(batch.last_seq_by_day())
        today = int((until + UTC_OFFSET_S) // DAY_S)
        self._seq = {d: s for d, s in self._seq.items() if d >= today - 1}
        self.clock = until
        return [
            batch.plan(i, self._place_of(batch.grid_codes[int(batch.grid[i])]) if self._place_of else None)
            for i in range(len(batch))
        ]


# ---------------------------------------------------------------- statistics

TOP5 = ("非法小广告", "机动车乱停放", "暴露垃圾", "沿街晾挂", "无照经营游商")


def batch_statistics(batch: CaseBatch) -> dict[str, float]:
    """Headline indicators of a batch (GB/T 30428.4 style), as plain floats.

    Keys: ``reported`` 上报数, ``filed`` 立案数, ``closed`` 结案数,
    ``cancelled_share``, ``closure_rate`` (closed / filed), ``overdue_share``
    (overdue among closed), ``rework_rate`` (reworked / closed),
    ``difficult_share`` (of reported), ``urged_share`` and ``escalated_share``
    (of filed), ``top5_share``, ``mean_handling_h`` and ``median_handling_h``
    (dispatch → final closure request, closed cases), ``source:<code>``.
    """
    closed = ~np.isnan(batch.closed_at)
    filed = ~batch.cancelled
    n, n_filed, n_closed = len(batch), int(filed.sum()), int(closed.sum())
    top = [batch.taxonomy.subclass_index(batch.taxonomy.subclass_by_name(z).code) for z in TOP5]
    handling = batch.closure_requested_at[closed] - batch.dispatched_at[closed]
    stats = {
        "reported": float(n),
        "filed": float(n_filed),
        "closed": float(n_closed),
        "cancelled_share": float(batch.cancelled.mean()),
        "closure_rate": n_closed / max(1, n_filed),
        "overdue_share": float(batch.overdue[closed].mean()) if n_closed else 0.0,
        "rework_rate": float((batch.rework_count[closed] > 0).mean()) if n_closed else 0.0,
        "difficult_share": float(batch.difficult.mean()),
        "urged_share": float((batch.urge_count[filed] > 0).mean()) if n_filed else 0.0,
        "escalated_share": float((~np.isnan(batch.escalated_at[filed])).mean()) if n_filed else 0.0,
        "top5_share": float(np.isin(batch.subclass, top).mean()),
        "mean_handling_h": float(handling.mean() / HOUR_S) if n_closed else 0.0,
        "median_handling_h": float(np.median(handling) / HOUR_S) if n_closed else 0.0,
    }
    for j, s in enumerate(batch.taxonomy.sources):
        stats[f"source:{s.code}"] = float((batch.source == j).mean())
    return stats


# ---------------------------------------------------------------- descriptions

DEFAULT_PLACES = (
    "西单北大街", "金融大街", "阜成门内大街", "西四北大街", "新街口南大街", "德胜门内大街",
    "地安门西大街", "平安里西大街", "广安门内大街", "菜市口大街", "宣武门外大街", "牛街",
    "南新华街", "琉璃厂西街", "大栅栏西街", "西直门南大街", "车公庄大街", "展览馆路",
    "三里河路", "月坛北街", "南礼士路", "白纸坊东街", "右安门内大街", "陶然亭路",
    "天桥南大街", "虎坊路", "珠市口西大街", "护国寺街", "烟袋斜街", "鼓楼西大街",
    "新街口外大街", "德胜门外大街", "马连道路", "广安门外大街", "百万庄大街", "西什库大街",
)  # fmt: skip
"""Real Xicheng street names used when the caller gives no place."""
_SPOTS = (
    "东侧人行道", "西侧人行道", "南侧便道", "北侧便道", "路口东北角", "路口西南角", "公交站旁",
    "小区门口", "胡同口", "地铁站出口附近", "辅路", "沿街商铺门前",
)  # fmt: skip
_PROBLEMS = (
    ("井盖", ("破损", "缺失", "移位", "松动异响")), ("箅子", ("破损", "缺失", "堵塞")),
    ("灯", ("不亮", "损坏", "灯杆倾斜")), ("树", ("倾斜", "枝杈折断", "受损")),
    ("栓", ("漏水", "损坏")), ("", ("损坏", "污损", "倾斜", "缺失")),
)  # fmt: skip
_COLLOQUIAL = {
    "非法小广告": "电线杆和墙上贴满了小广告", "机动车乱停放": "有车乱停在便道上，行人都过不去",
    "暴露垃圾": "路边垃圾堆着没人清，味道很大", "沿街晾挂": "有人在树上和护栏上晾衣服被子",
    "无照经营游商": "有流动摊贩摆摊卖东西", "露天烧烤": "晚上有人在路边露天烧烤，烟很大",
    "开墙打洞": "有商户把临街的墙打开开了个门", "积水": "路面积水很深，车都过不去",
    "道路结冰": "路面结冰了特别滑", "施工扰民": "工地夜里还在施工，吵得睡不着",
    "雪后道路积雪": "路上的雪一直没人扫",
}  # fmt: skip


def _problem(sub: Subclass, rng: random.Random) -> str:
    for suffix, problems in _PROBLEMS:
        if suffix in sub.name_zh:
            return rng.choice(problems)
    return "损坏"


def describe(sub: Subclass, place: str, source: str, rng: random.Random) -> str:
    """Return a short plausible Chinese description of a case.

    Supervisors and machines write in the register's formal style
    ("西单北大街东侧人行道有非法小广告"); hotline, mailbox and app reports
    are colloquial.

    Args:
        sub: The case subclass.
        place: Street or landmark name.
        source: Source code of the report.
        rng: Generator for the choice of wording.
    """
    spot = rng.choice(_SPOTS)
    thing = f"{sub.name_zh}{_problem(sub, rng)}" if sub.kind == "component" else sub.name_zh
    if source == "sensor":
        return f"物联感知设备报警：{place}{spot}{thing}"
    if source in ("patrol", "city_platform"):
        pattern = "{p}{s}{t}" if sub.kind == "component" else rng.choice(("{p}{s}有{t}", "{p}{s}存在{t}问题"))
        return pattern.format(p=place, s=spot, t=thing)
    said = _COLLOQUIAL.get(sub.name_zh) or (
        f"{thing}，好几天了没人管" if sub.kind == "component" else f"{thing}问题挺严重的，影响出行"
    )
    if source == "mailbox":
        return f"来信反映：{place}附近{said}，希望有关部门尽快处理。"
    if source == "app":
        return f"{place}{spot}{said}，已拍照，请尽快处理"
    return f"市民来电反映：{place}{spot}{said}，请尽快处理。"
