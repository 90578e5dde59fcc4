"""Supervisor positions for the wall: only those that moved, went on duty or went off duty since last time."""

from __future__ import annotations

from feeds.protocol import StaffPosition
from feeds.simulator.environment.patrol import PatrolRoster

MOVED_DEG = 1.5e-5
"""Least change of latitude or longitude (about 1.5 m) that counts as a move."""


class StaffFeed:
    """Diffs successive roster positions.

    Args:
        roster: The supervisors and their beats.
    """

    def __init__(self, roster: PatrolRoster) -> None:
        self.roster = roster
        self._last: dict[str, StaffPosition] = {}

    def reset(self) -> None:
        """Forget what was sent (after a reconnect everything is sent again)."""
        self._last.clear()

    def changes(self, t: float) -> list[StaffPosition]:
        """Positions at ``t`` that differ from the last ones returned; leavers as ``on_duty=False``."""
        out: list[StaffPosition] = []
        now: dict[str, StaffPosition] = {}
        for p in self.roster.positions_at(t):
            pos = StaffPosition(p.staff_id, p.grid_code, p.lon, p.lat, True)
            now[p.staff_id] = pos
            last = self._last.get(p.staff_id)
            if (
                last is None
                or last.grid != pos.grid
                or max(abs(last.lon - pos.lon), abs(last.lat - pos.lat)) > MOVED_DEG
            ):
                out.append(pos)
                self._last[p.staff_id] = pos
        for staff_id in [s for s in self._last if s not in now]:
            gone = self._last.pop(staff_id)
            out.append(StaffPosition(gone.staff_id, gone.grid, gone.lon, gone.lat, False))
        return out
