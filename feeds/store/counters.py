"""Per-day KPI counters (``kpi_daily``), kept in step with ``cases``.

Every write path (live events and bulk seeding) adds its increments here in
the same transaction, so the wall's key figures are a one-row lookup for today
and a sum over a few thousand day rows for the ten-year totals, however many
cases the store holds.

Definitions (documented in ``docs/server.md``):

* ``today.reported/filed/dispatched/closed``: how many of those steps
  happened today (Beijing calendar day).
* Today's rates (结案率, 按期结案率) are not counted here: they are the
  indicators of ``feeds/analytics/indicators.py`` (``docs/indicators.md``), the
  only definition, added to the KPI message by the server's KPI enricher.
* ``totals.cases``: all cases; ``totals.closed``: closed cases;
  ``totals.closure_rate``: closed / (cases − cancelled);
  ``totals.since``: first day with a case (ISO date, Beijing).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import Connection, bindparam, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from feeds.protocol import Kpis
from feeds.store.driver_sql import executemany
from feeds.store.schema import kpi_daily

DAY_S = 86_400
BEIJING_OFFSET_S = 8 * 3600
COUNTERS = (
    "reported",
    "filed",
    "dispatched",
    "closed",
    "closed_on_time",
    "cohort_filed",
    "cohort_closed",
    "cohort_cancelled",
)
_EPOCH = date(1970, 1, 1)


def beijing_day(t: float) -> int:
    """Beijing calendar day number of epoch seconds ``t`` (days since 1970-01-01)."""
    return int((t + BEIJING_OFFSET_S) // DAY_S)


def day_start(day: int) -> float:
    """Epoch seconds at 00:00 Beijing time of ``day``."""
    return float(day * DAY_S - BEIJING_OFFSET_S)


def day_iso(day: int) -> str:
    """``YYYY-MM-DD`` of a Beijing day number."""
    return (_EPOCH + timedelta(days=day)).isoformat()


class KpiDeltas:
    """Counter increments collected during one transaction, written by :meth:`flush`."""

    def __init__(self) -> None:
        self._days: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))

    def add(self, column: str, t: float | None, n: int = 1) -> None:
        """Add ``n`` to ``column`` on the Beijing day of ``t`` (ignored when ``t`` is None)."""
        if t is not None:
            self._days[beijing_day(t)][column] += n

    def add_day(self, column: str, day: int, n: int = 1) -> None:
        """Add ``n`` to ``column`` on a day number."""
        self._days[day][column] += n

    def __bool__(self) -> bool:
        return bool(self._days)

    def flush(self, conn: Connection) -> None:
        """Apply the increments (one ``INSERT … ON CONFLICT DO UPDATE`` on SQLite and PostgreSQL) and forget them."""
        if not self._days:
            return
        days = sorted(self._days)
        dialect = conn.dialect.name
        if dialect in ("postgresql", "sqlite"):  # one statement per commit (SQLite has had upserts since 3.24)
            rows = [{"day": d, **self._days[d]} for d in days]
            if dialect == "sqlite":
                executemany(conn, _SQLITE_UPSERT, rows)
            else:
                conn.execute(_UPSERT, rows)
            self._days.clear()
            return
        existing: set[int] = set()
        for i in range(0, len(days), 500):
            part = days[i : i + 500]
            existing.update(conn.execute(_DAYS, {"days": part}).scalars())
        new_rows = [{"day": d, **self._days[d]} for d in days if d not in existing]
        updates = [{"d": d, **{f"n_{c}": n for c, n in self._days[d].items()}} for d in days if d in existing]
        if updates:
            conn.execute(_ADD, updates)
        if new_rows:
            conn.execute(_INSERT, new_rows)
        self._days.clear()


# Built once: every live append flushes its counters, and building a statement costs more than running it.
_ADD = (
    update(kpi_daily)
    .where(kpi_daily.c.day == bindparam("d"))
    .values({c: kpi_daily.c[c] + bindparam(f"n_{c}") for c in COUNTERS})
)
_INSERT = insert(kpi_daily)
_DAYS = select(kpi_daily.c.day).where(kpi_daily.c.day.in_(bindparam("days", expanding=True)))
_PG_INSERT = pg_insert(kpi_daily)
_UPSERT = _PG_INSERT.on_conflict_do_update(
    index_elements=[kpi_daily.c.day], set_={c: kpi_daily.c[c] + _PG_INSERT.excluded[c] for c in COUNTERS}
)
_SQLITE_INSERT = sqlite_insert(kpi_daily)
_SQLITE_UPSERT = _SQLITE_INSERT.on_conflict_do_update(
    index_elements=[kpi_daily.c.day], set_={c: kpi_daily.c[c] + _SQLITE_INSERT.excluded[c] for c in COUNTERS}
)


def _rate(num: float, den: float) -> float:
    return round(num / den, 4) if den > 0 else 0.0


def read_kpis(conn: Connection, now: float) -> Kpis:
    """Today's figures and the all-time totals (see the module docstring)."""
    today_row = conn.execute(select(kpi_daily).where(kpi_daily.c.day == beijing_day(now))).mappings().first()
    t = {c: int(today_row[c]) if today_row else 0 for c in COUNTERS}
    totals_row = conn.execute(
        select(
            func.coalesce(func.sum(kpi_daily.c.reported), 0),
            func.coalesce(func.sum(kpi_daily.c.cohort_closed), 0),
            func.coalesce(func.sum(kpi_daily.c.cohort_cancelled), 0),
            func.min(kpi_daily.c.day).filter(kpi_daily.c.reported > 0),
        )
    ).one()
    cases, closed, cancelled, first_day = (int(totals_row[0]), int(totals_row[1]), int(totals_row[2]), totals_row[3])
    today: dict[str, float] = {
        "reported": t["reported"],
        "filed": t["filed"],
        "dispatched": t["dispatched"],
        "closed": t["closed"],
    }
    totals = {
        "cases": cases,
        "closed": closed,
        "closure_rate": _rate(closed, cases - cancelled),
        "since": day_iso(int(first_day)) if first_day is not None else None,
    }
    return Kpis(today, totals, ts=now)
