"""A linkage plan end to end: warning in → plan on the wall → steps ticked by an operator → closed → briefing record."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from waiting import wait_until

from feeds.alarms import AlarmEngine, load_alarm_config, load_plans
from feeds.briefing import plan_runs
from feeds.client import ClientThread
from feeds.live import LiveState, TableNames
from feeds.protocol import BEIJING, PlanAction, WeatherWarning
from feeds.server import ServerConfig, ServerThread, TokenBook
from widgets.plan_checklist import PlanChecklist
from widgets.theme import Scale

T0 = datetime(2026, 7, 20, 15, 0, tzinfo=BEIJING).timestamp()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerThread]:
    """A server with the alarm engine and the shipped plans, on an injected clock."""
    book = TokenBook()
    book.add("wall-t", "wall", "lobby wall")
    book.add("op-t", "operator", "duty officer")
    book.add("prod-t", "producer", "weather feed")
    engine = AlarmEngine(load_alarm_config(), load_plans())
    config = ServerConfig(
        port=0, store_url=str(tmp_path / "plan.db"), tokens=book, alarms=engine, alarm_scan_s=0.05,
        clock=lambda: T0, heartbeat_s=0.5,
    )  # fmt: skip
    with ServerThread(config) as running:
        yield running


def _client(server: ServerThread, token: str) -> ClientThread:
    client = ClientThread(server.url, token, client_name="test").start()
    assert wait_until(lambda: client.status.state == "live")
    return client


def test_rainstorm_orange_plan_on_the_wall_ticked_and_closed(server: ServerThread, qtbot: QtBot) -> None:
    """The wall's checklist shows the orange plan with its departments; a tick shows who; lifting closes it."""
    wall, operator, producer = (_client(server, t) for t in ("wall-t", "op-t", "prod-t"))
    state = LiveState(TableNames())
    panel = PlanChecklist(Scale(1080))
    qtbot.addWidget(panel)

    def follow() -> None:
        ch = state.apply(wall.drain(), now=T0)
        if ch.plans or ch.reset:
            panel.update_plans(state.plans())

    try:
        producer.publish(WeatherWarning("w-orange", "rainstorm", "orange", text="暴雨橙色预警"))
        assert wait_until(lambda: (follow(), bool(state.plans()))[1])
        plan = state.plans()[0]
        assert plan.plan_id == "rainstorm-orange" and plan.layers == ("waterlogging", "rain_gauge", "overdue")
        assert [s.department.zh for s in plan.steps][:3] == ["D09", "D15", "D07"]  # TableNames: codes as names
        assert panel.plans[0].run_id == plan.run_id and panel.note_label.text().endswith("0/6 done")

        for step in ("watch", "pumps"):
            operator.publish(PlanAction(plan.run_id, step))
        assert wait_until(lambda: (follow(), state.plans()[0].done == 2)[1])
        ticked = state.plans()[0].steps[1]
        assert (ticked.step_id, ticked.by) == ("pumps", "duty officer") and panel.note_label.text().endswith("2/6 done")

        producer.publish(WeatherWarning("w-orange", "rainstorm", "orange", active=False))
        assert wait_until(lambda: (follow(), state.plans() == [])[1])
        assert panel.plans == ()
    finally:
        for client in (wall, operator, producer):
            client.stop()
    (run,) = plan_runs(server.server.store.engine, int(T0) - 3600, int(T0) + 3600)
    assert run.closed_at is not None and run.close_reason == "warning lifted"
    assert [s.id for s in run.steps if s.done] == ["watch", "pumps"]


def test_briefing_lists_the_plan(server: ServerThread) -> None:
    """The day's briefing HTML names the plan and its ticked steps."""
    from desktop.briefing import plan_parts

    producer = _client(server, "prod-t")
    try:
        producer.publish(WeatherWarning("w-o2", "rainstorm", "orange"))
        assert wait_until(lambda: plan_runs(server.server.store.engine, int(T0) - 60, int(T0) + 60) != ())
    finally:
        producer.stop()
    runs = plan_runs(server.server.store.engine, int(T0) - 60, int(T0) + 60)
    html = "\n".join(plan_parts(runs, "zh"))
    assert "暴雨橙色预警联动预案" in html and "已完成 0/6 项" in html and "D15" in html
