"""Answers to ``query`` messages in typed form (what the drill-down views read).

The server sends each answer as JSON (``Result.data``, shapes in ``docs/analytics.md``);
:func:`parse_answer` turns it into the classes here at the ``feeds`` boundary, on the
query worker thread, so the views read typed fields and never look keys up in dicts.
Parsing is lenient like the views were: a missing field takes its empty value. This
module needs no database or numpy, so the views can import it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, TypeAlias

INDICATORS: tuple[str, ...] = (
    "reported",
    "filed",
    "dispatched",
    "closed",
    "closure_rate",
    "ontime_closure_rate",
    "ontime_handling_rate",
    "overdue_unhandled",
    "rework_rate",
    "mean_handling_h",
)
"""Indicator names (GB/T 30428.4 style, ``docs/indicators.md``), in display order."""

Wire: TypeAlias = Mapping[str, Any]


def _map(value: object) -> Wire:
    return value if isinstance(value, Mapping) else {}


def _rows(value: object) -> Sequence[Wire]:
    return [r for r in value if isinstance(r, Mapping)] if isinstance(value, list | tuple) else []


def _num(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _int(value: object) -> int:
    n = _num(value)
    return int(n) if n is not None else 0


def _text(value: object) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


@dataclass(frozen=True)
class Named:
    """A coded thing with a Chinese and an English name (unit, department, subclass, source)."""

    code: str = ""
    name_zh: str = ""
    name_en: str = ""

    def name(self, lang: str) -> str:
        """The name in ``lang`` (``zh`` or ``en``), else the other one, else the code."""
        first, second = (self.name_en, self.name_zh) if lang == "en" else (self.name_zh, self.name_en)
        return first or second or self.code

    @classmethod
    def from_wire(cls, d: object) -> Named:
        """From ``{code, name_zh, name_en}`` (missing parts empty)."""
        m = _map(d)
        return cls(_text(m.get("code")), _text(m.get("name_zh")), _text(m.get("name_en")))


@dataclass(frozen=True)
class UnitRef(Named):
    """A unit of the district with its level (``district``, ``subdistrict``, ``community``, ``grid``)."""

    level: str = ""

    @classmethod
    def from_wire(cls, d: object) -> UnitRef:
        """From ``{code, level, name_zh, name_en}``."""
        m = _map(d)
        return cls(_text(m.get("code")), _text(m.get("name_zh")), _text(m.get("name_en")), _text(m.get("level")))


@dataclass(frozen=True)
class PeriodRef:
    """A query's time range: its label, ISO bounds (Beijing) and epoch seconds (end excluded)."""

    label: str = ""
    start: str = ""
    end: str = ""
    start_s: int | None = None
    end_s: int | None = None

    @classmethod
    def from_wire(cls, d: object) -> PeriodRef:
        """From the ``period`` object of an answer."""
        m = _map(d)
        start_s, end_s = _num(m.get("start_s")), _num(m.get("end_s"))
        return cls(
            _text(m.get("label")),
            _text(m.get("start")),
            _text(m.get("end")),
            int(start_s) if start_s is not None else None,
            int(end_s) if end_s is not None else None,
        )


@dataclass(frozen=True)
class Indicators:
    """The ten indicators of a selection (``docs/indicators.md``); ``None`` where a rate is undefined."""

    reported: float | None = None
    filed: float | None = None
    dispatched: float | None = None
    closed: float | None = None
    closure_rate: float | None = None
    ontime_closure_rate: float | None = None
    ontime_handling_rate: float | None = None
    overdue_unhandled: float | None = None
    rework_rate: float | None = None
    mean_handling_h: float | None = None

    def value(self, name: str) -> float | None:
        """One indicator by its name in :data:`INDICATORS` (``None`` for another name)."""
        return getattr(self, name, None) if name in INDICATORS else None

    @classmethod
    def from_wire(cls, d: object) -> Indicators:
        """From ``{indicator: value}``."""
        m = _map(d)
        return cls(**{name: _num(m.get(name)) for name in INDICATORS})


assert tuple(f.name for f in fields(Indicators)) == INDICATORS


@dataclass(frozen=True)
class Change:
    """One indicator against an earlier period: its value then, the difference and the relative change."""

    before: float | None = None
    delta: float | None = None
    ratio: float | None = None

    @classmethod
    def from_wire(cls, d: object) -> Change:
        """From ``{before, delta, ratio}``."""
        m = _map(d)
        return cls(_num(m.get("before")), _num(m.get("delta")), _num(m.get("ratio")))


@dataclass(frozen=True)
class Comparison:
    """同比 (``yoy``) or 环比 (``pop``): the earlier period, its indicators and each indicator's change."""

    period: PeriodRef = field(default_factory=PeriodRef)
    indicators: Indicators = field(default_factory=Indicators)
    change: Mapping[str, Change] = field(default_factory=dict)

    @classmethod
    def from_wire(cls, d: object) -> Comparison:
        """From the ``yoy``/``pop`` object of a ``drill`` answer."""
        m = _map(d)
        changes = _map(m.get("change"))
        return cls(
            PeriodRef.from_wire(m.get("period")),
            Indicators.from_wire(m.get("indicators")),
            {name: Change.from_wire(changes.get(name)) for name in INDICATORS if name in changes},
        )


@dataclass(frozen=True)
class Figures:
    """A named unit or department with its indicators (a row of a ``drill``'s children or of a ``ranking``)."""

    who: Named
    indicators: Indicators
    value: float | None = None
    rank: int = 0


@dataclass(frozen=True)
class DrillAnswer:
    """``drill`` / ``indicators``: a unit's figures with 同比/环比 and (``drill``) each child unit's."""

    unit: UnitRef
    period: PeriodRef
    as_of: str = ""
    filters: Mapping[str, Any] = field(default_factory=dict)
    indicators: Indicators = field(default_factory=Indicators)
    yoy: Comparison = field(default_factory=Comparison)
    pop: Comparison = field(default_factory=Comparison)
    child_level: str = ""
    children: tuple[Figures, ...] = ()

    @classmethod
    def from_wire(cls, d: Wire) -> DrillAnswer:
        """From the JSON answer."""
        return cls(
            UnitRef.from_wire(d.get("unit")),
            PeriodRef.from_wire(d.get("period")),
            _text(d.get("as_of")),
            dict(_map(d.get("filters"))),
            Indicators.from_wire(d.get("indicators")),
            Comparison.from_wire(d.get("yoy")),
            Comparison.from_wire(d.get("pop")),
            _text(d.get("child_level")),
            tuple(
                Figures(UnitRef.from_wire(r.get("unit")), Indicators.from_wire(r.get("indicators")))
                for r in _rows(d.get("children"))
            ),
        )


@dataclass(frozen=True)
class RankingAnswer:
    """``ranking``: units or departments ranked by one indicator (``value`` is that indicator)."""

    by: str
    indicator: str
    order: str
    unit: UnitRef
    period: PeriodRef
    rows: tuple[Figures, ...] = ()

    @classmethod
    def from_wire(cls, d: Wire) -> RankingAnswer:
        """From the JSON answer."""
        return cls(
            _text(d.get("by")),
            _text(d.get("indicator")),
            _text(d.get("order")),
            UnitRef.from_wire(d.get("unit")),
            PeriodRef.from_wire(d.get("period")),
            tuple(
                Figures(
                    Named.from_wire(r),
                    Indicators.from_wire(r.get("indicators")),
                    _num(r.get("value")),
                    _int(r.get("rank")),
                )
                for r in _rows(d.get("rows"))
            ),
        )


@dataclass(frozen=True)
class TrendAnswer:
    """``trend``: reported cases per hour or day from ``start_s`` in steps of ``step_s``."""

    unit: UnitRef
    period: PeriodRef
    bucket: str
    start: str
    start_s: int
    step_s: int
    counts: tuple[int, ...]
    compare_label: str = ""
    compare_start_s: int | None = None
    compare_counts: tuple[int, ...] = ()

    @classmethod
    def from_wire(cls, d: Wire) -> TrendAnswer:
        """From the JSON answer."""
        other = _map(d.get("compare"))
        start = _num(other.get("start_s"))
        return cls(
            UnitRef.from_wire(d.get("unit")),
            PeriodRef.from_wire(d.get("period")),
            _text(d.get("bucket")),
            _text(d.get("start")),
            _int(d.get("start_s")),
            _int(d.get("step_s")),
            tuple(_int(c) for c in d.get("counts") or ()),
            _text(other.get("label")),
            int(start) if start is not None else None,
            tuple(_int(c) for c in other.get("counts") or ()),
        )


@dataclass(frozen=True)
class TypeShare:
    """A case type with its count and share of the selection."""

    subclass: Named
    count: int
    share: float | None


@dataclass(frozen=True)
class TypesAnswer:
    """``types``: the most frequent subclasses and what the rest adds up to."""

    unit: UnitRef
    period: PeriodRef
    total: int
    rows: tuple[TypeShare, ...]
    other: TypeShare

    @classmethod
    def from_wire(cls, d: Wire) -> TypesAnswer:
        """From the JSON answer."""
        other = _map(d.get("other"))
        return cls(
            UnitRef.from_wire(d.get("unit")),
            PeriodRef.from_wire(d.get("period")),
            _int(d.get("total")),
            tuple(
                TypeShare(Named.from_wire(r), _int(r.get("count")), _num(r.get("share"))) for r in _rows(d.get("rows"))
            ),
            TypeShare(Named(), _int(other.get("count")), _num(other.get("share"))),
        )


@dataclass(frozen=True)
class CaseRow:
    """One case of a ``cases`` page (times are ISO strings in Beijing time, ``""`` when unset)."""

    id: str
    kind: str = ""
    subclass: str = ""
    subclass_name: Named = field(default_factory=Named)
    source: str = ""
    grid: str = ""
    department: str = ""
    stage: str = ""
    reported_at: str = ""
    deadline_at: str = ""
    handle_deadline_at: str = ""
    difficult: bool = False
    overdue: bool = False
    urges: int = 0
    reworks: int = 0
    description: str = ""
    address: str = ""

    @classmethod
    def from_wire(cls, r: Wire) -> CaseRow:
        """From one row of the answer."""
        return cls(
            _text(r.get("id")),
            _text(r.get("kind")),
            _text(r.get("subclass")),
            Named.from_wire(r.get("subclass_name")),
            _text(r.get("source")),
            _text(r.get("grid")),
            _text(r.get("department")),
            _text(r.get("stage")),
            _text(r.get("reported_at")),
            _text(r.get("deadline_at")),
            _text(r.get("handle_deadline_at")),
            bool(r.get("difficult")),
            bool(r.get("overdue")),
            _int(r.get("urges")),
            _int(r.get("reworks")),
            _text(r.get("description")),
            _text(r.get("address")),
        )


@dataclass(frozen=True)
class CaseListAnswer:
    """``cases``: one page of a selection's cases, sorted by the server, with the total count."""

    unit: UnitRef
    period: PeriodRef
    filters: Mapping[str, Any]
    q: str
    sort: str
    order: str
    offset: int
    limit: int
    total: int
    rows: tuple[CaseRow, ...]
    total_exact: bool = True
    """False when more cases match than ``total`` (the server stopped counting at its limit)."""

    @classmethod
    def from_wire(cls, d: Wire) -> CaseListAnswer:
        """From the JSON answer."""
        return cls(
            UnitRef.from_wire(d.get("unit")),
            PeriodRef.from_wire(d.get("period")),
            dict(_map(d.get("filters"))),
            _text(d.get("q")),
            _text(d.get("sort")),
            _text(d.get("order")),
            _int(d.get("offset")),
            _int(d.get("limit")),
            _int(d.get("total")),
            tuple(CaseRow.from_wire(r) for r in _rows(d.get("rows"))),
            d.get("total_exact") is not False,
        )


def epoch(value: object) -> float | None:
    """Epoch seconds of a number or an ISO 8601 string (``None`` when absent or unreadable)."""
    n = _num(value)
    if n is not None:
        return n
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value).timestamp()
        except ValueError:
            return None
    return None


CASE_TIMES = (
    "reported_at",
    "filed_at",
    "dispatched_at",
    "handled_at",
    "closed_at",
    "cancelled_at",
    "deadline_at",
    "handle_deadline_at",
    "response_deadline_at",
    "responded_at",
    "evaluated_at",
)
"""The time columns of a case (sent as ISO strings, with the epoch seconds under ``<name>_s``)."""


@dataclass(frozen=True)
class CaseRecord:
    """Every column of one case (``docs/server.md``); times are epoch seconds, ``None`` when not reached."""

    id: str
    kind: str = ""
    subclass: str = ""
    source: str = ""
    grid: str = ""
    community: str = ""
    subdistrict: str = ""
    department: str = ""
    lon: float | None = None
    lat: float | None = None
    address: str = ""
    description: str = ""
    stage: str = ""
    reported_at: float | None = None
    filed_at: float | None = None
    dispatched_at: float | None = None
    handled_at: float | None = None
    closed_at: float | None = None
    cancelled_at: float | None = None
    deadline_at: float | None = None
    handle_deadline_at: float | None = None
    on_time: bool | None = None
    difficult: bool = False
    overdue: bool = False
    urges: int = 0
    reworks: int = 0
    platform: str = "city"
    response_deadline_at: float | None = None
    responded_at: float | None = None
    evaluated_at: float | None = None
    resolved: bool | None = None
    satisfaction: str = ""

    @classmethod
    def from_wire(cls, d: object) -> CaseRecord:
        """From the ``case`` object of a ``case`` answer (times from ``<time>_s``, else the ISO string)."""
        m = _map(d)
        times = {k: epoch(m.get(f"{k}_s", m.get(k))) for k in CASE_TIMES}
        on_time = m.get("on_time")
        resolved = m.get("resolved")
        return cls(
            id=_text(m.get("id")),
            kind=_text(m.get("kind")),
            subclass=_text(m.get("subclass")),
            source=_text(m.get("source")),
            grid=_text(m.get("grid")),
            community=_text(m.get("community")),
            subdistrict=_text(m.get("subdistrict")),
            department=_text(m.get("department")),
            lon=_num(m.get("lon")),
            lat=_num(m.get("lat")),
            address=_text(m.get("address")),
            description=_text(m.get("description")),
            stage=_text(m.get("stage")),
            on_time=None if on_time is None else bool(on_time),
            difficult=bool(m.get("difficult")),
            overdue=bool(m.get("overdue")),
            urges=_int(m.get("urges")),
            reworks=_int(m.get("reworks")),
            platform=_text(m.get("platform")) or "city",
            resolved=None if resolved is None else bool(resolved),
            satisfaction=_text(m.get("satisfaction")),
            **times,
        )


@dataclass(frozen=True)
class HistoryRow:
    """One recorded workflow step of a case (a stage reached, a rework, an urge, a mark, a note)."""

    at: float
    action: str
    deadline_at: float | None = None
    actor: str = ""
    note: str = ""

    @classmethod
    def from_wire(cls, d: Wire) -> HistoryRow:
        """From one ``history`` row (times as numbers or ISO strings)."""
        at = epoch(d.get("at"))
        return cls(
            at if at is not None else epoch(d.get("at_iso")) or 0.0,
            _text(d.get("action")),
            epoch(d.get("deadline_at", d.get("deadline"))),
            _text(d.get("actor")),
            _text(d.get("note")),
        )


@dataclass(frozen=True)
class StageCheck:
    """A stage judged against its deadline: ``status`` ``on_time``, ``late``, ``pending``, ``overdue``, ``skipped``,
    ``not_started`` or ``unknown``; ``margin_s`` is early (> 0) or late (< 0)."""

    stage: str
    started_at: float | None = None
    reached_at: float | None = None
    deadline_at: float | None = None
    allowed_h: float | None = None
    used_h: float | None = None
    margin_s: float | None = None
    status: str = ""

    @classmethod
    def from_wire(cls, d: Wire) -> StageCheck:
        """From one ``stages`` entry."""
        return cls(
            _text(d.get("stage")),
            epoch(d.get("started_at")),
            epoch(d.get("reached_at")),
            epoch(d.get("deadline_at")),
            _num(d.get("allowed_h")),
            _num(d.get("used_h")),
            _num(d.get("margin_s")),
            _text(d.get("status")),
        )


@dataclass(frozen=True)
class CaseDetailAnswer:
    """``case``: one case with its names, its place, its recorded history and its stage deadlines."""

    case: CaseRecord
    subclass: Named = field(default_factory=Named)
    department: Named = field(default_factory=Named)
    source: Named = field(default_factory=Named)
    units: tuple[UnitRef, ...] = ()
    """Subdistrict, community and grid."""
    history: tuple[HistoryRow, ...] = ()
    stages: tuple[StageCheck, ...] = ()
    as_of: float | None = None

    @classmethod
    def from_wire(cls, d: Wire) -> CaseDetailAnswer:
        """From the JSON answer."""
        return cls(
            CaseRecord.from_wire(d.get("case")),
            Named.from_wire(d.get("subclass")),
            Named.from_wire(d.get("department")),
            Named.from_wire(d.get("source")),
            tuple(UnitRef.from_wire(u) for u in _rows(d.get("units"))),
            tuple(HistoryRow.from_wire(h) for h in _rows(d.get("history"))),
            tuple(StageCheck.from_wire(st) for st in _rows(d.get("stages"))),
            epoch(d.get("as_of")),
        )


@dataclass(frozen=True)
class Anomaly:
    """A type far above its usual level today in a unit: observed count against the baseline."""

    unit: UnitRef
    subclass: Named
    observed: int
    baseline: float
    score: float | None = None

    @classmethod
    def from_wire(cls, d: Wire) -> Anomaly:
        """From one ``anomalies.rows`` entry."""
        return cls(
            UnitRef.from_wire(d.get("unit")),
            Named.from_wire(d.get("subclass")),
            _int(d.get("observed")),
            _num(d.get("baseline")) or 0.0,
            _num(d.get("score")),
        )


@dataclass(frozen=True)
class Hotspot:
    """A recurring hot spot: the same type in the same grid ``count`` times on ``days`` days."""

    grid: UnitRef
    community: UnitRef
    subclass: Named
    count: int
    days: int
    score: float | None = None

    @classmethod
    def from_wire(cls, d: Wire) -> Hotspot:
        """From one ``hotspots.rows`` entry."""
        return cls(
            UnitRef.from_wire(d.get("grid")),
            UnitRef.from_wire(d.get("community")),
            Named.from_wire(d.get("subclass")),
            _int(d.get("count")),
            _int(d.get("days")),
            _num(d.get("score")),
        )


@dataclass(frozen=True)
class WarningsAnswer:
    """``warnings``: today's anomalies and the recurring hot spots (the top rows and how many in all)."""

    anomalies: tuple[Anomaly, ...]
    anomalies_total: int
    hotspots: tuple[Hotspot, ...]
    hotspots_total: int

    @classmethod
    def from_wire(cls, d: Wire) -> WarningsAnswer:
        """From the JSON answer."""
        anomalies, hotspots = _map(d.get("anomalies")), _map(d.get("hotspots"))
        a = tuple(Anomaly.from_wire(r) for r in _rows(anomalies.get("rows")))
        h = tuple(Hotspot.from_wire(r) for r in _rows(hotspots.get("rows")))
        return cls(a, _int(anomalies.get("total")) or len(a), h, _int(hotspots.get("total")) or len(h))


@dataclass(frozen=True)
class ForecastSeries:
    """One type's daily counts: recent history and the forecast (today first)."""

    subclass: Named
    history: tuple[int, ...]
    forecast: tuple[float, ...]


@dataclass(frozen=True)
class ForecastAnswer:
    """``forecast``: the next days of the most frequent types."""

    method: str
    days: tuple[str, ...]
    series: tuple[ForecastSeries, ...]

    @classmethod
    def from_wire(cls, d: Wire) -> ForecastAnswer:
        """From the JSON answer."""
        return cls(
            _text(d.get("method")),
            tuple(_text(x) for x in d.get("days") or ()),
            tuple(
                ForecastSeries(
                    Named.from_wire(r.get("subclass")),
                    tuple(_int(x) for x in r.get("history") or ()),
                    tuple(_num(x) or 0.0 for x in r.get("forecast") or ()),
                )
                for r in _rows(d.get("series"))
            ),
        )


@dataclass(frozen=True)
class ResponseFigures:
    """The 全响应 figures of one group: counts and the three rates (fractions, ``None`` when undefined)."""

    reported: int = 0
    answered: int = 0
    dispatched: int = 0
    due_response: int = 0
    responded_in_time: int = 0
    evaluated: int = 0
    resolved: int = 0
    satisfied: int = 0
    reopened: int = 0
    open: int = 0
    overdue: int = 0
    response_rate: float | None = None
    resolution_rate: float | None = None
    satisfaction_rate: float | None = None

    def value(self, name: str) -> float | None:
        """One figure by name (``None`` for an unknown name)."""
        value = getattr(self, name, None)
        return float(value) if isinstance(value, int | float) else None

    @classmethod
    def from_wire(cls, d: object) -> ResponseFigures:
        """From a ``figures`` object (or a ranking row) of a ``response`` answer."""
        m = _map(d)
        counts = [
            _int(m.get(k))
            for k in ("reported", "answered", "dispatched", "due_response", "responded_in_time", "evaluated",
                      "resolved", "satisfied", "reopened", "open", "overdue")
        ]  # fmt: skip
        rates = [_num(m.get(k)) for k in ("response_rate", "resolution_rate", "satisfaction_rate")]
        return cls(*counts, *rates)


@dataclass(frozen=True)
class ResponseRow:
    """A subdistrict or department in a 全响应 ranking (shaped like :class:`Figures` for the rank tables)."""

    who: Named
    indicators: ResponseFigures


@dataclass(frozen=True)
class ResponseComparison:
    """同比 or 环比: the earlier period's figures and the change of each rate (and of ``reported``)."""

    period: PeriodRef
    figures: ResponseFigures
    delta: Mapping[str, float | None]

    @classmethod
    def from_wire(cls, d: object) -> ResponseComparison:
        """From the ``yoy``/``pop`` object of a ``response`` answer."""
        m = _map(d)
        change = _map(m.get("change"))
        delta = {k: _num(_map(v).get("delta")) for k, v in change.items()}
        return cls(PeriodRef.from_wire(m.get("period")), ResponseFigures.from_wire(m.get("figures")), delta)


@dataclass(frozen=True)
class ResponseAnswer:
    """The ``response`` query: a unit's 全响应 figures, 同比/环比 and rankings by subdistrict and department."""

    unit: UnitRef
    period: PeriodRef
    figures: ResponseFigures
    yoy: ResponseComparison
    pop: ResponseComparison
    by_subdistrict: tuple[ResponseRow, ...]
    by_department: tuple[ResponseRow, ...]

    @classmethod
    def from_wire(cls, d: Wire) -> ResponseAnswer:
        """From the JSON answer."""
        rankings = _map(d.get("rankings"))

        def rows(key: str) -> tuple[ResponseRow, ...]:
            return tuple(
                ResponseRow(Named.from_wire(r), ResponseFigures.from_wire(r)) for r in _rows(rankings.get(key))
            )

        return cls(
            UnitRef.from_wire(d.get("unit")),
            PeriodRef.from_wire(d.get("period")),
            ResponseFigures.from_wire(d.get("figures")),
            ResponseComparison.from_wire(d.get("yoy")),
            ResponseComparison.from_wire(d.get("pop")),
            rows("subdistrict"),
            rows("department"),
        )


Answer: TypeAlias = (
    DrillAnswer
    | RankingAnswer
    | TrendAnswer
    | TypesAnswer
    | CaseListAnswer
    | CaseDetailAnswer
    | WarningsAnswer
    | ForecastAnswer
    | ResponseAnswer
)
TYPED: dict[str, Callable[[Wire], Answer]] = {
    "drill": DrillAnswer.from_wire,
    "indicators": DrillAnswer.from_wire,
    "ranking": RankingAnswer.from_wire,
    "trend": TrendAnswer.from_wire,
    "types": TypesAnswer.from_wire,
    "cases": CaseListAnswer.from_wire,
    "case": CaseDetailAnswer.from_wire,
    "warnings": WarningsAnswer.from_wire,
    "forecast": ForecastAnswer.from_wire,
    "response": ResponseAnswer.from_wire,
}
"""Query name → parser of its answer."""


def parse_answer(name: str, data: object) -> object:
    """The typed form of query ``name``'s answer ``data`` (anything else, e.g. an action's ack, as it came)."""
    parse = TYPED.get(name)
    if parse is None or not isinstance(data, Mapping):
        return data
    return parse(data)
