"""The 全响应 simulation: statistics of a seeded sample against the document's figures, history and live."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

from feeds.protocol import CaseClosed, CaseCreated, CaseEvaluated
from feeds.response.taxonomy import load_response_taxonomy
from feeds.simulator.model.calendar import DAY_S, epoch
from feeds.simulator.model.district import load_district
from feeds.simulator.response.history import as_of, seed_requests
from feeds.simulator.response.live import RequestStream
from feeds.simulator.response.plan import RequestPlan, expected_requests, plan_requests, year_fraction
from feeds.store import open_store
from feeds.store.schema import cases

NOW = epoch(2026, 12, 1)
TEN_YEARS = 3652.425 * DAY_S


@pytest.fixture(scope="module")
def years() -> RequestPlan:
    """Two sampled years (2019 and 2025), 1.5× volume for tighter statistics, each request's whole life."""
    rng = np.random.default_rng(2019)
    weights = np.full(100, 0.01)
    plans = [
        plan_requests(epoch(y, 1, 1), epoch(y + 1, 1, 1), rng, weights, now=NOW, total=900_000) for y in (2019, 2025)
    ]
    return RequestPlan(**{k: np.concatenate([getattr(p, k) for p in plans]) for k in RequestPlan.__dataclass_fields__})


def test_ten_years_hold_about_600k_requests() -> None:
    """The expected ten-year volume is the document's 600,000 (growth is smooth, not stepped)."""
    assert expected_requests(NOW - TEN_YEARS, NOW) == pytest.approx(600_000, rel=0.01)


def test_channels_and_answered_on_the_line(years: RequestPlan) -> None:
    """~90 % by phone, then online and grid members; ~6 in 10 answered on the line."""
    shares = np.bincount(years.channel, minlength=3) / len(years)
    assert shares[0] == pytest.approx(0.90, abs=0.01)
    assert shares[1] == pytest.approx(0.08, abs=0.01)
    assert years.answered.mean() == pytest.approx(0.60, abs=0.02)


def test_closure_is_98_82_percent(years: RequestPlan) -> None:
    """Closed requests (however long they took) are 98.82 % of all."""
    closed = as_of(years, NOW + 365 * DAY_S).columns["closed"]
    assert closed.mean() == pytest.approx(0.9882, abs=0.002)


def test_rates_rise_from_2019_to_2025(years: RequestPlan) -> None:
    """Resolution and satisfaction of evaluated requests: ~53 % / 65 % early in 2019, ~96.5 % / 97 % in 2025."""
    evaluated = ~np.isnan(years.evaluated) & ~years.answered
    year = year_fraction(years.reported)
    for lo, hi, resolution, satisfaction in ((2019.0, 2020.0, 0.54, 0.655), (2025.0, 2026.0, 0.965, 0.969)):
        sel = evaluated & (year >= lo) & (year < hi)
        assert years.resolved[sel].mean() == pytest.approx(resolution, abs=0.03)
        assert (years.satisfaction[sel] < 2).mean() == pytest.approx(satisfaction, abs=0.03)


def test_heating_season_and_summer_storms(years: RequestPlan) -> None:
    """Heating requests peak in November-December; water-logged roads in July-August."""
    tax = load_response_taxonomy()
    heating = np.array([t.sub == "Q2101" for t in tax.types])[years.type_index]
    flooding = np.array([t.sub == "Q1205" for t in tax.types])[years.type_index]
    month = (years.reported.astype("int64") + 8 * 3600).astype("datetime64[s]").astype("datetime64[M]").astype(int) % 12
    winter, summer = np.isin(month, (10, 11)), np.isin(month, (6, 7))
    assert heating[winter].sum() > 4 * heating[summer].sum()
    assert flooding[summer].sum() > 3 * flooding[winter].sum()


def test_reopened_requests_are_evaluated_twice(years: RequestPlan) -> None:
    """A re-opened request was unresolved at its first visit and evaluated again later."""
    reopened = ~np.isnan(years.reopened_at) & ~np.isnan(years.evaluated)
    assert 0.005 < reopened.mean() < 0.2
    assert (years.first_evaluated[reopened] < years.reopened_at[reopened]).all()
    assert (years.reopened_at[reopened] < years.evaluated[reopened]).all()


def test_seeded_history_in_the_store(tmp_path: Path) -> None:
    """Thirty days of requests through the bulk path: platform, channels, evaluations and open ones."""
    store = open_store(str(tmp_path / "r.db"))
    try:
        district = load_district(0, frozenset(store.reference.grids))
        report = seed_requests(store, NOW - 30 * DAY_S, NOW, district, seed=5)
        assert report.requests == pytest.approx(expected_requests(NOW - 30 * DAY_S, NOW), rel=0.1)
        with store.engine.connect() as conn:
            platforms = dict(conn.execute(select(cases.c.platform, func.count()).group_by(cases.c.platform)).all())
            evaluated = conn.execute(select(func.count()).where(cases.c.satisfaction.is_not(None))).scalar_one()
        assert platforms == {"response": report.requests}
        assert 0.2 * report.requests < evaluated < 0.45 * report.requests
        snapshot = store.snapshot(now=NOW)
        assert any(c.platform == "response" and c.stage != "closed" for c in snapshot.cases)
    finally:
        store.close()


def test_live_requests_are_accepted_by_the_store(tmp_path: Path) -> None:
    """A day of live requests, then the rest of the open ones taken over: every event passes the store's checks."""
    store = open_store(str(tmp_path / "live.db"))
    try:
        district = load_district(0, frozenset(store.reference.grids))
        stream = RequestStream(NOW, 3, district)
        timed = sorted(stream.window(NOW, NOW + DAY_S), key=lambda tm: tm[0])
        due = [msg for t, msg in timed if t < NOW + DAY_S]
        store.append_events(due)
        assert stream.created > 100 and any(isinstance(m, CaseEvaluated) for m in due)
        open_now = [
            c for c in store.snapshot(now=NOW + DAY_S).cases if c.platform == "response" and c.stage != "closed"
        ]
        later = RequestStream(NOW + DAY_S, 4, district, open_now)
        rest = sorted(later.take_over(), key=lambda tm: tm[0])
        store.append_events([msg for _, msg in rest])
        assert sum(isinstance(m, CaseClosed) for _, m in rest) > 0.9 * len(open_now)
        assert all(not isinstance(m, CaseCreated) for _, m in rest)
    finally:
        store.close()
