"""Store faults: read-only file, disk full, write lock held by another process.

The server says so clearly (``unavailable`` naming the cause, and its log), keeps serving
snapshots and queries, refuses writes, and loses no acknowledged event.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from server_helpers import Wire, make_case
from sqlalchemy import event

from feeds.protocol import Ack, CaseCreated, Error, Query, Result, Snapshot
from feeds.server import ServerThread
from feeds.store import Store, open_store


def _seed(path: Path, n: int) -> None:
    store = open_store(str(path))
    store.append_events([CaseCreated(make_case(f"A{i}")) for i in range(n)])
    store.close()


def _refused(producer: Wire, case_id: str) -> Error:
    producer.send(CaseCreated(make_case(case_id), id=case_id))
    reply = producer.reply(case_id, timeout=30)
    assert isinstance(reply, Error), reply
    assert reply.code == "unavailable"
    return reply


def _reads_still_work(server: ServerThread, head: int) -> None:
    wall = Wire(server.url, "wall-token")
    got = wall.hello()
    snapshot = next(m for m in got if isinstance(m, Snapshot))
    assert snapshot.head == head and {c.id for c in snapshot.cases} >= {"A0"}
    wall.send(Query("head", {}, id="h"))
    answer = wall.reply("h")
    assert isinstance(answer, Result) and answer.data["head"] == head
    wall.close()


def test_a_read_only_store_refuses_writes_and_serves_reads(
    tmp_path: Path, start_server: Callable[..., ServerThread], caplog: pytest.LogCaptureFixture
) -> None:
    """The store file opened read-only: writes get ``unavailable`` (read-only), snapshots and queries go on."""
    path = tmp_path / "ro.db"
    _seed(path, 3)
    server = start_server(store_url=f"sqlite:///file:{path}?mode=ro&uri=true")
    producer = Wire(server.url, "prod-token")
    producer.hello()
    assert "read-only" in _refused(producer, "R1").message
    assert "store refuses writes: the store file is read-only" in caplog.text
    _reads_still_work(server, 3)
    producer.close()


def test_a_full_disk_refuses_writes_then_recovers_without_losing_an_ack(
    tmp_path: Path, start_server: Callable[..., ServerThread]
) -> None:
    """SQLite's page limit reached (SQLITE_FULL, as on a full disk): refused clearly; room again: accepted."""
    path = tmp_path / "full.db"
    _seed(path, 3)
    store = open_store(str(path))
    limit = {"pages": 0}
    with store.engine.connect() as conn:
        limit["pages"] = int(conn.exec_driver_sql("PRAGMA page_count").scalar_one())

    @event.listens_for(store.engine, "connect")
    def _cap(dbapi: object, _record: object) -> None:
        dbapi.execute(f"PRAGMA max_page_count={limit['pages']}")  # type: ignore[attr-defined]

    store.engine.dispose()
    try:
        server = start_server(store=store)
        producer = Wire(server.url, "prod-token")
        producer.hello()
        acked = []
        for i in range(400):  # fill the last free pages
            producer.send(CaseCreated(make_case(f"F{i}", description="填" * 900), id=f"f{i}"))
            reply = producer.reply(f"f{i}", timeout=30)
            if isinstance(reply, Error):
                assert reply.code == "unavailable" and "disk is full" in reply.message
                break
            acked.append(f"f{i}")
        else:
            pytest.fail("the page limit was never reached")
        head = store.head()
        _reads_still_work(server, head)
        limit["pages"] = 1_000_000
        store.engine.dispose()
        producer.send(CaseCreated(make_case("AFTER"), id="after"))
        assert isinstance(producer.reply("after", timeout=30), Ack)
        assert {c for c in (f"F{i[1:]}" for i in acked) if store.case(c) is None} == set()
        producer.close()
    finally:
        store.close()


def test_a_write_lock_held_by_another_process_is_named(
    tmp_path: Path, start_server: Callable[..., ServerThread], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process in BEGIN IMMEDIATE: writes get ``unavailable`` (lock) after the busy timeout; reads go on."""
    import feeds.store.engine as engine
    import feeds.store.store as store_module

    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 300)
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 300)
    path = tmp_path / "locked.db"
    _seed(path, 2)
    server = start_server(store_url=str(path))
    producer = Wire(server.url, "prod-token")
    producer.hello()
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        assert "another process holds the store's write lock" in _refused(producer, "L1").message
        _reads_still_work(server, 2)
    finally:
        holder.communicate("", timeout=30)
    producer.send(CaseCreated(make_case("L2"), id="l2"))
    reply = producer.reply("l2", timeout=30)
    assert isinstance(reply, Ack) and reply.event_seq == 3
    store: Store = server.server.store
    assert store.case("L1") is None and store.case("L2") is not None
    producer.close()


_HOLD_LOCK = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.read()
conn.execute("ROLLBACK")
"""
