"""Seeded escalations: what the engine would have done before the cut is history, so a fresh start is calm."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alarm_helpers import fresh_store, scan
from sqlalchemy import select

from feeds.alarms import AlarmEngine, load_alarm_config
from feeds.alarms.engine import AUTO_ACTOR
from feeds.alarms.history import SEEDED_OPERATOR, past_escalations
from feeds.protocol import AlarmRaised, CaseCreated, CaseInfo, CaseUrged
from feeds.store import Store
from feeds.store.alarm_state import open_alarms
from feeds.store.schema import alarm_log

END = 1_796_000_000.0  # the cut of the seeded history (an injected time)
GRID = "110102001004001"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh store with the reference data."""
    yield from fresh_store(tmp_path, "seeded.db")


def _case(case_id: str, deadline: float, stage: str = "handling") -> CaseInfo:
    return CaseInfo(case_id, "event", "1201", "patrol", GRID, 116.368, 39.92, stage, END - 86400, "D05",
                    deadline=deadline)  # fmt: skip


def test_seeded_backlog_is_history_and_the_first_scan_raises_nothing(store: Store) -> None:
    """Late cases were urged and acknowledged in the past; only what falls due after the cut is new."""
    config = load_alarm_config()
    late, soon, just, old = END - 3 * 3600, END + 600, END - 1200, END - 30 * 3600
    store.append(
        [
            CaseCreated(_case("LATE", late), ts=END - 86400),
            CaseCreated(_case("SOON", soon), ts=END - 86400),
            CaseCreated(_case("JUST", just), ts=END - 86400),
            CaseCreated(_case("OLD", old), ts=END - 86400),  # the standing backlog: never escalated
            CaseCreated(_case("DONE", late, stage="closed"), ts=END - 86400),
        ]
    )
    assert past_escalations(store, config, END) == (4, 1)  # due_soon LATE, SOON, JUST; overdue LATE (urged)
    assert past_escalations(store, config, END) == (0, 0)  # a second run adds nothing
    with store.engine.connect() as conn:
        held = {(a.kind, a.source): a for a in open_alarms(conn)}
        log = conn.execute(select(alarm_log.c.alarm_id, alarm_log.c.action, alarm_log.c.actor, alarm_log.c.at)).all()
    assert set(held) == {("due_soon", "SOON"), ("overdue", "LATE")}  # the others cleared when their deadline passed
    assert all(a.state == "acknowledged" and a.acked_by == SEEDED_OPERATOR for a in held.values())
    assert held[("overdue", "LATE")].raised_at == late + config.urge_delay_s
    assert {(i.split(":")[1], a) for i, a, _, _ in log if a == "clear"} == {("LATE", "clear"), ("JUST", "clear")}
    assert all(at <= END for *_, at in log)
    found = store.case("LATE")
    assert found is not None and found[0].urges == 1
    assert [(h["actor"], h["at"]) for h in found[1] if h["action"] == "urge"] == [
        (AUTO_ACTOR, late + config.urge_delay_s)
    ]

    engine = AlarmEngine(config)
    first = scan(engine, store, END + 2)
    assert not [m for m in first if isinstance(m, (AlarmRaised, CaseUrged))]  # no flood of "new" alarms
    later = scan(engine, store, just + config.urge_delay_s + 1)  # JUST's urge falls after the cut: it is new
    assert [(type(m).__name__, getattr(m, "case_id", "")) for m in later if isinstance(m, CaseUrged)] == [
        ("CaseUrged", "JUST")
    ]
