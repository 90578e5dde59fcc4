"""Alarm metrics: flood episodes and time in flood, peak, time to acknowledge, standing and stale alarms."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from feeds.alarms import load_alarm_config
from feeds.alarms.metrics import flood_figures, operator_figures, peak_in_window, percentile
from feeds.alarms.queries import alarm_metrics
from feeds.protocol import AlarmChanged, AlarmInfo, AlarmRaised, iso
from feeds.store import Store, open_store
from feeds.store.alarm_state import presence_by_window, record_presence

T0 = 1_796_000_000.0


def test_one_flood_while_the_trailing_ten_minutes_hold_more_than_ten() -> None:
    """11 raises a minute apart: no flood (window holds 10); 11 raises 30 s apart: a flood of 300 s."""
    spread = [T0 + 60 * i for i in range(11)]
    assert flood_figures(spread).floods == 0 and peak_in_window(spread) == 10
    tight = [T0 + 30 * i for i in range(11)]
    f = flood_figures(tight)
    assert (f.floods, f.flood_s, f.peak_10min) == (1, 300.0, 11)
    two = tight + [T0 + 7200 + 10 * i for i in range(12)]
    assert flood_figures(two).floods == 2


def test_percentile_nearest_rank() -> None:
    """Median and 90th of ten delays; empty gives None."""
    assert percentile([float(i) for i in range(1, 11)], 0.5) in (5.0, 6.0)
    assert percentile([float(i) for i in range(1, 11)], 0.9) == 9.0
    assert percentile([], 0.5) is None


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty store."""
    opened = open_store(str(tmp_path / "m.db"), load_reference_data=False)
    yield opened
    opened.close()


def test_metrics_of_a_day_with_one_flood(store: Store) -> None:
    """12 alarms in 6 minutes (a flood), 2 acknowledged after 60 and 180 s, one standing for two days (stale)."""
    old = AlarmInfo("sensor:old:1", "sensor", "old", "low", T0 - 2 * 86400)
    burst = [
        AlarmInfo(f"crowd:s{i}:1", "crowd", f"s{i}", "high" if i < 2 else "medium", T0 + 30 * i) for i in range(12)
    ]
    store.append([AlarmRaised(old, ts=old.raised_at)])
    store.append([AlarmRaised(a, ts=a.raised_at) for a in burst])
    store.append([AlarmChanged(burst[0].id, "ack", "op-a", ts=burst[0].raised_at + 60)])
    store.append([AlarmChanged(burst[1].id, "ack", "op-b", ts=burst[1].raised_at + 180)])
    store.append([AlarmChanged(burst[2].id, "clear", "system", ts=T0 + 400)])
    m = alarm_metrics(store, load_alarm_config(), {"hours": 24, "until": iso(T0 + 3600)})
    assert (m["raised"], m["floods"], m["peak_10min"]) == (12, 1, 12)
    assert m["per_10min"] == pytest.approx(12 / 144)
    assert (m["acked"], m["unacked"], m["ack_median_s"], m["ack_p90_s"]) == (2, 10, 60.0, 180.0)
    assert (m["standing"], m["stale"]) == (12, 1)  # 11 of the burst plus the old one; only the old one is stale
    assert m["priority_share"]["high"] == pytest.approx(2 / 12) and m["acks_by"] == {"op-a": 1, "op-b": 1}


def test_per_operator_divides_each_window_by_its_own_operators() -> None:
    """12 raises in a window with two operators count 6 each; 6 in a window with none use the fallback (3)."""
    w0 = int(T0) // 600 * 600
    times = [w0 + 10.0 * i for i in range(12)] + [w0 + 600 + 10.0 * i for i in range(6)]
    crew = operator_figures(times, w0, w0 + 1200, {w0: {"a", "b"}}, fallback=3)
    assert crew["per_operator_10min"] == pytest.approx((12 / 2 + 6 / 3) / 2)
    assert (crew["operators"], crew["operator_windows"], crew["windows"]) == (2, 1, 2)
    assert (crew["operators_source"], crew["operators_mean"]) == ("mixed", 2.5)
    alone = operator_figures(times, w0, w0 + 1200, {w0: {"a"}, w0 + 600: {"a"}}, fallback=3)
    assert alone["per_operator_10min"] == pytest.approx(9.0) and alone["operators_source"] == "connected"
    nobody = operator_figures(times, w0, w0 + 1200, {}, fallback=3)
    assert (nobody["per_operator_10min"], nobody["operators"], nobody["operators_source"]) == (3.0, 3, "fallback")
    forced = operator_figures(times, w0, w0 + 1200, {w0: {"a", "b"}}, fallback=6, forced=True)
    assert (forced["per_operator_10min"], forced["operators_source"]) == (1.5, "param")


def test_alarm_metrics_count_the_operators_connected_and_acting(store: Store) -> None:
    """Operators noted as connected, plus whoever acknowledged, divide their window's raises; none: the setting."""
    w0 = int(T0) // 600 * 600
    burst = [AlarmInfo(f"sensor:s{i}:1", "sensor", f"s{i}", "low", w0 + 20.0 * i) for i in range(12)]
    store.append([AlarmRaised(a, ts=a.raised_at) for a in burst])
    store.append([AlarmChanged(burst[0].id, "ack", "op-c", ts=w0 + 300)])  # acting, never noted as connected
    with store.engine.begin() as conn:
        assert record_presence(conn, {"op-a", "op-b"}, w0 + 5) == 2
        assert record_presence(conn, {"op-a", "op-b"}, w0 + 500) == 0  # same window: noted once
        assert presence_by_window(conn, w0, w0 + 600) == {w0: {"op-a", "op-b", "op-c"}}
    config = load_alarm_config()
    m = alarm_metrics(store, config, {"hours": 1, "until": iso(w0 + 3600)})
    assert (m["operators"], m["operators_source"], m["operator_windows"], m["windows"]) == (3, "mixed", 1, 6)
    assert m["per_operator_10min"] == pytest.approx((12 / 3) / 6)  # five quiet windows add nothing
    assert m["per_10min"] == pytest.approx(12 / 6)
    before = alarm_metrics(store, config, {"hours": 1, "until": iso(w0)})  # the hour before: nobody there
    assert (before["operators"], before["operators_source"]) == (config.operators, "fallback")
    fixed = alarm_metrics(store, config, {"hours": 1, "until": iso(w0 + 3600), "operators": 4})
    assert fixed["per_operator_10min"] == pytest.approx(12 / 4 / 6) and fixed["operators_source"] == "param"
