"""Plan every case reported in a time window at once (numpy columns): the seeding and live core."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from feeds.simulator.model.arrays import F64, I64
from feeds.simulator.model.arrivals import CASES_PER_YEAR, hour_rates
from feeds.simulator.model.calendar import DAY_S, HOUR_S, UTC_OFFSET_S, month_of_day
from feeds.simulator.model.lifecycle import DEFAULT_PARAMS, LifecycleParams, plan_lifecycles
from feeds.simulator.model.plans import CaseBatch
from feeds.taxonomy import Taxonomy, load_taxonomy

BoostSpan = tuple[float, float, Mapping[str, float]]
"""``(from, to, multiplier per subclass code)``: a boost in force for the cases reported in ``[from, to)``."""


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
    cases_per_year_end: float | None = None,
    grid_day_factors: Callable[[I64], F64] | None = None,
    boost_spans: Sequence[BoostSpan] = (),
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
        cases_per_year_end: If given, the yearly volume ramps linearly from
            ``cases_per_year`` at ``start`` to this at ``end``.
        grid_day_factors: Each grid's relative rate per local day, called with
            the window's day numbers, returning ``(days, grids)`` (e.g.
            ``District.day_factors``); multiplies ``grid_weights`` day by day.
        boost_spans: ``(from, to, boost)`` spans, each boosting subclasses for
            the cases reported inside it on top of ``subclass_boost`` (e.g. the
            weather warnings in force during a seeded year).

    Returns:
        The planned cases sorted by report time.
    """
    tax = taxonomy or load_taxonomy()
    grids = tuple(grid_codes)
    if not grids:
        raise ValueError("grid_codes must not be empty")
    lo, length, rates = hour_rates(start, end, tax, cases_per_year, source_shares, cases_per_year_end)
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
    months, sensor_p = month_of_day(day), sensor_rate[bins]
    sub = _draw_subclasses(rng, tax, months, src, sensor_p, subclass_boost)
    for a, b, boost in boost_spans:
        i, j = np.searchsorted(times, [a, b])
        if j > i:
            both = {k: v * (subclass_boost or {}).get(k, 1.0) for k, v in boost.items()}
            both.update({k: v for k, v in (subclass_boost or {}).items() if k not in boost})
            sub[i:j] = _draw_subclasses(rng, tax, months[i:j], src[i:j], sensor_p[i:j], both)
    grid = _draw_grids(rng, len(grids), grid_weights, day, grid_day_factors)
    seq = _daily_seq(day, seq_start)
    cols = plan_lifecycles(rng, tax, times, sub, src, params)
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


def _draw_grids(
    rng: np.random.Generator,
    n_grids: int,
    weights: ArrayLike | None,
    day: I64,
    day_factors: Callable[[I64], F64] | None,
) -> NDArray[np.int32]:
    n = day.size
    if weights is None and day_factors is None:
        return rng.integers(0, n_grids, size=n).astype(np.int32)
    w = np.ones(n_grids) if weights is None else np.asarray(weights, dtype=np.float64)
    if w.shape != (n_grids,) or (w < 0).any() or w.sum() <= 0:
        raise ValueError("grid_weights must give one non-negative weight per grid")
    if day_factors is None:
        return rng.choice(n_grids, size=n, p=w / w.sum()).astype(np.int32)
    days, row = np.unique(day, return_inverse=True)
    table = np.cumsum(w[None, :] * day_factors(days), axis=1)
    cum = (table / table[:, -1:] + np.arange(days.size)[:, None]).ravel()
    flat = np.searchsorted(cum, row + rng.random(n), side="right")
    picked: NDArray[np.int32] = np.minimum(flat - row * n_grids, n_grids - 1).astype(np.int32)
    return picked


def _daily_seq(day: I64, seq_start: Mapping[int, int] | None) -> I64:
    if day.size == 0:
        return np.zeros(0, dtype=np.int64)
    uniq, first, inverse = np.unique(day, return_index=True, return_inverse=True)
    offset = np.array([(seq_start or {}).get(int(d), 0) for d in uniq], dtype=np.int64)
    return np.arange(day.size, dtype=np.int64) - first[inverse] + 1 + offset[inverse]
