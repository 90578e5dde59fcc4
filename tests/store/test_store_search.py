"""Case search through the text index: the same answers as LIKE, kept in step with every write path."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select, update
from store_helpers import bulk_row, make_case

from feeds.analytics import caselist
from feeds.analytics.naming import Names
from feeds.analytics.params import Params
from feeds.geo.units import load_units
from feeds.protocol import CaseCreated
from feeds.store import Store, open_store, search
from feeds.store.bulk import upsert_columns
from feeds.store.schema import SCHEMA_VERSION, cases
from feeds.store.search import text_condition
from feeds.taxonomy import load_taxonomy

DAY = 86_400
WORDS = ("西单北大街", "护国寺街", "金融街", "什刹海", "Main Street", "大栅栏")
ITEMS = ("非法小广告", "暴露垃圾", "机动车乱停放", "沿街晾挂", "illegal parking", "100% 满意_率")
QUERIES = ("小广告", "西单北大街", "金融街", "street", "STREET", "100%", "满意_率", "垃", "H00000", "h0000", "街暴")


def _texts(i: int) -> dict[str, str]:
    return {"address": f"{WORDS[i % len(WORDS)]}{i % 7}号", "description": f"{WORDS[i % 5]}附近{ITEMS[i % len(ITEMS)]}"}


def _ids(store: Store, query: str, *, indexed: bool) -> set[str]:
    cond = text_condition(store.engine.dialect.name, query, indexed)
    with store.engine.connect() as conn:
        return {str(r) for r in conn.execute(select(cases.c.id).where(cond)).scalars()}


def _assert_index_agrees(store: Store) -> None:
    """Every query finds through the index exactly what LIKE finds."""
    for query in QUERIES:
        assert _ids(store, query, indexed=True) == _ids(store, query, indexed=False), query


def _seed(store: Store, n: int, start: int) -> None:
    store.bulk_insert_cases([{**bulk_row(i, start + i * 600), **_texts(i)} for i in range(n)])


def test_the_index_answers_like_like_after_a_bulk_load(store: Store) -> None:
    """The initial load (text index suspended, then rebuilt) gives the answers of a LIKE scan."""
    _seed(store, 600, int(time.time()) - 30 * DAY)
    assert len(_ids(store, "西单北大街", indexed=True)) == 200  # address for i % 6 == 0, description for i % 5 == 0
    _assert_index_agrees(store)


def test_the_index_follows_live_appends_updates_deletes_and_upserts(store: Store) -> None:
    """Triggers (SQLite) or the trigram indexes (PostgreSQL) follow every later write."""
    now = time.time()
    _seed(store, 300, int(now) - 30 * DAY)
    live = [make_case(f"LIVE{i}", reported_at=now - i, description=f"新发现什刹海露天烧烤{i}") for i in range(5)]
    store.append_events([CaseCreated(case) for case in live])
    assert _ids(store, "露天烧烤", indexed=True) == {f"LIVE{i}" for i in range(5)}
    with store.engine.begin() as conn:
        conn.execute(update(cases).where(cases.c.id == "LIVE0").values(description="已清理"))
        conn.execute(delete(cases).where(cases.c.id == "LIVE1"))
    row: dict[str, Any] = {**bulk_row(2, int(now) - 30 * DAY + 1200), "description": "重新导入的露天烧烤"}
    columns = {name: [value] for name, value in row.items()}
    assert [c.updated for c in upsert_columns(store.engine, [columns])] == [1]
    assert _ids(store, "露天烧烤", indexed=True) == {"LIVE2", "LIVE3", "LIVE4", "H0000002"}
    _assert_index_agrees(store)


def test_the_rebuild_leaves_the_text_index_configured_as_before(tmp_path: Path) -> None:
    """SQLite: the bulk load's rebuild runs with a large term table but leaves FTS5's own settings."""
    path = tmp_path / "fts.db"
    store = open_store(str(path))
    try:
        _seed(store, 300, int(time.time()) - 10 * DAY)
        _assert_index_agrees(store)
    finally:
        store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute(f"SELECT k FROM {search.FTS_TABLE}_config").fetchall() == [("version",)]


def _as_schema_2(path: Path) -> None:
    """Turn a store back into what schema version 2 wrote: no text index."""
    with sqlite3.connect(path) as conn:
        for name in ("cases_fts_insert", "cases_fts_delete", "cases_fts_update"):
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute("DROP TABLE cases_fts")
        conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")


def test_a_schema_2_store_gets_a_filled_index_on_open(tmp_path: Path) -> None:
    """Migration 3 creates the index over the cases already stored (and the store ends at the newest version)."""
    path = tmp_path / "old.db"
    store = open_store(str(path))
    _seed(store, 200, int(time.time()) - 10 * DAY)
    store.close()
    _as_schema_2(path)
    migrated = open_store(str(path))
    try:
        with sqlite3.connect(path) as conn:
            version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            assert version == (str(SCHEMA_VERSION),)
        assert len(_ids(migrated, "小广告", indexed=True)) > 0
        _assert_index_agrees(migrated)
    finally:
        migrated.close()


def test_an_interrupted_bulk_load_leaves_no_stale_index(tmp_path: Path) -> None:
    """Rows written while the index was suspended are indexed when the store is next opened."""
    path = tmp_path / "cut.db"
    store = open_store(str(path))
    _seed(store, 100, int(time.time()) - 10 * DAY)
    store.close()
    with sqlite3.connect(path) as conn:  # what a load killed between its chunks leaves behind
        for name in ("cases_fts_insert", "cases_fts_delete", "cases_fts_update"):
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute("UPDATE cases SET description = '被中断的加载' WHERE id = 'H0000007'")
    reopened = open_store(str(path))
    try:
        assert _ids(reopened, "被中断的加载", indexed=True) == {"H0000007"}
        _assert_index_agrees(reopened)
    finally:
        reopened.close()


def test_a_frequent_text_pages_in_time_order_like_the_scan(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A text with many matches walks the report-time index for its page; page and total equal LIKE's."""
    now = int(time.time())
    _seed(store, 300, now - 30 * DAY)
    names = Names(load_units(), load_taxonomy())
    monkeypatch.setattr(search, "FREQUENT_MATCHES", 10)
    with store.engine.connect() as conn:
        assert search.frequent(conn, "小广告") == (store.engine.dialect.name == "sqlite")

    def page(indexed: bool) -> dict[str, Any]:
        params = Params({"range": "30d", "q": "小广告", "limit": 20, "offset": 5}, float(now))
        monkeypatch.setattr(caselist, "store_has_index", lambda _engine: indexed)
        return caselist.case_list(store.engine, names, params)

    fast, scan = page(True), page(False)
    assert fast["total"] == scan["total"] > 25 and len(fast["rows"]) == 20 and fast["rows"] == scan["rows"]


SELECTIONS = ("today", "7d", "30d", "year")


@pytest.mark.parametrize(("scan_limit", "count_limit"), [(50, 5), (50, 1000), (100_000, 7)])
def test_a_capped_total_counts_like_the_scan_up_to_its_limit(
    store: Store, monkeypatch: pytest.MonkeyPatch, scan_limit: int, count_limit: int
) -> None:
    """Every walk of the capped count (settled early, fallen back to the full list) agrees with a full LIKE count.

    ``旧城区`` is common in old cases and rare in recent ones: a narrow period cannot be
    settled by the newest matches and falls back; small limits settle early.
    """
    now = int(time.time())
    rows = [{**bulk_row(i, now - 60 * DAY + i * 5_700), **_texts(i)} for i in range(900)]
    for i in (*range(0, 800, 1), 880, 890, 899):
        rows[i]["address"] = f"旧城区{rows[i]['address']}"
    store.bulk_insert_cases(rows)
    names = Names(load_units(), load_taxonomy())
    monkeypatch.setattr(search, "SCAN_LIMIT", scan_limit)
    monkeypatch.setattr(search, "FREQUENT_MATCHES", 10)

    def ask(indexed: bool, query: str, period: str, offset: int, limit: int) -> dict[str, Any]:
        monkeypatch.setattr(caselist, "store_has_index", lambda _engine: indexed)
        count = count_limit if indexed else 10**8  # the scan counts every match
        params = {"range": period, "q": query, "limit": limit, "offset": offset, "count_limit": count}
        return caselist.case_list(store.engine, names, Params(params, float(now)))

    for query in ("旧城区", "小广告", "西单北大街", "street", "H00000", "h0008", "街暴"):
        for period in SELECTIONS:
            for offset, limit in ((0, 20), (10, 3)):
                fast, scan = ask(True, query, period, offset, limit), ask(False, query, period, offset, limit)
                cap = max(count_limit, offset + limit)
                where = (query, period, offset)
                assert fast["rows"] == scan["rows"], where
                assert fast["total"] == min(scan["total"], cap), where
                assert fast["total_exact"] is (scan["total"] <= cap) and scan["total_exact"], where


def test_a_list_without_text_is_counted_up_to_its_limit(store: Store) -> None:
    """Without ``q`` the total is capped too, never below the end of the page asked for."""
    now = int(time.time())
    _seed(store, 60, now - 2 * DAY)
    names = Names(load_units(), load_taxonomy())

    def ask(**extra: Any) -> dict[str, Any]:
        return caselist.case_list(store.engine, names, Params({"range": "7d", "limit": 10, **extra}, float(now)))

    assert (ask()["total"], ask()["total_exact"]) == (60, True)
    assert (ask(count_limit=25)["total"], ask(count_limit=25)["total_exact"]) == (25, False)
    deep = ask(count_limit=25, offset=40)
    assert (deep["total"], deep["total_exact"], len(deep["rows"])) == (50, False, 10)
    assert (ask(count_limit=60)["total"], ask(count_limit=60)["total_exact"]) == (60, True)
