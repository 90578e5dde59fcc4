"""The content of the daily, weekly and monthly briefing (日报/周报/月报), without Qt.

:func:`build_briefing` asks the store's analytics (:class:`feeds.analytics.QueryService`)
the same queries the wall's drill-down asks, for one reporting period, and returns
typed answers (``feeds.protocol.answers``) plus the weather warnings of the period
from the event log. ``desktop/briefing.py`` lays it out and writes the PDF.

Periods (Beijing days): ``day`` is the given date; ``week`` the seven days ending
with it; ``month`` its calendar month up to and including it. Every figure is
judged at the end of the period (or at ``now`` when the period has not ended yet).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, cast

from sqlalchemy import Engine, select

from feeds.protocol import PlanRun, ProtocolError
from feeds.protocol.answers import (
    DrillAnswer,
    RankingAnswer,
    TrendAnswer,
    TypesAnswer,
    WarningsAnswer,
)
from feeds.store.alarm_state import runs_between
from feeds.store.schema import events

PERIODS = ("day", "week", "month")
BEIJING = timezone(timedelta(hours=8))
TOP_TYPES = 10
TOP_DEPARTMENTS = 10

Ask = Callable[[str, dict[str, Any]], dict[str, Any]]
"""Answers one analytics query (``QueryService.handle``)."""


@dataclass(frozen=True, slots=True)
class WeatherNote:
    """One weather warning issued, changed or lifted in the period."""

    at: float
    hazard: str
    level: str
    active: bool
    text: str


@dataclass(frozen=True, slots=True)
class Briefing:
    """Everything a briefing shows, as typed answers of the analytics queries.

    Attributes:
        period: ``day``, ``week`` or ``month``.
        first, last: The first and last Beijing day covered.
        start, end: The same as epoch seconds (``end`` exclusive).
        as_of: The time the figures are judged at.
        summary: District indicators with 同比 (``yoy``) and 环比 (``pop``), and the subdistricts.
        trend: Reported cases per hour (day) or per day (week, month) against the previous period.
        types: The most frequent case types.
        overdue: Departments ranked by cases overdue and not handled.
        departments: Departments ranked by on-time handling rate.
        subdistricts: Subdistricts ranked by on-time closure rate.
        warnings: Anomalies of the last day and recurring hot spots.
        weather: Weather warnings of the period, oldest first.
        plans: Bad-weather linkage plans run in the period, with their checklists (oldest first).
    """

    period: str
    first: date
    last: date
    start: int
    end: int
    as_of: int
    summary: DrillAnswer
    trend: TrendAnswer
    types: TypesAnswer
    overdue: RankingAnswer
    departments: RankingAnswer
    subdistricts: RankingAnswer
    warnings: WarningsAnswer
    weather: tuple[WeatherNote, ...]
    plans: tuple[PlanRun, ...] = ()


def period_days(day: date, period: str) -> tuple[date, date]:
    """The first and last day of the ``period`` that ends with (or contains) ``day``."""
    if period == "day":
        return day, day
    if period == "week":
        return day - timedelta(days=6), day
    if period == "month":
        return day.replace(day=1), day
    raise ValueError(f"unknown period {period!r}; expected one of {', '.join(PERIODS)}")


FIRST_DAY = date(1970, 1, 2)
"""The first whole Beijing day the store's times hold (they begin at 1970-01-01 08:00 in Beijing)."""


def period_problem(day: date, period: str, today: date) -> str | None:
    """Why the briefing of the ``period`` ending with ``day`` cannot be written on ``today`` (``None``: it can).

    A day after today has nothing to report yet (it was a briefing of zeros); a period beginning before
    :data:`FIRST_DAY` lies outside the times the store and the protocol carry (it was a traceback).
    """
    if day > today:
        return f"--date {day} is after today ({today}, Beijing time): there is nothing to report yet"
    first, _ = period_days(day, period)
    if first < FIRST_DAY:
        begins = f"is before {FIRST_DAY}" if period == "day" else f"begins its {period} on {first}, before {FIRST_DAY}"
        return f"--date {day} {begins}, the first whole day (Beijing time) the store's times hold"
    return None


def _midnight(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=BEIJING).timestamp())


def weather_notes(engine: Engine, start: int, end: int) -> tuple[WeatherNote, ...]:
    """Weather warnings issued, changed or lifted between ``start`` and ``end`` (from the event log)."""
    query = (
        select(events.c.frame)
        .where(events.c.type == "alert.weather", events.c.ts >= start, events.c.ts < end)
        .order_by(events.c.seq)
    )
    with engine.connect() as conn:
        frames = conn.execute(query).scalars().all()
    notes = []
    for frame in frames:
        d = json.loads(frame)
        at = datetime.fromisoformat(d["ts"]).timestamp() if d.get("ts") else float(start)
        notes.append(WeatherNote(at, str(d["hazard"]), str(d["level"]), bool(d["active"]), str(d.get("text", ""))))
    return tuple(notes)


def weather_log(engine: Engine, start: int, end: int) -> list[dict[str, Any]]:
    """:func:`weather_notes` as plain data (the ``weather_log`` query's answer)."""
    return [dataclasses.asdict(note) for note in weather_notes(engine, start, end)]


def _asked_weather(ask: Ask, start: int, end: int) -> tuple[WeatherNote, ...]:
    notes = cast(list[dict[str, Any]], ask("weather_log", {"start": start, "end": end}))
    return tuple(WeatherNote(**note) for note in notes)


def _asked_plans(ask: Ask, start: int, end: int) -> tuple[PlanRun, ...]:
    """The linkage plans of the period from the server's ``plan_runs`` query (none if it has no such query)."""
    until = datetime.fromtimestamp(end, BEIJING).isoformat(timespec="seconds")
    try:
        answer = ask("plan_runs", {"hours": (end - start) / 3600, "until": until})
    except ProtocolError:  # a server without the alarm queries
        return ()
    return tuple(PlanRun.from_wire(run) for run in answer.get("runs", []))


def build_briefing(
    ask: Ask, engine: Engine | None, day: date, period: str = "day", now: float | None = None
) -> Briefing:
    """Gather a briefing's figures.

    Args:
        ask: Answers an analytics query (``QueryService.handle``, or a case server's ``query``).
        engine: The store's engine (for the weather warnings in the event log); ``None``: ask
            the server's ``weather_log`` query instead (a workstation without the store).
        day: The reported day (the last day of a week or month).
        period: ``day``, ``week`` or ``month``.
        now: The current time; a period not yet over is judged at ``now``.
    """
    first, last = period_days(day, period)
    start, end = _midnight(first), _midnight(last + timedelta(days=1))
    as_of = end - 1 if now is None else min(end - 1, int(now))
    span = {"range": "custom", "start": start, "end": end, "as_of": as_of}

    def rank(by: str, indicator: str, order: str, limit: int) -> RankingAnswer:
        params = {**span, "by": by, "indicator": indicator, "order": order, "limit": limit}
        return RankingAnswer.from_wire(ask("ranking", params))

    bucket = "hour" if period == "day" else "day"
    return Briefing(
        period=period,
        first=first,
        last=last,
        start=start,
        end=end,
        as_of=as_of,
        summary=DrillAnswer.from_wire(ask("drill", span)),
        trend=TrendAnswer.from_wire(ask("trend", {**span, "bucket": bucket, "compare": "pop"})),
        types=TypesAnswer.from_wire(ask("types", {**span, "top": TOP_TYPES})),
        overdue=rank("department", "overdue_unhandled", "desc", TOP_DEPARTMENTS),
        departments=rank("department", "ontime_handling_rate", "desc", 100),
        subdistricts=rank("subdistrict", "ontime_closure_rate", "desc", 100),
        warnings=WarningsAnswer.from_wire(ask("warnings", {"as_of": as_of, "top": 5})),
        weather=weather_notes(engine, start, end) if engine is not None else _asked_weather(ask, start, end),
        plans=plan_runs(engine, start, end) if engine is not None else _asked_plans(ask, start, end),
    )


def plan_runs(engine: Engine, start: int, end: int) -> tuple[PlanRun, ...]:
    """Linkage plans running at any time between ``start`` and ``end`` (``plan_runs``)."""
    with engine.connect() as conn:
        return tuple(runs_between(conn, start, end))
