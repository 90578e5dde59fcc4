"""An automatic urge (催办) on the drill-down's workflow timeline: when, by whom and which department was urged."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pytestqt.qtbot import QtBot

from feeds.alarms import AlarmEngine, load_alarm_config, load_plans
from feeds.alarms.engine import AUTO_ACTOR
from feeds.analytics import QueryService
from feeds.live import load_names
from feeds.protocol import BEIJING, CaseCreated, CaseInfo, CaseStageChanged
from feeds.protocol.answers import CaseDetailAnswer
from feeds.store import open_store
from widgets.drilldown.case_detail import CaseDetailView
from widgets.theme import Scale

REPORTED = datetime(2026, 7, 20, 9, 0, tzinfo=BEIJING).timestamp()  # the server's clock, injected
GRID = "110102001004001"


def test_the_engines_auto_urge_shows_on_the_case_timeline_with_time_and_department(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Dispatched to D05 with a deadline at 11:00; the engine's scan at 12:01 urges it: the timeline lists
    "12:01 · Urged · 系统自动催办 … 向区城市管理委员会催办 · auto-urged District city management commission …"."""
    store = open_store(str(tmp_path / "urge.db"))
    try:
        deadline = REPORTED + 2 * 3600
        info = CaseInfo("XC20260720-000001", "event", "1201", "patrol", GRID, 116.368, 39.92, "reported", REPORTED,
                        "D05")  # fmt: skip
        store.append(
            [
                CaseCreated(info, ts=REPORTED),
                CaseStageChanged(info.id, "filed", ts=REPORTED + 300),
                CaseStageChanged(info.id, "dispatched", deadline=deadline, department="D05", ts=REPORTED + 600),
            ]
        )
        engine = AlarmEngine(load_alarm_config(), load_plans())
        urge_at = deadline + engine.config.urge_delay_s + 60  # 12:01, the scan after the urge delay
        for group in engine.scan(store, urge_at):
            store.append(group)
        found = store.case(info.id)
        assert found is not None and [h["actor"] for h in found[1] if h["action"] == "urge"] == [AUTO_ACTOR]

        service = QueryService(store.engine, cache_path=None, clock=lambda: urge_at + 300)
        detail = CaseDetailView(load_names(), Scale(1080))
        qtbot.addWidget(detail)
        detail.set_language("en")
        detail.resize(944, 640)
        detail.show()
        detail.show_case(CaseDetailAnswer.from_wire(service.handle("case", {"id": info.id})))
        timeline = detail.timeline
        (urge,) = [e for e in timeline.entries if e.kind == "urge"]
        assert urge.step.at == urge_at and urge.step.actor == AUTO_ACTOR
        at, name, text = timeline.row_texts()[0]  # newest first
        assert (at, name) == ("12:01", "Urged") and text.startswith(AUTO_ACTOR)
        assert "向区城市管理委员会催办" in text and "auto-urged District city management commission, 61 min" in text
        assert timeline.note_label.text() == "Urged ×1"
        detail.grab()  # paints the rows it lists
    finally:
        store.close()
