"""Today's charts and KPI figures: counting, server baselines, day rollover, last week's profile."""

from __future__ import annotations

from live_factories import GRID_A1, GRID_B1, SUB_A, SUB_B, T0, created, make_case, snapshot

from feeds.live import LiveState, beijing_hour
from feeds.protocol import CaseClosed, CaseStageChanged, Kpis


def test_chart_series_sum_to_cases_seen(state: LiveState) -> None:
    """Hourly, type, source and subdistrict series each sum to the cases reported today."""
    events = [
        created(i + 1, f"c{i}", subclass="1201" if i % 3 else "1505", source="patrol" if i % 2 else "app",
                grid=GRID_B1 if i % 4 == 0 else SUB_A + "001001", reported_at=T0 - 3600 * (i % 5))
        for i in range(40)
    ]  # fmt: skip
    state.apply(events, now=T0)
    charts = state.charts()
    assert sum(charts.hourly_today) == 40 == charts.types_total
    assert sum(r.count for r in charts.top_types) == 40
    assert sum(r.count for r in charts.source_mix) == 40
    assert sum(r.count for r in charts.subdistricts) == 40
    assert charts.hourly_today[beijing_hour(T0)] == 8 and charts.current_hour == 10
    assert charts.top_types[0].code == "1201" and charts.top_types[0].name.zh == "非法小广告"
    assert charts.top5_share == 1.0
    assert charts.subdistricts[0].code == SUB_A and charts.subdistricts[1].code == SUB_B
    assert charts.source_mix[0].name.en in ("supervisor patrol", "Xicheng Snap app")


def test_top5_share_with_many_types(state: LiveState) -> None:
    """The top-5 share is the five largest types over all cases today."""
    codes = ["1201"] * 5 + ["1202"] * 4 + ["1203"] * 3 + ["1204"] * 2 + ["1205"] * 2 + ["1206", "1207", "1208"]
    state.apply([created(i + 1, f"c{i}", subclass=code) for i, code in enumerate(codes)], now=T0)
    charts = state.charts()
    assert charts.types_total == 19 and abs(charts.top5_share - 16 / 19) < 1e-9


def test_kpis_count_live_between_server_messages(state: LiveState) -> None:
    """Server KPIs replace filed/dispatched/closed; later events keep incrementing them; reports are counted here."""
    state.apply(
        [created(1, "a"), CaseStageChanged("a", "filed", seq=2, ts=T0), CaseClosed("a", on_time=True, seq=3, ts=T0)],
        now=T0,
    )
    k = state.kpi()
    assert (k.reported, k.filed, k.closed, k.origin) == (1, 1, 1, "local")
    assert k.closure_rate is None and k.on_time_rate is None  # only the server's indicators, never a local formula
    totals = {"cases": 3_220_000, "closed": 3_208_086, "closure_rate": 0.9963, "since": "2010-01-01"}
    today = {"reported": 800.0, "filed": 780.0, "dispatched": 770.0, "closed": 700.0, "closure_rate": 0.875}
    ch = state.apply([Kpis(today | {"rate_window_s": 86400}, totals)], now=T0)
    assert ch.kpi and not ch.charts
    state.apply([created(4, "b"), CaseClosed("b", on_time=False, seq=5, ts=T0)], now=T0)
    k = state.kpi()
    assert (k.reported, k.closed, k.origin) == (2, 701, "server")  # reports: the two cases this state holds
    assert k.closure_rate == 0.875 and k.total_cases == 3_220_000 and k.since == "2010-01-01"
    state.apply([Kpis({"closure_rate": 0.0, "on_time_rate": 0.0}, {})], now=T0)  # no window: "today so far"
    assert state.kpi().closure_rate is None and state.kpi().on_time_rate is None  # the tiles say "24 h"


def test_server_charts_payload_gives_last_week_only(state: LiveState) -> None:
    """Of a KPI ``charts`` object only last week's profile is taken; today's series stay the wall's own count."""
    last_week = [float(h * 2) for h in range(24)]
    charts = {
        "day": "2026-08-10",
        "hourly_today": [5] * 24,
        "hourly_last_week": last_week,
        "types_today": {"1201": 70, "1505": 30},
        "sources_today": {"patrol": 90, "app": 10},
        "subdistricts_today": {SUB_A: 60, SUB_B: 40},
    }
    ch = state.apply([Kpis({}, {"charts": charts})], now=T0)
    assert ch.charts
    state.apply([created(1, "a")], now=T0)
    view = state.charts()
    assert view.hourly_last_week == tuple(last_week) and view.last_week_origin == "server"
    assert sum(view.hourly_today) == view.hourly_today[10] == 1 and view.top_types[0].count == 1
    assert [r.count for r in view.source_mix] == [1]
    bad = dict(charts, day="2026-08-09")
    assert not state.apply([Kpis({}, {"charts": bad})], now=T0).charts


def test_one_moment_one_state_tiles_and_charts_agree(state: LiveState) -> None:
    """Snapshot, live cases and a KPI message read at another moment: 上报 = hourly = types = sources = subdistricts."""
    early = tuple(
        make_case(f"s{i}", subclass="1201" if i % 2 else "1505", source="patrol" if i % 3 else "app",
                  grid=GRID_B1 if i % 4 == 0 else GRID_A1, reported_at=T0 - 600 * i)
        for i in range(17)
    )  # fmt: skip
    early = (*early, make_case("yesterday", reported_at=T0 - 11 * 3600))  # in the snapshot's 24 h, not today
    state.apply([snapshot(17, early)], now=T0)
    # the server's KPI loop and its cube saw another moment: 20 reports, 17 in the hourly chart
    stale = {"day": "2026-08-10", "hourly_today": [0] * 9 + [17] + [0] * 14, "types_today": {"1201": 17}}
    state.apply([Kpis({"reported": 20.0, "filed": 15.0, "closed": 9.0}, {"charts": stale})], now=T0)
    state.apply([created(18 + i, f"n{i}", source="hotline_12345", reported_at=T0 + i) for i in range(3)], now=T0 + 3)

    def sums() -> set[float]:
        k, c = state.kpi(), state.charts()
        return {
            k.reported,
            sum(c.hourly_today),
            c.types_total,
            sum(r.count for r in c.top_types),
            sum(r.count for r in c.source_mix),
            sum(r.count for r in c.subdistricts),
        }

    assert sums() == {20}
    assert state.kpi().filed == 15  # steps the wall cannot count itself stay the server's
    state.apply([snapshot(30, early[:5])], now=T0 + 4)  # a reconnect: today is recounted from the snapshot
    assert sums() == {5}


def test_malformed_charts_payload_is_ignored(state: LiveState) -> None:
    """Wrong shapes in the charts object leave the series alone."""
    state.apply([created(1, "a")], now=T0)
    state.apply(
        [Kpis({}, {"charts": {"hourly_today": [1, 2], "types_today": "x", "hourly_last_week": ["a"] * 24}})], now=T0
    )
    view = state.charts()
    assert sum(view.hourly_today) == 1 and view.hourly_last_week is None and view.last_week_origin == "none"


def test_day_rollover_and_observed_last_week() -> None:
    """At Beijing midnight today's counts restart; a week later the observed profile is last week's."""
    from live_factories import fake_names

    st = LiveState(fake_names())
    st.apply([snapshot(1), created(2, "a"), created(3, "b")], now=T0)
    day = 86400
    ch = st.tick(T0 + day)
    assert ch.charts and ch.kpi and sum(st.charts().hourly_today) == 0
    for d in range(2, 8):
        st.tick(T0 + d * day)
    view = st.charts()
    assert view.last_week_origin == "observed" and view.hourly_last_week is not None
    assert view.hourly_last_week[10] == 2
    st.tick(T0 + 30 * day)
    assert st.sizes()["history_days"] <= 8
