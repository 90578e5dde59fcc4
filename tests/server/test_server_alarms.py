"""Alarms through the protocol: lifecycle, role checks, shelving that runs out, survival across a restart."""

from __future__ import annotations

from collections.abc import Callable

from server_helpers import Wire
from waiting import wait_until

from feeds.alarms import AlarmEngine, load_alarm_config, load_plans
from feeds.protocol import (
    Ack,
    AlarmAction,
    AlarmChanged,
    AlarmInfo,
    AlarmRaised,
    Error,
    Message,
    PlanAction,
    PlanClosed,
    PlanStarted,
    PlanStepDone,
    Snapshot,
    WeatherWarning,
)
from feeds.server import ServerThread
from feeds.store.alarm_state import presence_by_window

T0 = 1_796_000_000.0


class Clock:
    """The server's injected clock (no test waits on the wall clock)."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


def _start(start_server: Callable[..., ServerThread], clock: Clock, **kw: object) -> ServerThread:
    engine = AlarmEngine(load_alarm_config(), load_plans())
    return start_server(alarms=engine, alarm_scan_s=0.05, clock=clock, **kw)


def _raised(wire: Wire) -> AlarmInfo:
    msg = wire.until(lambda m: isinstance(m, AlarmRaised))[-1]
    assert isinstance(msg, AlarmRaised)
    return msg.alarm


def _is_change(action: str) -> Callable[[Message], bool]:
    return lambda m: isinstance(m, AlarmChanged) and m.action == action


def test_lifecycle_active_acknowledged_shelved_cleared_reaches_every_wall(
    start_server: Callable[..., ServerThread],
) -> None:
    """Raise → ack (signed) → shelve → shelving runs out → cleared with the warning; a plan opens, ticks, closes."""
    clock = Clock()
    server = _start(start_server, clock)
    wall, operator, producer = (
        Wire(server.url, "wall-token"),
        Wire(server.url, "op-token"),
        Wire(server.url, "prod-token"),
    )
    for wire in (wall, operator, producer):
        wire.hello()
    producer.send(WeatherWarning("w1", "rainstorm", "orange", text="暴雨橙色预警", id="p1"))
    assert isinstance(producer.reply("p1"), Ack)
    alarm = _raised(wall)
    assert (alarm.kind, alarm.priority, alarm.state, alarm.hazard) == ("weather", "high", "active", "rainstorm")
    started = wall.until(lambda m: isinstance(m, PlanStarted))[-1]
    assert isinstance(started, PlanStarted) and started.run.plan_id == "rainstorm-orange"

    operator.send(AlarmAction("ack", (alarm.id,), id="a1"))
    assert isinstance(operator.reply("a1"), Ack)
    ack = wall.until(_is_change("ack"))[-1]
    assert isinstance(ack, AlarmChanged) and ack.by == "duty officer"
    operator.send(AlarmAction("ack", (alarm.id,), id="a2"))
    again = operator.reply("a2")
    assert isinstance(again, Error) and again.code == "conflict" and "already acknowledged" in again.message

    operator.send(AlarmAction("shelve", (alarm.id,), minutes=30, reason="pumps already running", id="a3"))
    assert isinstance(operator.reply("a3"), Ack)
    shelved = wall.until(_is_change("shelve"))[-1]
    assert isinstance(shelved, AlarmChanged) and shelved.until == T0 + 1800
    clock.now = T0 + 1801
    back = wall.until(_is_change("unshelve"))[-1]
    assert isinstance(back, AlarmChanged) and back.by == "system"

    operator.send(PlanAction(started.run.id, "pumps", id="s1"))
    assert isinstance(operator.reply("s1"), Ack)
    tick = wall.until(lambda m: isinstance(m, PlanStepDone))[-1]
    assert isinstance(tick, PlanStepDone) and (tick.step_id, tick.done, tick.by) == ("pumps", True, "duty officer")

    producer.send(WeatherWarning("w1", "rainstorm", "orange", active=False, id="p2"))
    cleared = wall.until(_is_change("clear"))[-1]
    assert isinstance(cleared, AlarmChanged) and cleared.alarm_id == alarm.id
    closed = wall.until(lambda m: isinstance(m, PlanClosed))[-1]
    assert isinstance(closed, PlanClosed) and closed.run_id == started.run.id
    history = server.server.store  # the log holds every step, in order
    frames = history.events_since(0, 1000)
    kinds = [f.split('"type":"')[1].split('"')[0] for f in frames]
    assert kinds.count("alarm.changed") == 4 and kinds.count("alarm.raised") == 1
    for wire in (wall, operator, producer):
        wire.close()


def test_walls_and_producers_may_not_act_on_alarms(start_server: Callable[..., ServerThread]) -> None:
    """A wall's alarm.action and a producer's alarm.raised are 'forbidden' and store nothing."""
    clock = Clock()
    server = _start(start_server, clock)
    wall, producer = Wire(server.url, "wall-token"), Wire(server.url, "prod-token")
    wall.hello()
    producer.hello()
    head = server.server.store.head()
    wall.send(AlarmAction("ack", ("weather:w1:1",), id="w1"))
    wall.send(PlanAction("plan:x", "pumps", id="w2"))
    producer.send(AlarmRaised(AlarmInfo("fake:1", "weather", "w1", "high", T0), id="p1"))
    producer.send(AlarmAction("ack", ("weather:w1:1",), id="p2"))
    for wire, request_id in ((wall, "w1"), (wall, "w2"), (producer, "p1"), (producer, "p2")):
        reply = wire.reply(request_id)
        assert isinstance(reply, Error) and (reply.code, reply.field) == ("forbidden", "type")
    assert server.server.store.head() == head
    wall.close()
    producer.close()


def test_shelving_needs_a_reason_and_respects_the_servers_limit(start_server: Callable[..., ServerThread]) -> None:
    """No reason → bad_field reason; longer than the configured 480 min → bad_field minutes; unknown → not_found."""
    clock = Clock()
    server = _start(start_server, clock)
    operator = Wire(server.url, "op-token")
    operator.hello()
    operator.send_raw('{"type":"alarm.action","v":1,"id":"x1","action":"shelve","alarm_ids":["a:1"],"minutes":5}')
    operator.send(AlarmAction("shelve", ("a:1",), minutes=600, reason="night", id="x2"))
    operator.send(AlarmAction("ack", ("nope:1",), id="x3"))
    replies = [operator.reply(i) for i in ("x1", "x2", "x3")]
    assert [(r.code, r.field) for r in replies if isinstance(r, Error)] == [
        ("bad_field", "reason"),
        ("bad_field", "minutes"),
        ("not_found", "alarm_id"),
    ]
    operator.close()


def test_alarm_state_survives_a_restart(start_server: Callable[..., ServerThread], db_url: str) -> None:
    """An acknowledged alarm and a running plan come back in the snapshot of a restarted server."""
    clock = Clock()
    server = _start(start_server, clock)
    operator, producer = Wire(server.url, "op-token"), Wire(server.url, "prod-token")
    operator.hello()
    producer.hello()
    producer.send(WeatherWarning("w9", "rainstorm", "orange", id="p1"))
    alarm = _raised(operator)
    operator.send(AlarmAction("ack", (alarm.id,), id="a1"))
    assert isinstance(operator.reply("a1"), Ack)
    operator.close()
    producer.close()
    server.stop()
    again = _start(start_server, clock)
    wall = Wire(again.url, "wall-token")
    snap = next(m for m in wall.hello() if isinstance(m, Snapshot))
    assert [(a.id, a.state, a.acked_by) for a in snap.alarms] == [(alarm.id, "acknowledged", "duty officer")]
    assert [p.plan_id for p in snap.plans] == ["rainstorm-orange"]
    wall.close()


def test_the_server_notes_which_operators_are_connected(start_server: Callable[..., ServerThread]) -> None:
    """While an operator is connected the alarm task records it for the window; walls are not operators."""
    clock = Clock()
    server = _start(start_server, clock)
    wall, operator = Wire(server.url, "wall-token"), Wire(server.url, "op-token")
    wall.hello()
    operator.hello()
    window = int(T0) // 600 * 600

    def noted() -> dict[int, set[str]]:
        with server.server.store.engine.connect() as conn:
            return presence_by_window(conn, window, window + 1200)

    assert wait_until(lambda: noted() == {window: {"duty officer"}})
    clock.now = T0 + 600  # the next window: noted again
    assert wait_until(lambda: noted() == {window: {"duty officer"}, window + 600: {"duty officer"}})
    wall.close()
    operator.close()


def test_an_early_warning_anomaly_reaches_every_wall_and_clears(start_server: Callable[..., ServerThread]) -> None:
    """The server's engine asks its anomaly source; the alarm reaches a wall's live state, named; it clears."""
    from feeds.live import LiveState
    from feeds.live.names import load_names

    clock = Clock()
    rows: list[dict[str, object]] = []
    config = load_alarm_config()
    engine = AlarmEngine(config, anomalies=lambda store, now, cfg: list(rows))
    server = start_server(alarms=engine, alarm_scan_s=0.05, clock=clock)
    wall = Wire(server.url, "wall-token")
    wall.hello()
    rows.append({"unit": {"code": "110102001"}, "subclass": {"code": "0105"}, "observed": 9, "baseline": 0.6,
                 "p_value": 1e-7})  # fmt: skip
    clock.now = T0 + config.anomaly_every_s  # the next evaluation finds it
    alarm = _raised(wall)
    assert (alarm.kind, alarm.source, alarm.level) == ("anomaly", "110102001.0105", "elevated")
    state = LiveState(load_names())
    state.apply([Snapshot(1, "s", ()), AlarmRaised(alarm, seq=2)], now=T0)
    (row,) = state.alarms().rows
    assert row.kind == "anomaly" and "·" in row.subject.zh and row.subject.zh != row.subject.en
    rows.clear()
    clock.now = T0 + 2 * config.anomaly_every_s
    cleared = wall.until(_is_change("clear"))[-1]
    assert isinstance(cleared, AlarmChanged) and cleared.alarm_id == alarm.id
    wall.close()


def test_an_operator_unshelves_explicitly_signed_logged_and_back_on_the_wall(
    start_server: Callable[..., ServerThread],
) -> None:
    """Shelved for 2 h, unshelved by the operator at once: signed alarm.changed, back to acknowledged, in the log;
    a wall may not unshelve (forbidden); unshelving an alarm that is not shelved is a conflict."""
    from feeds.alarms.queries import alarm_queries
    from feeds.live import LiveState, TableNames
    from feeds.protocol import Query, Result

    clock = Clock()
    server = _start(start_server, clock, queries=alarm_queries(load_alarm_config()))
    wall, operator, producer = (Wire(server.url, t) for t in ("wall-token", "op-token", "prod-token"))
    state = LiveState(TableNames())
    state.apply(wall.hello(), now=T0)
    operator.hello()
    producer.hello()
    producer.send(WeatherWarning("w5", "rainstorm", "orange", text="暴雨橙色预警", id="p1"))
    alarm = _raised(wall)
    operator.send(AlarmAction("ack", (alarm.id,), id="a1"))
    assert isinstance(operator.reply("a1"), Ack)
    operator.send(AlarmAction("shelve", (alarm.id,), minutes=120, reason="pumps running", id="a2"))
    assert isinstance(operator.reply("a2"), Ack)
    wall.until(_is_change("shelve"))
    state.apply(wall.events(), now=T0)
    assert state.alarms().shelved == 1 and state.alarms().rows == ()

    clock.now = T0 + 60  # long before the shelving runs out
    wall.send(AlarmAction("unshelve", (alarm.id,), id="w1"))
    refused = wall.reply("w1")
    assert isinstance(refused, Error) and (refused.code, refused.field) == ("forbidden", "type")
    operator.send(AlarmAction("unshelve", (alarm.id,), id="a3"))
    assert isinstance(operator.reply("a3"), Ack)
    back = wall.until(_is_change("unshelve"))[-1]
    assert isinstance(back, AlarmChanged) and (back.by, back.ts) == ("duty officer", T0 + 60)
    state.apply(wall.events(), now=T0 + 60)
    view = state.alarms()
    assert view.shelved == 0 and [(r.alarm_id, r.state, r.acked_by) for r in view.rows] == [
        (alarm.id, "acknowledged", "duty officer")
    ]
    operator.send(AlarmAction("unshelve", (alarm.id,), id="a4"))
    again = operator.reply("a4")
    assert isinstance(again, Error) and again.code == "conflict" and "not shelved" in again.message

    operator.send(Query("alarms", {"alarm_id": alarm.id}, id="q1"))
    answer = operator.reply("q1")
    assert isinstance(answer, Result) and isinstance(answer.data, dict)
    stored = AlarmInfo.from_wire(answer.data["alarm"])
    assert (stored.state, stored.shelved_until, stored.shelved_by, stored.acked_by) == (
        "acknowledged", None, "", "duty officer"
    )  # fmt: skip
    steps = [(h["action"], h["by"]) for h in answer.data["history"]]
    assert steps == [("raise", None), ("ack", "duty officer"), ("shelve", "duty officer"), ("unshelve", "duty officer")]
    late_wall = Wire(server.url, "wall-token")  # a wall connecting now gets it in its snapshot, not shelved
    snap = next(m for m in late_wall.hello() if isinstance(m, Snapshot))
    assert [(a.id, a.state) for a in snap.alarms] == [(alarm.id, "acknowledged")]
    for wire in (wall, operator, producer, late_wall):
        wire.close()
