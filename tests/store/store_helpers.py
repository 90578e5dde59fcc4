"""Factories for the store tests: cases on real grid and subclass codes."""

from __future__ import annotations

import time
from typing import Any

from feeds.protocol import CaseInfo

GRID = "110102001004001"
OTHER_GRID = "110102001004002"
SUBCLASS = "1201"  # 非法小广告, an event subclass


def make_case(case_id: str, *, reported_at: float | None = None, grid: str = GRID, **kw: Any) -> CaseInfo:
    """A freshly reported case."""
    fields: dict[str, Any] = {
        "id": case_id,
        "kind": "event",
        "subclass": SUBCLASS,
        "source": "patrol",
        "grid": grid,
        "lon": 116.368,
        "lat": 39.92,
        "stage": "reported",
        "reported_at": time.time() if reported_at is None else reported_at,
        "department": "D01",
    }
    fields.update(kw)
    return CaseInfo(**fields)


def bulk_row(i: int, reported_at: int, *, closed: bool = True, on_time: bool = True) -> dict[str, Any]:
    """A historical ``cases`` row for ``bulk_insert_cases``."""
    return {
        "id": f"H{i:07d}",
        "kind": "event",
        "subclass": SUBCLASS,
        "source": "patrol",
        "grid": GRID,
        "department": "D01",
        "lon": 116.368,
        "lat": 39.92,
        "stage": "closed" if closed else "handling",
        "reported_at": reported_at,
        "filed_at": reported_at + 600,
        "dispatched_at": reported_at + 1200,
        "closed_at": reported_at + 7200 if closed else None,
        "on_time": on_time if closed else None,
        "deadline_at": None if closed else reported_at + 86_400,
    }
