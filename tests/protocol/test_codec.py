"""Wire protocol: round trips, validation naming the field, role permissions."""

from __future__ import annotations

import json

import pytest

from feeds import protocol as p

T0 = 1_795_744_035.0  # a whole second, so ISO round trips are exact


def _case(**kw: object) -> p.CaseInfo:
    base: dict[str, object] = {
        "id": "XC20261127000001",
        "kind": "event",
        "subclass": "0201",
        "source": "patrol",
        "grid": "110102001004001",
        "lon": 116.3736,
        "lat": 39.9075,
        "stage": "reported",
        "reported_at": T0,
        "department": "D01",
        "description": "西单北大街东侧有非法小广告",
    }
    base.update(kw)
    return p.CaseInfo(**base)  # type: ignore[arg-type]


ALL_SAMPLES: list[p.Message] = [
    p.CaseCreated(_case(), seq=1, ts=T0),
    p.CaseStageChanged("XC1", "handling", deadline=T0 + 3600, department="D01", rework=True, seq=2, ts=T0),
    p.CaseClosed("XC1", on_time=False, seq=3, ts=T0),
    p.CaseUrged("XC1", "operator-1", "请尽快处置", seq=4, ts=T0),
    p.CaseDifficultChanged("XC1", True, "operator-1", seq=5, ts=T0),
    p.CaseNoted("XC1", "operator-1", "已电话联系", seq=6, ts=T0),
    p.CaseEvaluated("XC1", resolved=False, satisfaction="unsatisfied", by="回访员", seq=7, ts=T0),
    p.WeatherWarning("W1", "rainstorm", "orange", True, "暴雨橙色预警", seq=7, ts=T0),
    p.CrowdFlow("xidan", 41000, 50000, "crowded", seq=8, ts=T0),
    p.SensorReading("WL01", "water_level", 12.5, "cm", 20.0, False, 116.36, 39.90, "桥下积水", seq=9, ts=T0),
    p.StaffPositions((p.StaffPosition("S001", "110102001004001", 116.37, 39.9),), ts=T0),
    p.Kpis({"reported": 10.0}, {"cases": 3220000}),
    p.Hello("tok", last_seq=5, store_id="abc", client="test"),
    p.Welcome("wall", "abc", 9, "backfill", 5.0, "srv"),
    p.Welcome("wall", "abc", 9, "snapshot", 5.0, "srv", flood_count=12, flood_window_s=900.0),
    p.Snapshot(9, "abc", (_case(),), kpi=p.Kpis({"reported": 1.0}, {})),
    p.CaughtUp(9),
    p.Heartbeat(9, ts=T0),
    p.Heartbeat(9, "down", "the store cannot be read", ts=T0),
    p.Ping(1.5),
    p.Pong(1.5),
    p.Ack(event_seq=10, id="m1"),
    p.Error("bad_field", "missing field 'case.kind'", "case.kind", id="m1"),
    p.Action("urge", "XC1", id="a1"),
    p.Query("drill", {"level": "district"}, id="q1"),
    p.Result({"rows": []}, id="q1"),
    p.ReplayStatus(1_795_744_100.5, 1_795_744_000.0, 1_795_747_600.0, 600.0, paused=True),
    p.ReplayControl("seek", at=1_795_744_060.0, id="r1"),
    p.TourControl("start", id="t1"),
    p.AlarmRaised(p.AlarmInfo("weather:W1:1", "weather", "W1", "high", T0, level="orange", hazard="rainstorm"), seq=10),
    p.AlarmChanged("weather:W1:1", "shelve", "operator-1", T0 + 1800, "泵站已满负荷", seq=11, ts=T0),
    p.AlarmAction("shelve", ("weather:W1:1",), 30, "泵站已满负荷", id="k1"),
    p.PlanStarted(
        p.PlanRun(
            "plan:W1",
            "rainstorm-orange",
            "W1",
            "rainstorm",
            "orange",
            "暴雨橙色预警联动预案",
            "",
            T0,
            ("waterlogging",),
            (p.PlanStep("watch", "盯守积水点", "Watch", "D09"),),
        ),
        seq=12,
    ),
    p.PlanStepDone("plan:W1", "watch", True, "operator-1", seq=13, ts=T0),
    p.PlanClosed("plan:W1", "warning lifted", seq=14, ts=T0),
    p.PlanAction("plan:W1", "watch", False, id="k2"),
    p.Focus("component", "1101020119000123", 116.3701, 39.9102, 18, "路灯", id="f1"),
]


@pytest.mark.parametrize("msg", ALL_SAMPLES, ids=lambda m: m.TYPE)
def test_round_trip(msg: p.Message) -> None:
    """Every message type decodes back to an equal message."""
    assert p.decode(p.encode(msg), max_bytes=None) == msg


def test_every_type_has_a_sample() -> None:
    """The samples above cover every registered message type."""
    assert {m.TYPE for m in ALL_SAMPLES} == set(p.MESSAGE_TYPES)


def test_events_carry_seq_and_volatiles_do_not() -> None:
    """Durable event types are exactly the case, alert, alarm and plan messages."""
    assert {t.split(".")[0] for t in p.EVENT_TYPES} == {"case", "alert", "alarm", "plan"}
    assert "alarm.action" not in p.EVENT_TYPES and "plan.action" not in p.EVENT_TYPES
    assert "staff.positions" not in p.EVENT_TYPES and "kpi" not in p.EVENT_TYPES


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda c: c.pop("kind"), "case.kind"),
        (lambda c: c.update(kind="thing"), "case.kind"),
        (lambda c: c.update(grid="11010200100400"), "case.grid"),
        (lambda c: c.update(lat="39.9"), "case.lat"),
        (lambda c: c.update(lon=float("nan")), "case.lon"),
        (lambda c: c.update(reported_at="yesterday"), "case.reported_at"),
        (lambda c: c.update(reported_at="2026-11-27T09:00:00"), "case.reported_at"),
        (lambda c: c.update(description="x" * 1001), "case.description"),
        (lambda c: c.update(urges=True), "case.urges"),
        (lambda c: c.update(id="has space"), "case.id"),
    ],
)
def test_bad_case_field_is_named(mutate: object, field: str) -> None:
    """A bad case field is rejected with an error naming its path."""
    frame = p.CaseCreated(_case()).to_wire()
    mutate(frame["case"])  # type: ignore[operator]
    with pytest.raises(p.ProtocolError) as err:
        p.from_dict(json.loads(json.dumps(frame, allow_nan=True)))
    assert err.value.field == field
    assert field in str(err.value)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("not json", "bad_json"),
        ("[1,2]", "bad_json"),
        ('{"v":1}', "bad_field"),
        ('{"type":"launch","v":1}', "unknown_type"),
        ('{"type":"ping","v":2}', "bad_version"),
        ('{"type":"ping"}', "bad_version"),
    ],
)
def test_bad_frames(raw: str, code: str) -> None:
    """Malformed frames give a coded error."""
    with pytest.raises(p.ProtocolError) as err:
        p.decode(raw)
    assert err.value.code == code


HUGE = 10**400
"""A JSON integer too large for a float: ``float(HUGE)`` raises ``OverflowError``."""
_SENSOR = p.SensorReading("wl-7", "water_level", 0.4, "m", 0.3, True, 116.36, 39.9).to_wire()


@pytest.mark.parametrize(
    ("frame", "field"),
    [
        ({"type": "ping", "v": 1, "id": "p1", "t": HUGE}, "t"),
        ({"type": "ping", "v": 1, "id": "p1", "t": -HUGE}, "t"),
        (
            p.CaseCreated(_case()).to_wire() | {"case": p.CaseCreated(_case()).to_wire()["case"] | {"lon": HUGE}},
            "case.lon",
        ),
        (_SENSOR | {"value": HUGE}, "value"),
        ({"type": "replay.control", "v": 1, "action": "speed", "speed": HUGE}, "speed"),
    ],
    ids=["ping.t", "ping.t negative", "case.lon", "alert.sensor.value", "replay.control.speed"],
)
def test_an_integer_too_big_for_a_float_is_out_of_range(frame: dict[str, object], field: str) -> None:
    """1 followed by 400 zeros in a number field is ``bad_field`` naming it (it raised OverflowError)."""
    with pytest.raises(p.ProtocolError) as err:
        p.decode(json.dumps(frame))
    assert (err.value.code, err.value.field) == ("bad_field", field)
    assert "must be between" in str(err.value)


NEW_YORK = (-73.9857, 40.7484)


def test_staff_and_sensors_may_stand_in_any_city_as_cases_do() -> None:
    """A supervisor and a sensor in an imported New York are accepted (only 115-118 E was); off the globe is not."""
    staff = p.StaffPositions((p.StaffPosition("S1", "990000001001001", *NEW_YORK),))
    sensor = p.SensorReading("wl-ny", "water_level", 0.4, "m", 0.3, True, *NEW_YORK)
    for msg in (staff, sensor):
        assert p.decode(p.encode(msg)) == msg
    for frame, field in (
        (staff.to_wire() | {"positions": [staff.positions[0].to_wire() | {"lon": 180.5}]}, "positions[0].lon"),
        (sensor.to_wire() | {"lat": -90.5}, "lat"),
    ):
        with pytest.raises(p.ProtocolError) as err:
            p.from_dict(frame)
        assert (err.value.code, err.value.field) == ("bad_field", field)


def test_a_nul_in_text_is_refused_naming_the_field() -> None:
    """U+0000, which PostgreSQL's text cannot hold, is ``bad_field`` naming the field wherever text is read."""
    case = p.CaseCreated(_case()).to_wire()
    case["case"]["description"] = "a\x00b"
    note = {"type": "action", "v": 1, "action": "note", "case_id": "XC1", "text": "\x00"}
    for frame, field in ((case, "case.description"), (note, "text")):
        raw = json.dumps(frame)
        assert "\\u0000" in raw  # as a client sends it: JSON text cannot hold a raw NUL
        with pytest.raises(p.ProtocolError) as err:
            p.decode(raw)
        assert (err.value.code, err.value.field) == ("bad_field", field)
        assert "NUL" in str(err.value)
    with pytest.raises(p.ProtocolError) as err:  # a query's params go through the same validator
        p.fields.text({"alarm_id": "x\x00"}, "alarm_id", "params")
    assert (err.value.code, err.value.field) == ("bad_field", "params.alarm_id")
    case["case"]["description"] = "a\u2400b"  # the visible symbol for NUL is ordinary text
    assert isinstance(p.decode(json.dumps(case)), p.CaseCreated)


def test_an_error_echoing_a_nul_can_be_read_by_the_client() -> None:
    """The reply to a type holding NUL echoes it as U+FFFD: the client's decoder accepts the error it gets."""
    with pytest.raises(p.ProtocolError) as err:
        p.decode('{"type":"x\\u0000","v":1}')
    assert err.value.code == "unknown_type"
    reply = p.decode(p.encode(p.error_for(err.value, "r1")), max_bytes=None)
    assert isinstance(reply, p.Error) and (reply.code, reply.id) == ("unknown_type", "r1")
    assert "x\ufffd" in reply.message and "\x00" not in reply.message


def test_oversized_frame_rejected_before_parsing() -> None:
    """A frame over the size limit is refused as too_large."""
    raw = json.dumps({"type": "ping", "v": 1, "pad": "x" * p.MAX_CLIENT_FRAME})
    with pytest.raises(p.ProtocolError) as err:
        p.decode(raw)
    assert err.value.code == "too_large"


def test_note_action_needs_text() -> None:
    """A note action without text is refused naming 'text'."""
    with pytest.raises(p.ProtocolError) as err:
        p.decode('{"type":"action","v":1,"action":"note","case_id":"XC1"}')
    assert err.value.field == "text"


def test_roles() -> None:
    """Walls only read, operators act, producers publish."""
    assert not p.may_send("wall", "case.created")
    assert not p.may_send("wall", "action")
    assert p.may_send("operator", "action") and not p.may_send("operator", "case.created")
    assert p.may_send("producer", "case.created") and p.may_send("producer", "staff.positions")
    assert not p.may_send("producer", "snapshot") and not p.may_send("nobody", "ping")
    assert p.may_send("operator", "focus") and not p.may_send("wall", "focus") and not p.may_send("producer", "focus")


def test_timestamps_are_beijing_time() -> None:
    """Times go out as ISO 8601 with the +08:00 offset."""
    wire = p.CaseCreated(_case()).to_wire()
    assert wire["case"]["reported_at"] == "2026-11-27T09:47:15+08:00"
    assert wire["v"] == p.PROTOCOL_VERSION


def test_error_reply_names_field() -> None:
    """error_for turns a ProtocolError into an error message."""
    err = p.error_for(p.ProtocolError("bad_field", "missing field 'x'", "x"), "m9")
    assert (err.code, err.field, err.id) == ("bad_field", "x", "m9")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "planet"}, "kind"),
        ({"target": "has space"}, "target"),
        ({"lon": 200}, "lon"),
        ({"zoom": 30}, "zoom"),
        ({"label": "x" * 101}, "label"),
    ],
)
def test_a_bad_focus_names_its_field(change: dict[str, object], field: str) -> None:
    """A ``focus`` with a wrong kind, id, place, zoom or label is refused naming the field."""
    frame = p.Focus("grid", "110102001004001", 116.37, 39.91).to_wire() | change
    with pytest.raises(p.ProtocolError) as err:
        p.from_dict(frame)
    assert err.value.field == field


def test_welcome_flood_rule_is_optional_and_checked() -> None:
    """An old server's welcome (no ``flood``) parses without a rule; a present rule is on the wire and checked."""
    old = p.decode(
        '{"type":"welcome","v":1,"role":"wall","store_id":"abc","head":9,"resume":"snapshot","heartbeat_s":5}'
    )
    assert isinstance(old, p.Welcome) and (old.flood_count, old.flood_window_s) == (None, None)
    frame = json.loads(p.encode(p.Welcome("wall", "abc", 9, "snapshot", flood_count=4, flood_window_s=300.0)))
    assert frame["flood"] == {"count": 4, "window_s": 300.0}
    frame["flood"]["count"] = 0
    with pytest.raises(p.ProtocolError) as err:
        p.decode(json.dumps(frame))
    assert err.value.field == "flood.count"


@pytest.mark.parametrize(
    ("event_seq", "request_id"),
    [(1, None), (None, "r1"), (2**53, "a.b:c-_9"), (None, None), (7, 'a"b\\c'), (7, "请求\u2028")],
)
def test_encode_ack_is_encode_of_an_ack(event_seq: int | None, request_id: str | None) -> None:
    """The ack written directly (one per event) is byte for byte ``encode(Ack(...))``, and decodes back."""
    frame = p.encode_ack(event_seq, request_id)
    assert frame == p.encode(p.Ack(event_seq=event_seq, id=request_id))
    assert json.loads(frame) == {
        "type": "ack",
        "v": 1,
        **({"id": request_id} if request_id else {}),
        **({"event_seq": event_seq} if event_seq is not None else {}),
    }


def test_a_type_that_is_no_string_is_named_as_such() -> None:
    """``"type": 7`` is "must be a string" (it said "missing field 'type'"); a missing type still says missing."""
    for raw, message in (('{"type":7,"v":1}', "field 'type' must be a string"), ('{"v":1}', "missing field 'type'")):
        with pytest.raises(p.ProtocolError) as err:
            p.decode(raw)
        assert (err.value.code, err.value.field, str(err.value)) == ("bad_field", "type", message)


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('{"type":"ping","v":1,"x":{"a\\ud800b":1}}', "x.a\\ud800b"),
        ('{"type":"ping","v":1,"x":[0,{"\\udfff":1}]}', "x[1].\\udfff"),
        ('{"\\ud800":1,"type":"ping","v":1}', "\\ud800"),
        ('{"type":"ping","v":1,"x":{"k\\ud800":"\\ud800"}}', "x.k\\ud800"),
    ],
)
def test_a_key_that_is_not_valid_unicode_is_named_by_its_path(raw: str, field: str) -> None:
    """A lone surrogate in a key: the field is the object's path plus the key, escaped (it was 'frame')."""
    with pytest.raises(p.ProtocolError) as err:
        p.decode(raw)
    assert (err.value.code, err.value.field) == ("bad_json", field)
    reply = p.decode(p.encode(p.error_for(err.value)), max_bytes=None)  # the reply itself is valid text
    assert isinstance(reply, p.Error) and reply.field == field


def test_a_request_is_judged_on_its_type_first_and_its_seq_is_ignored() -> None:
    """decode_request: a type the role may not send is forbidden however broken; a client's seq is dropped."""
    with pytest.raises(p.ProtocolError) as err:
        p.decode_request('{"type":"case.created","v":9,"case":{"id":"PX1"}}', "wall")
    assert (err.value.code, err.value.field) == ("forbidden", "type")
    with pytest.raises(p.ProtocolError) as err:  # an unknown type stays unknown_type, a known one is read as before
        p.decode_request('{"type":"launch","v":1}', "wall")
    assert err.value.code == "unknown_type"
    event = p.CaseCreated(_case()).to_wire() | {"seq": -5}
    assert p.decode_request(json.dumps(event), "producer").seq is None
    assert p.decode_request(json.dumps({"type": "hello", "v": 1, "token": "t", "seq": -5}), None).seq is None
    with pytest.raises(p.ProtocolError):
        p.decode(json.dumps(event))  # a server's frame keeps its seq checked
