"""KPI enrichment: the wall's rates and chart series come from the documented indicators."""

from __future__ import annotations

import pytest
from synthetic_cases import DAY, NOW, UTC8, H

from feeds.analytics import CaseCube, QueryService
from feeds.analytics.server_queries import AnalyticsQueries
from feeds.protocol import Kpis
from feeds.store import Store


def test_enriched_kpis_match_the_indicators(seeded: Store, service: QueryService) -> None:
    """Rates equal the indicators of the last 24 h; charts hold last week's 24-hour profile only."""
    enrich = AnalyticsQueries(lambda store: service)
    base = Kpis({"reported": 5.0, "closed": 3.0, "closure_rate": 0.1}, {"cases": 1})
    out = enrich.enrich_kpis(seeded, base)
    now = int(service.clock())
    window = service.handle("indicators", {"range": "custom", "start": now - 86400, "end": now + 1})
    assert out.today is not None and out.totals is not None
    assert out.today["reported"] == 5.0 and out.today["closed"] == 3.0  # throughput counts kept
    assert window["counts"]["reported"] > 0
    assert out.today["closure_rate"] == round(window["indicators"]["closure_rate"], 4)
    assert out.today["on_time_rate"] == round(window["indicators"]["ontime_closure_rate"], 4)
    assert out.today["rate_window_s"] == 86400
    charts = out.totals["charts"]
    assert out.totals["cases"] == 1
    assert set(charts) == {"day", "hourly_last_week"} and len(charts["hourly_last_week"]) == 24
    start = service.handle("trend", {"range": "today", "bucket": "hour"})["start_s"]
    week = service.handle("indicators", {"range": "custom", "start": start - 7 * 86400, "end": start - 6 * 86400})
    assert sum(charts["hourly_last_week"]) == week["counts"]["reported"]


@pytest.mark.parametrize("hour", [3, 12])
def test_rates_cover_the_last_24_hours_at_any_hour(seeded: Store, cube: CaseCube, hour: int) -> None:
    """At 03:00 as at 12:00 (injected clock) the rates cover a day of cases, not the night's few."""
    clock = float(NOW - (NOW + UTC8) % DAY - DAY + hour * H)  # the day before NOW, at ``hour`` Beijing
    service = QueryService(seeded.engine, cache_path=None, clock=lambda: clock, sync_interval_s=1e9)
    service.cube = cube
    out = AnalyticsQueries(lambda store: service).enrich_kpis(seeded, Kpis({}, {}))
    window = service.handle("indicators", {"range": "custom", "start": int(clock) - DAY, "end": int(clock) + 1})
    today = service.handle("indicators", {"range": "today"})
    assert out.today is not None and out.today["rate_window_s"] == DAY
    assert out.today["closure_rate"] == round(window["indicators"]["closure_rate"], 4)
    assert out.today["on_time_rate"] == round(window["indicators"]["ontime_closure_rate"], 4)
    per_day = service.handle("indicators", {"range": "30d"})["counts"]["reported"] / 30
    assert window["counts"]["due_close"] > 0.5 * per_day  # a day's worth of cases behind the rate
    if hour == 3:
        assert today["counts"]["due_close"] < 0.25 * per_day  # what "today" alone would have rested on
