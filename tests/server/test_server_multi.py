"""Several case servers on one store: every server sends its clients every committed event once, in order.

On PostgreSQL a server hears of other servers' commits through LISTEN/NOTIFY (the
poll is set to a minute here, so only the notification can deliver in time); on
SQLite, through its poll of the log.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from server_helpers import Wire, make_case
from sqlalchemy import text
from waiting import wait_until

from feeds.protocol import Action, CaseCreated, Message
from feeds.server import ServerThread
from feeds.store import open_store


def _poll_s(db_url: str) -> float:
    return 60.0 if db_url.startswith("postgresql") else 0.1


def _hello(url: str, token: str) -> Wire:
    wire = Wire(url, token)
    wire.hello()
    return wire


def _send_all(wire: Wire, msgs: list[Message], tag: str) -> list[int]:
    """Send, then wait for every ack; returns the acked event seqs."""
    for i, msg in enumerate(msgs):
        wire.send(dataclasses.replace(msg, id=f"{tag}{i}"))
    acked = []
    for i in range(len(msgs)):
        reply = wire.reply(f"{tag}{i}")
        assert reply.TYPE == "ack", reply
        acked.append(reply.event_seq)  # type: ignore[attr-defined]
    return acked


def _event_seqs(wire: Wire, head: int) -> list[int]:
    """Read until event ``head`` arrived; the seqs of every event received on this connection."""
    if not any(m.seq == head for m in wire.events()):
        wire.until(lambda m: m.seq == head, timeout=10)
    return [m.seq for m in wire.events() if m.seq is not None]


def test_every_server_broadcasts_what_any_server_committed(
    start_server: Callable[..., ServerThread], db_url: str
) -> None:
    """Producers and operators on two servers; walls on both get 1..head once each, in order."""
    a = start_server(poll_s=_poll_s(db_url))
    b = start_server(poll_s=_poll_s(db_url))
    walls = [_hello(a.url, "wall-token"), _hello(b.url, "wall-token")]
    producer_a, producer_b = _hello(a.url, "prod-token"), _hello(b.url, "prod-token")
    operator_a = _hello(a.url, "op-token")
    seqs = _send_all(producer_b, [CaseCreated(make_case(f"M{i}")) for i in range(10)], "b")
    seqs += _send_all(operator_a, [Action("urge", f"M{i}", "hurry") for i in range(5)], "o")
    seqs += _send_all(producer_a, [CaseCreated(make_case(f"N{i}")) for i in range(5)], "a")
    assert sorted(seqs) == list(range(1, 21))
    for wall in walls:
        assert _event_seqs(wall, 20) == list(range(1, 21))
    assert walls[0].events() == walls[1].events()  # the same events, whichever server sent them
    assert a.server.hub.relay.relayed >= 10 and b.server.hub.relay.relayed >= 10
    if db_url.startswith("postgresql"):
        assert a.server.hub.relay.notifications > 0


def test_a_wall_resumes_on_another_server_from_its_last_seq(
    start_server: Callable[..., ServerThread], db_url: str
) -> None:
    """Read up to seq 4 on one server, reconnect to the other: exactly 5.. follow."""
    a = start_server(poll_s=_poll_s(db_url))
    b = start_server(poll_s=_poll_s(db_url))
    producer = _hello(a.url, "prod-token")
    wall = Wire(a.url, "wall-token")
    store_id = wall.hello()[0].store_id  # type: ignore[attr-defined]
    _send_all(producer, [CaseCreated(make_case(f"R{i}")) for i in range(4)], "x")
    assert _event_seqs(wall, 4) == [1, 2, 3, 4]
    wall.close()
    _send_all(producer, [CaseCreated(make_case(f"S{i}")) for i in range(3)], "y")
    again = Wire(b.url, "wall-token")
    start = again.hello(last_seq=4, store_id=store_id)
    assert start[0].resume == "backfill"  # type: ignore[attr-defined]
    _send_all(producer, [CaseCreated(make_case("T0"))], "z")
    assert _event_seqs(again, 8) == [5, 6, 7, 8]


def test_events_appended_outside_any_server_reach_the_walls(
    start_server: Callable[..., ServerThread], db_url: str
) -> None:
    """Another process appends to the store directly (an importer): the server relays it in order."""
    server = start_server(poll_s=_poll_s(db_url))
    producer = _hello(server.url, "prod-token")
    wall = _hello(server.url, "wall-token")
    other = open_store(db_url)
    try:
        other.append([CaseCreated(make_case("O1")), CaseCreated(make_case("O2"))])
        _send_all(producer, [CaseCreated(make_case("P1"))], "p")
        other.append([CaseCreated(make_case("O3"))])
    finally:
        other.close()
    assert _event_seqs(wall, 4) == [1, 2, 3, 4]


def test_a_restarted_listener_loses_nothing(start_server: Callable[..., ServerThread], pg_url: str) -> None:
    """The LISTEN connection is killed; events committed meanwhile arrive once it is back (no poll)."""
    a = start_server(store_url=pg_url, poll_s=60.0)
    b = start_server(store_url=pg_url, poll_s=60.0)
    relay = a.server.hub.relay
    assert wait_until(lambda: relay.listening)
    wall = _hello(a.url, "wall-token")
    producer = _hello(b.url, "prod-token")
    _send_all(producer, [CaseCreated(make_case("L0"))], "a")
    assert _event_seqs(wall, 1) == [1]
    admin = open_store(pg_url, load_reference_data=False)
    try:
        with admin.engine.begin() as conn:  # this store's listeners only (the cluster may serve others)
            killed = conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND query = :listen"
                ),
                {"listen": f"LISTEN {admin.channel}"},
            ).all()
        assert killed, "no listening connection found"
    finally:
        admin.close()
    _send_all(producer, [CaseCreated(make_case(f"L{i}")) for i in range(1, 6)], "b")
    assert _event_seqs(wall, 6) == [1, 2, 3, 4, 5, 6]
    assert relay.listen_failures >= 1


def test_out_of_order_commits_wait_for_their_predecessors() -> None:
    """The fan-out holds an event whose predecessors it has not seen, and asks for them."""
    from feeds.server.fanout import Fanout

    fanout = Fanout()
    asked: list[int] = []
    fanout.on_gap = asked.append
    for seq in (2, 3, 4):
        fanout.broadcast(f"e{seq}", seq)
    assert fanout.head == 0 and asked == [2, 3, 4]
    fanout.broadcast("e1", 1)
    assert fanout.head == 4
    fanout.broadcast("e3", 3)  # already sent: dropped
    assert fanout.head == 4
