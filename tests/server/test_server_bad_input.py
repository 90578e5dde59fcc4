"""Regression tests of issue 8: every bad frame gets its documented answer and hurts nothing else."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from server_helpers import Wire, make_case
from websockets.exceptions import ConnectionClosed

from feeds.logfile import JsonLineFormatter
from feeds.protocol import (
    MAX_CLIENT_FRAME,
    Ack,
    Action,
    CaseCreated,
    Error,
    Ping,
    Pong,
    Query,
    Result,
    StaffPosition,
    StaffPositions,
    encode,
)
from feeds.server import ServerThread
from feeds.store import Store, open_store

GOOD = CaseCreated(make_case("V1")).to_wire()
NESTED = "[" * 5000 + "]" * 5000
EMOJI_TYPE = json.dumps({"type": "😀" * 40, "v": 1}, ensure_ascii=False)


def _with(**fields: Any) -> str:
    return json.dumps({**GOOD, **fields})


def _case_with(**fields: Any) -> str:
    return json.dumps({**GOOD, "case": {**GOOD["case"], **fields}})


# (frame, code, field) - strings with a lone surrogate are written as JSON escapes, as a client would send them
BAD_FRAMES: list[tuple[str | bytes, str, str | None]] = [
    ('{"type":"\\ud800","v":1}', "bad_json", "type"),
    ('{"type":"ping","v":1,"id":"\\udfff"}', "bad_json", "id"),
    (NESTED, "bad_json", None),
    (b'{"type":"ping","v":1}', "bad_json", None),
    (EMOJI_TYPE, "unknown_type", "type"),
    ('{"type":"ping","v":true}', "bad_version", "v"),
    ('{"type":"ping","v":1.0}', "bad_version", "v"),
    ('{"type":"ping","v":1,"t":NaN}', "bad_json", None),
    ('{"type":"x\\u0000","v":1}', "unknown_type", "type"),
]
BAD_EVENTS: list[tuple[str, str, str | None]] = [
    (_with(ts="9999-12-31T23:59:59-12:00"), "bad_field", "ts"),
    (_with(ts="0001-01-01T00:00:00+14:00"), "bad_field", "ts"),
    (_case_with(reported_at="9999-12-31T23:59:59-12:00"), "bad_field", "case.reported_at"),
    (_case_with(urges=2**63), "bad_field", "case.urges"),
    (_case_with(description="\ud83d"), "bad_json", "case.description"),
    (_case_with(description="a\x00b"), "bad_field", "case.description"),
    (_case_with(address="\x00"), "bad_field", "case.address"),
    (
        json.dumps({"type": "alert.crowd", "v": 1, "spot_id": "x", "count": 10**20, "capacity": 5, "level": "busy"}),
        "bad_field",
        "count",
    ),
    (_case_with(lon=10**400), "bad_field", "case.lon"),
]
HUGE_NUMBERS: list[tuple[str, str, dict[str, Any]]] = [
    ("wall-token", "t", {"type": "ping", "t": 10**400}),
    ("prod-token", "case.lon", {**GOOD, "case": {**GOOD["case"], "lon": 10**400}}),
    (
        "prod-token",
        "value",
        {"type": "alert.sensor", "sensor_id": "wl-7", "sensor_kind": "water_level", "value": 10**400}
        | {"unit": "m", "threshold": 0.3, "alarm": True, "lon": 116.36, "lat": 39.9},
    ),
    ("op-token", "speed", {"type": "replay.control", "action": "speed", "speed": 10**400}),
]


@pytest.mark.parametrize(("frame", "code", "field"), BAD_FRAMES, ids=range(len(BAD_FRAMES)))
def test_a_bad_first_frame_gets_its_error_and_close_1008(
    server: ServerThread, frame: str | bytes, code: str, field: str | None
) -> None:
    """Before hello: lone surrogates, 5,000-deep nesting, binary, a 160-byte reason: error, then 1008."""
    wall = Wire(server.url, "wall-token")
    wall.ws.send(frame)
    reply = wall.recv()
    assert isinstance(reply, Error) and (reply.code, reply.field) == (code, field)
    with pytest.raises(ConnectionClosed) as closed:
        wall.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
    assert len(closed.value.rcvd.reason.encode()) <= 123


@pytest.mark.parametrize(("frame", "code", "field"), BAD_FRAMES + BAD_EVENTS, ids=range(len(BAD_FRAMES + BAD_EVENTS)))
def test_a_bad_frame_in_session_gets_its_error_and_the_session_goes_on(
    server: ServerThread, frame: str | bytes, code: str, field: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    """After hello: the same frames and values the store cannot hold are answered and logged; nothing is stored."""
    producer = Wire(server.url, "prod-token")
    producer.hello()
    producer.ws.send(frame)
    reply = producer.until(lambda m: isinstance(m, Error))[-1]
    assert isinstance(reply, Error) and (reply.code, reply.field) == (code, field)
    producer.send(Ping(1.0, id="after"))
    assert isinstance(producer.reply("after"), Pong)
    assert server.server.store.head() == 0
    logged = [r for r in caplog.records if getattr(r, "event", None) == "refused_frame"]
    assert [(r.code, r.field) for r in logged] == [(code, field)]  # type: ignore[attr-defined]
    producer.close()


@pytest.mark.parametrize(("token", "field", "frame"), HUGE_NUMBERS, ids=[f for _, f, _ in HUGE_NUMBERS])
def test_an_integer_too_big_for_a_float_is_bad_field_with_the_id(
    server: ServerThread, token: str, field: str, frame: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """1 followed by 400 zeros in a number field: ``bad_field`` naming it, with the id, no traceback (was internal)."""
    client = Wire(server.url, token)
    client.hello()
    client.send_raw(json.dumps({**frame, "v": 1, "id": "big"}))
    reply = client.reply("big")
    assert isinstance(reply, Error) and (reply.code, reply.field) == ("bad_field", field)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    client.close()


FORGED_LINE = "\n18:30:00 INFO feeds.server: FORGED connect 1.2.3.4 operator 'admin'"
FORGING_FRAMES = [
    json.dumps({"type": "zz" + FORGED_LINE, "v": 1, "id": "f1"}),  # quoted in the unknown_type message
    json.dumps({"type": "ping", "v": 1, "id": "f2", "k" + FORGED_LINE: "\ud800"}),  # a field path from a JSON key
    json.dumps({"type": "ping", "v": 1, "id": "f3", "k\x00": "\ud800"}),  # a NUL made server.log binary
    json.dumps({"type": "ping", "v": 1, "id": "f4", "k" * 5000: "\ud800"}),  # capped
]


def _one_line_each(records: list[logging.LogRecord]) -> None:
    """Each refused-frame record is one printable line in the text log and one JSON line in the .jsonl file."""
    text = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    for record in records:
        line = text.format(record)
        assert line.isprintable() and "FORGED" not in line.split(": ", 1)[0], line
        assert len(line) < 1000
        structured = JsonLineFormatter().format(record)
        assert "\n" not in structured and json.loads(structured)["field"].isprintable()
        structured.encode("utf-8")


def test_client_text_cannot_forge_a_log_line(server: ServerThread, caplog: pytest.LogCaptureFixture) -> None:
    """A type or JSON key holding a newline, a NUL or 5,000 characters is logged escaped and cut, on one line."""
    producer = Wire(server.url, "prod-token")
    producer.hello()
    for frame in FORGING_FRAMES:
        producer.send_raw(frame)
        assert isinstance(producer.until(lambda m: isinstance(m, Error))[-1], Error)
    first = Wire(server.url, "wall-token")  # before hello: refused and closed, logged the same way
    first.send_raw(FORGING_FRAMES[0])
    assert isinstance(first.recv(), Error)
    refused = [r for r in caplog.records if getattr(r, "event", None) == "refused_frame"]
    assert len(refused) == len(FORGING_FRAMES) + 1
    _one_line_each(refused)
    assert "zz\\n18:30:00 INFO" in refused[0].getMessage()  # escaped, still readable
    producer.close()
    first.close()


def test_a_store_error_on_one_event_fails_no_other(tmp_path: Path, start_server: Callable[..., ServerThread]) -> None:
    """The store raising on one event (here injected) fails that request only, whoever sent the others."""
    store = open_store(str(tmp_path / "faulty.db"))
    store.append_events([CaseCreated(make_case("N0"))])
    real = store.append

    def append(msgs: Any, **kw: Any) -> Any:
        if any(getattr(getattr(m, "case", None), "id", "") == "BOOM" for m in msgs):
            raise RuntimeError("injected store failure")
        return real(msgs, **kw)

    store.append = append  # type: ignore[method-assign]
    try:
        server = start_server(store=store)
        producer, operator = Wire(server.url, "prod-token"), Wire(server.url, "op-token")
        producer.hello()
        operator.hello()

        def notes() -> None:
            for i in range(40):
                operator.send(Action("note", "N0", f"note {i}", id=f"n{i}"))

        sender = threading.Thread(target=notes)
        sender.start()
        for i in range(40):
            producer.send(CaseCreated(make_case("BOOM" if i == 20 else f"K{i}"), id=f"k{i}"))
        sender.join()
        answers = {f"k{i}": producer.reply(f"k{i}") for i in range(40)}
        answers |= {f"n{i}": operator.reply(f"n{i}") for i in range(40)}
        failed = {k: r for k, r in answers.items() if not isinstance(r, Ack)}
        assert list(failed) == ["k20"] and isinstance(failed["k20"], Error) and failed["k20"].code == "internal"
        assert server.server.store.head() == 1 + 79
        producer.close()
        operator.close()
    finally:
        store.close()


def test_staff_positions_carry_the_documented_5000(server: ServerThread) -> None:
    """A producer's 5,000 positions (about 400-500 KB) are accepted and reach a wall; a wall's frame stays at 64 KiB."""
    wall = Wire(server.url, "wall-token")
    wall.hello()
    producer = Wire(server.url, "prod-token")
    producer.hello()
    positions = tuple(StaffPosition(f"S{i:05d}", "110102001004001", 116.3 + i * 1e-5, 39.9) for i in range(5000))
    frame = encode(StaffPositions(positions, id="big"))
    assert len(frame.encode()) > 6 * MAX_CLIENT_FRAME
    producer.send_raw(frame)
    assert isinstance(producer.reply("big"), Ack)
    got = wall.until(lambda m: isinstance(m, StaffPositions))[-1]
    assert isinstance(got, StaffPositions) and len(got.positions) == 5000
    wall.send_raw(json.dumps({"type": "ping", "v": 1, "id": "w", "pad": "x" * MAX_CLIENT_FRAME}))
    reply = wall.until(lambda m: isinstance(m, Error))[-1]
    assert isinstance(reply, Error) and reply.code == "too_large"
    wall.close()
    producer.close()


def test_the_documented_case_query_works_beside_an_analytics_case(
    start_server: Callable[..., ServerThread], tmp_path: Path
) -> None:
    """``case`` with ``params.case_id`` is the documented one; ``params.id`` goes to the registered handler."""

    def analytics_case(store: Store, params: dict[str, Any]) -> Any:
        return {"analytics": params.get("id")}

    server = start_server(queries={"case": analytics_case})
    producer = Wire(server.url, "prod-token")
    producer.hello()
    producer.send(CaseCreated(make_case("Q1"), id="c"))
    assert isinstance(producer.reply("c"), Ack)
    producer.send(Query("case", {"case_id": "Q1"}, id="q1"))
    documented = producer.reply("q1")
    assert isinstance(documented, Result) and documented.data["case"]["id"] == "Q1"
    assert [h["action"] for h in documented.data["history"]] == ["reported"]
    producer.send(Query("case", {"id": "Q1"}, id="q2"))
    other = producer.reply("q2")
    assert isinstance(other, Result) and other.data == {"analytics": "Q1"}
    producer.close()
