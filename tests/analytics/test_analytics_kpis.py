"""KPI enrichment: the wall's rates and chart series come from the documented indicators."""

from __future__ import annotations

from feeds.analytics import QueryService
from feeds.analytics.server_queries import AnalyticsQueries
from feeds.protocol import Kpis
from feeds.store import Store


def test_enriched_kpis_match_the_indicators(seeded: Store, service: QueryService) -> None:
    """Rates equal today's indicators; charts hold 24-hour series, top types and the ranking."""
    enrich = AnalyticsQueries(lambda store: service)
    base = Kpis({"reported": 5.0, "closed": 3.0, "closure_rate": 0.1}, {"cases": 1})
    out = enrich.enrich_kpis(seeded, base)
    today = service.handle("indicators", {"range": "today"})
    assert out.today is not None and out.totals is not None
    assert out.today["reported"] == 5.0 and out.today["closed"] == 3.0  # throughput counts kept
    assert out.today["closure_rate"] == round(today["indicators"]["closure_rate"], 4)
    assert out.today["on_time_rate"] == round(today["indicators"]["ontime_closure_rate"], 4)
    charts = out.totals["charts"]
    assert out.totals["cases"] == 1
    assert len(charts["hourly_today"]) == 24 and len(charts["hourly_last_week"]) == 24
    assert today["counts"]["reported"] > 0
    assert sum(charts["hourly_today"]) == today["counts"]["reported"]
    start = service.handle("trend", {"range": "today", "bucket": "hour"})["start_s"]
    week = service.handle("indicators", {"range": "custom", "start": start - 7 * 86400, "end": start - 6 * 86400})
    assert sum(charts["hourly_last_week"]) == week["counts"]["reported"]
    types = service.handle("types", {"range": "today", "top": 500})
    assert charts["types_today"] == {r["code"]: r["count"] for r in types["rows"]}
    assert sum(charts["subdistricts_today"].values()) == today["counts"]["reported"]
