"""Early warnings find planted anomalies and hot spots in simulated data; forecasts stay accurate."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from synthetic_cases import DAY, NOW, grid_codes, simulated_rows

from feeds.analytics import CaseCube, Selection, build
from feeds.analytics.early_warning import find_anomalies, find_hotspots, poisson_tail, seasonal_ratio
from feeds.analytics.forecast import METHODS, backtest
from feeds.analytics.naming import Names
from feeds.analytics.periods import local_midnight
from feeds.geo.units import load_units
from feeds.simulator.model import plan_cases_batch
from feeds.store import open_store
from feeds.taxonomy import load_taxonomy

END = local_midnight(NOW)
DAYS = 70  # 8 weeks of baseline + 14 days evaluated
EVAL_DAYS = 14
HOT_GRID, HOT_SUBCLASS = grid_codes(2)[-1], "1303"


def _plant(
    rng: np.random.Generator, batch: Any, strength: str
) -> tuple[list[dict[str, Any]], set[tuple[int, str, str]]]:
    """Extra cases for 40 anomalies in the evaluated days: ``strong`` (2μ+6) or ``moderate`` (μ+3√μ+4)."""
    tax = load_taxonomy()
    subs = [u.code for u in load_units().subdistricts]
    grids_of = {s: [g for g in grid_codes() if g.startswith(s)] for s in subs}
    day = (batch.reported_at.astype(np.int64) - (END - DAYS * DAY)) // DAY
    sub_of = np.array([batch.grid_codes[g][:9] for g in batch.grid.tolist()])
    popular = np.argsort(-np.array([s.weight for s in tax.subclasses]))[:20]
    rows: list[dict[str, Any]] = []
    planted: set[tuple[int, str, str]] = set()
    while len(planted) < 40:
        d = int(rng.integers(DAYS - EVAL_DAYS, DAYS))
        s = subs[int(rng.integers(len(subs)))]
        t = int(popular[rng.integers(20)] if len(planted) % 2 else rng.integers(len(tax.subclasses)))
        same = (sub_of == s) & (batch.subclass == t) & (day < d) & (day >= d - 56) & ((d - day) % 7 == 0)
        mu = same.sum() / 8  # the same weekday over the 8 weeks before
        extra = math.ceil(2 * mu + 6) if strength == "strong" else math.ceil(mu + 3 * math.sqrt(mu) + 4)
        key = (d, s, tax.subclasses[t].code)
        if key in planted:
            continue
        planted.add(key)
        sub = tax.subclasses[t]
        for k in range(extra):
            at = END - (DAYS - d) * DAY + int(rng.integers(7 * 3600, 20 * 3600))
            rows.append({"id": f"P{strength[0]}{len(planted):03d}{k:03d}", "kind": sub.kind, "subclass": sub.code,
                         "source": "app", "grid": grids_of[s][k % len(grids_of[s])], "department": sub.department,
                         "lon": 116.36, "lat": 39.91, "stage": "closed", "reported_at": at})  # fmt: skip
    return rows, planted


@pytest.fixture(scope="module")
def planted_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[CaseCube, dict[str, set[tuple[int, str, str]]]]:
    """70 days of simulated cases (400k a year) with strong and moderate anomalies and one hot spot planted."""
    rng = np.random.default_rng(11)
    batch = plan_cases_batch(END - DAYS * DAY, END, rng, grid_codes(), cases_per_year=400_000)
    store = open_store(str(Path(tmp_path_factory.mktemp("warn")) / "warn.db"))
    rows = simulated_rows(batch)
    truth = {}
    for strength in ("strong", "moderate"):
        extra, planted = _plant(rng, batch, strength)
        rows += extra
        truth[strength] = planted
    sub = load_taxonomy().subclass(HOT_SUBCLASS)
    for k in range(16):  # the same type in the same grid on 12 different days
        at = END - (2 + k % 12 * 2) * DAY + 10 * 3600 + k * 60
        rows.append({"id": f"HOT{k:03d}", "kind": sub.kind, "subclass": sub.code, "source": "patrol",
                     "grid": HOT_GRID, "department": sub.department, "lon": 116.36, "lat": 39.91,
                     "stage": "closed", "reported_at": at})  # fmt: skip
    store.bulk_insert_cases(rows)
    return build(store.engine), truth


def _evaluate(
    cube: CaseCube, planted: set[tuple[int, str, str]], other: set[tuple[int, str, str]]
) -> tuple[float, float]:
    """Precision and recall of the anomaly detector over the evaluated days (other plantings ignored)."""
    names = Names(load_units(), load_taxonomy())
    flagged = set()
    for d in range(DAYS - EVAL_DAYS, DAYS):
        start = END - (DAYS - d) * DAY
        for a in find_anomalies(cube, names, Selection("110102", start, start + DAY, start + DAY)):
            flagged.add((d, a["unit"]["code"], a["subclass"]["code"]))
    flagged -= other
    hits = len(flagged & planted)
    return hits / max(len(flagged), 1), hits / len(planted)


def test_planted_anomalies_are_found(planted_store: tuple[CaseCube, dict[str, set[tuple[int, str, str]]]]) -> None:
    """Strong anomalies: precision and recall ≥ 0.9; moderate ones: precision ≥ 0.9, recall ≥ 0.6."""
    cube, truth = planted_store
    strong_p, strong_r = _evaluate(cube, truth["strong"], truth["moderate"])
    moderate_p, moderate_r = _evaluate(cube, truth["moderate"], truth["strong"])
    print(
        f"anomalies strong: precision {strong_p:.2f} recall {strong_r:.2f}; "
        f"moderate: precision {moderate_p:.2f} recall {moderate_r:.2f}"
    )
    assert strong_p >= 0.9 and strong_r >= 0.9
    assert moderate_p >= 0.9 and moderate_r >= 0.6


def test_planted_hotspot_ranks_first(planted_store: tuple[CaseCube, dict[str, set[tuple[int, str, str]]]]) -> None:
    """A rare type recurring in one grid on twelve days is the top hot spot of the last 30 days.

    16 cases: a top-five type reaches 11-13 in some grid of 2,432 by chance (Poisson mean ~3.4).
    """
    cube, _ = planted_store
    names = Names(load_units(), load_taxonomy())
    total, rows = find_hotspots(cube, names, Selection("110102", END - 30 * DAY, END, END), min_count=5)
    assert total >= 1
    top = rows[0]
    assert (top["grid"]["code"], top["subclass"]["code"]) == (HOT_GRID, HOT_SUBCLASS)
    assert top["count"] == 16 and top["days"] == 12
    assert top["score"] > rows[1]["score"] if len(rows) > 1 else True


def test_poisson_tail() -> None:
    """The tail probability matches direct sums at both ends."""
    assert poisson_tail(0, 3.0) == 1.0
    assert poisson_tail(1, 2.0) == pytest.approx(1 - math.exp(-2))
    direct = sum(math.exp(-1.5) * 1.5**k / math.factorial(k) for k in range(9, 60))
    assert poisson_tail(9, 1.5) == pytest.approx(direct, rel=1e-9)
    assert 0 < poisson_tail(60, 2.0) < 1e-50


def test_forecast_mape_on_held_out_simulated_weeks() -> None:
    """Seven-day forecasts of the top-5 types, four held-out weeks: MAPE of the default below 12 %."""
    start = END - 20 * 7 * DAY
    batch = plan_cases_batch(start, END, np.random.default_rng(5), grid_codes(), cases_per_year=500_000)
    day = (batch.reported_at.astype(np.int64) - start) // DAY
    counts = np.zeros((len(batch.taxonomy.subclasses), 20 * 7))
    np.add.at(counts, (batch.subclass.astype(np.intp), day), 1)
    top5 = counts[np.argsort(-counts.sum(axis=1))[:5]]
    scores = {m: np.mean([backtest(top5[:, : 20 * 7 - 7 * k], 7, m)["mape"] for k in range(4)]) for m in METHODS}
    print("forecast MAPE, top-5 types, 4 held-out weeks: " + ", ".join(f"{m} {v:.3f}" for m, v in scores.items()))
    assert scores["profile"] < 0.12
    assert scores["hw"] < 0.15
    assert scores["profile"] <= scores["naive"]


def test_seasonal_ratio_from_last_year(tmp_path: Path) -> None:
    """A type that rose ~3.6x last year at this date raises this year's baseline as much; others 1x."""
    sub = load_taxonomy().subclass("1125")
    grid = grid_codes(1)[0]
    year_ago = END - 52 * 7 * DAY
    times = [year_ago - 56 * DAY + k * 5 * DAY + 3600 for k in range(11)]  # 0.2 a day in the 8 weeks before
    times += [year_ago + k * 12 * 3600 + 60 for k in range(14)]  # 2 a day in the week from the date
    store = open_store(str(tmp_path / "season.db"))
    store.bulk_insert_cases(
        [{"id": f"Y{k:03d}", "kind": sub.kind, "subclass": sub.code, "source": "patrol", "grid": grid,
          "department": sub.department, "lon": 116.36, "lat": 39.91, "stage": "closed", "reported_at": t}
         for k, t in enumerate(times)]
    )  # fmt: skip
    ratio = seasonal_ratio(build(store.engine), Selection(grid[:9], END, END + DAY, END + DAY), {"1125", "1201"}, 8)
    assert ratio["1125"] == pytest.approx((2 + 0.5) / (11 / 56 + 0.5))
    assert ratio["1201"] == 1.0
