"""When cases arrive: the hourly arrival rate per source, yearly volumes, source mix over the years.

The rate is constant within each hour (see :mod:`feeds.simulator.model.calendar`),
so per-hour Poisson counts with uniform times inside the hour are an exact
non-homogeneous Poisson process, not an approximation.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

import numpy as np

from feeds.simulator.model.arrays import F64
from feeds.simulator.model.calendar import DAY_S, HOUR_S, source_rates
from feeds.taxonomy import Taxonomy, load_taxonomy

CASES_PER_YEAR = 500_000
"""Present-day yearly volume (~1,370 cases a day)."""


def _shares(taxonomy: Taxonomy, source_shares: Sequence[float] | None) -> F64:
    shares = np.asarray(source_shares if source_shares is not None else [s.share for s in taxonomy.sources])
    if shares.shape != (len(taxonomy.sources),) or (shares < 0).any() or shares.sum() <= 0:
        raise ValueError("source_shares must give one non-negative share per taxonomy source")
    return np.asarray(shares / shares.sum(), dtype=np.float64)


def hour_rates(
    start: float,
    end: float,
    taxonomy: Taxonomy,
    cases_per_year: float,
    source_shares: Sequence[float] | None,
    cases_per_year_end: float | None = None,
) -> tuple[F64, F64, F64]:
    """Return bin lower bounds, bin lengths and per-source rates (cases/hour).

    With ``cases_per_year_end`` the yearly volume ramps linearly from
    ``cases_per_year`` at ``start`` to that value at ``end`` (smooth growth).
    """
    first = math.floor(start / HOUR_S) * HOUR_S
    starts = np.arange(first, end, HOUR_S, dtype=np.float64)
    lo = np.maximum(starts, start)
    hi = np.minimum(starts + HOUR_S, end)
    codes = tuple(s.code for s in taxonomy.sources)
    rates = source_rates(starts, codes, _shares(taxonomy, source_shares), cases_per_year)
    if cases_per_year_end is not None and cases_per_year > 0 and end > start:
        ramp = 1.0 + (cases_per_year_end / cases_per_year - 1.0) * ((lo + hi) / 2 - start) / (end - start)
        rates = rates * ramp[:, None]
    return lo, hi - lo, rates


def expected_rate(
    t: float, *, cases_per_year: float = CASES_PER_YEAR, source_shares: Sequence[float] | None = None
) -> float:
    """Expected cases per hour at epoch seconds ``t`` (all sources)."""
    _, _, rates = hour_rates(t, t + 1.0, load_taxonomy(), cases_per_year, source_shares)
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
    lo, length, rates = hour_rates(start, end, load_taxonomy(), cases_per_year, source_shares)
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


YEAR_S = 365.2425 * DAY_S
"""A mean calendar year in seconds."""
TEN_YEAR_TOTAL = 3_220_000
"""Cases in ten years (Xicheng's published figure)."""


GROWTH_PER_YEAR = (10 * CASES_PER_YEAR - TEN_YEAR_TOTAL) / 50
"""Yearly growth of the yearly volume (35,600 cases/year per year)."""


def volume_at(years_back: float) -> float:
    """The yearly volume (cases/year) at an instant ``years_back`` years before now.

    Linear in time, so growth is smooth (no step at yearly boundaries): today
    :data:`CASES_PER_YEAR` (where the live simulator goes on), 144,000 ten years
    back, so that ten years hold :data:`TEN_YEAR_TOTAL`; never below 10 % of today.
    """
    return max(CASES_PER_YEAR - GROWTH_PER_YEAR * years_back, 0.1 * CASES_PER_YEAR)


def yearly_volume(years_back: int) -> float:
    """Mean yearly volume over the ``years_back``-th year before now (0 = the last twelve months: 482,200)."""
    return (volume_at(years_back) + volume_at(years_back + 1)) / 2


def history_windows(start: float, end: float) -> list[tuple[float, float, float, float]]:
    """Split ``[start, end)`` into years back from ``end``, oldest first.

    Each window is ``(from, to, cases per year at from, cases per year at to)``;
    the volume ramps linearly in between (:func:`volume_at`), so adjacent
    windows meet at the same rate.
    """
    windows = []
    for k in range(math.ceil((end - start) / YEAR_S - 1e-9)):
        lo, hi = max(start, end - (k + 1) * YEAR_S), end - k * YEAR_S
        if hi > lo:
            windows.append((lo, hi, volume_at((end - lo) / YEAR_S), volume_at((end - hi) / YEAR_S)))
    return windows[::-1]
