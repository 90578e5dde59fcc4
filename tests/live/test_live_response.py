"""The 全响应 half of the live state: today's requests by channel and type, overdue requests, the rates."""

from __future__ import annotations

from live_factories import T0, created, make_case, snapshot

from feeds.live import LiveState
from feeds.protocol import CaseClosed, CaseEvaluated, CaseStageChanged, Kpis

HEATING = "210103"


def _request(case_id: str, **kw: object) -> dict[str, object]:
    return {"platform": "response", "subclass": HEATING, "source": "hotline_12345", "department": "D14", **kw}


def test_requests_are_counted_apart_from_city_cases(state: LiveState) -> None:
    """Today's requests by channel and type; the city tiles and charts do not count them."""
    city = make_case("c1", reported_at=T0 - 600)
    yesterday = make_case("q0", reported_at=T0 - 86_000, **_request("q0"))
    state.apply([snapshot(1, (city, yesterday))], now=T0)
    ch = state.apply(
        [
            created(2, "q1", **_request("q1")),
            created(3, "q2", **_request("q2", source="online")),
            created(4, "q3", **_request("q3", subclass="210101", stage="reported")),
        ],
        now=T0 + 60,
    )
    assert ch.response
    view = state.response()
    assert view.today == 3
    assert [(r.code, r.count) for r in view.by_channel] == [("hotline_12345", 2), ("online", 1), ("grid_member", 0)]
    assert [(r.code, r.count) for r in view.top_types] == [(HEATING, 2), ("210101", 1)]
    assert state.kpi().reported == 1  # the city case only
    state.apply([CaseClosed("q3", seq=5)], now=T0 + 120)
    assert state.response().answered == 1  # closed without dispatch: answered on the line


def test_overdue_requests_by_response_and_handling_deadline(state: LiveState) -> None:
    """A dispatched request not responded by its response deadline, or unhandled past its deadline, is overdue."""
    state.apply([snapshot(1)], now=T0)
    state.apply(
        [
            created(2, "late-response", **_request("x", response_deadline=T0 + 100, handle_deadline=T0 + 9000)),
            created(3, "late-handling", **_request("y", stage="handling", handle_deadline=T0 + 200)),
            created(4, "fine", **_request("z", response_deadline=T0 + 5000, handle_deadline=T0 + 9000)),
        ],
        now=T0,
    )
    ch = state.tick(T0 + 300)
    assert ch.response
    view = state.response()
    assert view.overdue == 2
    assert [(r.case_id, r.what) for r in view.overdue_rows] == [
        ("late-response", "response"),
        ("late-handling", "handling"),
    ]
    state.apply([CaseStageChanged("late-response", "handling", seq=5)], now=T0 + 310)
    assert [r.case_id for r in state.response().overdue_rows] == ["late-handling"]


def test_evaluation_and_the_servers_rates(state: LiveState) -> None:
    """An evaluation reaches the case; the three rates are the server's, with their window."""
    state.apply([snapshot(1, (make_case("q1", stage="verifying", **_request("q1")),))], now=T0)
    state.apply([CaseEvaluated("q1", resolved=True, satisfaction="satisfied", seq=2)], now=T0)
    case = state.case("q1")
    assert case is not None and (case.resolved, case.satisfaction, case.platform) == (True, "satisfied", "response")
    today = {"response_rate": 0.97, "resolution_rate": 0.93, "satisfaction_rate": 0.95, "response_window_s": 2_592_000}
    ch = state.apply([Kpis(today, {})], now=T0)
    assert ch.response
    view = state.response()
    assert view.rates == {"response_rate": 0.97, "resolution_rate": 0.93, "satisfaction_rate": 0.95}
    assert view.rate_window_s == 2_592_000
