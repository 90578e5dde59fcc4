"""Every query's answer has a typed form (feeds/protocol/answers.py) that keeps what the JSON said."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from feeds.analytics import QUERY_NAMES, QueryService
from feeds.protocol.answers import (
    INDICATORS,
    TYPED,
    CaseDetailAnswer,
    CaseListAnswer,
    DrillAnswer,
    ForecastAnswer,
    RankingAnswer,
    TrendAnswer,
    TypesAnswer,
    WarningsAnswer,
    parse_answer,
)


def test_every_query_is_typed() -> None:
    """No query answer reaches a view as a plain dict."""
    assert set(TYPED) == set(QUERY_NAMES)


def test_answers_keep_the_json_figures(service: QueryService) -> None:
    """Each typed answer carries the same figures as the JSON it came from."""
    drill: dict[str, Any] = service.handle("drill", {"range": "30d"})
    d = parse_answer("drill", drill)
    assert isinstance(d, DrillAnswer) and d.unit.code == drill["unit"]["code"] == "110102"
    assert all(d.indicators.value(k) == drill["indicators"][k] for k in INDICATORS)
    assert len(d.children) == len(drill["children"]) and d.children[0].who.code == drill["children"][0]["unit"]["code"]
    assert d.yoy.change["reported"].delta == drill["yoy"]["change"]["reported"]["delta"]
    ranking = service.handle("ranking", {"by": "department", "range": "year"})
    r = parse_answer("ranking", ranking)
    assert isinstance(r, RankingAnswer) and [x.who.code for x in r.rows] == [x["code"] for x in ranking["rows"]]
    trend = parse_answer("trend", service.handle("trend", {"range": "year", "bucket": "day", "compare": "yoy"}))
    assert isinstance(trend, TrendAnswer) and trend.bucket == "day" and len(trend.compare_counts) > 300
    types = service.handle("types", {"range": "year", "top": 5})
    t = parse_answer("types", types)
    assert isinstance(t, TypesAnswer) and t.total == types["total"] and len(t.rows) == 5
    cases = service.handle("cases", {"range": "year", "limit": 20})
    c = parse_answer("cases", cases)
    assert (
        isinstance(c, CaseListAnswer)
        and c.total == cases["total"]
        and [x.id for x in c.rows] == [x["id"] for x in cases["rows"]]
    )
    case = service.handle("case", {"id": c.rows[0].id})
    detail = parse_answer("case", case)
    assert isinstance(detail, CaseDetailAnswer) and detail.case.reported_at == case["case"]["reported_at_s"]
    assert [u.code for u in detail.units] == [u["code"] for u in case["units"]]
    assert isinstance(parse_answer("warnings", service.handle("warnings", {})), WarningsAnswer)
    forecast = parse_answer("forecast", service.handle("forecast", {"top": 3}))
    assert isinstance(forecast, ForecastAnswer) and len(forecast.series) == 3


def test_malformed_answers_take_empty_values() -> None:
    """A missing or mistyped field becomes its empty value, never an exception in a view."""
    bad: Mapping[str, Any] = {"unit": 5, "children": "x", "indicators": {"reported": "many"}, "yoy": None}
    d = parse_answer("drill", bad)
    assert isinstance(d, DrillAnswer) and d.unit.code == "" and d.children == () and d.indicators.reported is None
    rows = parse_answer("cases", {"rows": [{"id": "C1", "urges": True}, 7], "total": "3"})
    assert isinstance(rows, CaseListAnswer) and [r.id for r in rows.rows] == ["C1"] and rows.total == 0
    assert parse_answer("urge", {"ok": True}) == {"ok": True}  # not a query: passed on as it came
