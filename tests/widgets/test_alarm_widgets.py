"""Alarm panel, plan checklist and alarm desk fed with plain data: priority colours, flood band, clicks, requests."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from feeds.live import AlarmRow, AlarmView, FloodLine, Label, PlanStepView, PlanView, TableNames
from feeds.protocol import AlarmAction, PlanAction
from widgets.alarm_desk import AlarmDesk
from widgets.alarm_panel import PRIORITY_COLOURS, AlarmPanel, flood_text
from widgets.plan_checklist import PlanChecklist
from widgets.theme import Scale, colour

NOW = 1_796_000_000.0
SCALE = Scale(1080)


def _row(n: int, priority: str, state: str = "active", kind: str = "sensor") -> AlarmRow:
    return AlarmRow(
        f"{kind}:s{n}:1", kind, priority, state, "water_level", "", Label(f"积水点{n}", f"Point {n}"), "", f"s{n}",
        NOW - 60 * n, acked_by="duty officer" if state == "acknowledged" else "",
    )  # fmt: skip


def _grab(w: AlarmPanel) -> QImage:
    return w.canvas.grab().toImage()


def _has_colour(img: QImage, hex_colour: str, near: int = 40) -> bool:
    """Whether some pixel is close to ``hex_colour`` (tinted rows blend it with the panel)."""
    want = colour(hex_colour)
    for y in range(0, img.height(), 2):
        for x in range(0, min(img.width(), 60), 2):
            c = img.pixelColor(x, y)
            if abs(c.red() - want.red()) + abs(c.green() - want.green()) + abs(c.blue() - want.blue()) < near:
                return True
    return False


def test_unacknowledged_rows_stand_out_in_their_priority_colour(qtbot: QtBot) -> None:
    """A high alarm paints a red bar; only acknowledged alarms: no solid bar; the note counts all three states."""
    panel = AlarmPanel(SCALE)
    qtbot.addWidget(panel)
    panel.resize(480, 300)
    panel.show()
    panel.set_freshness("live")
    view = AlarmView(rows=(_row(1, "high"), _row(2, "low", "acknowledged")), unacked=(1, 0, 0), acked=1, shelved=2)
    panel.update_alarms(view, NOW)
    assert _has_colour(_grab(panel), PRIORITY_COLOURS["high"])
    assert panel.note_text() == "1 unacknowledged · 1 acknowledged · 2 shelved"
    panel.update_alarms(AlarmView(rows=(_row(2, "high", "acknowledged"),), acked=1), NOW)
    assert not _has_colour(_grab(panel), PRIORITY_COLOURS["high"], near=12)  # a calm dot, no bright bar


def test_a_flood_is_one_band_with_its_count_and_clicks_reach_cases(qtbot: QtBot) -> None:
    """The flood band says how many; a click on a case alarm's row gives its kind and case id."""
    panel = AlarmPanel(SCALE)
    qtbot.addWidget(panel)
    panel.resize(480, 300)
    panel.show()
    panel.set_freshness("live")
    flood = FloodLine(23, 3, 8, 12, NOW - 300, ("a",) * 23)
    view = AlarmView(rows=(_row(1, "medium", kind="overdue"),), flood=flood, unacked=(3, 9, 12), recent=23)
    panel.update_alarms(view, NOW)
    assert flood_text(flood, 10) == "Alarm flood · 23 new in 10 min · High 3 · Med 8 · Low 12"
    with qtbot.waitSignal(panel.sigAlarmClicked) as band:
        qtbot.mouseClick(panel.canvas, Qt.MouseButton.LeftButton, pos=QPoint(20, 5))
    assert band.args == ["flood", ""]
    y = round(panel.row_h() * 1.3 + panel.row_h() / 2)
    with qtbot.waitSignal(panel.sigAlarmClicked) as case:
        qtbot.mouseClick(panel.canvas, Qt.MouseButton.LeftButton, pos=QPoint(20, y))
    assert case.args == ["overdue", "s1"]


def _plan() -> PlanView:
    steps = (
        PlanStepView(
            "watch", Label("盯守积水点", "Watch"), Label("区水务局", "Water authority"), True, "duty officer", NOW
        ),
        PlanStepView("pumps", Label("泵站待命", "Pumps"), Label("排水集团", "Drainage group"), False, "", None),
    )
    return PlanView("plan:w1:orange:1", "rainstorm-orange", Label("暴雨橙色", "Rainstorm orange"), "rainstorm",
                    "orange", NOW, ("waterlogging",), steps)  # fmt: skip


def test_plan_checklist_ticks_through_a_signal(qtbot: QtBot) -> None:
    """Clicking an open step asks to tick it; the note counts the steps done."""
    panel = PlanChecklist(SCALE)
    qtbot.addWidget(panel)
    panel.resize(520, panel.preferred_height())
    panel.show()
    panel.set_freshness("live")
    panel.update_plans([_plan()])
    assert panel.note_label.text().endswith("1/2 done")
    y = round(panel.row_h() * 1.3 + panel.row_h() * 1.5)
    with qtbot.waitSignal(panel.sigStepToggled) as tick:
        qtbot.mouseClick(panel.canvas, Qt.MouseButton.LeftButton, pos=QPoint(30, y))
    assert tick.args == ["plan:w1:orange:1", "pumps", True]


def test_alarm_desk_asks_filters_acknowledges_and_shelves_with_a_reason(qtbot: QtBot) -> None:
    """The desk queries with its filters, acknowledges the selection, refuses shelving without a reason."""
    desk = AlarmDesk(TableNames(), SCALE)
    qtbot.addWidget(desk)
    with qtbot.waitSignal(desk.sigRequest) as asked:
        desk.refresh()
    rid, name, params = asked.args
    assert (name, params) == ("alarms", {"state": "open"})
    alarm = {"id": "crowd:xidan:1", "kind": "crowd", "source": "xidan", "priority": "high", "state": "active",
             "raised_at": "2026-11-30T08:53:20+08:00", "level": "critical"}  # fmt: skip
    desk.show_result(rid, {"alarms": [alarm]})
    assert desk.table.rowCount() == 1 and desk.table.item(0, 0).text() == "High"
    desk.table.selectRow(0)
    with qtbot.waitSignal(desk.sigSend) as sent:
        desk.ack_button.click()
    assert sent.args[1] == AlarmAction("ack", ("crowd:xidan:1",))
    desk.reason.setText("")
    with qtbot.assertNotEmitted(desk.sigSend):
        desk.shelve_button.click()
    assert "reason" in desk.status.text()
    desk.reason.setText("演练")
    with qtbot.waitSignal(desk.sigSend) as shelved:
        desk.shelve_button.click()
    assert shelved.args[1] == AlarmAction("shelve", ("crowd:xidan:1",), 60, "演练")
    desk.update_plans([_plan()])
    assert desk.checklist.isVisibleTo(desk)
    with qtbot.waitSignal(desk.sigSend) as ticked:
        desk.checklist.sigStepToggled.emit("plan:w1:orange:1", "pumps", True)
    assert ticked.args[1] == PlanAction("plan:w1:orange:1", "pumps", True)


def test_alarm_panel_greys_with_stale_data_and_says_as_of(qtbot: QtBot) -> None:
    """Stale data: the alarm rows stay, greyed, and the note says when they were true ("as of HH:MM")."""
    from widgets.panel import clock

    panel = AlarmPanel(SCALE)
    qtbot.addWidget(panel)
    panel.resize(480, 300)
    panel.show()
    panel.update_alarms(AlarmView(rows=(_row(1, "high"),), unacked=(1, 0, 0)), NOW)
    assert not panel.is_dimmed() and panel.note_text() == "1 unacknowledged"
    panel.set_freshness("stale", NOW - 120)
    assert panel.is_dimmed() and panel.note_label.text() == f"as of {clock(NOW - 120)}"
    assert panel.rows_shown() and panel.title_label.graphicsEffect() is None
    panel.set_freshness("live")
    assert not panel.is_dimmed() and panel.note_label.text() == "1 unacknowledged"


def test_flood_band_counts_every_raise_in_the_window_and_says_how_many_wait(qtbot: QtBot) -> None:
    """12 raised in 10 min, 4 of them acknowledged: "12 new", "8 unacknowledged", priorities of those 8."""
    flood = FloodLine(8, 4, 2, 2, NOW - 300, ("a",) * 8, raised=12)
    assert flood_text(flood, 10) == "Alarm flood · 12 new in 10 min · 8 unacknowledged · High 4 · Med 2 · Low 2"


def test_alarm_desk_history_of_seven_days_filtered_by_kind_and_priority_with_an_alarms_steps(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Filters 7 days · sensor · high list the cleared alarms of the week (dated), 24 h only today's;
    selecting one shows its steps with date, time, who and note — answered by the server's ``alarms`` query."""
    from datetime import datetime

    from feeds.alarms.queries import query_alarms
    from feeds.protocol import BEIJING, AlarmChanged, AlarmInfo, AlarmRaised
    from feeds.store import open_store

    store = open_store(str(tmp_path / "desk.db"))
    now = float(int(time.time()))  # the query's period ends at the server's now; seconds as stored

    def alarm(n: int, kind: str, priority: str, age_s: float, *changes: tuple[str, str, float, str]) -> AlarmInfo:
        info = AlarmInfo(f"{kind}:s{n}:{int(now - age_s)}", kind, f"s{n}", priority, now - age_s, text=f"积水点{n}")
        store.append_events([AlarmRaised(info, ts=info.raised_at)])
        for action, by, after_s, note in changes:
            store.append_events([AlarmChanged(info.id, action, by, reason=note, ts=info.raised_at + after_s)])
        return info

    today = alarm(1, "sensor", "high", 7200, ("ack", "值班员", 90, ""), ("clear", "system", 3600, "condition cleared"))
    earlier = alarm(2, "sensor", "high", 3 * 86400, ("clear", "system", 600, "condition cleared"))
    alarm(3, "crowd", "high", 3600)  # another kind
    alarm(4, "sensor", "low", 1800)  # another priority
    alarm(5, "sensor", "high", 10 * 86400, ("clear", "system", 600, "condition cleared"))  # before the week
    asked: list[dict[str, object]] = []
    desk = AlarmDesk(TableNames(), SCALE)
    qtbot.addWidget(desk)

    def answer(rid: int, name: str, params: dict[str, object]) -> None:  # the server's query, synchronously
        assert name == "alarms"
        asked.append(params)
        desk.show_result(rid, query_alarms(store, dict(params)))

    desk.sigRequest.connect(answer)
    try:
        for box, data in ((desk.state_box, "7d"), (desk.kind_box, "sensor"), (desk.priority_box, "high")):
            box.setCurrentIndex(box.findData(data))
        assert asked[-1] == {"state": "all", "hours": 168, "kind": "sensor", "priority": "high"}
        rows = [[desk.table.item(r, c).text() for c in range(5)] for r in range(desk.table.rowCount())]
        day = datetime.fromtimestamp(today.raised_at, BEIJING)
        three = datetime.fromtimestamp(earlier.raised_at, BEIJING)
        assert [(r[0], r[1], r[3], r[4]) for r in rows] == [
            ("High", "Cleared", day.strftime("%m-%d %H:%M"), "duty officer"),
            ("High", "Cleared", three.strftime("%m-%d %H:%M"), ""),
        ]
        desk.state_box.setCurrentIndex(desk.state_box.findData("24h"))
        assert asked[-1] == {"state": "all", "hours": 24, "kind": "sensor", "priority": "high"}
        assert [a.id for a in desk.alarms] == [today.id] and desk.table.rowCount() == 1

        desk.table.selectRow(0)
        assert asked[-1] == {"alarm_id": today.id}
        steps = [[desk.history.item(r, c).text() for c in range(4)] for r in range(desk.history.rowCount())]
        stamp = [datetime.fromtimestamp(today.raised_at + s, BEIJING).strftime("%m-%d %H:%M:%S") for s in (0, 90, 3600)]
        assert steps == [
            [stamp[0], "Raised", "", ""],
            [stamp[1], "Acknowledged", "duty officer", ""],
            [stamp[2], "Cleared", "system", "condition cleared"],
        ]
    finally:
        store.close()


def test_the_seeded_duty_officer_is_named_in_the_views_language(qapp: object) -> None:
    """Seeded acknowledgements are stored as 值班员: the English view says "duty officer", the Chinese 值班员;
    a real operator's name stays as given."""
    from PySide6.QtCore import QCoreApplication, QTranslator

    from feeds.protocol.vocab import SEEDED_OPERATOR
    from widgets.alarm_panel import operator_name

    assert operator_name(SEEDED_OPERATOR) == "duty officer" and operator_name("张三") == "张三"
    translator = QTranslator()
    assert translator.load(str(Path(__file__).parents[2] / "resources" / "i18n" / "gridwall_zh_CN.qm"))
    QCoreApplication.installTranslator(translator)
    try:
        assert operator_name(SEEDED_OPERATOR) == "值班员" and operator_name("duty leader") == "duty leader"
    finally:
        QCoreApplication.removeTranslator(translator)
