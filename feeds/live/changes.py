"""What one batch (or one clock tick) changed, so the GUI repaints only that, once."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

_FLAGS = (
    "reset",
    "feed",
    "overdue",
    "map_cases",
    "grid_values",
    "weather",
    "crowd",
    "sensors",
    "staff",
    "kpi",
    "charts",
    "alarms",
    "plans",
    "response",
)


@dataclass(slots=True)
class Changes:
    """Parts of :class:`~feeds.live.state.LiveState` touched by :meth:`apply` or :meth:`tick`.

    Attributes:
        reset: A snapshot replaced everything: repaint all (``cases``/``grids`` are then left empty).
        feed: The recent-cases feed changed (new rows or a row's stage/urges).
        overdue: Overdue/due-soon counts, loads or the urgent list changed.
        map_cases: Open cases were added, changed or removed (ids in ``cases``).
        grid_values: Per-grid values changed (codes in ``grids``).
        weather: Active weather warnings changed.
        crowd: A crowd reading arrived.
        sensors: A sensor reading arrived.
        staff: Staff positions were replaced.
        kpi: KPI figures changed.
        charts: Chart series changed.
        alarms: Alarms were raised, changed or cleared, or the flood window moved.
        plans: A linkage plan started, had a step ticked, or closed.
        response: The 全响应 panel's figures changed (requests, overdue requests, the three rates).
        cases: Ids of cases added, changed or closed (look them up with ``LiveState.case``: ``None`` = gone).
        grids: Grid codes whose :class:`~feeds.live.records.GridValue` changed.
        ignored: Events dropped as duplicates or out of order (``seq`` not above ``last_seq``).
    """

    reset: bool = False
    feed: bool = False
    overdue: bool = False
    map_cases: bool = False
    grid_values: bool = False
    weather: bool = False
    crowd: bool = False
    sensors: bool = False
    staff: bool = False
    kpi: bool = False
    charts: bool = False
    alarms: bool = False
    plans: bool = False
    response: bool = False
    cases: set[str] = field(default_factory=set)
    grids: set[str] = field(default_factory=set)
    ignored: int = 0

    def __bool__(self) -> bool:
        """True when anything needs repainting."""
        return any(getattr(self, name) for name in _FLAGS)

    def names(self) -> list[str]:
        """Names of the flags that are set (for logs and tests)."""
        return [name for name in _FLAGS if getattr(self, name)]

    def mark_all(self) -> None:
        """Set every flag (a reset): views repaint in full, so the id sets are emptied."""
        for name in _FLAGS:
            setattr(self, name, True)
        self.cases.clear()
        self.grids.clear()

    def merge(self, other: Changes) -> Changes:
        """Fold ``other`` into this record (flags or-ed, sets united) and return ``self``."""
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if isinstance(mine, set):
                mine |= theirs
            elif isinstance(mine, bool):
                setattr(self, f.name, mine or theirs)
            else:
                setattr(self, f.name, mine + theirs)
        if self.reset:
            self.cases.clear()
            self.grids.clear()
        return self
