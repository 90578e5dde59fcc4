"""Roles: walls only read, operators act under their own name, producers publish."""

from __future__ import annotations

from server_helpers import GRID, Wire, make_case

from feeds.protocol import (
    Ack,
    Action,
    CaseCreated,
    CaseDifficultChanged,
    CaseNoted,
    CaseUrged,
    Error,
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
