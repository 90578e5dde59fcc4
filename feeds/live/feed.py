"""The bounded list of most recent cases shown by the rolling feed (newest first)."""

from __future__ import annotations

from collections import deque

from feeds.live.records import CaseView

FEED_SIZE = 200


class RecentCases:
    """Newest cases first, at most ``size``; rows can be replaced in place by id (O(1)).

    Args:
        size: Rows kept.
    """

    def __init__(self, size: int = FEED_SIZE) -> None:
        self.size = size
        self._order: deque[str] = deque()
        self._rows: dict[str, CaseView] = {}

    def __len__(self) -> int:
        return len(self._order)

    def __contains__(self, case_id: object) -> bool:
        return case_id in self._rows

    def clear(self) -> None:
        """Remove every row."""
        self._order.clear()
        self._rows.clear()

    def push(self, row: CaseView) -> None:
        """Put a case at the top (replacing it in place if already listed)."""
        if row.id in self._rows:
            self._rows[row.id] = row
            return
        if len(self._order) >= self.size:
            self._rows.pop(self._order.pop(), None)
        self._order.appendleft(row.id)
        self._rows[row.id] = row

    def replace(self, row: CaseView) -> bool:
        """Update a listed row; False if the case is not in the feed."""
        if row.id not in self._rows:
            return False
        self._rows[row.id] = row
        return True

    def get(self, case_id: str) -> CaseView | None:
        """The row of ``case_id`` if listed."""
        return self._rows.get(case_id)

    def rows(self) -> list[CaseView]:
        """All rows, newest first."""
        rows = self._rows
        return [rows[cid] for cid in self._order]
