"""The workflow is enforced: 立案→派发→处置→申结→核查→结案, rework loops and cancellation only."""

from __future__ import annotations

import pytest
from store_helpers import make_case

from feeds.protocol import (
    NEXT_STAGES,
    STAGES,
    CaseClosed,
    CaseCreated,
    CaseDifficultChanged,
    CaseStageChanged,
    Message,
    ProtocolError,
)
from feeds.store import Store


def _move(case_id: str, stage: str, **kw: object) -> Message:
    if stage == "closed":
        return CaseClosed(case_id)
    return CaseStageChanged(case_id, stage, **kw)  # type: ignore[arg-type]


def test_the_documented_path_with_rework_loops_and_reassignment_is_accepted(store: Store) -> None:
    """Every step of the documented workflow, two reworks and reassignments, ends closed."""
    store.append_events([CaseCreated(make_case("OK1"))])
    path = [
        "filed",
        "dispatched",
        "dispatched",
        "handling",
        "dispatched",
        "handling",
        "closure_requested",
        "handling",
        "closure_requested",
        "verifying",
        "handling",
        "closure_requested",
        "verifying",
        "closed",
    ]
    previous = "reported"
    for stage in path:
        rework = stage == "handling" and previous in ("closure_requested", "verifying")
        store.append_events([_move("OK1", stage, rework=rework)])
        previous = stage
    found = store.case("OK1")
    assert found is not None and found[0].stage == "closed" and found[0].reworks == 2


@pytest.mark.parametrize("stage", sorted(set(STAGES) - {"closed", "cancelled"}))
def test_a_case_can_be_cancelled_from_any_open_stage(store: Store, stage: str) -> None:
    """Cancellation (作废) is allowed from every open stage."""
    store.append_events([CaseCreated(make_case("C1", stage=stage))])
    store.append_events([CaseStageChanged("C1", "cancelled")])
    found = store.case("C1")
    assert found is not None and found[0].stage == "cancelled"


def _invalid_moves() -> list[tuple[str, str]]:
    return [
        (current, target)
        for current in STAGES
        for target in STAGES
        if target != "reported" and target not in NEXT_STAGES[current]
    ]


@pytest.mark.parametrize(("current", "target"), _invalid_moves())
def test_every_move_outside_the_workflow_is_refused_naming_the_stage(store: Store, current: str, target: str) -> None:
    """E.g. reported → verifying, handling → closed, closed → filed: conflict naming where the case is."""
    store.append_events([CaseCreated(make_case("X1", stage=current))])
    head = store.head()
    with pytest.raises(ProtocolError) as err:
        store.append_events([_move("X1", target)])
    assert err.value.code == "conflict"
    assert f"'{current}'" in str(err.value) or current in ("closed", "cancelled")
    assert err.value.field == ("case_id" if target == "closed" else "stage")
    assert store.head() == head


def test_a_rework_must_come_from_closure_request_or_verification(store: Store) -> None:
    """``rework`` on dispatched → handling is refused (field ``rework``); from verifying it counts."""
    store.append_events([CaseCreated(make_case("R1", stage="dispatched"))])
    with pytest.raises(ProtocolError) as err:
        store.append_events([CaseStageChanged("R1", "handling", rework=True)])
    assert (err.value.code, err.value.field) == ("conflict", "rework")
    assert "'dispatched'" in str(err.value)


@pytest.mark.parametrize("final", ["closed", "cancelled"])
def test_a_finished_case_cannot_be_marked_difficult(store: Store, final: str) -> None:
    """疑难 marking of a closed or cancelled case is refused with conflict."""
    store.append_events([CaseCreated(make_case("D1", stage=final))])
    for difficult in (True, False):
        with pytest.raises(ProtocolError) as err:
            store.append_events([CaseDifficultChanged("D1", difficult, "op")])
        assert (err.value.code, err.value.field) == ("conflict", "case_id")
        assert final in str(err.value)
