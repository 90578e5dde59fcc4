"""Roles: walls only read, operators act under their own name, producers publish."""

from __future__ import annotations

import json

from server_helpers import GRID, Wire, make_case

from feeds.protocol import (
    Ack,
    Action,
    CaseCreated,
    CaseDifficultChanged,
    CaseNoted,
    CaseUrged,
    Error,
    Hello,
    StaffPosition,
    StaffPositions,
    WeatherWarning,
)
from feeds.server import ServerThread


def _seed(url: str) -> Wire:
    producer = Wire(url, "prod-token")
    producer.hello()
    producer.send(CaseCreated(make_case("C1"), id="seed"))
    assert isinstance(producer.reply("seed"), Ack)
    return producer


def test_wall_can_neither_publish_nor_act(server: ServerThread) -> None:
    """A wall token gets 'forbidden' for events and actions, and nothing is stored."""
    producer = _seed(server.url)
    wall = Wire(server.url, "wall-token")
    wall.hello()
    head = server.server.store.head()
    wall.send(CaseCreated(make_case("W1"), id="w1"))
    wall.send(Action("urge", "C1", id="w2"))
    wall.send(StaffPositions((StaffPosition("s1", GRID, 116.36, 39.91),), id="w3"))
    for request_id in ("w1", "w2", "w3"):
        reply = wall.reply(request_id)
        assert isinstance(reply, Error) and (reply.code, reply.field) == ("forbidden", "type")
    assert server.server.store.head() == head
    assert server.server.store.case("W1") is None
    found = server.server.store.case("C1")
    assert found is not None and found[0].urges == 0
    assert server.server.stats.errors["forbidden"] == 3
    wall.close()
    producer.close()


MALFORMED_FORBIDDEN = [
    ("wall-token", '{"type":"case.created","v":1,"id":"m1","case":{"id":"PX1"}}'),
    ("wall-token", '{"type":"welcome","v":1,"id":"m2"}'),
    ("wall-token", '{"type":"error","v":1,"id":"m3","code":7}'),
    ("wall-token", '{"type":"action","v":2,"id":"m4"}'),
    ("op-token", '{"type":"alert.weather","v":1,"id":"m5","hazard":"meteor","x":"\\ud800"}'),
    ("prod-token", '{"type":"alarm.raised","v":1,"id":"m6","alarm":{"id":7}}'),
    ("prod-token", '{"type":"plan.closed","v":1,"id":"m7"}'),
]


def test_a_malformed_message_the_role_may_not_send_is_forbidden(server: ServerThread) -> None:
    """The role is judged on the type before the body: a wall's broken case.created is forbidden, not bad_field."""
    for token, frame in MALFORMED_FORBIDDEN:
        client = Wire(server.url, token)
        client.hello()
        client.send_raw(frame)
        reply = client.until(lambda m: isinstance(m, Error))[-1]
        assert isinstance(reply, Error) and (reply.code, reply.field, reply.id) == (
            "forbidden",
            "type",
            json.loads(frame)["id"],
        )
        client.close()
    assert server.server.store.head() == 0


def test_a_seq_a_client_sends_is_ignored(server: ServerThread) -> None:
    """A producer's event and a hello carrying seq -5 are taken (the server assigns seq), as unknown fields are."""
    producer = Wire(server.url, "prod-token")
    producer.send_raw(json.dumps({**Hello("prod-token", client="test").to_wire(), "seq": -5}))
    assert producer.until(lambda m: m.TYPE == "caught_up")
    for i, seq in enumerate((-5, 0, 10**30, 99)):
        producer.send_raw(json.dumps({**CaseCreated(make_case(f"Q{i}")).to_wire(), "seq": seq, "id": f"q{i}"}))
        ack = producer.reply(f"q{i}")
        assert isinstance(ack, Ack) and ack.event_seq == i + 1
    assert server.server.store.head() == 4
    producer.close()


def test_operator_actions_become_events_signed_with_the_token_name(server: ServerThread) -> None:
    """urge / difficult / undifficult / note from an operator reach a wall with by = the token's name."""
    producer = _seed(server.url)
    wall = Wire(server.url, "wall-token")
    wall.hello()
    operator = Wire(server.url, "op-token")
    operator.hello()
    operator.send(Action("urge", "C1", "please hurry", id="o1"))
    ack = operator.reply("o1")
    assert isinstance(ack, Ack) and ack.event_seq == 2
    urged = wall.until(lambda m: m.seq == 2)[-1]
    assert isinstance(urged, CaseUrged) and (urged.by, urged.note) == ("duty officer", "please hurry")
    operator.send(Action("difficult", "C1", id="o2"))
    operator.send(Action("undifficult", "C1", id="o3"))
    operator.send(Action("note", "C1", "<b>called</b>", id="o4"))
    events = wall.until(lambda m: m.seq == 5)
    difficult, undifficult, note = [m for m in events if m.seq is not None]
    assert isinstance(difficult, CaseDifficultChanged) and difficult.difficult and difficult.by == "duty officer"
    assert isinstance(undifficult, CaseDifficultChanged) and not undifficult.difficult
    assert isinstance(note, CaseNoted) and note.text == "<b>called</b>"
    found = server.server.store.case("C1")
    assert found is not None and found[0].urges == 1 and not found[0].difficult
    operator.send(CaseCreated(make_case("O1"), id="o5"))
    refused = operator.reply("o5")
    assert isinstance(refused, Error) and refused.code == "forbidden"
    for wire in (operator, wall, producer):
        wire.close()


def test_operator_action_on_unknown_case_is_refused(server: ServerThread) -> None:
    """An action naming an unknown case gets not_found on case_id and stores nothing."""
    operator = Wire(server.url, "op-token")
    operator.hello()
    operator.send(Action("urge", "GHOST", id="g1"))
    reply = operator.reply("g1")
    assert isinstance(reply, Error) and (reply.code, reply.field) == ("not_found", "case_id")
    assert server.server.store.head() == 0
    operator.close()


def test_producer_publishes_events_and_volatile_staff_positions(server: ServerThread) -> None:
    """Events are acked with their seq; staff positions are broadcast without a seq and stored."""
    producer = Wire(server.url, "prod-token")
    producer.hello()
    wall = Wire(server.url, "wall-token")
    wall.hello()
    producer.send(WeatherWarning("W1", "rainstorm", "blue", id="e1"))
    assert producer.reply("e1").event_seq == 1  # type: ignore[attr-defined]
    producer.send(StaffPositions((StaffPosition("s7", GRID, 116.36, 39.91),), id="e2"))
    ack = producer.reply("e2")
    assert isinstance(ack, Ack) and ack.event_seq is None
    got = wall.until(lambda m: isinstance(m, StaffPositions))
    weather = [m for m in got if isinstance(m, WeatherWarning)]
    staff = got[-1]
    assert [w.seq for w in weather] == [1]
    assert isinstance(staff, StaffPositions) and staff.seq is None and staff.id is None
    assert [p.staff_id for p in staff.positions] == ["s7"]
    assert [p.staff_id for p in server.server.store.snapshot().staff] == ["s7"]
    producer.close()
    wall.close()
