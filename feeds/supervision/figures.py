"""Per-supervisor figures over a period, and the ranking of all supervisors.

A patrol case names the supervisor who reported it (``cases.reporter``, schema 8; the simulator
fills it, a CSV import may map it). A supervisor is credited with the cases that name them and,
as a fallback, with the cases that name no reporter (stored before schema 8, imported without
one, or of another source) in the grids of their beat:

- ``reports``: patrol cases reported in the period naming them, plus patrol cases without a
  reporter reported in their beat (上报数); ``reports_by_beat`` says how many of them came by
  the beat fallback;
- ``valid``, ``valid_rate``: of those, the ones filed (立案) and not cancelled (有效上报率);
- ``verified``, ``verified_on_time``, ``verify_on_time_rate``: cases closed in the period after
  a closure request that name them as reporter, plus such cases without a reporter in their beat;
  and those whose verification (closure request → closed) took no longer than the subclass's
  verification deadline (核查按时率);
- ``grids_covered`` of ``beat_grids``: distinct beat grids the track passed through;
- ``distance_m``: length of the stored track (legs across a gap of more than
  :data:`GAP_S` without a point are not counted).

A case naming a reporter who is not in the roster is credited to nobody.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, Connection, and_, case, func, or_, select

from feeds.store.schema import cases, staff_tracks, supervisors
from feeds.supervision.geometry import M_PER_DEG_LAT
from feeds.taxonomy import Taxonomy

GAP_S = 600
RANK_KEYS = ("reports", "valid_rate", "verify_on_time_rate", "grids_covered", "distance_m")


@dataclass
class Figures:
    """One supervisor's figures over a period (see the module docstring)."""

    staff_id: str
    name_zh: str
    name_en: str
    shift: str
    beat_grids: int
    reports: int = 0
    reports_by_beat: int = 0
    valid: int = 0
    verified: int = 0
    verified_on_time: int = 0
    grids_covered: int = 0
    distance_m: float = 0.0
    track_points: int = 0

    @property
    def valid_rate(self) -> float | None:
        return self.valid / self.reports if self.reports else None

    @property
    def verify_on_time_rate(self) -> float | None:
        return self.verified_on_time / self.verified if self.verified else None

    def to_wire(self) -> dict[str, Any]:
        out = asdict(self)
        out["distance_m"] = round(self.distance_m, 1)
        out["valid_rate"] = None if self.valid_rate is None else round(self.valid_rate, 4)
        out["verify_on_time_rate"] = None if self.verify_on_time_rate is None else round(self.verify_on_time_rate, 4)
        return out


def _roster(conn: Connection, staff_id: str | None) -> tuple[dict[str, Figures], dict[str, str]]:
    s = supervisors.c
    query = select(s.staff_id, s.name_zh, s.name_en, s.shift, s.grids).order_by(s.staff_id)
    if staff_id is not None:
        query = query.where(s.staff_id == staff_id)
    figures: dict[str, Figures] = {}
    owner: dict[str, str] = {}
    for row in conn.execute(query):
        grids = list(row.grids or [])
        figures[row.staff_id] = Figures(row.staff_id, row.name_zh, row.name_en, row.shift, len(grids))
        owner.update((g, row.staff_id) for g in grids)
    return figures, owner


def _credited(staff_id: str | None, grids: list[str]) -> ColumnElement[bool] | None:
    """Cases credited to ``staff_id`` (those naming them, and those naming nobody in their beat ``grids``)."""
    if staff_id is None:
        return None
    k = cases.c
    return or_(k.reporter == staff_id, and_(k.reporter.is_(None), k.grid.in_(grids)))


def _case_counts(conn: Connection, credited: ColumnElement[bool] | None, start: int, end: int) -> Iterable[Any]:
    k = cases.c
    valid = and_(k.filed_at.is_not(None), k.stage != "cancelled")
    query = (
        select(k.reporter, k.grid, func.count(), func.sum(case((valid, 1), else_=0)))
        .where(k.source == "patrol", k.reported_at >= start, k.reported_at < end)
        .group_by(k.reporter, k.grid)
    )
    return conn.execute(query.where(credited) if credited is not None else query)


def _verifications(conn: Connection, credited: ColumnElement[bool] | None, start: int, end: int) -> Iterable[Any]:
    k = cases.c
    query = select(k.reporter, k.grid, k.subclass, k.closed_at - k.handled_at).where(
        k.closed_at >= start, k.closed_at < end, k.handled_at.is_not(None)
    )
    return conn.execute(query.where(credited) if credited is not None else query)


def _tracks(conn: Connection, staff_id: str | None, start: int, end: int) -> Iterable[Any]:
    t = staff_tracks.c
    query = select(t.staff_id, t.at, t.lon, t.lat, t.grid).where(t.at >= start, t.at < end).order_by(t.staff_id, t.at)
    return conn.execute(query.where(t.staff_id == staff_id) if staff_id is not None else query)


def track_length_m(at: np.ndarray[Any, Any], lon: np.ndarray[Any, Any], lat: np.ndarray[Any, Any]) -> float:
    """Length of a track in metres, legs across gaps longer than :data:`GAP_S` left out."""
    if len(at) < 2:
        return 0.0
    kx = M_PER_DEG_LAT * np.cos(np.radians(float(np.mean(lat))))
    legs = np.hypot(np.diff(lon) * kx, np.diff(lat) * M_PER_DEG_LAT)
    return float(legs[np.diff(at) <= GAP_S].sum())


def compute_figures(
    conn: Connection, taxonomy: Taxonomy, start: int, end: int, staff_id: str | None = None
) -> list[Figures]:
    """Figures of one supervisor (``staff_id``) or of all, over ``[start, end)``."""
    figures, owner = _roster(conn, staff_id)
    if not figures:
        return []
    credited = _credited(staff_id, sorted(owner))
    for reporter, grid, reports, valid in _case_counts(conn, credited, start, end):
        fig = figures.get(reporter if reporter is not None else owner.get(grid, ""))
        if fig is not None:
            fig.reports += int(reports)
            fig.reports_by_beat += int(reports) if reporter is None else 0
            fig.valid += int(valid or 0)
    limits = {s.code: s.deadlines_h.verifying * 3600 for s in taxonomy.subclasses}
    for reporter, grid, subclass, took in _verifications(conn, credited, start, end):
        fig = figures.get(reporter if reporter is not None else owner.get(grid, ""))
        if fig is not None:
            fig.verified += 1
            fig.verified_on_time += int(took is not None and took <= limits.get(subclass, 8 * 3600))
    _add_tracks(figures, owner, _tracks(conn, staff_id, start, end))
    return list(figures.values())


def _add_tracks(figures: Mapping[str, Figures], owner: Mapping[str, str], rows: Iterable[Any]) -> None:
    """Track figures from rows ``(staff_id, at, lon, lat, grid)`` ordered by staff, then time (one pass, numpy)."""
    table = list(rows)
    if not table:
        return
    staff = [r[0] for r in table]
    at = np.fromiter((r[1] for r in table), dtype=float, count=len(table))
    lon = np.fromiter((r[2] for r in table), dtype=float, count=len(table))
    lat = np.fromiter((r[3] for r in table), dtype=float, count=len(table))
    grids = [r[4] for r in table]
    starts = [0] + [i for i in range(1, len(staff)) if staff[i] != staff[i - 1]] + [len(staff)]
    for a, b in itertools.pairwise(starts):
        fig = figures.get(staff[a])
        if fig is None:
            continue
        fig.track_points = b - a
        fig.distance_m = track_length_m(at[a:b], lon[a:b], lat[a:b])
        fig.grids_covered = sum(1 for g in set(grids[a:b]) if owner.get(g) == fig.staff_id)


def staff_of_unit(conn: Connection, unit: str) -> set[str]:
    """Supervisors whose beat has a grid in ``unit`` (a district, subdistrict, community or grid code)."""
    s = supervisors.c
    return {
        row.staff_id
        for row in conn.execute(select(s.staff_id, s.grids))
        if any(str(g).startswith(unit) for g in row.grids or [])
    }


def rank(figures: list[Figures], by: str) -> list[Figures]:
    """Best first by ``by`` (one of :data:`RANK_KEYS`); ties and missing rates by staff id."""
    if by not in RANK_KEYS:
        raise ValueError(f"unknown ranking key {by!r}")

    def key(fig: Figures) -> tuple[float, str]:
        value = getattr(fig, by)
        return (-(value if value is not None else -1.0), fig.staff_id)

    return sorted(figures, key=key)
