"""Overdue (超期) and due-soon (即将超期) bookkeeping with a heap of status transitions.

Each open case with a deadline is in one of three states: ``OK``, ``SOON``
(inside its due-soon window) or ``OVERDUE`` (``now >= deadline``). The book
keeps one heap entry per pending transition, so :meth:`DeadlineBook.advance`
costs O(k log n) for the k cases that actually changed state, not a scan.

Due-soon window: ``min(due_soon_s, due_soon_fraction × stage allowance)``,
where the allowance is ``deadline - stage start`` (defaults: 1 h and 20 %).
A 1-hour filing deadline therefore turns amber 12 minutes before; a 24-hour
handling deadline turns amber one hour before. When the stage start is
unknown or not before the deadline, the window is ``due_soon_s``.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass

OK, SOON, OVERDUE = 0, 1, 2


@dataclass(slots=True)
class _Entry:
    deadline: float
    soon_at: float
    subdistrict: str
    department: str
    grid: str
    status: int
    token: int


def _bump(counts: dict[str, int], key: str, delta: int) -> None:
    value = counts.get(key, 0) + delta
    if value:
        counts[key] = value
    else:
        counts.pop(key, None)


def deadline_status(
    deadline: float | None, stage_since: float, now: float, due_soon_s: float = 3600.0, fraction: float = 0.2
) -> str:
    """``"overdue"``, ``"due_soon"``, ``"ok"`` or ``""`` (no deadline) for one case, by the rule above.

    Widgets use it to colour a row between state ticks; counts come from :class:`DeadlineBook`.
    """
    if deadline is None:
        return ""
    if now >= deadline:
        return "overdue"
    allowance = deadline - stage_since
    window = due_soon_s if allowance <= 0 else min(due_soon_s, fraction * allowance)
    return "due_soon" if now >= deadline - window else "ok"


class DeadlineBook:
    """Counts of overdue and due-soon cases by subdistrict, department and grid.

    Args:
        due_soon_s: Upper bound of the due-soon window, seconds.
        due_soon_fraction: Window as a fraction of the stage allowance.
        urgent_n: How many nearest deadlines :meth:`urgent` returns.
    """

    def __init__(self, due_soon_s: float = 3600.0, due_soon_fraction: float = 0.2, urgent_n: int = 8) -> None:
        self.due_soon_s = due_soon_s
        self.due_soon_fraction = due_soon_fraction
        self.urgent_n = urgent_n
        self.clear()

    def clear(self) -> None:
        """Forget every case."""
        self._entries: dict[str, _Entry] = {}
        self._heap: list[tuple[float, int, str]] = []
        self._token = 0
        self.overdue: dict[str, dict[str, int]] = {"sub": {}, "dept": {}, "grid": {}}
        self.soon: dict[str, dict[str, int]] = {"sub": {}, "dept": {}, "grid": {}}
        self.overdue_total = 0
        self.soon_total = 0
        self._urgent: list[str] | None = None
        self._urgent_cut = float("inf")

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, case_id: object) -> bool:
        return case_id in self._entries

    @property
    def heap_size(self) -> int:
        """Pending heap entries, stale ones included (kept below ~4× live entries)."""
        return len(self._heap)

    def window(self, start: float, deadline: float) -> float:
        """Length of the due-soon window for a stage running from ``start`` to ``deadline``."""
        allowance = deadline - start
        if allowance <= 0:
            return self.due_soon_s
        return min(self.due_soon_s, self.due_soon_fraction * allowance)

    def status_of(self, case_id: str) -> int | None:
        """``OK``, ``SOON``, ``OVERDUE``, or ``None`` when the case has no tracked deadline."""
        entry = self._entries.get(case_id)
        return None if entry is None else entry.status

    def put(
        self, case_id: str, deadline: float, start: float, subdistrict: str, department: str, grid: str, now: float
    ) -> bool:
        """Track (or re-track) a case; returns True if any count changed."""
        old = self._entries.get(case_id)
        changed = self._discount(old) if old is not None else False
        soon_at = deadline - self.window(start, deadline)
        status = OVERDUE if now >= deadline else SOON if now >= soon_at else OK
        self._token += 1
        entry = _Entry(deadline, soon_at, subdistrict, department, grid, status, self._token)
        self._entries[case_id] = entry
        changed = self._count(entry, +1) or changed
        self._schedule(case_id, entry)
        self._note_urgent(case_id, entry)
        self._compact()
        return changed

    def drop(self, case_id: str) -> bool:
        """Stop tracking a case (closed, or its stage has no deadline); True if counts changed."""
        old = self._entries.pop(case_id, None)
        if old is None:
            return False
        if self._urgent is not None and case_id in self._urgent:
            self._urgent = None
        return self._discount(old)

    def advance(self, now: float) -> set[str]:
        """Apply every transition due by ``now``; returns the grids whose counts changed."""
        grids: set[str] = set()
        heap = self._heap
        while heap and heap[0][0] <= now:
            _, token, case_id = heapq.heappop(heap)
            entry = self._entries.get(case_id)
            if entry is None or entry.token != token:
                continue  # stale: the case changed or left since this was pushed
            self._count(entry, -1)
            entry.status = OVERDUE if now >= entry.deadline else SOON
            self._count(entry, +1)
            grids.add(entry.grid)
            if entry.status == OVERDUE and self._urgent is not None and case_id in self._urgent:
                self._urgent = None
            self._schedule(case_id, entry)
        return grids

    def urgent(self) -> list[tuple[str, float]]:
        """The ``urgent_n`` not-yet-overdue cases with the nearest deadlines, nearest first."""
        if self._urgent is None:
            pending = ((e.deadline, cid) for cid, e in self._entries.items() if e.status != OVERDUE)
            best = heapq.nsmallest(self.urgent_n, pending)
            self._urgent = [cid for _, cid in best]
            self._urgent_cut = best[-1][0] if len(best) == self.urgent_n else float("inf")
        return [(cid, self._entries[cid].deadline) for cid in self._urgent]

    def items(self) -> Iterator[tuple[str, int]]:
        """``(case_id, status)`` for every tracked case."""
        return ((cid, e.status) for cid, e in self._entries.items())

    def _count(self, entry: _Entry, delta: int) -> bool:
        if entry.status == OK:
            return False
        table = self.overdue if entry.status == OVERDUE else self.soon
        _bump(table["sub"], entry.subdistrict, delta)
        _bump(table["dept"], entry.department, delta)
        _bump(table["grid"], entry.grid, delta)
        if entry.status == OVERDUE:
            self.overdue_total += delta
        else:
            self.soon_total += delta
        return True

    def _discount(self, entry: _Entry) -> bool:
        entry.token = -1  # invalidates its heap entries
        return self._count(entry, -1)

    def _schedule(self, case_id: str, entry: _Entry) -> None:
        if entry.status == OK:
            heapq.heappush(self._heap, (entry.soon_at, entry.token, case_id))
        elif entry.status == SOON:
            heapq.heappush(self._heap, (entry.deadline, entry.token, case_id))

    def _note_urgent(self, case_id: str, entry: _Entry) -> None:
        if self._urgent is None:
            return
        if case_id in self._urgent or (entry.status != OVERDUE and entry.deadline < self._urgent_cut):
            self._urgent = None

    def _compact(self) -> None:
        """Rebuild the heap when stale entries outnumber live ones 4 to 1 (memory stays flat)."""
        if len(self._heap) > 4 * len(self._entries) + 1024:
            self._heap = [
                (e.soon_at if e.status == OK else e.deadline, e.token, cid)
                for cid, e in self._entries.items()
                if e.status != OVERDUE
            ]
            heapq.heapify(self._heap)
