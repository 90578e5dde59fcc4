"""Bad frames get an error naming the problem, are counted, and change nothing."""

from __future__ import annotations

import json

import pytest
from server_helpers import Wire, make_case
from websockets.exceptions import ConnectionClosed

from feeds.protocol import MAX_PRODUCER_FRAME, Ack, CaseCreated, CaseStageChanged, Error, Ping, Pong
from feeds.server import ServerThread

VALID_CASE = CaseCreated(make_case("E1")).to_wire()


def _bad_field_case() -> str:
    frame = json.loads(json.dumps(VALID_CASE))
    frame["case"]["lat"] = 95.0
    frame["id"] = "bf"
    return json.dumps(frame)


@pytest.mark.parametrize(
    ("frame", "code", "field"),
    [
        ("{not json", "bad_json", None),
        ("[1, 2]", "bad_json", None),
        ('{"type": "case.teleported", "v": 1}', "unknown_type", "type"),
        (json.dumps({**VALID_CASE, "v": 7}), "bad_version", "v"),
        (_bad_field_case(), "bad_field", "case.lat"),
        (json.dumps({"type": "case.created", "v": 1, "id": "m1"}), "bad_field", "case"),
        ("x" * (MAX_PRODUCER_FRAME + 10), "too_large", None),
    ],
)
def test_bad_frame_gets_an_error_and_changes_nothing(
    server: ServerThread, frame: str, code: str, field: str | None
) -> None:
    """The reply names the code and field; no event is stored; the session goes on."""
    producer = Wire(server.url, "prod-token")
    producer.hello()
    producer.send_raw(frame)
    reply = producer.until(lambda m: isinstance(m, Error))[-1]
    assert isinstance(reply, Error) and (reply.code, reply.field) == (code, field)
    assert server.server.store.head() == 0
    assert server.server.stats.errors[code] == 1
    producer.send(Ping(1.0, id="after"))
    assert isinstance(producer.reply("after"), Pong)
    producer.close()


def test_error_reply_echoes_the_request_id(server: ServerThread) -> None:
    """A refused frame that still has a readable id gets it back for correlation."""
    producer = Wire(server.url, "prod-token")
    producer.hello()
    producer.send_raw(_bad_field_case())
    reply = producer.until(lambda m: isinstance(m, Error))[-1]
    assert reply.id == "bf"
    producer.close()


def test_semantic_error_is_refused_without_state_change(server: ServerThread) -> None:
    """A well-formed event on an unknown case: not_found on case_id, the log unchanged."""
    producer = Wire(server.url, "prod-token")
    producer.hello()
    producer.send(CaseCreated(make_case("E1"), id="ok"))
    assert isinstance(producer.reply("ok"), Ack)
    producer.send(CaseStageChanged("E404", "filed", id="bad"))
    producer.send(CaseCreated(make_case("E1"), id="dup"))
    bad, dup = producer.reply("bad"), producer.reply("dup")
    assert isinstance(bad, Error) and (bad.code, bad.field) == ("not_found", "case_id")
    assert isinstance(dup, Error) and (dup.code, dup.field) == ("conflict", "case.id")
    assert server.server.store.head() == 1
    producer.close()


def test_good_events_in_the_same_group_commit_survive_a_bad_one(server: ServerThread) -> None:
    """Requests batched together are retried one by one: only the faulty one fails."""
    producer = Wire(server.url, "prod-token")
    producer.hello()
    for i in range(30):
        producer.send(CaseCreated(make_case(f"G{i}"), id=f"g{i}"))
        if i == 15:
            producer.send(CaseStageChanged("NOPE", "filed", id="nope"))
    replies = {i: producer.reply(f"g{i}") for i in range(30)}
    assert all(isinstance(r, Ack) for r in replies.values())
    assert sorted(r.event_seq for r in replies.values()) == list(range(1, 31))  # type: ignore[attr-defined]
    assert server.server.store.head() == 30
    producer.close()


def test_oversized_frame_beyond_websockets_limit_closes_1009(server: ServerThread) -> None:
    """Far larger than the limit: websockets closes with 1009 (message too big); the server survives."""
    producer = Wire(server.url, "prod-token")
    producer.hello()
    producer.send_raw("x" * (MAX_PRODUCER_FRAME * 4))
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            producer.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
    wall = Wire(server.url, "wall-token")
    assert wall.hello()[-1].TYPE == "caught_up"
    wall.close()
