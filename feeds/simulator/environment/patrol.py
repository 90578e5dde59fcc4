"""City-management supervisors (监督员) on their beats: shifts, rest days and moving positions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from feeds.simulator.model.calendar import DAY_S, HOUR_S, UTC_OFFSET_S, day_start, day_type, holiday_mask, local_day
from feeds.simulator.model.noise import hash_unit

SHIFTS = {"early": (7.0, 15.0), "late": (11.0, 19.0), "night": (17.0, 25.0)}
"""Patrol shifts in local hours (the night shift ends at 01:00)."""
ROSTER_SIZE = 420
"""Supervisors of the modelled Xicheng roster (the live feed's, the seeded history's and the stored one)."""
COVER_REACH = 12
"""How far along the roster (neighbouring beats) a patrol case looks for an on-duty reporter."""


@dataclass(frozen=True)
class Supervisor:
    """A city-management supervisor (监督员) with a beat of unit grids."""

    staff_id: str
    grid_codes: tuple[str, ...]
    shift: str
    rest_days: tuple[int, int]


@dataclass(frozen=True)
class StaffPosition:
    """Where an on-duty supervisor is at ``t``."""

    staff_id: str
    t: float
    grid_code: str
    lat: float
    lon: float


class PatrolRoster:
    """Supervisors ``S001``... with beats, shifts and moving positions.

    Each supervisor owns a contiguous run of the sorted grid codes (so a beat
    is a cluster of neighbouring grids), works five days a week on an early,
    late or night shift (half the team on public holidays), dwells about 30
    minutes per grid and walks between waypoints picked every 5 minutes.

    Args:
        grid_codes: All unit-grid codes.
        point_in_grid: ``(grid_code, u, v) -> (lat, lon)`` for u, v in [0, 1).
        count: Number of supervisors.
        seed: Seed for waypoints.
    """

    DWELL_S = 1800.0
    WAYPOINT_S = 300.0

    def __init__(
        self,
        grid_codes: Sequence[str],
        point_in_grid: Callable[[str, float, float], tuple[float, float]],
        count: int = 420,
        seed: int = 0,
    ) -> None:
        grids = sorted(grid_codes)
        if not grids or count < 1:
            raise ValueError("a roster needs grids and at least one supervisor")
        self._point, self.seed = point_in_grid, seed
        sups = []
        for i in range(count):
            beat = tuple(grids[i * len(grids) // count : (i + 1) * len(grids) // count]) or (grids[i % len(grids)],)
            shift = "early" if i % 20 < 9 else "late" if i % 20 < 18 else "night"
            sups.append(Supervisor(f"S{i + 1:03d}", beat, shift, (i % 7, (i + 3) % 7)))
        self.supervisors = tuple(sups)
        self._owner = {grid: i for i, sup in enumerate(sups) for grid in sup.grid_codes}
        self._begin = np.array([SHIFTS[sup.shift][0] * HOUR_S for sup in sups])
        self._end = np.array([SHIFTS[sup.shift][1] * HOUR_S for sup in sups])
        self._rest = np.array([sup.rest_days for sup in sups], dtype=np.int64)

    def owner(self, grid_code: str) -> int | None:
        """Roster index of the supervisor whose beat holds ``grid_code``."""
        return self._owner.get(grid_code)

    def on_duty(self, index: NDArray[np.int64], t: NDArray[np.float64]) -> NDArray[np.bool_]:
        """Vectorised ``shift_start(index, t) is not None``: whether each supervisor is on shift at each time."""
        out = np.zeros(index.size, dtype=bool)
        today = ((t + UTC_OFFSET_S) // DAY_S).astype(np.int64)
        for day in (today, today - 1):
            weekday = (day + 3) % 7
            works = (weekday != self._rest[index, 0]) & (weekday != self._rest[index, 1])
            works &= ~(holiday_mask(day) & (index % 2 == 1))
            since = t - (day * DAY_S - UTC_OFFSET_S)
            out |= works & (self._begin[index] <= since) & (since < self._end[index])
        return out

    def reporters(self, grid_codes: Sequence[str], t: NDArray[np.float64]) -> list[str | None]:
        """Who reports a patrol case found in each grid at each time: the supervisor of the grid's beat when on
        shift then, else the nearest on-shift supervisor along the roster (a neighbouring beat covering, at most
        :data:`COVER_REACH` beats away; nearer first, the lower number on a tie), else nobody (``None``)."""
        owner = np.array([self._owner.get(g, -1) for g in grid_codes], dtype=np.int64)
        picked = np.full(owner.size, -1, dtype=np.int64)
        open_ = owner >= 0
        n = len(self.supervisors)
        for step in range(COVER_REACH + 1):
            for offset in (-step, step) if step else (0,):
                if not open_.any():
                    break
                rows = np.flatnonzero(open_)
                cand = owner[rows] + offset
                inside = (cand >= 0) & (cand < n)
                rows, cand = rows[inside], cand[inside]
                hit = self.on_duty(cand, t[rows])
                picked[rows[hit]] = cand[hit]
                open_[rows[hit]] = False
        return [self.supervisors[i].staff_id if i >= 0 else None for i in picked.tolist()]

    def shift_start(self, index: int, t: float) -> float | None:
        """Start of the shift supervisor ``index`` is working at ``t``, if any."""
        sup = self.supervisors[index]
        begin, end = SHIFTS[sup.shift]
        for day in (local_day(t), local_day(t) - 1):
            kind = day_type(day)
            if (day + 3) % 7 in sup.rest_days or (kind == "holiday" and index % 2):
                continue
            start = day_start(day) + begin * HOUR_S
            if start <= t < day_start(day) + end * HOUR_S:
                return start
        return None

    def _waypoint(self, index: int, start: float, k: int) -> tuple[str, float, float]:
        sup = self.supervisors[index]
        grid = sup.grid_codes[(k * int(self.WAYPOINT_S) // int(self.DWELL_S) + index) % len(sup.grid_codes)]
        u = hash_unit(self.seed, "walk", index, int(start), k, 1)
        v = hash_unit(self.seed, "walk", index, int(start), k, 2)
        lat, lon = self._point(grid, u, v)
        return grid, lat, lon

    def positions_at(self, t: float) -> list[StaffPosition]:
        """Positions of all supervisors on duty at ``t``."""
        out = []
        for i, sup in enumerate(self.supervisors):
            start = self.shift_start(i, t)
            if start is None:
                continue
            k, frac = divmod((t - start) / self.WAYPOINT_S, 1.0)
            grid, lat0, lon0 = self._waypoint(i, start, int(k))
            _, lat1, lon1 = self._waypoint(i, start, int(k) + 1)
            out.append(StaffPosition(sup.staff_id, t, grid, lat0 + (lat1 - lat0) * frac, lon0 + (lon1 - lon0) * frac))
        return out
