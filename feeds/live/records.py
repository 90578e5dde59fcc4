"""Immutable view records that :class:`~feeds.live.state.LiveState` hands to widgets.

Records carry codes plus bilingual :class:`~feeds.live.names.Label` names and
absolute times (epoch seconds, UTC); widgets format them (language, Beijing
time, remaining time against their own ``now``).
"""

from __future__ import annotations

from dataclasses import dataclass

from feeds.live.names import Label


@dataclass(frozen=True, slots=True)
class CaseView:
    """One case as the wall shows it (feed row, map marker, countdown source).

    Attributes:
        id: Case id.
        kind: ``component`` or ``event``.
        subclass: Subclass code; ``type`` is its name.
        source: Source code; ``source_name`` is its name.
        grid: 15-digit grid code; ``subdistrict``/``community`` are its parents' names.
        stage: Current stage id (see :data:`feeds.protocol.STAGES`).
        stage_since: When the current stage began (or when the wall first saw it).
        reported_at: When the case was reported.
        deadline: Deadline of the current stage, if any.
        handle_deadline: Handling deadline (处置时限), if any.
        department: Responsible department's name (``department_code`` its code).
        description: Citizen-written text: untrusted, show as plain text only.
        address: Free-text address: untrusted, plain text only.
        platform: ``city`` (城市管理) or ``response`` (全响应).
        response_deadline: 全响应: contact the caller by then.
        resolved: 全响应 evaluation (回访): resolved or not (``None`` before it).
        satisfaction: 全响应 evaluation: ``satisfied``/``basically_satisfied``/``unsatisfied``.
    """

    id: str
    kind: str
    subclass: str
    type: Label
    source: str
    source_name: Label
    grid: str
    subdistrict_code: str
    subdistrict: Label
    community: Label
    lon: float
    lat: float
    stage: str
    stage_since: float
    reported_at: float
    department_code: str
    department: Label
    deadline: float | None = None
    handle_deadline: float | None = None
    description: str = ""
    address: str = ""
    difficult: bool = False
    urges: int = 0
    reworks: int = 0
    on_time: bool | None = None
    platform: str = "city"
    response_deadline: float | None = None
    resolved: bool | None = None
    satisfaction: str | None = None


@dataclass(frozen=True, slots=True)
class Countdown:
    """An open case close to its deadline (the widget ticks ``deadline - now``)."""

    case_id: str
    type: Label
    place: Label
    department: Label
    stage: str
    deadline: float


@dataclass(frozen=True, slots=True)
class UnitLoad:
    """Overdue and due-soon counts of one subdistrict or department."""

    code: str
    name: Label
    overdue: int
    due_soon: int


@dataclass(frozen=True, slots=True)
class OverdueView:
    """Everything the overdue panel shows.

    Attributes:
        overdue: Open cases past their current stage deadline (超期).
        due_soon: Open cases inside their due-soon window (即将超期).
        open: Open cases in total.
        by_subdistrict: Loads sorted by overdue, then due soon (units with zero of both omitted).
        by_department: Same, by responsible department.
        urgent: Not-yet-overdue cases with the nearest deadlines, nearest first.
        as_of: The ``now`` the counts were evaluated at.
    """

    overdue: int
    due_soon: int
    open: int
    by_subdistrict: tuple[UnitLoad, ...]
    by_department: tuple[UnitLoad, ...]
    urgent: tuple[Countdown, ...]
    as_of: float


@dataclass(frozen=True, slots=True)
class GridValue:
    """Live values of one unit grid, for map colouring."""

    grid: str
    open: int
    overdue: int
    due_soon: int


@dataclass(frozen=True, slots=True)
class WeatherView:
    """An active weather warning (``hazard``/``level`` are protocol vocabulary)."""

    alert_id: str
    hazard: str
    level: str
    text: str
    issued_at: float


@dataclass(frozen=True, slots=True)
class CrowdView:
    """A crowd hot spot: latest count, capacity, level and recent history (oldest first).

    ``trend`` is +1 rising, -1 falling, 0 steady (latest vs the mean of the previous readings, ±3 %).
    """

    spot_id: str
    name: Label
    count: int
    capacity: int
    level: str
    history: tuple[int, ...]
    trend: int
    at: float


@dataclass(frozen=True, slots=True)
class SensorView:
    """A sensor's latest reading with a short history (oldest first)."""

    sensor_id: str
    kind: str
    name: Label
    value: float
    unit: str
    threshold: float
    alarm: bool
    lon: float
    lat: float
    history: tuple[float, ...]
    at: float


@dataclass(frozen=True, slots=True)
class KpiView:
    """Today's figures and the long-run totals.

    Counts are the server's latest :class:`~feeds.protocol.Kpis` plus the
    events folded since (so tiles move between KPI messages); ``None`` means
    unknown. ``origin`` is ``"server"`` once a KPI message has arrived, else ``"local"``.
    """

    reported: float
    filed: float
    dispatched: float
    closed: float
    closure_rate: float | None
    on_time_rate: float | None
    total_cases: float | None
    total_closed: float | None
    total_closure_rate: float | None
    since: str | None
    origin: str


@dataclass(frozen=True, slots=True)
class Ranked:
    """One bar of a ranking chart."""

    code: str
    name: Label
    count: int


@dataclass(frozen=True, slots=True)
class ChartView:
    """Series for the bottom chart strip (all "today" in Beijing time).

    Attributes:
        hourly_today: 24 counts of cases reported in each hour today.
        hourly_last_week: 24 counts for the same weekday a week ago, or ``None``.
        last_week_origin: ``"server"`` (from the KPI ``charts`` object),
            ``"observed"`` (counted by this wall a week ago; may be partial) or ``"none"``.
        current_hour: Beijing hour of ``now`` (0–23): later hours of today are empty.
        top_types: Most frequent subclasses today, largest first.
        top5_share: Share of today's cases in the five most frequent subclasses (0–1).
        types_total: Cases counted today.
        source_mix: Every source seen today, largest first.
        subdistricts: Subdistricts by cases today, largest first.
    """

    hourly_today: tuple[int, ...]
    hourly_last_week: tuple[float, ...] | None
    last_week_origin: str
    current_hour: int
    top_types: tuple[Ranked, ...]
    top5_share: float
    types_total: int
    source_mix: tuple[Ranked, ...]
    subdistricts: tuple[Ranked, ...]


@dataclass(frozen=True, slots=True)
class AlarmRow:
    """One alarm as the wall shows it (see ``docs/alarms.md``).

    ``subject`` names what raised it (hot spot, sensor, case type and subdistrict; empty for
    weather, whose ``hazard`` and ``level`` say it); ``state`` is ``active`` (unacknowledged),
    ``acknowledged`` or ``shelved``.
    """

    alarm_id: str
    kind: str
    priority: str
    state: str
    level: str
    hazard: str
    subject: Label
    text: str
    source: str
    raised_at: float
    acked_by: str = ""
    deadline: float | None = None
    shelved_until: float | None = None
    shelve_reason: str = ""


@dataclass(frozen=True, slots=True)
class FloodLine:
    """A flood: the unacknowledged alarms raised within the flood window, collapsed into one line."""

    count: int
    high: int
    medium: int
    low: int
    since: float
    alarm_ids: tuple[str, ...]
    raised: int = 0
    """Every alarm raised within the window (acknowledged ones too): what made it a flood."""


@dataclass(frozen=True, slots=True)
class AlarmView:
    """The alarm panel's content: rows to list, a flood line, and the counts.

    ``rows`` hold the alarms not shelved and not in the flood line, unacknowledged first (by
    priority, newest first), then acknowledged; ``unacked`` counts unacknowledged alarms per
    priority (high, medium, low), flood included; ``recent`` is the number of alarms raised
    within the flood window (``flood_window_s``).
    """

    rows: tuple[AlarmRow, ...] = ()
    flood: FloodLine | None = None
    unacked: tuple[int, int, int] = (0, 0, 0)
    acked: int = 0
    shelved: int = 0
    recent: int = 0
    flood_window_s: float = 600.0


@dataclass(frozen=True, slots=True)
class PlanStepView:
    """A step of a running linkage plan."""

    step_id: str
    text: Label
    department: Label
    done: bool
    by: str
    at: float | None


@dataclass(frozen=True, slots=True)
class PlanView:
    """A running bad-weather linkage plan with its checklist and map layers."""

    run_id: str
    plan_id: str
    title: Label
    hazard: str
    level: str
    started_at: float
    layers: tuple[str, ...]
    steps: tuple[PlanStepView, ...]

    @property
    def done(self) -> int:
        """Steps ticked off."""
        return sum(1 for s in self.steps if s.done)
