"""LiveState: folds protocol messages into what the wall's panels show.

Pure Python, no Qt, no I/O, no clock of its own: every call takes ``now``
(epoch seconds) so tests are deterministic. Not thread-safe: call it from one
thread (the GUI thread drains the client's queue into :meth:`LiveState.apply`
once per frame and calls :meth:`LiveState.tick` once a second).

Memory stays flat however long it runs: closed cases leave the open set,
the feed and every history are bounded, counters drop keys that reach zero
and the deadline heap is compacted.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from feeds.live.alarms import AlarmBook
from feeds.live.cases import OpenCases
from feeds.live.changes import Changes
from feeds.live.deadlines import DeadlineBook
from feeds.live.environment import Environment
from feeds.live.feed import FEED_SIZE
from feeds.live.names import NameLookup
from feeds.live.records import (
    AlarmView,
    CaseView,
    ChartView,
    CrowdView,
    GridValue,
    KpiView,
    OverdueView,
    PlanView,
    SensorView,
    WeatherView,
)
from feeds.live.response import PLATFORM, ResponseToday, ResponseView
from feeds.live.today import TodayStats
from feeds.protocol import (
    AlarmChanged,
    AlarmRaised,
    CaseClosed,
    CaseCreated,
    CaseDifficultChanged,
    CaseEvaluated,
    CaseStageChanged,
    CaseUrged,
    CrowdFlow,
    Kpis,
    Message,
    PlanClosed,
    PlanStarted,
    PlanStepDone,
    SensorReading,
    Snapshot,
    StaffPosition,
    StaffPositions,
    WeatherWarning,
    Welcome,
)


class LiveState:
    """The wall's live picture of open cases, deadlines, alerts, KPIs and today's charts.

    Args:
        names: Resolves codes to bilingual names (:func:`feeds.live.names.load_names` in production).
        feed_size: Rows kept for the rolling feed.
        due_soon_s: Due-soon window upper bound (see :mod:`feeds.live.deadlines`).
        due_soon_fraction: Due-soon window as a fraction of the stage allowance.
        urgent_n: Countdowns in :attr:`OverdueView.urgent`.
        top_types: Bars in :attr:`ChartView.top_types`.
        flood_count: More than this many new alarms within ``flood_window_s`` is a flood (grouped);
            a server's ``welcome`` that carries its own flood rule overrides this and ``flood_window_s``
            (a ``welcome`` without one brings these back).
        flood_window_s: The flood window (seconds).

    Attributes:
        last_seq: Highest event ``seq`` applied (the snapshot's ``head`` after a snapshot).
        store_id: Store the state was built from (``None`` before the first snapshot).
        ignored: Events dropped because their ``seq`` was not above ``last_seq``.
        gaps: Times an event's ``seq`` skipped ahead of ``last_seq + 1``.
        unknown: Case events for cases the state does not hold (e.g. outside the area).
    """

    def __init__(
        self,
        names: NameLookup,
        *,
        feed_size: int = FEED_SIZE,
        due_soon_s: float = 3600.0,
        due_soon_fraction: float = 0.2,
        urgent_n: int = 8,
        top_types: int = 10,
        flood_count: int = 10,
        flood_window_s: float = 600.0,
    ) -> None:
        self.names = names
        self.top_types = top_types
        self.last_seq = 0
        self.store_id: str | None = None
        self.ignored = self.gaps = 0
        self._now = 0.0
        self._cases = OpenCases(names, feed_size, DeadlineBook(due_soon_s, due_soon_fraction, urgent_n))
        self._env = Environment(names)
        self._today = TodayStats()
        self._alarms = AlarmBook(names, flood_count, flood_window_s)
        self._response = ResponseToday()
        self._handlers: dict[type[Message], Callable[[Any, float, Changes], None]] = {
            CaseCreated: self._on_created,
            CaseStageChanged: self._on_stage,
            CaseClosed: self._on_closed,
            CaseUrged: self._on_urged,
            CaseDifficultChanged: self._on_difficult,
            CaseEvaluated: self._on_evaluated,
            WeatherWarning: self._on_weather,
            CrowdFlow: self._on_crowd,
            SensorReading: self._on_sensor,
            StaffPositions: self._on_staff,
            Kpis: self._on_kpis,
            AlarmRaised: self._on_alarm_raised,
            AlarmChanged: self._on_alarm_changed,
            PlanStarted: self._on_plan_started,
            PlanStepDone: self._on_plan_step,
            PlanClosed: self._on_plan_closed,
            Welcome: self._on_welcome,
        }

    # ----------------------------------------------------------------- folding
    def apply(self, msgs: Iterable[Message], now: float | None = None) -> Changes:
        """Fold a batch of messages; returns what changed (repaint those parts once).

        A :class:`Snapshot` resets everything. Events whose ``seq`` is not above
        :attr:`last_seq` are ignored (duplicates after a resume); volatile
        messages without ``seq`` (KPIs, staff) always apply, and so does a
        ``welcome`` (the server's flood rule). Other message types (heartbeats,
        acks...) are skipped.
        """
        now = time.time() if now is None else now
        self._now = now
        ch = Changes()
        if self._today.roll(now):
            ch.kpi = ch.charts = True
        if self._response.roll(now):
            ch.response = True
        for msg in msgs:
            if isinstance(msg, Snapshot):
                self._reset(msg, now, ch)
                continue
            handler = self._handlers.get(type(msg))
            if handler is None:
                continue
            seq = msg.seq
            if seq is not None:
                if seq <= self.last_seq:
                    self.ignored += 1
                    ch.ignored += 1
                    continue
                if self.last_seq and seq != self.last_seq + 1:
                    self.gaps += 1
                self.last_seq = seq
            handler(msg, now, ch)
        self._cases.advance(now, ch)
        if self._alarms.advance(now):
            ch.alarms = True
        return ch

    def tick(self, now: float) -> Changes:
        """Re-evaluate countdowns and the day at ``now`` (call once a second; cost O(transitions))."""
        self._now = now
        ch = Changes()
        if self._today.roll(now):
            ch.kpi = ch.charts = True
        if self._response.roll(now):
            ch.response = True
        self._cases.advance(now, ch)
        if self._alarms.advance(now):
            ch.alarms = True
        if ch.overdue:
            ch.response = True
        return ch

    def _reset(self, snap: Snapshot, now: float, ch: Changes) -> None:
        new_store = snap.store_id != self.store_id
        self.store_id, self.last_seq = snap.store_id, snap.head
        self._cases.clear()
        self._env.clear()
        if new_store:
            self._today.clear()
            self._today.roll(now)
        ordered = sorted(snap.cases, key=lambda c: c.reported_at)
        for case in ordered:
            self._cases.add(case, case.reported_at, now)
        self._today.recount(ordered)  # today's reports, the tile and every chart from this one snapshot
        self._response.recount(ordered, now)
        for w in snap.weather:
            self._env.on_weather(w, now)
        for c in snap.crowd:
            self._env.on_crowd(c, now)
        for s in snap.sensors:
            self._env.on_sensor(s, now)
        self._env.staff = snap.staff
        if snap.kpi is not None:
            self._today.on_kpis(snap.kpi)
            self._response.on_kpis(snap.kpi)
        self._alarms.reset(snap.alarms, snap.plans, now)
        ch.mark_all()

    # ------------------------------------------------------------- case events
    def _on_created(self, m: CaseCreated, now: float, ch: Changes) -> None:
        self._cases.add(m.case, m.ts or m.case.reported_at, now, ch)
        if self._today.on_created(m.case):
            ch.kpi = ch.charts = True
        if self._response.on_created(m.case):
            ch.response = True

    def _on_stage(self, m: CaseStageChanged, now: float, ch: Changes) -> None:
        at = m.ts or now
        if self._cases.move(m, at, now, ch) and self._today.on_stage(m.stage, at):
            ch.kpi = True
        self._note_request(m.case_id, ch)

    def _on_closed(self, m: CaseClosed, now: float, ch: Changes) -> None:
        at = m.ts or now
        v = self._cases.get(m.case_id)
        if self._cases.close(m, at, ch) and self._today.on_closed(m.on_time, at):
            ch.kpi = True
        if v is not None and v.platform == PLATFORM:
            self._response.on_closed(m.case_id, dispatched=v.stage not in ("reported", "filed"))
            ch.response = True

    def _on_urged(self, m: CaseUrged, now: float, ch: Changes) -> None:
        self._cases.urge(m.case_id, ch)

    def _on_difficult(self, m: CaseDifficultChanged, now: float, ch: Changes) -> None:
        self._cases.mark_difficult(m.case_id, m.difficult, ch)

    def _on_evaluated(self, m: CaseEvaluated, now: float, ch: Changes) -> None:
        self._cases.evaluate(m.case_id, m.resolved, m.satisfaction, ch)
        ch.response = True

    def _note_request(self, case_id: str, ch: Changes) -> None:
        v = self._cases.get(case_id)
        if v is not None and v.platform == PLATFORM:
            ch.response = True

    # ------------------------------------------------------------ environment
    def _on_weather(self, m: WeatherWarning, now: float, ch: Changes) -> None:
        self._env.on_weather(m, now)
        ch.weather = True

    def _on_crowd(self, m: CrowdFlow, now: float, ch: Changes) -> None:
        self._env.on_crowd(m, now)
        ch.crowd = True

    def _on_sensor(self, m: SensorReading, now: float, ch: Changes) -> None:
        self._env.on_sensor(m, now)
        ch.sensors = True

    def _on_staff(self, m: StaffPositions, now: float, ch: Changes) -> None:
        self._env.staff = m.positions
        ch.staff = True

    def _on_kpis(self, m: Kpis, now: float, ch: Changes) -> None:
        kpi, charts = self._today.on_kpis(m)
        ch.kpi = ch.kpi or kpi
        ch.charts = ch.charts or charts
        ch.response = self._response.on_kpis(m) or ch.response

    # ----------------------------------------------------------------- alarms
    def _on_alarm_raised(self, m: AlarmRaised, now: float, ch: Changes) -> None:
        self._alarms.raised(m.alarm, now)
        ch.alarms = True

    def _on_alarm_changed(self, m: AlarmChanged, now: float, ch: Changes) -> None:
        ch.alarms = self._alarms.changed(m, m.ts or now) or ch.alarms

    def _on_plan_started(self, m: PlanStarted, now: float, ch: Changes) -> None:
        self._alarms.plan_started(m.run)
        ch.plans = True

    def _on_plan_step(self, m: PlanStepDone, now: float, ch: Changes) -> None:
        ch.plans = self._alarms.plan_step(m, m.ts or now) or ch.plans

    def _on_plan_closed(self, m: PlanClosed, now: float, ch: Changes) -> None:
        ch.plans = self._alarms.plan_closed(m) or ch.plans

    def _on_welcome(self, m: Welcome, now: float, ch: Changes) -> None:
        """The server's flood rule is the one walls group by (see :meth:`AlarmBook.set_flood`)."""
        ch.alarms = self._alarms.set_flood(m.flood_count, m.flood_window_s, now) or ch.alarms

    @property
    def flood_rule(self) -> tuple[int, float]:
        """The flood rule in force: more than ``[0]`` new alarms within ``[1]`` seconds."""
        return self._alarms.flood_count, self._alarms.flood_window_s

    # ------------------------------------------------------------------- views
    def feed(self) -> list[CaseView]:
        """Recent cases, newest first (at most ``feed_size``)."""
        return self._cases.feed.rows()

    def case(self, case_id: str) -> CaseView | None:
        """An open case, else a feed row, else ``None``."""
        return self._cases.get(case_id)

    def open_cases(self) -> Iterator[CaseView]:
        """Every open case (any order)."""
        return iter(self._cases)

    @property
    def open_count(self) -> int:
        """Number of open cases."""
        return len(self._cases)

    @property
    def unknown(self) -> int:
        """Case events for cases the state does not hold (e.g. outside the area)."""
        return self._cases.unknown

    def deadline_status(self, case_id: str) -> str:
        """``"overdue"``, ``"due_soon"``, ``"ok"`` or ``""`` (no deadline tracked)."""
        status = self._cases.book.status_of(case_id)
        return "" if status is None else ("ok", "due_soon", "overdue")[status]

    def overdue(self) -> OverdueView:
        """Overdue/due-soon totals, loads by subdistrict and department, nearest countdowns."""
        return self._cases.overdue(self._now)

    def grid_values(self, grids: Iterable[str] | None = None) -> list[GridValue]:
        """Values of ``grids`` (zeros included), or of every grid with an open case when ``None``."""
        return self._cases.grid_values(grids)

    def grid_counts(self, mode: str = "density") -> dict[str, int]:
        """Open (``density``) or overdue (``overdue``) cases per grid; grids with none are left out."""
        return self._cases.grid_counts(mode)

    def weather(self) -> list[WeatherView]:
        """Active weather warnings, most severe first."""
        return self._env.weather()

    def crowd(self) -> list[CrowdView]:
        """Crowd hot spots, fullest first."""
        return self._env.crowd()

    def sensors(self) -> list[SensorView]:
        """Sensors, alarms first."""
        return self._env.sensors()

    def staff(self) -> tuple[StaffPosition, ...]:
        """Latest staff positions."""
        return self._env.staff

    def kpi(self) -> KpiView:
        """Today's KPI figures and the long-run totals."""
        return self._today.kpi_view()

    def charts(self) -> ChartView:
        """Series for the chart strip."""
        return self._today.chart_view(self.names, self._now, self.top_types)

    def alarms(self) -> AlarmView:
        """Alarms to list (unacknowledged first, by priority), the flood line and the counts."""
        return self._alarms.view(self._now)

    def plans(self) -> list[PlanView]:
        """Running bad-weather linkage plans, newest first."""
        return self._alarms.plans()

    def response(self) -> ResponseView:
        """The 全响应 panel's figures: today's requests by channel and type, overdue requests, the three rates."""
        return self._response.view(self._cases, self.names, self._now)

    def sizes(self) -> dict[str, int]:
        """Sizes of every growing structure (memory tests, diagnostics)."""
        sizes = {**self._cases.sizes(), "history_days": self._today.history_days, **self._env.sizes}
        return {**sizes, **self._alarms.sizes}
