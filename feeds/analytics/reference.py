"""Plain-SQL implementation of the counters: the reference the cube is tested against, and its fallback.

Every figure is one ``GROUP BY`` over the raw ``cases`` table with ``SUM(CASE
…)`` columns that spell out the definitions of :mod:`feeds.analytics.indicators`.
Runs unchanged on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Engine, and_, case, false, func, literal_column, not_, or_, select, true

from feeds.analytics import indicators as ind
from feeds.analytics.indicators import COUNTERS
from feeds.analytics.periods import DAY_S, HOUR_S, UTC_OFFSET_S
from feeds.analytics.selection import UNHANDLED_STAGES, Selection
from feeds.store.schema import cases

GROUP_KEYS: tuple[str, ...] = (
    "subdistrict",
    "community",
    "grid",
    "department",
    "subclass",
    "class",
    "source",
    "kind",
    "stage",
    "day",
    "hour",
)
"""What counts can be grouped by. ``day`` is the local day number, ``hour`` is ``reported_at // 3600``."""
UNIT_COLUMN = {"subdistrict": cases.c.subdistrict, "community": cases.c.community, "grid": cases.c.grid}

Key = tuple[str | int, ...]


class IndicatorEngine(Protocol):
    """What the query service needs from an engine (the cube or SQL)."""

    def counters(self, sel: Selection, by: str | None = None) -> dict[str, list[int]]:
        """Counters (:data:`~feeds.analytics.indicators.COUNTERS` order) per group code (``""`` if ungrouped)."""
        ...

    def count_by(self, sel: Selection, keys: Sequence[str], only: Collection[Key] | None = None) -> dict[Key, int]:
        """Number of selected cases per combination of ``keys`` (non-zero ones; only those in ``only`` if given)."""
        ...


def group_expr(key: str) -> ColumnElement[Any]:
    """The SQL expression of a group key."""
    if key == "class":
        return func.substr(cases.c.subclass, 1, 2)
    if key == "day":
        return (cases.c.reported_at + UTC_OFFSET_S) // DAY_S
    if key == "hour":
        return cases.c.reported_at // HOUR_S
    return cases.c[key]


def _passed(as_of: int) -> ColumnElement[bool]:
    return and_(cases.c.handle_deadline_at.is_not(None), cases.c.handle_deadline_at < as_of)


def overdue_expr(as_of: int) -> ColumnElement[bool]:
    """Overdue and not handled at ``as_of``."""
    return and_(cases.c.stage.in_(UNHANDLED_STAGES), _passed(as_of))


def where_clause(sel: Selection) -> ColumnElement[bool]:
    """The WHERE clause of a selection (period on ``reported_at``, unit, filters)."""
    c = cases.c
    conds: list[ColumnElement[bool]] = [c.reported_at >= sel.start, c.reported_at < sel.end, c.platform == "city"]
    if sel.level in UNIT_COLUMN:
        conds.append(UNIT_COLUMN[sel.level] == sel.unit)
    f = sel.filters
    for name, values in f.lists().items():
        conds.append(group_expr(name).in_(values))
    if f.difficult is not None:
        conds.append(c.difficult == (true() if f.difficult else false()))
    if f.overdue is not None:
        flag = case((overdue_expr(sel.as_of), 1), else_=0)
        conds.append(flag == (1 if f.overdue else 0))
    return and_(*conds)


def conditions(as_of: int) -> dict[str, ColumnElement[bool]]:
    """The per-case conditions of :mod:`feeds.analytics.indicators`, as SQL (``passed`` judged at ``as_of``)."""
    c = cases.c
    closed = c.closed_at.is_not(None)
    handled = c.handled_at.is_not(None)
    has_dl = c.handle_deadline_at.is_not(None)
    return {
        "filed": c.filed_at.is_not(None),
        "dispatched": c.dispatched_at.is_not(None),
        "closed": closed,
        "open": not_(c.stage.in_(("closed", "cancelled"))),
        "unhandled": c.stage.in_(UNHANDLED_STAGES),
        "closed_in_time": and_(closed, handled, has_dl, c.handled_at <= c.handle_deadline_at),
        "handled": handled,
        "handled_in_time": and_(handled, has_dl, c.handled_at <= c.handle_deadline_at),
        "reworked": c.reworks > 0,
        "difficult": c.difficult == true(),
        "passed": _passed(as_of),
    }


BIT_OF = {
    "filed": ind.FILED,
    "dispatched": ind.DISPATCHED,
    "closed": ind.CLOSED,
    "open": ind.OPEN,
    "unhandled": ind.UNHANDLED,
    "closed_in_time": ind.CLOSED_IN_TIME,
    "handled": ind.HANDLED,
    "handled_in_time": ind.HANDLED_IN_TIME,
    "reworked": ind.REWORKED,
    "difficult": ind.DIFFICULT,
}
"""Condition name → the cube's static bit."""


def static_bits() -> ColumnElement[Any]:
    """The cube's ``flags`` column computed in SQL (used to build the cube fast)."""
    conds = conditions(0)
    total: ColumnElement[Any] = literal_column("0")
    for name, bit in BIT_OF.items():
        total = total + case((conds[name], literal_column(str(bit))), else_=literal_column("0"))
    return total


def handle_seconds() -> ColumnElement[Any]:
    """``handled_at - dispatched_at`` when both are set, else 0 (the cube's ``dur`` column)."""
    c = cases.c
    both = and_(c.dispatched_at.is_not(None), c.handled_at.is_not(None))
    return case((both, c.handled_at - c.dispatched_at), else_=literal_column("0"))


def counter_columns(as_of: int) -> list[ColumnElement[Any]]:
    """One aggregate column per counter, in :data:`COUNTERS` order."""
    k = conditions(as_of)
    filed, disp, closed, open_, handled = k["filed"], k["dispatched"], k["closed"], k["open"], k["handled"]

    def count(cond: ColumnElement[bool]) -> ColumnElement[Any]:
        return func.sum(case((cond, 1), else_=0))

    exprs = {
        "reported": func.count(),
        "filed": count(filed),
        "dispatched": count(disp),
        "closed": count(and_(filed, closed)),
        "due_close": count(and_(filed, or_(closed, and_(open_, k["passed"])))),
        "closed_on_time": count(and_(filed, k["closed_in_time"])),
        "due_handle": count(and_(disp, or_(handled, and_(open_, k["passed"])))),
        "handled_on_time": count(and_(disp, k["handled_in_time"])),
        "overdue_unhandled": count(and_(k["unhandled"], k["passed"])),
        "handled": count(handled),
        "reworked": count(and_(handled, k["reworked"])),
        "handle_time_n": count(and_(disp, handled)),
        "handle_time_sum_s": func.sum(handle_seconds()),
        "open": count(open_),
        "difficult": count(k["difficult"]),
    }
    return [exprs[name] for name in COUNTERS]


class SqlIndicators:
    """The reference engine: plain ``GROUP BY`` queries on ``cases``.

    Args:
        engine: The store's engine.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def counters(self, sel: Selection, by: str | None = None) -> dict[str, list[int]]:
        """Counters per group (see :class:`IndicatorEngine`)."""
        cols = counter_columns(sel.as_of)
        if by is None:
            query = select(*cols).where(where_clause(sel))
            with self.engine.connect() as conn:
                row = conn.execute(query).one()
            return {"": [int(x or 0) for x in row]}
        key = group_expr(by)
        query = select(key, *cols).where(where_clause(sel)).group_by(key)
        with self.engine.connect() as conn:
            return {str(r[0]): [int(x or 0) for x in r[1:]] for r in conn.execute(query)}

    def count_by(self, sel: Selection, keys: Sequence[str], only: Collection[Key] | None = None) -> dict[Key, int]:
        """Case counts per key combination (see :class:`IndicatorEngine`)."""
        exprs = [group_expr(k) for k in keys]
        query = select(*exprs, func.count()).where(where_clause(sel)).group_by(*exprs)
        out: dict[Key, int] = {}
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                key = tuple(int(v) if k in ("day", "hour") else str(v) for k, v in zip(keys, row[:-1], strict=True))
                out[key] = int(row[-1])
        if only is not None:
            wanted = set(only)
            return {k: n for k, n in out.items() if k in wanted}
        return out
