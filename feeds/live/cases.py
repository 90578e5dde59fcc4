"""Open cases, their deadlines, per-grid counts and the recent-cases feed (the case half of the live state)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import Any

from feeds.live.changes import Changes
from feeds.live.deadlines import DeadlineBook
from feeds.live.feed import RecentCases
from feeds.live.names import NameLookup
from feeds.live.records import CaseView, Countdown, GridValue, OverdueView, UnitLoad
from feeds.protocol import FINAL_STAGES, CaseClosed, CaseInfo, CaseStageChanged

_HANDLING = frozenset({"dispatched", "handling"})


class OpenCases:
    """Open cases by id with deadline tracking, open counts per grid and the bounded feed.

    Args:
        names: Name lookup for the view records.
        feed_size: Rows kept in the feed.
        book: Deadline bookkeeping (see :mod:`feeds.live.deadlines`).

    Attributes:
        unknown: Case events for cases neither open nor in the feed.
    """

    def __init__(self, names: NameLookup, feed_size: int, book: DeadlineBook) -> None:
        self.names = names
        self.book = book
        self.feed = RecentCases(feed_size)
        self.unknown = 0
        self._open: dict[str, CaseView] = {}
        self._grid_open: dict[str, int] = {}

    def clear(self) -> None:
        """Forget every case (before a snapshot)."""
        self._open.clear()
        self._grid_open.clear()
        self.book.clear()
        self.feed.clear()

    def view(self, c: CaseInfo, since: float) -> CaseView:
        """The view record of a protocol case, names resolved."""
        n = self.names
        sub, community = c.grid[:9], c.grid[:12]
        return CaseView(
            c.id, c.kind, c.subclass, n.case_type(c.subclass), c.source, n.source(c.source), c.grid, sub,
            n.unit(sub), n.unit(community), c.lon, c.lat, c.stage, since, c.reported_at, c.department,
            n.department(c.department), c.deadline, c.handle_deadline, c.description, c.address, c.difficult,
            c.urges, c.reworks, None, c.platform, c.response_deadline, c.resolved, c.satisfaction,
        )  # fmt: skip

    # ----------------------------------------------------------------- events
    def add(self, c: CaseInfo, since: float, now: float, ch: Changes | None = None) -> None:
        """A new (or re-sent) case: top of the feed, and open unless already final."""
        self._close(c.id)
        v = self.view(c, since)
        self.feed.push(v)
        if c.stage not in FINAL_STAGES:
            self._open[v.id] = v
            self._grid_open[v.grid] = self._grid_open.get(v.grid, 0) + 1
            self._track(v, now)
        if ch is not None:
            ch.feed = True
            self._touched(v, ch, grid=True, feed_row=False)

    def move(self, m: CaseStageChanged, at: float, now: float, ch: Changes) -> bool:
        """A stage change (``cancelled`` closes); False if the case is unknown."""
        v = self._current(m.case_id)
        if v is None:
            return False
        handle = m.deadline if m.stage == "handling" and m.deadline is not None else v.handle_deadline
        nv = replace(
            v, stage=m.stage, stage_since=at, deadline=m.deadline, handle_deadline=handle,
            department_code=m.department or v.department_code,
            department=self.names.department(m.department) if m.department else v.department,
            reworks=v.reworks + m.rework,
            response_deadline=m.response_deadline if m.response_deadline is not None else v.response_deadline,
        )  # fmt: skip
        if m.case_id in self._open:
            if m.stage in FINAL_STAGES:
                self._close(m.case_id)
            else:
                self._open[m.case_id] = nv
                self._track(nv, now)
        self._touched(nv, ch, grid=True)
        return True

    def close(self, m: CaseClosed, at: float, ch: Changes) -> bool:
        """A closure; False if the case is unknown."""
        v = self._current(m.case_id)
        if v is None:
            return False
        self._close(m.case_id)
        self._touched(replace(v, stage="closed", stage_since=at, deadline=None, on_time=m.on_time), ch, grid=True)
        return True

    def urge(self, case_id: str, ch: Changes) -> None:
        """Count one more urge (催办) on a case."""
        v = self._current(case_id)
        if v is not None:
            self._amend(replace(v, urges=v.urges + 1), ch)

    def evaluate(self, case_id: str, resolved: bool, satisfaction: str, ch: Changes) -> None:
        """Record a 全响应 request's evaluation (回访)."""
        v = self._current(case_id)
        if v is not None:
            self._amend(replace(v, resolved=resolved, satisfaction=satisfaction), ch)

    def mark_difficult(self, case_id: str, difficult: bool, ch: Changes) -> None:
        """Mark or unmark a case as difficult (疑难)."""
        v = self._current(case_id)
        if v is not None:
            self._amend(replace(v, difficult=difficult), ch)

    def _amend(self, nv: CaseView, ch: Changes) -> None:
        if nv.id in self._open:
            self._open[nv.id] = nv
        self._touched(nv, ch, grid=False)

    def advance(self, now: float, ch: Changes) -> None:
        """Apply deadline transitions due by ``now``."""
        grids = self.book.advance(now)
        if grids:
            ch.overdue = ch.grid_values = True
            if not ch.reset:
                ch.grids |= grids

    def _current(self, case_id: str) -> CaseView | None:
        v = self._open.get(case_id) or self.feed.get(case_id)
        if v is None:
            self.unknown += 1
        return v

    def _track(self, v: CaseView, now: float) -> None:
        deadline = v.deadline
        if deadline is None and v.stage in _HANDLING:
            deadline = v.handle_deadline
        if deadline is None:
            self.book.drop(v.id)
        else:
            self.book.put(v.id, deadline, v.stage_since, v.subdistrict_code, v.department_code, v.grid, now)

    def _close(self, case_id: str) -> None:
        v = self._open.pop(case_id, None)
        if v is None:
            return
        self.book.drop(case_id)
        left = self._grid_open[v.grid] - 1
        if left:
            self._grid_open[v.grid] = left
        else:
            del self._grid_open[v.grid]

    def _touched(self, v: CaseView, ch: Changes, *, grid: bool, feed_row: bool = True) -> None:
        if feed_row and self.feed.replace(v):
            ch.feed = True
        ch.map_cases = ch.overdue = True
        ch.cases.add(v.id)
        if grid:
            ch.grid_values = True
            ch.grids.add(v.grid)

    # ------------------------------------------------------------------ views
    def get(self, case_id: str) -> CaseView | None:
        """An open case, else a feed row."""
        return self._open.get(case_id) or self.feed.get(case_id)

    def __iter__(self) -> Iterator[CaseView]:
        return iter(self._open.values())

    def __len__(self) -> int:
        return len(self._open)

    def overdue(self, now: float) -> OverdueView:
        """Totals, loads by subdistrict and department, nearest countdowns."""
        b, n = self.book, self.names

        def loads(key: str, name: Callable[[str], Any]) -> tuple[UnitLoad, ...]:
            over, soon = b.overdue[key], b.soon[key]
            rows = [UnitLoad(code, name(code), over.get(code, 0), soon.get(code, 0)) for code in over.keys() | soon]
            return tuple(sorted(rows, key=lambda r: (-r.overdue, -r.due_soon, r.code)))

        urgent = tuple(
            Countdown(cid, v.type, v.subdistrict, v.department, v.stage, deadline)
            for cid, deadline in b.urgent()
            if (v := self._open.get(cid)) is not None
        )
        return OverdueView(
            b.overdue_total, b.soon_total, len(self._open), loads("sub", n.unit), loads("dept", n.department),
            urgent, now,
        )  # fmt: skip

    def grid_values(self, grids: Iterable[str] | None = None) -> list[GridValue]:
        """Values of ``grids`` (zeros included), or of every grid with an open case."""
        codes = self._grid_open.keys() if grids is None else grids
        over, soon = self.book.overdue["grid"], self.book.soon["grid"]
        return [GridValue(g, self._grid_open.get(g, 0), over.get(g, 0), soon.get(g, 0)) for g in codes]

    def grid_counts(self, mode: str) -> dict[str, int]:
        """Open (``density``) or overdue (``overdue``) cases per grid, grids with none left out.

        A copy of the running counters, without a record per grid: the map asks on every batch.
        """
        if mode == "overdue":
            return {g: n for g, n in self.book.overdue["grid"].items() if n > 0}
        return {g: n for g, n in self._grid_open.items() if n > 0}

    def sizes(self) -> dict[str, int]:
        """Sizes of the growing structures."""
        return {
            "open": len(self._open),
            "grids": len(self._grid_open),
            "deadlines": len(self.book),
            "deadline_heap": self.book.heap_size,
            "feed": len(self.feed),
        }
