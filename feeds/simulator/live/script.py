"""What the live simulation publishes and when, with no I/O (the Sans-I/O core of the live simulator).

:class:`LiveScript` takes over a snapshot (open cases get the rest of their
workflow, case numbers continue after the highest of each day, the weather
is brought up to date), then plans simulated time in fixed windows of
:data:`PLAN_STEP_S`, one window ahead of the clock: new cases (with the
warning-driven case mix), every step of every case, weather phases, crowds
and sensors go onto a heap and come out when the clock reaches them. Fixed
windows make the script a function of ``(seed, start, snapshot)``: the same
inputs give the same messages whatever the speed or the tick rhythm.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from feeds.protocol import CaseClosed, CaseInfo, Message, StaffPosition
from feeds.protocol import WeatherWarning as WeatherAlert
from feeds.simulator.environment.boost import case_boost
from feeds.simulator.environment.patrol import ROSTER_SIZE, PatrolRoster
from feeds.simulator.environment.spots import WatchedSpot, watched_spots
from feeds.simulator.live.case_messages import plan_messages
from feeds.simulator.live.continuation import continue_case
from feeds.simulator.live.env_feed import EnvironmentFeed
from feeds.simulator.live.schedule import Schedule
from feeds.simulator.live.staff_feed import StaffFeed
from feeds.simulator.live.stream import CaseStream
from feeds.simulator.model.arrivals import CASES_PER_YEAR
from feeds.simulator.model.components import ComponentIndex, component_index
from feeds.simulator.model.district import District
from feeds.simulator.response.live import RequestStream
from feeds.taxonomy import Taxonomy, load_taxonomy

PLAN_STEP_S = 300.0
"""Simulated seconds planned at a time (and how far ahead of the clock)."""
SUPERVISORS = ROSTER_SIZE
_CASE_NUMBER = re.compile(r"XC(\d{4})(\d{2})(\d{2})(\d{6})")
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def last_seq_by_day(case_ids: Sequence[str]) -> dict[int, int]:
    """Highest daily sequence per local day among ``XCyyyymmddNNNNNN`` case numbers."""
    last: dict[int, int] = {}
    for case_id in case_ids:
        m = _CASE_NUMBER.fullmatch(case_id)
        if m is None:
            continue
        try:
            day = dt.date(int(m[1]), int(m[2]), int(m[3])).toordinal() - _EPOCH_ORDINAL
        except ValueError:
            continue
        last[day] = max(last.get(day, 0), int(m[4]))
    return last


@dataclass
class ScriptStats:
    """What the script has done so far.

    Attributes:
        taken_over: Open snapshot cases given a remaining workflow.
        taken_over_closed: Of those, closings released so far.
        created: New cases released.
        released: Messages released in all.
    """

    taken_over: int = 0
    taken_over_closed: int = 0
    created: int = 0
    released: int = 0


class LiveScript:
    """The simulation's timeline from ``start`` on.

    Args:
        start: Simulated start, epoch seconds.
        seed: Seed of everything random.
        district: Grids, weights and points.
        cases: Cases of the snapshot (open ones are taken over; all give case numbers in use).
        weather: Active warnings of the snapshot.
        taxonomy: Case taxonomy (the packaged one if omitted).
        spots: Crowd hot spots (the packaged ones if omitted).
        cases_per_year: Yearly volume of new cases.
        supervisors: Size of the patrol roster.
    """

    def __init__(
        self,
        *,
        start: float,
        seed: int,
        district: District,
        cases: Sequence[CaseInfo] = (),
        weather: Sequence[WeatherAlert] = (),
        taxonomy: Taxonomy | None = None,
        spots: Sequence[WatchedSpot] | None = None,
        cases_per_year: float = CASES_PER_YEAR,
        supervisors: int = SUPERVISORS,
    ) -> None:
        self.start = start
        self.seed = seed
        self.district = district
        self.taxonomy = taxonomy or load_taxonomy()
        self.stats = ScriptStats()
        self.schedule = Schedule()
        self.environment = EnvironmentFeed(seed, spots if spots is not None else watched_spots())
        self.staff = StaffFeed(PatrolRoster(district.grid_codes, district.point, supervisors, seed))
        self.stream = CaseStream(
            district.grid_codes,
            start=start,
            seed=seed,
            grid_weights=district.weights,
            taxonomy=self.taxonomy,
            cases_per_year=cases_per_year,
            last_seq=last_seq_by_day([c.id for c in cases]),
            place_of=district.street_of,
            grid_day_factors=district.day_factors,
        )
        self._taken_over: set[str] = set()
        self._take_over([c for c in cases if c.platform != "response"])
        self.requests = RequestStream(start, seed, district, cases)
        self.schedule.extend(self.requests.take_over())
        self.schedule.extend(self.environment.start(start, weather))
        self._planned = start

    @functools.cached_property
    def components(self) -> ComponentIndex:
        """The modelled component inventory (the one the demo stores) that component cases are reported against."""
        return component_index(self.district, self.taxonomy)

    def _take_over(self, cases: Sequence[CaseInfo]) -> None:
        for case in cases:
            if case.stage in ("closed", "cancelled"):
                continue
            plan = continue_case(case, self.start, self.seed, taxonomy=self.taxonomy)
            if plan is None:
                continue
            self.stats.taken_over += 1
            if plan.steps and plan.closed_at is not None:
                self._taken_over.add(case.id)
            self.schedule.extend(plan_messages(plan, None, after_stage=case.stage))

    def _plan_window(self, a: float, b: float) -> None:
        boost = case_boost(self.environment.warnings_at(a), self.taxonomy)
        for plan in self.stream.advance(b, boost):
            self.schedule.extend(
                plan_messages(plan, self.district, components=self.components, patrol=self.staff.roster)
            )
        self.schedule.extend(self.requests.window(a, b))
        self.schedule.extend(self.environment.window(a, b))

    def advance(self, now: float) -> list[Message]:
        """Plan ahead of ``now`` and release every message due by then (stamped with its time)."""
        while self._planned < now + PLAN_STEP_S:
            self._plan_window(self._planned, self._planned + PLAN_STEP_S)
            self._planned += PLAN_STEP_S
        due = self.schedule.pop_due(now)
        for msg in due:
            if msg.TYPE == "case.created":
                self.stats.created += 1
            elif isinstance(msg, CaseClosed) and msg.case_id in self._taken_over:
                self.stats.taken_over_closed += 1
                self._taken_over.discard(msg.case_id)
        self.stats.released += len(due)
        return due

    def next_time(self) -> float | None:
        """Simulated time of the next message already planned."""
        return self.schedule.next_time()

    def positions(self, now: float) -> list[StaffPosition]:
        """Supervisors who moved, came on or went off duty since the last call."""
        return self.staff.changes(now)
