"""Early warnings: recurring hot spots and anomalies against a seasonal baseline.

* **Hot spot**: the same subclass in the same unit grid at least ``min_count``
  times in the last ``days`` days. Score ``n · log2(1 + n / max(e, 1))`` where
  ``e`` is the count expected from the same pair's rate over the preceding
  ``baseline_days``: it grows with recurrence and with surprise.
* **Anomaly**: a subclass in a subdistrict (or community) far above its
  baseline today. The baseline is the same weekday of the previous ``weeks``
  weeks over the same time of day (local midnight → the as-of time), so the
  weekly rhythm and the hour profile are both respected. With ``x`` cases
  today and ``c_1 … c_W`` in the baseline windows, ``λ = (Σ c_k + 0.5) / W · f``
  where ``f ≥ 1`` is the subclass's seasonal rise seen district-wide a year
  earlier (:func:`seasonal_ratio`), and the pair is flagged when ``x ≥ min_count`` and the
  Poisson tail ``P(X ≥ x | λ) ≤ alpha``. A robust z-score ``(x - median) / max(1.4826·MAD, 1)``
  is reported alongside. See ``docs/analytics.md``.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

from feeds.analytics.naming import Names
from feeds.analytics.params import DISTRICT, Params
from feeds.analytics.periods import DAY_S, local_midnight
from feeds.analytics.reference import IndicatorEngine, Key
from feeds.analytics.selection import Filters, Selection
from feeds.protocol import iso


def poisson_tail(x: int, lam: float) -> float:
    """``P(X >= x)`` for ``X ~ Poisson(lam)``, accurate far into the tail."""
    if x <= 0:
        return 1.0
    if lam <= 0:
        return 0.0
    if x <= lam:
        term = math.exp(-lam)
        below = term
        for k in range(1, x):
            term *= lam / k
            below += term
        return max(0.0, 1.0 - below)
    term = math.exp(-lam + x * math.log(lam) - math.lgamma(x + 1))
    total, k = term, x
    while term > total * 1e-17:
        k += 1
        term *= lam / k
        total += term
    return min(1.0, total)


def find_hotspots(
    eng: IndicatorEngine,
    names: Names,
    sel: Selection,
    *,
    min_count: int = 5,
    baseline_days: int = 365,
    top: int = 20,
) -> tuple[int, list[dict[str, Any]]]:
    """Recurring (grid, subclass) pairs in ``[sel.start, sel.end)``: how many, and the ``top`` best scored."""
    window = sel.end - sel.start
    counts = eng.count_by(sel, ("grid", "subclass"))
    found = {k: n for k, n in counts.items() if n >= min_count}
    if not found:
        return 0, []
    before = Selection(sel.unit, sel.start - baseline_days * DAY_S, sel.start, sel.as_of, sel.filters)
    base = eng.count_by(before, ("grid", "subclass"), only=found)
    scored = []
    for key, n in found.items():
        expected = base.get(key, 0) * window / (baseline_days * DAY_S)
        scored.append((n * math.log2(1 + n / max(expected, 1.0)), key, n, expected))
    scored.sort(key=lambda r: (-r[0], r[1]))
    best = scored[:top]
    wanted = {key for _, key, _, _ in best}
    active: dict[Key, int] = {}
    day_sel = Selection(sel.unit, sel.start, sel.end, sel.as_of, _narrow(sel.filters, {str(k[1]) for k in wanted}))
    for grid, sub, _day in eng.count_by(day_sel, ("grid", "subclass", "day")):
        if (grid, sub) in wanted:
            active[(grid, sub)] = active.get((grid, sub), 0) + 1
    out = []
    for score, (grid, sub), n, expected in best:
        g, s = str(grid), str(sub)
        out.append(
            {
                "grid": names.unit(g),
                "community": names.unit(g[:12]),
                "subdistrict": names.unit(g[:9]),
                "subclass": names.subclass(s),
                "count": n,
                "days": active.get((grid, sub), 0),
                "expected": expected,
                "score": score,
            }
        )
    return len(found), out


def _narrow(filters: Filters, subclasses: set[str]) -> Filters:
    """``filters`` further limited to ``subclasses``."""
    keep = set(filters.subclass) & subclasses if filters.subclass else subclasses
    return dataclasses.replace(filters, subclass=tuple(sorted(keep)))


def seasonal_ratio(eng: IndicatorEngine, sel: Selection, subclasses: set[str], weeks: int) -> dict[str, float]:
    """How much each subclass rose last year from its baseline weeks to the same dates (district-wide).

    Compares the daily rate ``a`` in the 7 days from the same date 52 weeks ago
    with the daily rate ``b`` in the ``weeks`` weeks before that date. The
    ratio is ``(a + 0.5) / (b + 0.5)``, clipped to ``[1, 5]``: it only ever
    raises the baseline. It is 1 without a year of history.
    """
    year = 52 * 7 * DAY_S
    day0 = local_midnight(sel.start) - year
    wanted = [(s,) for s in subclasses]
    around = Selection(DISTRICT, day0, day0 + 7 * DAY_S, sel.as_of, sel.filters)
    before = Selection(DISTRICT, day0 - weeks * 7 * DAY_S, day0, sel.as_of, sel.filters)
    a = eng.count_by(around, ("subclass",), only=wanted)
    b = eng.count_by(before, ("subclass",), only=wanted)
    out = {}
    for s in subclasses:
        rate_a, rate_b = a.get((s,), 0) / 7, b.get((s,), 0) / (weeks * 7)
        out[s] = min(5.0, max(1.0, (rate_a + 0.5) / (rate_b + 0.5)))
    return out


def find_anomalies(
    eng: IndicatorEngine,
    names: Names,
    sel: Selection,
    *,
    by: str = "subdistrict",
    weeks: int = 8,
    alpha: float = 1e-5,
    min_count: int = 4,
    seasonal: bool = True,
) -> list[dict[str, Any]]:
    """(unit, subclass) pairs far above their same-weekday baseline in ``[sel.start, sel.end)``."""
    keys = (by, "subclass")
    today = eng.count_by(sel, keys)
    candidates = {k: x for k, x in today.items() if x >= min_count}
    if not candidates:
        return []
    history = np.zeros((len(candidates), weeks), dtype=np.int64)
    order = list(candidates)
    for w in range(weeks):
        shift = (w + 1) * 7 * DAY_S
        past = eng.count_by(
            Selection(sel.unit, sel.start - shift, sel.end - shift, sel.as_of, sel.filters), keys, only=order
        )
        history[:, w] = [past.get(k, 0) for k in order]
    season = seasonal_ratio(eng, sel, {str(k[1]) for k in order}, weeks) if seasonal else {}
    out = []
    for i, key in enumerate(order):
        x = candidates[key]
        unit_code, sub = str(key[0]), str(key[1])
        factor = season.get(sub, 1.0)
        lam = (history[i].sum() + 0.5) / weeks * factor
        p = poisson_tail(x, lam)
        if p > alpha:
            continue
        med = float(np.median(history[i]))
        mad = float(np.median(np.abs(history[i] - med)))
        out.append(
            {
                "unit": names.unit(unit_code),
                "subclass": names.subclass(sub),
                "observed": x,
                "baseline": lam,
                "seasonal_factor": factor,
                "history": history[i].tolist(),
                "p_value": p,
                "robust_z": (x - med) / max(1.4826 * mad, 1.0),
                "score": -math.log10(max(p, 1e-300)),
            }
        )
    out.sort(key=lambda r: (-r["score"], r["unit"]["code"], r["subclass"]["code"]))
    return out


def warnings(eng: IndicatorEngine, names: Names, p: Params) -> dict[str, Any]:
    """The ``warnings`` query: hot spots over the last days and today's anomalies."""
    unit = p.unit()
    as_of = p.as_of()
    filters: Filters = p.filters()
    top = p.integer("top", 20, 1, 500)
    days = p.integer("hotspot_days", 30, 1, 366)
    hot_min = p.integer("hotspot_min", 5, 2, 10_000)
    by = p.text("anomaly_by", "subdistrict", choices=frozenset({"subdistrict", "community"}))
    weeks = p.integer("anomaly_weeks", 8, 2, 52)
    alpha = p.number("anomaly_alpha", 1e-5, 1e-15, 0.5)
    anom_min = p.integer("anomaly_min", 4, 1, 10_000)
    p.finish()
    window = Selection(unit, as_of - days * DAY_S, as_of, as_of, filters)
    today = Selection(unit, local_midnight(as_of), as_of, as_of, filters)
    hot_total, hot = find_hotspots(eng, names, window, min_count=hot_min, top=top)
    anomalies = find_anomalies(eng, names, today, by=str(by), weeks=weeks, alpha=alpha, min_count=anom_min)
    return {
        "unit": names.unit(unit),
        "as_of": iso(as_of),
        "filters": filters.to_wire(),
        "hotspots": {"days": days, "min_count": hot_min, "total": hot_total, "rows": hot},
        "anomalies": {
            "by": by,
            "weeks": weeks,
            "alpha": alpha,
            "min_count": anom_min,
            "window": {"start": iso(today.start), "end": iso(today.end)},
            "total": len(anomalies),
            "rows": anomalies[:top],
        },
    }
