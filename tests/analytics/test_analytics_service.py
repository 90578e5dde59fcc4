"""QueryService: every query answers JSON-ready data, the SQL fallback agrees, bad params name the field."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from synthetic_cases import DAY, NOW

from feeds.analytics import QUERY_NAMES, CaseCube, QueryService
from feeds.analytics.periods import named_period, previous, week_ago, year_ago
from feeds.protocol import ProtocolError
from feeds.store import Store


def _strip(d: Any) -> Any:
    if isinstance(d, dict):
        return {k: _strip(v) for k, v in d.items() if k not in ("elapsed_ms", "engine")}
    if isinstance(d, list):
        return [_strip(x) for x in d]
    return d


def _grid(cube: CaseCube) -> str:
    """The busiest grid."""
    return cube.vocabs["grid"].values[int(np.bincount(cube.column("grid")).argmax())]


CUBE_CASES: list[tuple[str, dict[str, Any]]] = [
    ("drill", {"range": "30d"}),
    ("drill", {"range": "year", "filters": {"class": ["12"], "overdue": False}}),
    ("indicators", {"range": "custom", "start": "2025-03-01T00:00:00+08:00", "end": NOW - 10 * DAY}),
    ("ranking", {"by": "department", "indicator": "ontime_handling_rate", "range": "year"}),
    ("ranking", {"by": "subdistrict", "indicator": "overdue_unhandled", "order": "asc", "range": "7d"}),
    ("ranking", {"by": "grid", "indicator": "closure_rate", "range": "30d", "limit": 20}),
    ("trend", {"range": "today", "compare": "wow"}),
    ("trend", {"range": "year", "bucket": "day", "compare": "yoy"}),
    ("types", {"range": "year", "top": 5, "filters": {"source": "patrol"}}),
    ("warnings", {"hotspot_days": 60, "hotspot_min": 3, "anomaly_min": 2}),
    ("forecast", {"top": 3}),
]


@pytest.mark.parametrize(("name", "params"), CUBE_CASES)
def test_cube_and_sql_fallback_agree(seeded: Store, service: QueryService, name: str, params: dict[str, Any]) -> None:
    """Each indicator query gives the same JSON from the cube and from the SQL fallback."""
    from_cube = service.handle(name, dict(params))
    assert from_cube["engine"] == "cube" and from_cube["query"] == name
    fallback = QueryService(seeded.engine, cache_path=None, clock=lambda: NOW, create_indexes=False)
    from_sql = fallback.handle(name, dict(params))
    assert from_sql["engine"] == "sql"
    assert json.dumps(_strip(from_cube), sort_keys=True) == json.dumps(_strip(from_sql), sort_keys=True)


def test_drill_levels_down_to_grid(service: QueryService, cube: CaseCube) -> None:
    """District → subdistrict → community → grid: children sum to the parent; a grid has no children."""
    grid = _grid(cube)
    for unit, child_level in (("110102", "subdistrict"), (grid[:9], "community"), (grid[:12], "grid"), (grid, None)):
        out = service.handle("drill", {"unit": unit, "range": "year"})
        assert out["unit"]["code"] == unit and out["child_level"] == child_level
        if child_level:
            assert out["children"] and all(c["unit"]["level"] == child_level for c in out["children"])
            assert sum(c["counts"]["reported"] for c in out["children"]) == out["counts"]["reported"]
        else:
            assert out["children"] == []
    year = named_period("year", NOW)
    out = service.handle("drill", {"range": "year"})
    assert out["yoy"]["period"]["start_s"] == year_ago(year).start
    assert out["pop"]["period"]["end_s"] == previous(year).end


def test_trend_buckets_and_comparison(service: QueryService) -> None:
    """Hourly trend of today (against last week) has one bucket per hour started so far."""
    out = service.handle("trend", {"range": "today", "compare": "wow"})
    today = named_period("today", NOW)
    assert out["bucket"] == "hour" and out["step_s"] == 3600 and len(out["counts"]) == 16  # 00:00-15:30
    assert out["compare"]["period"]["start_s"] == week_ago(today).start
    daily = service.handle("trend", {"range": "30d"})
    assert daily["bucket"] == "day" and len(daily["counts"]) == 30
    assert sum(daily["counts"]) == service.handle("indicators", {"range": "30d"})["indicators"]["reported"]


def test_ranking_order_and_types_shares(service: QueryService) -> None:
    """Rankings are sorted with ranks 1..n; type shares sum to one with the rest."""
    out = service.handle("ranking", {"by": "subdistrict", "indicator": "reported", "range": "year"})
    values = [r["value"] for r in out["rows"]]
    assert values == sorted(values, reverse=True) and [r["rank"] for r in out["rows"]] == list(range(1, 16))
    types = service.handle("types", {"range": "year", "top": 3})
    assert len(types["rows"]) == 3
    assert sum(r["share"] for r in types["rows"]) + types["other"]["share"] == pytest.approx(1.0)


def test_case_list_paging_search_and_detail(service: QueryService, cube: CaseCube) -> None:
    """The case list pages and searches; the detail carries history and stage deadlines."""
    grid = _grid(cube)
    page = service.handle("cases", {"unit": grid[:9], "range": "year", "limit": 7, "offset": 3})
    assert page["total"] > 10 and len(page["rows"]) == 7
    assert [r["reported_at"] for r in page["rows"]] == sorted((r["reported_at"] for r in page["rows"]), reverse=True)
    overdue = service.handle(
        "cases",
        {"range": "year", "filters": {"overdue": True}, "sort": "handle_deadline_at", "order": "asc", "limit": 500},
    )
    assert overdue["total"] == service.handle("indicators", {"range": "year"})["indicators"]["overdue_unhandled"]
    assert all(r["overdue"] for r in overdue["rows"])
    hit = service.handle("cases", {"range": "year", "q": "第29123号", "limit": 5})
    assert hit["total"] >= 1 and all("第29123号" in r["description"] for r in hit["rows"])
    assert service.handle("cases", {"range": "year", "q": "100%_"})["total"] == 0
    detail = service.handle("case", {"id": overdue["rows"][0]["id"]})
    assert detail["case"]["overdue"] is True
    handling = next(s for s in detail["stages"] if s["stage"] == "handling")
    assert handling["status"] == "overdue" and handling["margin_s"] < 0
    assert [s["stage"] for s in detail["stages"]] == ["filed", "dispatched", "handling", "verifying"]
    json.dumps(detail)


@pytest.mark.parametrize(
    ("name", "params", "field"),
    [
        ("nosuch", {}, "name"),
        ("drill", {"range": "fortnight"}, "params.range"),
        ("drill", {"unit": "110102999"}, "params.unit"),
        ("drill", {"unit": "12345"}, "params.unit"),
        ("drill", {"range": "custom", "end": NOW}, "params.start"),
        ("drill", {"range": "custom", "start": NOW, "end": NOW - 1}, "params.end"),
        ("drill", {"range": "today", "start": NOW}, "params.start"),
        ("drill", {"as_of": "yesterday"}, "params.as_of"),
        ("drill", {"filters": {"colour": "red"}}, "params.filters.colour"),
        ("drill", {"filters": {"stage": ["handling", "lost"]}}, "params.filters.stage"),
        ("drill", {"filters": {"overdue": "yes"}}, "params.filters.overdue"),
        ("drill", {"filters": {"subclass": [12]}}, "params.filters.subclass[0]"),
        ("drill", {"filters": "none"}, "params.filters"),
        ("drill", {"colour": "red"}, "params.colour"),
        ("ranking", {"indicator": "happiness"}, "params.indicator"),
        ("ranking", {"by": "street"}, "params.by"),
        ("trend", {"range": "custom", "start": NOW - 500 * DAY, "end": NOW, "bucket": "hour"}, "params.bucket"),
        ("cases", {"limit": 0}, "params.limit"),
        ("cases", {"sort": "description"}, "params.sort"),
        ("case", {}, "params.id"),
        ("case", {"id": "bad id!"}, "params.id"),
        ("forecast", {"days": 60}, "params.days"),
        ("warnings", {"anomaly_alpha": 2}, "params.anomaly_alpha"),
    ],
)
def test_bad_params_name_the_field(service: QueryService, name: str, params: dict[str, Any], field: str) -> None:
    """Every bad parameter is a bad_field ProtocolError naming it."""
    with pytest.raises(ProtocolError) as err:
        service.handle(name, params)
    assert (err.value.code, err.value.field) == ("bad_field", field)


def test_unknown_case_and_params_type(service: QueryService) -> None:
    """An unknown case id is not_found; params that are not an object are refused."""
    with pytest.raises(ProtocolError) as err:
        service.handle("case", {"id": "NOPE"})
    assert (err.value.code, err.value.field) == ("not_found", "params.id")
    with pytest.raises(ProtocolError) as err:
        service.handle("drill", ["x"])  # type: ignore[arg-type]
    assert err.value.field == "params"
    assert set(QUERY_NAMES) == {
        "drill",
        "indicators",
        "ranking",
        "trend",
        "types",
        "warnings",
        "forecast",
        "cases",
        "case",
        "response",
    }


def test_background_load_then_cube(seeded: Store, tmp_path: Any) -> None:
    """start() answers from SQL first, then from the cube it loaded (and cached) in a thread."""
    svc = QueryService(seeded.engine, cache_path=tmp_path / "c.npz", clock=lambda: NOW, create_indexes=False)
    first = svc.handle("indicators", {"range": "7d"})
    svc.start()
    assert svc.wait_ready(60)
    second = svc.handle("indicators", {"range": "7d"})
    assert second["engine"] == "cube" and _strip(first) == _strip(second)
    assert (tmp_path / "c.npz").exists()


def test_an_event_committed_while_the_cube_is_published_is_not_lost(tmp_path: Any, monkeypatch: Any) -> None:
    """A case committed between the load's last sync and the moment the cube is published (apply() skips
    events while there is no cube) is in the cube once load_cube returns, not only after the next periodic sync."""
    import time

    from feeds.analytics import service as service_module
    from feeds.geo.units import load_units
    from feeds.protocol import CaseCreated, CaseInfo
    from feeds.store import open_store
    from feeds.taxonomy import load_taxonomy

    store = open_store(str(tmp_path / "s.db"))
    grid, sub = load_units().grids[3], load_taxonomy().subclasses[3]

    def case(n: int) -> CaseInfo:
        return CaseInfo(
            f"XC{n:06d}", sub.kind, sub.code, "patrol", grid.code, grid.centroid[0], grid.centroid[1],
            "handling", time.time() - 600, sub.department, deadline=time.time() + 3600,
        )  # fmt: skip

    store.append([CaseCreated(case(1))])
    real_sync = service_module.sync
    calls: list[int] = []

    def sync_then_commit(cube: CaseCube, engine: Any) -> int:
        n = real_sync(cube, engine)
        calls.append(n)
        if len(calls) == 1:  # the load's own sync is done; an event lands before the cube is published
            store.append([CaseCreated(case(2))])
        return n

    monkeypatch.setattr(service_module, "sync", sync_then_commit)
    svc = QueryService(store.engine, cache_path=None, create_indexes=False)
    try:
        cube = svc.load_cube()
        assert svc.cube is cube
        assert cube.n == 2
    finally:
        store.close()
