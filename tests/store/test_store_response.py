"""The 全响应 platform in the store: 接-派-办-评, evaluation, re-opening, answered on the line, migration."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from store_helpers import make_case

from feeds.protocol import (
    CaseClosed,
    CaseCreated,
    CaseEvaluated,
    CaseInfo,
    CaseStageChanged,
    ProtocolError,
    decode,
    encode,
)
from feeds.store import Store, open_store
from feeds.store.schema import SCHEMA_VERSION, case_history, cases

T0 = 1_780_000_000.0
HEATING = "210103"  # 室温不达标·投诉, dispatched to the heating group (D14)


def _request(case_id: str, **kw: Any) -> CaseInfo:
    fields: dict[str, Any] = {
        "subclass": HEATING,
        "platform": "response",
        "source": "hotline_12345",
        "department": "D14",
        "reported_at": T0,
    }
    fields.update(kw)
    return make_case(case_id, **fields)


def _row(store: Store, case_id: str) -> dict[str, Any]:
    with store.engine.connect() as conn:
        return dict(conn.execute(select(cases).where(cases.c.id == case_id)).mappings().one())


def test_receive_dispatch_handle_evaluate_with_a_reopening(store: Store) -> None:
    """接-派-办-评: an unresolved return visit re-opens the request; the second visit closes it satisfied."""
    steps = [
        CaseCreated(_request("Q1"), ts=T0),
        CaseStageChanged("Q1", "filed", ts=T0 + 60),
        CaseStageChanged("Q1", "dispatched", response_deadline=T0 + 7200, deadline=T0 + 86_400, ts=T0 + 600),
        CaseStageChanged("Q1", "handling", ts=T0 + 3600),
        CaseStageChanged("Q1", "closure_requested", ts=T0 + 20_000),
        CaseStageChanged("Q1", "verifying", ts=T0 + 30_000),
        CaseEvaluated("Q1", resolved=False, satisfaction="unsatisfied", ts=T0 + 40_000),
        CaseStageChanged("Q1", "handling", rework=True, ts=T0 + 41_000),
        CaseStageChanged("Q1", "closure_requested", ts=T0 + 50_000),
        CaseStageChanged("Q1", "verifying", ts=T0 + 60_000),
        CaseEvaluated("Q1", resolved=True, satisfaction="satisfied", by="回访员", ts=T0 + 70_000),
        CaseClosed("Q1", ts=T0 + 71_000),
    ]
    for msg in steps:
        store.append_events([msg])
    row = _row(store, "Q1")
    assert row["platform"] == "response"
    assert (row["response_deadline_at"], row["responded_at"]) == (T0 + 7200, T0 + 3600)
    assert (row["resolved"], row["satisfaction"], row["evaluated_at"]) == (True, "satisfied", T0 + 70_000)
    assert (row["reworks"], row["stage"]) == (1, "closed")
    with store.engine.connect() as conn:
        notes = conn.execute(
            select(case_history.c.note).where(case_history.c.case_id == "Q1", case_history.c.action == "evaluated")
        ).scalars()
        assert list(notes) == ["unresolved:unsatisfied", "resolved:satisfied"]
    shown = {c.id: c for c in store.snapshot(now=T0 + 72_000).cases}["Q1"]
    assert (shown.platform, shown.resolved, shown.satisfaction) == ("response", True, "satisfied")
    assert shown.response_deadline == T0 + 7200


def test_an_enquiry_answered_on_the_line_is_closed_without_dispatch(store: Store) -> None:
    """A call answered at once: accepted and closed, never dispatched nor responded to by a department."""
    store.append_events([CaseCreated(_request("Q2", subclass="210101"), ts=T0), CaseClosed("Q2", ts=T0 + 300)])
    row = _row(store, "Q2")
    assert row["stage"] == "closed" and row["filed_at"] == T0 + 300
    assert row["dispatched_at"] is None and row["responded_at"] is None


def test_city_cases_stay_city_and_platforms_keep_their_types(store: Store) -> None:
    """A case without a platform is city management; types and evaluations do not cross platforms."""
    store.append_events([CaseCreated(make_case("C1"), ts=T0)])
    assert _row(store, "C1")["platform"] == "city"
    with pytest.raises(ProtocolError, match="does not belong to platform"):
        store.append_events([CaseCreated(_request("Q3", subclass="1201"), ts=T0)])
    with pytest.raises(ProtocolError, match="does not belong to platform"):
        store.append_events([CaseCreated(make_case("C2", subclass=HEATING), ts=T0)])
    with pytest.raises(ProtocolError, match="not a 全响应 request"):
        store.append_events([CaseEvaluated("C1", resolved=True, satisfaction="satisfied")])
    store.append_events([CaseCreated(_request("Q4"), ts=T0)])
    with pytest.raises(ProtocolError, match="after the department's reply"):
        store.append_events([CaseEvaluated("Q4", resolved=True, satisfaction="satisfied")])


def test_wire_form_is_backward_compatible() -> None:
    """No ``platform`` on the wire means city management; the 全响应 fields round-trip."""
    city = encode(CaseCreated(make_case("C9", reported_at=T0)))
    assert '"platform"' not in city
    assert decode(city).case.platform == "city"  # type: ignore[attr-defined]
    request = decode(encode(CaseCreated(_request("Q9", response_deadline=T0 + 7200, resolved=False))))
    assert request.case.platform == "response" and request.case.response_deadline == T0 + 7200  # type: ignore[attr-defined]
    evaluated = decode(encode(CaseEvaluated("Q9", resolved=True, satisfaction="basically_satisfied")))
    assert isinstance(evaluated, CaseEvaluated) and evaluated.satisfaction == "basically_satisfied"
    with pytest.raises(ProtocolError, match="satisfaction"):
        decode('{"type": "case.evaluated", "v": 1, "case_id": "Q9", "resolved": true, "satisfaction": "meh"}')
    with pytest.raises(ProtocolError, match="platform"):
        decode(city.replace('"stage"', '"platform": "mars", "stage"'))


def test_a_schema_4_store_migrates_and_its_cases_become_city_management(tmp_path: Path) -> None:
    """A store written before the second platform: columns added in place, old cases are city cases."""
    path = tmp_path / "old.db"
    opened = open_store(str(path))
    opened.append_events([CaseCreated(make_case("OLD1", reported_at=T0), ts=T0)])
    opened.close()
    with sqlite3.connect(path) as conn:  # take the store back to schema 4 (before the 全响应 columns)
        for column in ("platform", "response_deadline_at", "responded_at", "evaluated_at", "resolved", "satisfaction"):
            conn.execute(f"ALTER TABLE cases DROP COLUMN {column}")
        conn.execute("DELETE FROM case_subclasses WHERE length(code) = 6")
        conn.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    store = open_store(str(path))
    try:
        assert _row(store, "OLD1")["platform"] == "city"
        store.append_events([CaseCreated(_request("NEW1"), ts=T0)])  # the 全响应 types were loaded too
        assert _row(store, "NEW1")["platform"] == "response"
    finally:
        store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
