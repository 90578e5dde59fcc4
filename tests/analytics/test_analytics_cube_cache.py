"""Cube cache round trip, incremental sync and live events all end equal to a fresh build."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import select
from synthetic_cases import DAY, NOW, grid_codes, make_cases

from feeds.analytics import (
    CaseCube,
    Filters,
    Selection,
    SqlIndicators,
    apply_events,
    build,
    load,
    open_cube,
    save,
    sync,
)
from feeds.analytics.columns import CATEGORICAL, CUBE_DTYPES
from feeds.analytics.service import QueryService
from feeds.protocol import (
    CaseClosed,
    CaseCreated,
    CaseDifficultChanged,
    CaseInfo,
    CaseStageChanged,
    CaseUrged,
    Message,
)
from feeds.store import Store, open_store
from feeds.store.bulk import upsert_cases
from feeds.store.schema import cases
from feeds.taxonomy import load_taxonomy


def canonical(cube: CaseCube) -> list[tuple[Any, ...]]:
    """All rows with codes decoded, ordered by (reported_at, id hash): comparable across cubes."""
    cols = {k: cube.column(k) for k in CUBE_DTYPES}
    assert np.all(np.diff(cols["rep"]) >= 0), "rows must stay sorted by reported_at"
    for short in CATEGORICAL.values():
        cols[short] = np.array(cube.vocabs[short].values, dtype=object)[cols[short]]
    order = np.lexsort((cols["idh"], cols["rep"]))
    return list(zip(*(cols[k][order].tolist() for k in CUBE_DTYPES), strict=True))


def same(a: CaseCube, b: CaseCube) -> None:
    """Two cubes hold the same cases and the same open-case records."""
    assert a.n == b.n
    assert canonical(a) == canonical(b)
    assert {k: v[1] for k, v in a.open.items()} == {k: v[1] for k, v in b.open.items()}
    for case_id, (row, _) in a.open.items():
        assert a.cols["idh"][row] == b.cols["idh"][b.open[case_id][0]]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """A fresh store with 4,000 cases over the last 60 days."""
    st = open_store(str(tmp_path / "live.db"))
    st.bulk_insert_cases(make_cases(4000, NOW - 60 * DAY, NOW, seed=7, grids=grid_codes(3)))
    return st


def _open_ids(store: Store, stage: str, n: int) -> list[str]:
    cube = build(store.engine)
    return sorted(k for k, (_, rec) in cube.open.items() if rec["stage"] == stage)[:n]


def _events(store: Store) -> list[Message]:
    """A realistic burst of live events: new cases, a full workflow with rework, cancel, difficult, urge."""
    tax = load_taxonomy()
    sub = tax.subclass("1201")
    grid = grid_codes(1)[5]
    handling = _open_ids(store, "handling", 3)
    reported = _open_ids(store, "reported", 1)
    t = NOW + 60

    def new(case_id: str, at: int) -> CaseCreated:
        info = CaseInfo(case_id, sub.kind, sub.code, "app", grid, 116.37, 39.91, "reported", at, sub.department)
        return CaseCreated(info, ts=at)

    msgs: list[Message] = [
        new("LIVE1", t),
        CaseStageChanged("LIVE1", "filed", ts=t + 60),
        CaseStageChanged("LIVE1", "dispatched", ts=t + 120),
        CaseStageChanged("LIVE1", "handling", deadline=t + 3 * 3600, ts=t + 180),
        new("LATE1", NOW - 20 * DAY),  # a late import: reported long ago
        CaseStageChanged(handling[0], "closure_requested", ts=t + 200),
        CaseStageChanged(handling[0], "verifying", ts=t + 260),
        CaseStageChanged(handling[0], "handling", deadline=t + 86_400, rework=True, ts=t + 300),
        CaseStageChanged(handling[0], "closure_requested", ts=t + 400),
        CaseStageChanged(handling[0], "verifying", ts=t + 450),
        CaseClosed(handling[0], on_time=False, ts=t + 500),
        CaseStageChanged(handling[1], "closure_requested", department="D02", ts=t + 550),
        CaseDifficultChanged(handling[1], True, "op1", ts=t + 560),  # then closed: the store refuses it after
        CaseStageChanged(handling[1], "verifying", ts=t + 570),
        CaseClosed(handling[1], ts=t + 600),
        CaseDifficultChanged(handling[2], True, "op1", ts=t + 700),
        CaseUrged(handling[2], "op1", ts=t + 710),
        CaseStageChanged(reported[0], "cancelled", ts=t + 800),
    ]
    return [dataclasses.replace(m, ts=m.ts) for m in msgs]


def test_cache_round_trip(store: Store, tmp_path: Path) -> None:
    """Saving and loading the cache gives the same cube, seq and store id."""
    cube = build(store.engine)
    path = tmp_path / "cube.npz"
    save(cube, path)
    loaded = load(path)
    assert loaded is not None
    same(cube, loaded)
    assert (loaded.store_id, loaded.seq) == (store.store_id, cube.seq)
    sel = Selection("110102", NOW - 30 * DAY, NOW, NOW, Filters(overdue=False))
    assert loaded.counters(sel, "community") == cube.counters(sel, "community")
    assert load(tmp_path / "missing.npz") is None
    (tmp_path / "broken.npz").write_bytes(b"not a zip")
    assert load(tmp_path / "broken.npz") is None


def test_sync_and_live_events_equal_rebuild(store: Store, tmp_path: Path) -> None:
    """Cache + sync, and cache + apply_events, both equal a fresh build after live events."""
    path = tmp_path / "cube.npz"
    save(build(store.engine), path)
    stored = store.append(_events(store))
    committed = [e.message for e in stored]
    fresh = build(store.engine)

    synced = load(path)
    assert synced is not None
    assert sync(synced, store.engine) > 0
    same(synced, fresh)
    assert synced.seq == stored[-1].seq

    live = load(path)
    assert live is not None
    assert apply_events(live, committed) == 0
    same(live, fresh)
    assert "LIVE1" in live.open and "LATE1" in live.open
    assert sync(live, store.engine) > 0  # re-reads the rows touched (identically)
    same(live, fresh)

    sql = SqlIndicators(store.engine)
    for f in (Filters(), Filters(overdue=True), Filters(difficult=True), Filters(department=("D02",))):
        sel = Selection("110102", NOW - 60 * DAY, NOW + DAY, NOW + 7200, f)
        assert live.counters(sel, "grid") == sql.counters(sel, "grid")


def test_events_for_unknown_cases_are_counted_not_applied(store: Store) -> None:
    """Events about cases the cube does not know are skipped and reported as missed."""
    cube = build(store.engine)
    before = canonical(cube)
    assert apply_events(cube, [CaseClosed("NOPE", ts=NOW), CaseDifficultChanged("NOPE", True, "x", ts=NOW)]) == 2
    assert canonical(cube) == before


def test_open_cube_rebuilds_when_cache_is_stale(store: Store, tmp_path: Path) -> None:
    """A cache of another store, or missing bulk-seeded rows, leads to a rebuild (and a new cache)."""
    path = tmp_path / "cube.npz"
    first = open_cube(store.engine, path)
    assert path.exists() and first.n == 4000
    store.bulk_insert_cases(make_cases(50, NOW - 90 * DAY, NOW - 80 * DAY, seed=9))  # updated_seq 0: unseen by sync
    second = open_cube(store.engine, path)
    assert second.n == 4050
    same(second, build(store.engine))
    other = build(store.engine)
    other.store_id = "someone-else"
    save(other, path)
    assert open_cube(store.engine, path).store_id == store.store_id


def _reimported(store: Store) -> dict[str, Any]:
    """A stored case as a re-import brings it back: same id, now closed by another department."""
    with store.engine.connect() as conn:
        row = dict(conn.execute(select(cases).where(cases.c.stage != "closed").limit(1)).mappings().one())
    closed_at = int(row["reported_at"]) + 3600
    return {**row, "stage": "closed", "closed_at": closed_at, "on_time": True, "department": "D99-reimported"}


def test_a_cached_cube_sees_a_reimport_that_changes_no_count(store: Store, tmp_path: Path) -> None:
    """Bulk rows carry no updated_seq; the store's bulk-write count sends a stale cache to a rebuild."""
    path = tmp_path / "cube.npz"
    open_cube(store.engine, path)
    list(upsert_cases(store.engine, [_reimported(store)]))
    reopened = open_cube(store.engine, path)
    assert "D99-reimported" in reopened.vocabs["dept"].values
    same(reopened, build(store.engine))


def test_a_running_service_rebuilds_its_cube_after_a_bulk_import(store: Store) -> None:
    """The service's sync notices the bulk write and swaps in a rebuilt cube; queries never stop."""
    svc = QueryService(store.engine, cache_path=None, clock=lambda: NOW, sync_interval_s=1e9)
    old = svc.load_cube()
    list(upsert_cases(store.engine, [_reimported(store)]))
    svc.sync()
    svc.wait_rebuilt()
    assert svc.cube is not old and svc.cube is not None
    same(svc.cube, build(store.engine))
