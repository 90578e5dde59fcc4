"""Supervisors' GPS tracks: which live positions are kept, and reading a stored period back.

``staff.positions`` arrive every few seconds for hundreds of supervisors; a track needs
far fewer points. :class:`TrackThinner` keeps one point per supervisor per
:data:`TRACK_STEP_S` (and every change of grid), so a 420-strong team on three shifts
writes about 200,000 rows a day. Tracks older than :data:`TRACK_KEEP_S` are pruned.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, select

from feeds.protocol import StaffPosition
from feeds.store.schema import staff_tracks

TRACK_STEP_S = 60
"""Least time between two stored points of one supervisor (unless the grid changed)."""
TRACK_KEEP_S = 90 * 86_400
"""Tracks are kept 90 days."""
PRUNE_EVERY_S = 3_600


@dataclass(frozen=True, slots=True)
class TrackPoint:
    """One stored point of a track."""

    at: int
    lon: float
    lat: float
    grid: str


class TrackThinner:
    """Chooses which incoming positions become track rows (one instance per store; not thread-safe alone)."""

    def __init__(self, step_s: int = TRACK_STEP_S) -> None:
        self.step_s = step_s
        self._last: dict[str, tuple[int, str]] = {}
        self._pruned = 0

    def rows(self, positions: Iterable[StaffPosition], now: float) -> list[dict[str, Any]]:
        """``staff_tracks`` rows for the on-duty positions due for a point at ``now``."""
        at = int(now)
        out = []
        for p in positions:
            if not p.on_duty:
                self._last.pop(p.staff_id, None)
                continue
            last = self._last.get(p.staff_id)
            if last is not None and at - last[0] < self.step_s and last[1] == p.grid:
                continue
            self._last[p.staff_id] = (at, p.grid)
            out.append({"staff_id": p.staff_id, "at": at, "lon": p.lon, "lat": p.lat, "grid": p.grid})
        return out

    def prune_due(self, now: float) -> bool:
        """Whether an hourly prune of old tracks is due (and mark it done)."""
        if now - self._pruned < PRUNE_EVERY_S:
            return False
        self._pruned = int(now)
        return True


def prune_tracks(conn: Connection, now: float, keep_s: int = TRACK_KEEP_S) -> int:
    """Delete track points older than ``keep_s``; returns rows deleted."""
    return int(conn.execute(delete(staff_tracks).where(staff_tracks.c.at < int(now - keep_s))).rowcount or 0)


def read_track(conn: Connection, staff_id: str, start: float, end: float) -> list[TrackPoint]:
    """The stored points of one supervisor in ``[start, end)``, oldest first."""
    t = staff_tracks.c
    rows = conn.execute(
        select(t.at, t.lon, t.lat, t.grid)
        .where(t.staff_id == staff_id, t.at >= int(start), t.at < int(end))
        .order_by(t.at, t.id)
    )
    return [TrackPoint(int(r.at), float(r.lon), float(r.lat), str(r.grid)) for r in rows]
