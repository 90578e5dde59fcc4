"""gridwall tail prints alarm and plan events as one readable line each."""

from __future__ import annotations

from feeds.protocol import AlarmChanged, AlarmInfo, AlarmRaised, PlanClosed
from feeds.tail import Names, format_message

T0 = 1_796_000_000.0


def test_alarm_and_plan_lines() -> None:
    """Priority, kind and level of a raise; who acknowledged; why a plan closed (control characters escaped)."""
    raised = AlarmRaised(AlarmInfo("sensor:WL01:1", "sensor", "WL01", "high", T0, level="water_level"), seq=5, ts=T0)
    line = format_message(raised, Names())
    assert line is not None and "#5" in line and "HIGH sensor water_level" in line
    acked = format_message(AlarmChanged("sensor:WL01:1", "ack", "duty\x1bofficer", seq=6, ts=T0), Names())
    assert acked is not None and acked.endswith("ack by duty\\x1bofficer")
    closed = format_message(PlanClosed("plan:w1", "warning lifted", seq=7, ts=T0), Names())
    assert closed is not None and closed.endswith("plan closed: warning lifted")
