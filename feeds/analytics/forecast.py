"""Seven-day forecasts of daily case counts per type, and their back-test.

Methods (all vectorised over many series, rows of a ``(series, days)`` array):

* ``naive``: seasonal naive, each day as the same weekday last week;
* ``profile``: weekday profile × recent level: the mean of the last 14 days,
  times each weekday's share over the last 8 weeks;
* ``hw``: Holt-Winters additive with a weekly season and a damped trend
  (α=0.15, β=0.02, γ=0.15, φ=0.9), initialised from the first two weeks.

:func:`backtest` hides the last ``horizon`` days and reports MAPE (over days
with at least one case) and WAPE. See ``docs/analytics.md`` for figures.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from feeds.analytics.naming import Names
from feeds.analytics.params import Params, bad
from feeds.analytics.periods import DAY_S, UTC_OFFSET_S, local_day
from feeds.analytics.reference import IndicatorEngine
from feeds.analytics.selection import Selection
from feeds.protocol import iso

F64 = NDArray[np.float64]
SEASON = 7


def seasonal_naive(y: F64, horizon: int) -> F64:
    """Each future day equals the same weekday of the last week."""
    last = y[:, -SEASON:]
    return np.asarray(np.tile(last, (1, horizon // SEASON + 1))[:, :horizon], dtype=np.float64)


def weekday_profile(y: F64, horizon: int, *, weeks: int = 8, level_days: int = 14) -> F64:
    """Recent level × weekday profile (see the module docstring)."""
    t = y.shape[1]
    span = min(weeks * SEASON, t - t % SEASON)
    hist = y[:, t - span :]
    means = hist.reshape(y.shape[0], -1, SEASON).mean(axis=1)  # (series, 7) in position order
    overall = means.mean(axis=1, keepdims=True)
    profile = np.divide(means, overall, out=np.ones_like(means), where=overall > 0)
    recent = y[:, t - level_days :]
    recent_profile = profile[:, (np.arange(t - level_days, t) - (t - span)) % SEASON]
    level = recent.sum(axis=1, keepdims=True) / np.maximum(recent_profile.sum(axis=1, keepdims=True), 1e-9)
    future = profile[:, (np.arange(t, t + horizon) - (t - span)) % SEASON]
    return np.asarray(level * future, dtype=np.float64)


def holt_winters(
    y: F64, horizon: int, *, alpha: float = 0.15, beta: float = 0.02, gamma: float = 0.15, phi: float = 0.9
) -> F64:
    """Additive Holt-Winters with a weekly season and damped trend (needs two weeks of history)."""
    t = y.shape[1]
    if t < 2 * SEASON:
        raise ValueError("Holt-Winters needs at least two weeks of history")
    level = y[:, :SEASON].mean(axis=1)
    trend = (y[:, SEASON : 2 * SEASON].mean(axis=1) - level) / SEASON
    season = y[:, :SEASON] - level[:, None]
    for i in range(SEASON, t):
        s = season[:, i % SEASON]
        prev = level
        level = alpha * (y[:, i] - s) + (1 - alpha) * (prev + phi * trend)
        trend = beta * (level - prev) + (1 - beta) * phi * trend
        season[:, i % SEASON] = gamma * (y[:, i] - level) + (1 - gamma) * s
    damp = np.cumsum(phi ** np.arange(1, horizon + 1))
    out = level[:, None] + damp[None, :] * trend[:, None] + season[:, (np.arange(t, t + horizon)) % SEASON]
    return np.asarray(np.maximum(out, 0.0), dtype=np.float64)


METHODS: dict[str, Callable[[F64, int], F64]] = {
    "naive": seasonal_naive,
    "profile": weekday_profile,
    "hw": holt_winters,
}
DEFAULT_METHOD = "profile"


def backtest(y: F64, horizon: int = 7, method: str = DEFAULT_METHOD) -> dict[str, float]:
    """Hide the last ``horizon`` days, forecast them, and score.

    Returns:
        ``mape`` (mean of ``|error| / actual`` over days with ``actual > 0``)
        and ``wape`` (``Σ|error| / Σ actual``), both as fractions.
    """
    train, test = y[:, :-horizon], y[:, -horizon:]
    pred = METHODS[method](train, horizon)
    err = np.abs(pred - test)
    nz = test > 0
    return {"mape": float((err[nz] / test[nz]).mean()), "wape": float(err.sum() / max(test.sum(), 1e-9))}


def forecast(eng: IndicatorEngine, names: Names, p: Params) -> dict[str, Any]:
    """The ``forecast`` query: the next ``days`` days (today first) for the top types of a unit."""
    horizon = p.integer("days", 7, 1, 28)
    history = p.integer("history_days", 84, 28, 731)
    method = p.text("method", DEFAULT_METHOD, choices=frozenset(METHODS))
    top = p.integer("top", 5, 1, 50)
    wanted = p.filters()
    unit = p.unit()
    as_of = p.as_of()
    p.finish()
    if wanted.overdue is not None:
        raise bad("filters.overdue", "forecasts do not take the overdue filter")
    today = local_day(as_of)
    start = (today - history) * DAY_S - UTC_OFFSET_S
    sel = Selection(unit, start, today * DAY_S - UTC_OFFSET_S, as_of, wanted)
    by_type: dict[str, F64] = {}
    for (sub, day), n in eng.count_by(sel, ("subclass", "day")).items():
        row = by_type.setdefault(str(sub), np.zeros(history))
        row[int(day) - (today - history)] = n
    chosen = sorted(by_type, key=lambda s: (-by_type[s].sum(), s))[:top]
    y = np.array([by_type[s] for s in chosen]) if chosen else np.zeros((0, history))
    pred = METHODS[str(method)](y, horizon) if chosen else np.zeros((0, horizon))
    first = today * DAY_S - UTC_OFFSET_S
    return {
        "unit": names.unit(unit),
        "as_of": iso(as_of),
        "method": method,
        "filters": wanted.to_wire(),
        "history_start": iso(start),
        "days": [iso(first + k * DAY_S) for k in range(horizon)],
        "series": [
            {"subclass": names.subclass(s), "history": y[i].astype(int).tolist(), "forecast": pred[i].round(2).tolist()}
            for i, s in enumerate(chosen)
        ],
    }
