"""Resuming from a seq: exactly the missed events, across disconnects and server restarts."""

from __future__ import annotations

import dataclasses
import random
import threading
import time
from collections.abc import Callable

from server_helpers import Wire, make_case

from feeds.protocol import CaseCreated, CaseUrged, Message, Snapshot, Welcome
from feeds.server import ServerThread


def _producer(url: str) -> Wire:
    wire = Wire(url, "prod-token")
    wire.hello()
    return wire


def _publish_many(producer: Wire, msgs: list[Message], tag: str, pause: float = 0.0) -> int:
    """Send all (``pause`` seconds apart), then wait for every ack; returns the last event seq."""
    for i, msg in enumerate(msgs):
        producer.send(dataclasses.replace(msg, id=f"{tag}{i}"))
        if pause:
            time.sleep(pause)
    last = 0
    ids = {f"{tag}{i}" for i in range(len(msgs))}
    while ids:
        reply = producer.recv()
        if reply.id in ids:
            assert reply.TYPE == "ack", reply
            ids.discard(reply.id)
            last = max(last, reply.event_seq)  # type: ignore[attr-defined]
    return last


def _seqs(msgs: list[Message]) -> list[int]:
    return [m.seq for m in msgs if m.seq is not None]


def test_reconnect_with_last_seq_gets_exactly_the_missed_events(server: ServerThread) -> None:
    """Backfill resumes right after last_seq: none lost, none twice, then live events follow."""
    producer = _producer(server.url)
    wall = Wire(server.url, "wall-token")
    welcome = wall.hello()[0]
    assert isinstance(welcome, Welcome)
    _publish_many(producer, [CaseCreated(make_case(f"R{i}")) for i in range(5)], "a")
    got = wall.until(lambda m: m.seq == 3)
    assert _seqs(got) == [1, 2, 3]
    wall.close()
    _publish_many(producer, [CaseUrged("R1", "op") for _ in range(5)], "b")
    again = Wire(server.url, "wall-token")
    start = again.hello(last_seq=3, store_id=welcome.store_id)
    assert isinstance(start[0], Welcome) and start[0].resume == "backfill" and start[0].head == 10
    assert _seqs(start) == list(range(4, 11))
    assert start[-1].TYPE == "caught_up" and start[-1].head == 10  # type: ignore[attr-defined]
    _publish_many(producer, [CaseUrged("R2", "op")], "c")
    live = again.until(lambda m: m.seq is not None)
    assert _seqs(live) == [11]
    assert server.server.stats.backfills == 1
    again.close()
    producer.close()


def test_no_event_lost_or_doubled_while_reconnecting_under_load(server: ServerThread) -> None:
    """A wall that keeps reconnecting while a producer publishes sees every seq exactly once."""
    producer = _producer(server.url)
    store_id = server.server.store.store_id
    total = 400
    done = threading.Event()

    def publish() -> None:
        _publish_many(producer, [CaseCreated(make_case(f"L{i}")) for i in range(total)], "L", pause=0.003)
        done.set()

    thread = threading.Thread(target=publish)
    thread.start()
    rng = random.Random(5)
    seen: list[int] = []
    last: int | None = None
    sessions = 0
    while last is None or last < total:
        wall = Wire(server.url, "wall-token")
        start = wall.hello(last_seq=last, store_id=store_id if last is not None else None)
        sessions += 1
        if isinstance(start[1], Snapshot):
            last = start[1].head
        session = _seqs(start)
        target = rng.randrange(5, 40)
        while len(session) < target and (last or 0) + len(session) < total:
            session += _seqs([wall.recv()])
        wall.close()
        first = (last or 0) + 1
        assert session == list(range(first, first + len(session))), "gap or duplicate within a session"
        seen += session
        last = (last or 0) + len(session)
    thread.join(30)
    producer.close()
    assert done.is_set()
    assert sessions > 5
    snapshot_head = total - len(seen)
    assert seen == list(range(snapshot_head + 1, total + 1))


def test_resume_across_server_restart_on_the_same_file(start_server: Callable[..., ServerThread]) -> None:
    """Stop the server, restart it on the same SQLite file and port: resume is exact."""
    first = start_server()
    port, store_id = first.port, first.server.store.store_id
    producer = _producer(first.url)
    wall = Wire(first.url, "wall-token")
    wall.hello()
    _publish_many(producer, [CaseCreated(make_case(f"X{i}")) for i in range(6)], "x")
    assert _seqs(wall.until(lambda m: m.seq == 6)) == list(range(1, 7))
    wall.close()
    producer.close()
    first.stop()

    second = start_server(port=port)
    assert second.server.store.store_id == store_id and second.server.hub.fanout.head == 6
    producer = _producer(second.url)
    _publish_many(producer, [CaseUrged(f"X{i}", "op") for i in range(4)], "y")
    wall = Wire(second.url, "wall-token")
    start = wall.hello(last_seq=6, store_id=store_id)
    assert start[0].resume == "backfill"  # type: ignore[attr-defined]
    assert _seqs(start) == [7, 8, 9, 10]
    wall.close()
    producer.close()


def test_snapshot_when_the_seq_cannot_be_continued(server: ServerThread) -> None:
    """Another store_id, a seq ahead of the head, or a pruned log: snapshot instead of backfill."""
    producer = _producer(server.url)
    _publish_many(producer, [CaseCreated(make_case(f"P{i}")) for i in range(6)], "p")
    store = server.server.store
    for last_seq, store_id in ((2, "some-other-store"), (99, store.store_id)):
        wall = Wire(server.url, "wall-token")
        start = wall.hello(last_seq=last_seq, store_id=store_id)
        assert start[0].resume == "snapshot" and isinstance(start[1], Snapshot)  # type: ignore[attr-defined]
        assert start[1].head == 6 and start[-1].TYPE == "caught_up"
        wall.close()
    store.prune_events(keep=2)
    wall = Wire(server.url, "wall-token")
    start = wall.hello(last_seq=2, store_id=store.store_id)
    assert isinstance(start[1], Snapshot) and start[1].head == 6
    wall.close()
    wall = Wire(server.url, "wall-token")
    start = wall.hello(last_seq=4, store_id=store.store_id)  # oldest kept is 5: still continuable
    assert start[0].resume == "backfill" and _seqs(start) == [5, 6]  # type: ignore[attr-defined]
    wall.close()
    producer.close()
