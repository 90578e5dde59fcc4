"""The ``response`` query: the three rates equal a plain count of the stored requests; the cube stays city-only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from feeds.analytics.service import QueryService
from feeds.protocol.answers import ResponseAnswer, parse_answer
from feeds.simulator.model.calendar import DAY_S, epoch
from feeds.simulator.model.district import load_district
from feeds.simulator.response.history import seed_requests
from feeds.store import Store, open_store
from feeds.store.schema import cases

NOW = epoch(2025, 3, 1)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, QueryService]]:
    """Sixty days of requests (and no city case) in a fresh store, with its query service on SQL."""
    store = open_store(str(Path(tmp_path_factory.mktemp("resp")) / "r.db"))
    seed_requests(store, NOW - 60 * DAY_S, NOW, load_district(0, frozenset(store.reference.grids)), seed=3)
    service = QueryService(store.engine, cache_path=None, clock=lambda: NOW)
    yield store, service
    store.close()


def _plain(store: Store, start: float, end: float, as_of: float) -> dict[str, Any]:
    """The three rates counted row by row in Python (the definitions of docs/indicators.md)."""
    with store.engine.connect() as conn:
        rows = (
            conn.execute(
                select(cases).where(
                    cases.c.platform == "response", cases.c.reported_at >= start, cases.c.reported_at < end
                )
            )
            .mappings()
            .all()
        )
    due = [
        r
        for r in rows
        if r["dispatched_at"] is not None and (r["responded_at"] is not None or r["response_deadline_at"] < as_of)
    ]
    in_time = [r for r in due if r["responded_at"] is not None and r["responded_at"] <= r["response_deadline_at"]]
    evaluated = [r for r in rows if r["satisfaction"] is not None]
    return {
        "reported": len(rows),
        "response_rate": len(in_time) / len(due),
        "resolution_rate": sum(bool(r["resolved"]) for r in evaluated) / len(evaluated),
        "satisfaction_rate": sum(r["satisfaction"] != "unsatisfied" for r in evaluated) / len(evaluated),
    }


def test_rates_equal_a_plain_count(seeded: tuple[Store, QueryService]) -> None:
    """Figures of the last 30 days and of a subdistrict match a row-by-row count; 同比/环比 and rankings come along."""
    store, service = seeded
    answer = parse_answer("response", service.handle("response", {"range": "30d"}))
    assert isinstance(answer, ResponseAnswer)
    plain = _plain(store, answer.period.start_s or 0, answer.period.end_s or 0, NOW)
    f = answer.figures
    assert f.reported == plain["reported"] > 1000
    assert f.response_rate == pytest.approx(plain["response_rate"])
    assert f.resolution_rate == pytest.approx(plain["resolution_rate"])
    assert f.satisfaction_rate == pytest.approx(plain["satisfaction_rate"])
    assert 0.9 < (f.resolution_rate or 0) < 1.0 and f.answered > 0.5 * f.reported
    assert answer.pop.figures.reported > 0 and answer.pop.delta["reported"] == f.reported - answer.pop.figures.reported
    assert answer.yoy.figures.reported == 0  # nothing seeded a year before
    assert len(answer.by_subdistrict) == 15 and answer.by_department
    sats = [r.indicators.satisfaction_rate or 0 for r in answer.by_subdistrict]
    assert sats == sorted(sats, reverse=True)
    sub = answer.by_subdistrict[0].who.code
    one = parse_answer("response", service.handle("response", {"range": "30d", "unit": sub}))
    assert isinstance(one, ResponseAnswer) and one.figures.reported == answer.by_subdistrict[0].indicators.reported


def test_city_indicators_leave_requests_out(seeded: tuple[Store, QueryService]) -> None:
    """The drill-down's city indicators count no 全响应 request (the store holds only requests here)."""
    _, service = seeded
    assert service.handle("indicators", {"range": "30d"})["indicators"]["reported"] == 0
