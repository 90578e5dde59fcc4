"""Factories for the live-state tests: a small fake name lookup and protocol messages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from feeds.live import Label, TableNames
from feeds.protocol import BEIJING, CaseCreated, CaseInfo, Snapshot

T0 = datetime(2026, 8, 10, 10, 0, tzinfo=BEIJING).timestamp()
"""A Monday, 10:00 Beijing time."""

SUB_A, SUB_B = "110102001", "110102003"
GRID_A1, GRID_A2, GRID_B1 = SUB_A + "001001", SUB_A + "002001", SUB_B + "001001"


def fake_names() -> TableNames:
    """A tiny lookup: two types, two departments, two subdistricts and their communities."""
    return TableNames(
        types={"1201": Label("非法小广告", "illegal small ads"), "1505": Label("机动车乱停放", "illegal parking")},
        departments={"D01": Label("街道办事处", "Subdistrict offices"), "D07": Label("交通支队", "Traffic police")},
        units={
            SUB_A: Label("西长安街街道", "Xichang'anjie"),
            SUB_B: Label("新街口街道", "Xinjiekou"),
            SUB_A + "001": Label("府右街南社区", "Fuyoujie South"),
        },
        spots={"xidan": Label("西单", "Xidan")},
    )


def make_case(case_id: str, **kw: Any) -> CaseInfo:
    """A valid open case; keyword arguments override any field."""
    fields: dict[str, Any] = {
        "id": case_id,
        "kind": "event",
        "subclass": "1201",
        "source": "patrol",
        "grid": GRID_A1,
        "lon": 116.37,
        "lat": 39.91,
        "stage": "dispatched",
        "reported_at": T0,
        "department": "D01",
    }
    fields.update(kw)
    return CaseInfo(**fields)


def created(seq: int, case_id: str, **kw: Any) -> CaseCreated:
    """A ``case.created`` event with ``seq``."""
    return CaseCreated(make_case(case_id, **kw), seq=seq)


def snapshot(head: int, cases: tuple[CaseInfo, ...] = (), store_id: str = "store1", **kw: Any) -> Snapshot:
    """A snapshot message."""
    return Snapshot(head, store_id, cases, **kw)
