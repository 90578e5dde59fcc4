"""Reference data in the store: units (district → grids) and the case taxonomy.

Loaded once from :func:`feeds.geo.units.load_units` and
:func:`feeds.taxonomy.load_taxonomy` into empty tables, then read back as a
:class:`Reference` that the event applier checks grid and subclass codes
against.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, is_dataclass
from typing import Any

from sqlalchemy import Connection, func, insert, select

from feeds.store.schema import case_classes, case_subclasses, departments, units

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Reference:
    """Codes known to the store (empty sets mean "not loaded: do not check")."""

    grids: frozenset[str]
    subclasses: dict[str, tuple[str, str]]  # code -> (kind, department)

    @classmethod
    def read(cls, conn: Connection) -> Reference:
        """Read the known grid and subclass codes."""
        grids = frozenset(conn.execute(select(units.c.code).where(units.c.level == "grid")).scalars())
        subs = {
            row.code: (row.kind, row.department)
            for row in conn.execute(
                select(case_subclasses.c.code, case_subclasses.c.kind, case_subclasses.c.department)
            )
        }
        return cls(grids, subs)


def _deadlines(value: Any) -> dict[str, float]:
    """Stage deadlines (hours) as a plain dict, whatever shape the taxonomy uses."""
    if is_dataclass(value) and not isinstance(value, type):
        return {k: float(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): float(v) for k, v in value.items()}
    return {}


def load_units_into(conn: Connection) -> int:
    """Insert every unit when the ``units`` table is empty; returns rows inserted."""
    if conn.execute(select(func.count()).select_from(units)).scalar_one():
        return 0
    from feeds.geo.units import load_units

    registry = load_units()
    rows = [
        {
            "code": u.code,
            "level": u.level,
            "parent": u.parent,
            "name_zh": u.name_zh,
            "name_en": u.name_en,
            "lon": float(u.centroid[0]),
            "lat": float(u.centroid[1]),
            "area_m2": float(u.area_m2),
            "generated": bool(u.generated),
            "geometry": u.geometry,
        }
        for u in [registry.district, *registry.subdistricts, *registry.communities, *registry.grids]
    ]
    conn.execute(insert(units), rows)
    return len(rows)


def _subclass_row(s: Any) -> dict[str, Any]:
    return {
        "code": s.code,
        "class_code": s.class_code,
        "kind": s.kind,
        "name_zh": s.name_zh,
        "name_en": s.name_en,
        "department": s.department,
        "weight": float(s.weight),
        "deadlines": _deadlines(s.deadlines_h),
    }


def ensure_unmapped_subclass(conn: Connection) -> int:
    """Add the importers' "unmapped" subclass to a store holding a taxonomy without it; returns rows added."""
    from feeds.taxonomy import UNMAPPED

    known = conn.execute(select(case_subclasses.c.code).where(case_subclasses.c.code == UNMAPPED.code)).first()
    has_class = conn.execute(select(case_classes.c.code).where(case_classes.c.code == UNMAPPED.class_code)).first()
    if known is not None or has_class is None:
        return 0
    conn.execute(insert(case_subclasses), [_subclass_row(UNMAPPED)])
    return 1


def ensure_response_taxonomy(conn: Connection) -> int:
    """Add the 全响应 departments, majors (as classes) and request types a store lacks; returns types added.

    Runs on every open, so a store seeded before the second platform existed learns it.
    """
    from feeds.response.taxonomy import load_response_taxonomy

    tax = load_response_taxonomy()
    types = tax.as_subclasses()
    if conn.execute(select(case_subclasses.c.code).where(case_subclasses.c.code == types[-1].code)).first():
        return 0
    known_depts = set(conn.execute(select(departments.c.code)).scalars())
    new_depts = [d for d in tax.departments if d.code not in known_depts]
    if new_depts:
        conn.execute(
            insert(departments), [{"code": d.code, "name_zh": d.name_zh, "name_en": d.name_en} for d in new_depts]
        )
    known_classes = set(conn.execute(select(case_classes.c.code)).scalars())
    classes = [m for m in tax.majors if m.code not in known_classes]
    if classes:
        conn.execute(
            insert(case_classes),
            [{"code": m.code, "kind": "event", "name_zh": m.name_zh, "name_en": m.name_en} for m in classes],
        )
    known_types = set(
        conn.execute(select(case_subclasses.c.code).where(func.length(case_subclasses.c.code) == 6)).scalars()
    )
    rows = [_subclass_row(s) for s in types if s.code not in known_types]
    if rows:
        conn.execute(insert(case_subclasses), rows)
    return len(rows)


def load_taxonomy_into(conn: Connection) -> int:
    """Insert departments, classes and subclasses (both platforms) when missing; returns subclasses inserted."""
    if conn.execute(select(func.count()).select_from(case_subclasses)).scalar_one():
        return ensure_unmapped_subclass(conn) + ensure_response_taxonomy(conn)
    from feeds.taxonomy import load_taxonomy

    tax = load_taxonomy()
    conn.execute(
        insert(departments), [{"code": d.code, "name_zh": d.name_zh, "name_en": d.name_en} for d in tax.departments]
    )
    conn.execute(
        insert(case_classes),
        [{"code": c.code, "kind": c.kind, "name_zh": c.name_zh, "name_en": c.name_en} for c in tax.classes],
    )
    conn.execute(insert(case_subclasses), [_subclass_row(s) for s in tax.subclasses])
    return len(tax.subclasses) + ensure_unmapped_subclass(conn) + ensure_response_taxonomy(conn)


def load_reference(conn: Connection) -> None:
    """Load units and taxonomy into their tables when empty (logs, never fails the open)."""
    for what, loader in (("units", load_units_into), ("taxonomy", load_taxonomy_into)):
        try:
            n = loader(conn)
        except ImportError as exc:  # a partial install: run without reference checks
            _log.warning("store: %s not loaded (%s); grid/subclass codes will not be checked", what, exc)
            continue
        if n:
            _log.info("store: loaded %d %s rows", n, what)
