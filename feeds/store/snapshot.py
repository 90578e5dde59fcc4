"""Read the wall's starting state (a :class:`~feeds.protocol.Snapshot`) from the store.

A snapshot holds the open cases, the cases reported in the last 24 hours and
those closed today, the active weather warnings, the latest crowd and sensor
state, recent staff positions, the KPIs, every alarm not cleared and the
linkage plans running. It is read inside one transaction
together with the event ``head`` it corresponds to.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import Connection, RowMapping, and_, select

from feeds.protocol import (
    OPEN_STAGES,
    CaseInfo,
    CrowdFlow,
    Kpis,
    SensorReading,
    Snapshot,
    StaffPosition,
    WeatherWarning,
    from_dict,
)
from feeds.protocol.fields import TS_MAX, TS_MIN
from feeds.store.alarm_state import open_alarms, open_runs
from feeds.store.counters import DAY_S, beijing_day, day_start
from feeds.store.schema import alerts, cases, staff_positions

STAFF_FRESH_S = 3600
"""Staff positions older than this are left out of snapshots."""

ACTIVE_WINDOW_S = 30 * DAY_S
"""Open cases reported longer ago than this are the long-running backlog (挂账): they stay in
the store and in the indicators, but not in the wall's live picture (ten years leave ~11k of
them, which would drown today's overdue counters and the map)."""

_CASE_COLUMNS = (
    cases.c.id,
    cases.c.kind,
    cases.c.subclass,
    cases.c.source,
    cases.c.grid,
    cases.c.lon,
    cases.c.lat,
    cases.c.stage,
    cases.c.reported_at,
    cases.c.department,
    cases.c.description,
    cases.c.address,
    cases.c.deadline_at,
    cases.c.handle_deadline_at,
    cases.c.difficult,
    cases.c.urges,
    cases.c.reworks,
    cases.c.platform,
    cases.c.response_deadline_at,
    cases.c.resolved,
    cases.c.satisfaction,
    cases.c.component,
    cases.c.reporter,
)
M = TypeVar("M")
_log = logging.getLogger(__name__)
_TIME_COLUMNS = ("reported_at", "deadline_at", "handle_deadline_at", "response_deadline_at")


def _sendable(row: RowMapping) -> bool:
    """Whether a row's times (1970-2099) and position can go on the wire, where the walls check them.

    Rows stored by an older version may not (an imported time in the year 9999): one such row
    made every snapshot fail, and every wall showed no data.
    """
    for column in _TIME_COLUMNS:
        value = row[column]
        if value is not None and not TS_MIN <= value < TS_MAX:  # NaN fails too
            return False
    lon, lat = row["lon"], row["lat"]
    return (
        lon is not None
        and lat is not None
        and math.isfinite(lon)
        and math.isfinite(lat)
        and (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0)
    )


def case_info(row: RowMapping) -> CaseInfo:
    """A ``cases`` row (with :data:`_CASE_COLUMNS`) as the wire's :class:`CaseInfo`."""
    return CaseInfo(
        id=row["id"],
        kind=row["kind"],
        subclass=row["subclass"],
        source=row["source"],
        grid=row["grid"],
        lon=float(row["lon"]),
        lat=float(row["lat"]),
        stage=row["stage"],
        reported_at=float(row["reported_at"]),
        department=row["department"],
        description=row["description"] or "",
        address=row["address"] or "",
        deadline=float(row["deadline_at"]) if row["deadline_at"] is not None else None,
        handle_deadline=float(row["handle_deadline_at"]) if row["handle_deadline_at"] is not None else None,
        difficult=bool(row["difficult"]),
        urges=int(row["urges"] or 0),
        reworks=int(row["reworks"] or 0),
        platform=row["platform"] or "city",
        response_deadline=float(row["response_deadline_at"]) if row["response_deadline_at"] is not None else None,
        resolved=bool(row["resolved"]) if row["resolved"] is not None else None,
        satisfaction=row["satisfaction"],
        component=row["component"],
        reporter=row["reporter"],
    )


def case_columns() -> tuple[Any, ...]:
    """The ``cases`` columns :func:`case_info` reads."""
    return _CASE_COLUMNS


def read_cases(conn: Connection, now: float) -> list[CaseInfo]:
    """Open cases of the last 30 days, cases reported in the last 24 h and cases closed today."""
    since_today = day_start(beijing_day(now))
    found: dict[str, CaseInfo] = {}
    left_out: set[str] = set()
    for condition in (
        and_(cases.c.stage.in_(sorted(OPEN_STAGES)), cases.c.reported_at >= int(now - ACTIVE_WINDOW_S)),
        cases.c.reported_at >= int(now - DAY_S),
        cases.c.closed_at >= int(since_today),
    ):
        for row in conn.execute(select(*_CASE_COLUMNS).where(condition)).mappings():
            if row["id"] in found or row["id"] in left_out:
                continue
            if _sendable(row):
                found[row["id"]] = case_info(row)
            else:
                left_out.add(row["id"])
    if left_out:
        _log.warning(
            "snapshot: %d case(s) left out, their times or position cannot be sent (first: %s)",
            len(left_out),
            min(left_out),
        )
    return sorted(found.values(), key=lambda c: (c.reported_at, c.id))


def _frames(conn: Connection, kind: str, cls: type[M], active_only: bool) -> list[M]:
    query = select(alerts.c.frame).where(alerts.c.kind == kind).order_by(alerts.c.id)
    if active_only:
        query = query.where(alerts.c.active.is_(True))
    out: list[M] = []
    for frame in conn.execute(query).scalars():
        try:
            msg = from_dict(json.loads(frame))
        except ValueError as exc:  # bad JSON or a refused field, stored by an older version: the others go out
            _log.warning("snapshot: a stored %s left out: %s", kind, exc)
            continue
        if isinstance(msg, cls):
            out.append(msg)
    return out


def active_weather(conn: Connection) -> list[WeatherWarning]:
    """The weather warnings active now (their latest stored frames)."""
    return _frames(conn, "weather", WeatherWarning, active_only=True)


def read_staff(conn: Connection, now: float) -> list[StaffPosition]:
    """Staff positions reported within :data:`STAFF_FRESH_S`."""
    rows = conn.execute(
        select(staff_positions)
        .where(staff_positions.c.at >= int(now - STAFF_FRESH_S))
        .order_by(staff_positions.c.staff_id)
    ).mappings()
    return [StaffPosition(r["staff_id"], r["grid"], float(r["lon"]), float(r["lat"]), bool(r["on_duty"])) for r in rows]


def read_snapshot(conn: Connection, *, head: int, store_id: str, now: float, kpi: Kpis) -> Snapshot:
    """Assemble the snapshot at ``head`` (call inside the transaction that read ``head``)."""
    return Snapshot(
        head=head,
        store_id=store_id,
        cases=tuple(read_cases(conn, now)),
        weather=tuple(active_weather(conn)),
        crowd=tuple(_frames(conn, "crowd", CrowdFlow, active_only=False)),
        sensors=tuple(_frames(conn, "sensor", SensorReading, active_only=False)),
        staff=tuple(read_staff(conn, now)),
        kpi=kpi,
        alarms=tuple(open_alarms(conn)),
        plans=tuple(open_runs(conn)),
        ts=now,
    )


def staff_rows(positions: Iterable[StaffPosition], now: float) -> list[dict[str, Any]]:
    """``staff_positions`` rows for :meth:`Store.update_staff`."""
    return [
        {"staff_id": p.staff_id, "grid": p.grid, "lon": p.lon, "lat": p.lat, "on_duty": p.on_duty, "at": int(now)}
        for p in positions
    ]
