"""Appending events: numbering, applying to the state tables, refusing bad batches atomically."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from store_helpers import GRID, OTHER_GRID, make_case

from feeds.protocol import (
    CaseClosed,
    CaseCreated,
    CaseDifficultChanged,
    CaseNoted,
    CaseStageChanged,
    CaseUrged,
    Message,
    ProtocolError,
    decode,
)
from feeds.store import EventRefused, Store, StoreBusyError, open_store
from feeds.store.schema import case_history, cases, events


def _row(store: Store, case_id: str) -> dict[str, object]:
    with store.engine.connect() as conn:
        row = conn.execute(select(cases).where(cases.c.id == case_id)).mappings().one()
        return dict(row)


def _count(store: Store, table: object) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_append_numbers_events_gap_free_and_stores_frames(store: Store) -> None:
    """Each batch continues the seq from the head; frames carry their seq and decode back."""
    first = store.append_events([CaseCreated(make_case("A1")), CaseCreated(make_case("A2"))])
    second = store.append_events([CaseUrged("A1", "op")])
    assert [m.seq for m in first + second] == [1, 2, 3]
    assert store.head() == 3
    frames = store.events_since(0)
    assert [decode(f, max_bytes=None).seq for f in frames] == [1, 2, 3]
    assert json.loads(frames[2])["type"] == "case.urged"
    assert store.events_since(1, limit=1) == frames[1:2]
    assert store.events_since(3) == []
    assert all(m.ts is not None for m in first)


def test_workflow_events_update_case_row_and_history(store: Store) -> None:
    """created → filed → dispatched → handling → rework → urge → difficult → note → closed."""
    t0 = time.time() - 3600
    store.append_events([CaseCreated(make_case("W1", reported_at=t0))])
    deadline = time.time() + 7200
    store.append_events(
        [
            CaseStageChanged("W1", "filed", deadline=deadline, ts=t0 + 60),
            CaseStageChanged("W1", "dispatched", department="D05", ts=t0 + 120),
            CaseStageChanged("W1", "handling", deadline=deadline, ts=t0 + 180),
            CaseStageChanged("W1", "closure_requested", ts=t0 + 240),
            CaseStageChanged("W1", "handling", rework=True, note="not fixed", ts=t0 + 300),
            CaseUrged("W1", "duty leader", note="hurry", ts=t0 + 310),
            CaseDifficultChanged("W1", True, "op", ts=t0 + 320),
            CaseNoted("W1", "op", "called the department", ts=t0 + 330),
        ]
    )
    row = _row(store, "W1")
    assert row["stage"] == "handling"
    assert row["community"] == GRID[:12] and row["subdistrict"] == GRID[:9]
    assert row["filed_at"] == int(t0 + 60) and row["dispatched_at"] == int(t0 + 120)
    assert row["handled_at"] == int(t0 + 240)
    assert row["department"] == "D05"
    assert row["handle_deadline_at"] == int(deadline)
    assert (row["reworks"], row["urges"], row["difficult"]) == (1, 1, True)
    assert row["updated_seq"] == store.head()
    store.append_events(
        [
            CaseStageChanged("W1", "closure_requested", ts=t0 + 340),
            CaseStageChanged("W1", "verifying", ts=t0 + 350),
            CaseClosed("W1", on_time=False, ts=t0 + 400),
        ]
    )
    row = _row(store, "W1")
    assert (row["stage"], row["closed_at"], row["on_time"], row["deadline_at"]) == (
        "closed",
        int(t0 + 400),
        False,
        None,
    )
    found = store.case("W1")
    assert found is not None
    info, history = found
    assert info.stage == "closed" and info.urges == 1
    actions = [h["action"] for h in history]
    assert actions == [
        "reported",
        "filed",
        "dispatched",
        "handling",
        "closure_requested",
        "rework",
        "urge",
        "difficult",
        "note",
        "closure_requested",
        "verifying",
        "closed",
    ]
    assert history[6]["actor"] == "duty leader" and history[8]["note"] == "called the department"
    assert all(h["seq"] for h in history)


@pytest.mark.parametrize(
    ("bad", "code", "field"),
    [
        (CaseStageChanged("NOPE", "filed"), "not_found", "case_id"),
        (CaseUrged("NOPE", "op"), "not_found", "case_id"),
        (CaseCreated(make_case("B1")), "conflict", "case.id"),
        (CaseCreated(make_case("B9", grid="110102001004999")), "bad_field", "case.grid"),
        (CaseCreated(make_case("B9", subclass="9999")), "bad_field", "case.subclass"),
        (CaseCreated(make_case("B9", kind="component")), "bad_field", "case.kind"),
        (CaseStageChanged("B0", "handling"), "conflict", "stage"),
        (CaseClosed("B0"), "conflict", "case_id"),
        (CaseUrged("B0", "op"), "conflict", "case_id"),
    ],
)
def test_semantic_errors_name_the_field_and_write_nothing(store: Store, bad: Message, code: str, field: str) -> None:
    """A bad event anywhere in a batch refuses the whole batch; nothing of it is written."""
    store.append_events(
        [CaseCreated(make_case("B0", stage="verifying")), CaseCreated(make_case("B1")), CaseClosed("B0")]
    )
    head, n_cases, n_history = store.head(), _count(store, cases), _count(store, case_history)
    batch: list[Message] = [CaseCreated(make_case("B2", grid=OTHER_GRID)), CaseUrged("B1", "op"), bad]
    with pytest.raises(ProtocolError) as err:
        store.append_events(batch)
    assert (err.value.code, err.value.field) == (code, field)
    assert store.head() == head
    assert (_count(store, cases), _count(store, case_history), _count(store, events)) == (n_cases, n_history, head)
    assert _row(store, "B1")["urges"] == 0
    assert store.append_events([CaseUrged("B1", "op")])[0].seq == head + 1  # still gap-free afterwards


def test_concurrent_appends_get_unique_consecutive_seqs(store: Store) -> None:
    """Appends from several threads never share or skip a seq."""
    seqs: list[int] = []
    lock = threading.Lock()

    def worker(prefix: str) -> None:
        for i in range(15):
            done = store.append_events([CaseCreated(make_case(f"{prefix}{i}"))])
            with lock:
                seqs.extend(m.seq or 0 for m in done)

    threads = [threading.Thread(target=worker, args=(p,)) for p in "PQRS"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(seqs) == list(range(1, 61))
    assert store.head() == 60


def test_prune_keeps_the_tail_of_the_log(store: Store) -> None:
    """prune_events drops old events; log_range reports what is left."""
    store.append_events([CaseCreated(make_case(f"L{i}")) for i in range(10)])
    assert store.prune_events(keep=3) == 7
    assert store.log_range() == (8, 10)
    assert [decode(f, max_bytes=None).seq for f in store.events_since(0)] == [8, 9, 10]


@pytest.mark.timeout(120)
def test_append_without_waiting_reports_a_locked_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """wait=False raises StoreBusyError at once while another writer holds SQLite's lock; wait=True waits.

    The store's usual lock wait is raised to an hour here: an attempt that waited at all would run
    into the test's timeout instead of passing late, so no wall-clock figure is asserted.
    """
    monkeypatch.setattr("feeds.store.engine.BUSY_TIMEOUT_MS", 3_600_000)
    monkeypatch.setattr("feeds.store.store.BUSY_TIMEOUT_MS", 3_600_000)
    store = open_store(str(tmp_path / "busy.db"))
    store.append_events([CaseCreated(make_case("Z1"))])
    with store.engine.connect() as other, other.begin():
        other.execute(update(cases).where(cases.c.id == "Z1").values(urges=5))  # holds the write lock
        with pytest.raises(StoreBusyError):
            store.append([CaseUrged("Z1", "op")], wait=False)
    assert store.head() == 1
    assert [e.seq for e in store.append([CaseUrged("Z1", "op")], wait=False)] == [2]
    store.close()


def test_a_batch_sees_its_own_earlier_events_and_names_a_refused_one(store: Store) -> None:
    """Created, moved, urged twice and closed in one append; a refusal names the event's index."""
    batch: list[Message] = [
        CaseCreated(make_case("B1")),
        CaseStageChanged("B1", "filed"),
        CaseUrged("B1", "op"),
        CaseUrged("B1", "op"),
        CaseCreated(make_case("B2")),
        CaseStageChanged("B2", "filed"),
    ]
    store.append(batch)
    assert (_row(store, "B1")["stage"], _row(store, "B1")["urges"], _row(store, "B1")["updated_seq"]) == (
        "filed",
        2,
        4,
    )
    store.append([CaseUrged("B2", "op"), CaseStageChanged("B2", "dispatched"), CaseUrged("B2", "op")])
    assert (_row(store, "B2")["stage"], _row(store, "B2")["urges"]) == ("dispatched", 2)
    with pytest.raises(EventRefused) as refused:
        store.append([CaseUrged("B1", "op"), CaseCreated(make_case("B3")), CaseCreated(make_case("B3"))])
    assert (refused.value.index, refused.value.code, refused.value.field) == (2, "conflict", "case.id")
    assert _row(store, "B1")["urges"] == 2  # nothing of the refused append was written
    assert store.head() == 9
    assert (
        _count(store, case_history) == 4 + 5
    )  # B1: reported, filed, 2 urges; B2: reported, filed, dispatched, 2 urges
