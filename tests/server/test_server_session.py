"""Session start, heartbeats, queries and shutdown of the case server."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from server_helpers import Wire, make_case
from waiting import WAIT_S, wait_until
from websockets.exceptions import ConnectionClosed

from feeds.protocol import (
    CaseCreated,
    CaughtUp,
    Error,
    Heartbeat,
    Hello,
    Ping,
    Pong,
    Query,
    Result,
    Snapshot,
    Welcome,
)
from feeds.server import ServerThread


def _publish(url: str, *msgs: CaseCreated) -> int:
    producer = Wire(url, "prod-token")
    producer.hello()
    last = 0
    for i, msg in enumerate(msgs):
        producer.send(CaseCreated(msg.case, id=f"p{i}"))
        ack = producer.reply(f"p{i}")
        assert ack.TYPE == "ack", ack
        last = ack.event_seq  # type: ignore[attr-defined]
    producer.close()
    return last


def test_new_client_gets_welcome_snapshot_caught_up(server: ServerThread) -> None:
    """No last_seq: welcome (resume=snapshot), a snapshot with the open cases, then caught_up."""
    head = _publish(server.url, CaseCreated(make_case("S1")), CaseCreated(make_case("S2")))
    wall = Wire(server.url, "wall-token")
    welcome, snapshot, caught_up = wall.hello()
    assert isinstance(welcome, Welcome) and welcome.role == "wall" and welcome.resume == "snapshot"
    assert welcome.store_id == server.server.store.store_id and welcome.heartbeat_s == 0.5
    assert isinstance(snapshot, Snapshot) and snapshot.head == head == 2
    assert [c.id for c in snapshot.cases] == ["S1", "S2"]
    assert isinstance(caught_up, CaughtUp) and caught_up.head == 2
    wall.close()


def test_heartbeats_and_pong(server: ServerThread) -> None:
    """Heartbeats carry the head; a ping is answered by a pong echoing t and id."""
    wall = Wire(server.url, "wall-token")
    wall.hello()
    beats = [m for m in wall.until(lambda m: isinstance(m, Heartbeat))]
    assert isinstance(beats[-1], Heartbeat) and beats[-1].head == 0
    wall.send(Ping(123.5, id="k1"))
    pong = wall.reply("k1")
    assert isinstance(pong, Pong) and pong.t == 123.5
    wall.close()


def test_queries_answer_or_name_the_problem(server: ServerThread) -> None:
    """head, case and stats queries return data; unknown names and cases are errors."""
    _publish(server.url, CaseCreated(make_case("Q1")))
    wall = Wire(server.url, "wall-token")
    wall.hello()
    wall.send(Query("head", {}, id="q1"))
    head = wall.reply("q1")
    assert isinstance(head, Result) and head.data["head"] == 1
    wall.send(Query("case", {"case_id": "Q1"}, id="q2"))
    case = wall.reply("q2")
    assert isinstance(case, Result) and case.data["case"]["id"] == "Q1"
    assert [h["action"] for h in case.data["history"]] == ["reported"]
    wall.send(Query("case", {"case_id": "NOPE"}, id="q3"))
    missing = wall.reply("q3")
    assert isinstance(missing, Error) and (missing.code, missing.field) == ("not_found", "params.case_id")
    wall.send(Query("no_such_query", {}, id="q4"))
    unknown = wall.reply("q4")
    assert isinstance(unknown, Error) and (unknown.code, unknown.field) == ("not_found", "name")
    wall.send(Query("stats", {}, id="q5"))
    stats = wall.reply("q5")
    assert isinstance(stats, Result) and stats.data["clients"] == 1 and stats.data["appended"] == 1
    wall.close()


@pytest.mark.parametrize(
    ("first", "code", "field"),
    [
        (Hello("bad-token").to_wire(), "forbidden", "token"),
        (Ping().to_wire(), "bad_field", "type"),
        ({"type": "hello", "v": 1}, "bad_field", "token"),
    ],
)
def test_bad_hello_is_refused_and_closed(server: ServerThread, first: dict[str, object], code: str, field: str) -> None:
    """Unknown token, a non-hello first frame or a malformed hello: error, then close (1008)."""
    import json

    wire = Wire(server.url, "wall-token")
    wire.send_raw(json.dumps(first))
    reply = wire.recv()
    assert isinstance(reply, Error) and (reply.code, reply.field) == (code, field)
    with pytest.raises(ConnectionClosed) as closed:
        wire.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
    assert server.server.stats.errors[code] >= 1


def test_hello_timeout(start_server: Callable[..., ServerThread]) -> None:
    """A client that never says hello gets an error and is closed."""
    server = start_server(hello_timeout_s=0.3)
    wire = Wire(server.url, "wall-token")
    reply = wire.recv()
    assert isinstance(reply, Error) and reply.code == "timeout"
    with pytest.raises(ConnectionClosed):
        wire.recv()


def test_clean_stop_closes_clients_with_1001(start_server: Callable[..., ServerThread]) -> None:
    """Stopping the server closes connections with 1001 (going away) and joins its thread."""
    server = start_server()
    wall = Wire(server.url, "wall-token")
    wall.hello()
    server.stop()
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            wall.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1001
    assert not server._thread.is_alive()


def test_locked_store_defers_the_append_and_keeps_the_loop_responsive(server: ServerThread) -> None:
    """While another writer holds SQLite's lock, pings are answered and the event commits afterwards."""
    if server.server.store.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only: appends there run on the loop unless the store is locked")
    import threading

    from sqlalchemy import update

    from feeds.store.schema import meta

    producer = Wire(server.url, "prod-token")
    producer.hello()
    locked, release = threading.Event(), threading.Event()

    def hold_lock() -> None:
        with server.server.store.engine.connect() as conn, conn.begin():
            conn.execute(update(meta).where(meta.c.key == "created_at").values(value=meta.c.value))
            locked.set()
            release.wait(WAIT_S * 2)  # held until the test releases it (or long after any reply timeout)

    holder = threading.Thread(target=hold_lock)
    holder.start()
    assert locked.wait(WAIT_S)
    producer.send(CaseCreated(make_case("LOCK1"), id="e"))
    assert wait_until(lambda: server.server.hub.journal.deferred == 1)  # the append met the lock
    producer.send(Ping(2.0, id="during"))
    assert isinstance(producer.reply("during", timeout=WAIT_S), Pong)
    assert not release.is_set() and holder.is_alive()  # answered while the lock was still held
    release.set()
    holder.join(WAIT_S)
    ack = producer.reply("e")
    assert ack.TYPE == "ack" and ack.event_seq == 1  # type: ignore[attr-defined]
    assert server.server.hub.journal.deferred == 1
    producer.close()


def test_kpis_are_broadcast_when_they_change(server: ServerThread) -> None:
    """After an event, walls get a volatile kpi message (no seq) with the new figures."""
    from feeds.protocol import Kpis

    wall = Wire(server.url, "wall-token")
    wall.hello()
    _publish(server.url, CaseCreated(make_case("K1")))
    kpi = wall.until(lambda m: isinstance(m, Kpis) and (m.totals or {}).get("cases") == 1)[-1]
    assert isinstance(kpi, Kpis) and kpi.seq is None and kpi.today is not None and kpi.today["reported"] == 1
    wall.close()
