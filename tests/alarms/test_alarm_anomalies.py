"""Early-warning anomalies become alarms: one per standing anomaly, evaluated periodically, cleared when it ends."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from alarm_helpers import fresh_store, scan

from feeds.alarms import AlarmConfig, AlarmEngine, load_alarm_config
from feeds.alarms.anomalies import anomalies_from_rows
from feeds.analytics.server_queries import AnalyticsQueries
from feeds.analytics.service import QueryService
from feeds.protocol import BEIJING, AlarmChanged, AlarmRaised, CaseCreated, CaseInfo
from feeds.store import Store

T0 = datetime(2026, 8, 10, 15, 0, tzinfo=BEIJING).timestamp()  # an injected "now": never the wall clock
UNIT, SUB = "110102001", "0105"


def _row(unit: str, sub: str, observed: int, p: float) -> dict[str, Any]:
    return {"unit": {"code": unit}, "subclass": {"code": sub}, "observed": observed, "baseline": 0.6, "p_value": p}


class Source:
    """A scripted anomaly source that counts how often the engine asks."""

    def __init__(self) -> None:
        self.rows: Sequence[Mapping[str, Any]] | None = []
        self.calls = 0

    def __call__(self, store: Any, now: float, config: AlarmConfig) -> Sequence[Mapping[str, Any]] | None:
        self.calls += 1
        return self.rows


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh store with the reference data."""
    yield from fresh_store(tmp_path, "anomalies.db")


def test_one_alarm_per_standing_anomaly_by_configured_priority_cleared_when_it_ends(store: Store) -> None:
    """Raised once (no duplicate on later scans), priority from the settings per level, re-evaluated every 5 min."""
    config = load_alarm_config()
    source = Source()
    engine = AlarmEngine(config, anomalies=source)
    source.rows = [_row(UNIT, SUB, 9, 1e-7), _row("110102002", "0201", 30, 1e-12)]
    raised = [m.alarm for m in scan(engine, store, T0) if isinstance(m, AlarmRaised)]
    assert sorted((a.kind, a.source, a.level, a.priority) for a in raised) == [
        ("anomaly", f"{UNIT}.{SUB}", "elevated", config.priority_of("anomaly", "elevated")),
        ("anomaly", "110102002.0201", "severe", config.priority_of("anomaly", "severe")),
    ]
    assert raised[0].subclass and "9" in next(a.text for a in raised if a.source.startswith(UNIT))
    assert scan(engine, store, T0 + 2) == [] and source.calls == 1  # no duplicate; not asked again yet
    source.rows = [_row(UNIT, SUB, 11, 1e-8)]  # the other one ended
    assert scan(engine, store, T0 + 60) == []  # still within the evaluation interval
    events = scan(engine, store, T0 + config.anomaly_every_s)
    assert source.calls == 2
    assert [(m.action, m.alarm_id.split(":")[1]) for m in events if isinstance(m, AlarmChanged)] == [
        ("clear", "110102002.0201")
    ]
    assert not [m for m in events if isinstance(m, AlarmRaised)]  # the standing one is kept, not raised again
    source.rows = None  # the analytics cannot answer now: keep what stands
    assert scan(engine, store, T0 + 2 * config.anomaly_every_s) == []
    source.rows = []
    cleared = scan(engine, store, T0 + 3 * config.anomaly_every_s)
    assert [m.alarm_id.split(":")[1] for m in cleared if isinstance(m, AlarmChanged)] == [f"{UNIT}.{SUB}"]


def test_a_level_without_a_priority_raises_none() -> None:
    """The settings decide: a level the table leaves out raises no alarm."""
    config = replace(load_alarm_config(), priority={"anomaly": {"severe": "high"}})
    found = anomalies_from_rows([_row(UNIT, SUB, 5, 1e-6), _row(UNIT, "0201", 40, 1e-20), {"unit": "?"}])
    assert [a.alarm(config, T0) is not None for a in found] == [False, True]


def _case(n: int, at: float) -> CaseInfo:
    grid = f"{UNIT}004{n % 5 + 1:03d}"
    return CaseInfo(f"XCANOM{n:04d}", "component", SUB, "patrol", grid, 116.37, 39.91, "reported", at, "D01")


def test_a_spike_in_the_store_becomes_an_alarm_through_the_analytics(store: Store, tmp_path: Path) -> None:
    """Nine cases of one type in one subdistrict today, none on the same weekdays before: an anomaly alarm."""

    def service(s: Store) -> QueryService:
        made = QueryService(s.engine, cache_path=None, clock=lambda: T0)
        made.load_cube()
        return made

    queries = AnalyticsQueries(service)
    config = load_alarm_config()
    engine = AlarmEngine(
        config,
        anomalies=lambda s, now, c: queries.anomalies(
            s, now, by=c.anomaly_by, weeks=c.anomaly_weeks, alpha=c.anomaly_alpha, min_count=c.anomaly_min
        ),
    )
    assert scan(engine, store, T0) == []
    store.append([CaseCreated(_case(n, T0 - 3600 + 60 * n)) for n in range(9)])
    queries.service(store).sync()
    raised = [m.alarm for m in scan(engine, store, T0 + config.anomaly_every_s) if isinstance(m, AlarmRaised)]
    assert [(a.kind, a.source, a.subclass) for a in raised] == [("anomaly", f"{UNIT}.{SUB}", SUB)]
