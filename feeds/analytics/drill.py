"""The indicator queries: ``drill``, ``indicators``, ``ranking``, ``trend`` and ``types``.

Each takes an :class:`~feeds.analytics.reference.IndicatorEngine` (the cube or
SQL), the :class:`~feeds.analytics.naming.Names` and the validated
:class:`~feeds.analytics.params.Params`, and returns a JSON-ready dict.
"""

from __future__ import annotations

from typing import Any

from feeds.analytics import indicators as ind
from feeds.analytics.naming import Names
from feeds.analytics.params import Params, bad
from feeds.analytics.periods import DAY_S, HOUR_S, UTC_OFFSET_S, Period, previous, week_ago, year_ago
from feeds.analytics.reference import IndicatorEngine
from feeds.analytics.selection import CHILD_LEVEL, Selection
from feeds.protocol import iso
from feeds.protocol.answers import INDICATORS

ZERO = [0] * len(ind.COUNTERS)
MAX_BUCKETS = 10_000
RANK_BY = ("subdistrict", "community", "grid", "department")


def figures(counts: list[int]) -> dict[str, Any]:
    """``{indicators, counts}`` of one counter vector."""
    return {"indicators": ind.derive(counts), "counts": ind.counts_dict(counts)}


def _total(eng: IndicatorEngine, sel: Selection) -> list[int]:
    return eng.counters(sel).get("", ZERO)


def _comparison(eng: IndicatorEngine, sel: Selection, period: Period, current: dict[str, Any]) -> dict[str, Any]:
    counts = _total(eng, sel.with_period(period))
    before = ind.derive(counts)
    return {"period": period.to_wire(), **figures(counts), "change": ind.change(current, before)}


def drill(eng: IndicatorEngine, names: Names, p: Params, *, children: bool = True) -> dict[str, Any]:
    """Indicators of a unit with 同比/环比, and (``drill``) of each of its child units."""
    sel, period = p.selection()
    p.finish()
    level = CHILD_LEVEL[sel.level] if children else None
    rows = eng.counters(sel, level) if level else {}
    # every case lies in exactly one child unit: the unit's total is the sum of its children's
    total = [sum(col) for col in zip(*rows.values(), strict=True)] if rows else ZERO
    mine = figures(total if level else _total(eng, sel))
    out: dict[str, Any] = {
        "unit": names.unit(sel.unit),
        "period": period.to_wire(),
        "as_of": iso(sel.as_of),
        "filters": sel.filters.to_wire(),
        **mine,
        "yoy": _comparison(eng, sel, year_ago(period), mine["indicators"]),
        "pop": _comparison(eng, sel, previous(period), mine["indicators"]),
    }
    if children:
        out["child_level"] = level
        codes = sorted(set(names.children(sel.unit)) | set(rows))
        out["children"] = [{"unit": names.unit(c), **figures(rows.get(c, ZERO))} for c in codes]
    return out


def ranking(eng: IndicatorEngine, names: Names, p: Params) -> dict[str, Any]:
    """Subdistricts (communities, grids) or departments ranked by one indicator."""
    by = p.text("by", "subdistrict", choices=frozenset(RANK_BY))
    indicator = p.text("indicator", "reported", choices=frozenset(INDICATORS))
    order = p.text("order", "desc", choices=frozenset({"asc", "desc"}))
    limit = p.integer("limit", 100, 1, 5000)
    sel, period = p.selection()
    p.finish()
    assert by is not None and indicator is not None
    rows = eng.counters(sel, by)
    known = names.departments() if by == "department" else names.units_at(by, sel.unit)
    entries = []
    for code in sorted(set(known) | set(rows)):
        counts = rows.get(code, ZERO)
        info = names.department(code) if by == "department" else names.unit(code)
        entries.append({**info, "value": ind.derive(counts)[indicator], **figures(counts)})
    sign = -1 if order == "desc" else 1
    entries.sort(key=lambda e: (e["value"] is None, sign * (e["value"] or 0), e["code"]))
    for rank, e in enumerate(entries, start=1):
        e["rank"] = rank
    return {
        "by": by,
        "indicator": indicator,
        "order": order,
        "unit": names.unit(sel.unit),
        "period": period.to_wire(),
        "as_of": iso(sel.as_of),
        "filters": sel.filters.to_wire(),
        "rows": entries[:limit],
    }


def _series(eng: IndicatorEngine, sel: Selection, bucket: str) -> tuple[int, int, list[int]]:
    """Counts per bucket from the bucket holding ``sel.start`` to the one holding ``sel.end - 1``."""
    step, shift = (DAY_S, UTC_OFFSET_S) if bucket == "day" else (HOUR_S, 0)
    first = (sel.start + shift) // step
    n = (sel.end - 1 + shift) // step - first + 1
    counts = [0] * n
    for (number,), count in eng.count_by(sel, (bucket,)).items():
        assert isinstance(number, int)
        counts[number - first] = count
    return first * step - shift, step, counts


def trend(eng: IndicatorEngine, names: Names, p: Params) -> dict[str, Any]:
    """Reported cases per hour or day, optionally against a comparison period."""
    bucket_raw = p.text("bucket", None, choices=frozenset({"hour", "day"}))
    compare = p.text("compare", "none", choices=frozenset({"none", "yoy", "pop", "wow"}))
    sel, period = p.selection()
    p.finish()
    bucket = bucket_raw or ("hour" if period.seconds <= 2 * DAY_S else "day")
    if period.seconds // (HOUR_S if bucket == "hour" else DAY_S) > MAX_BUCKETS:
        raise bad("bucket", f"more than {MAX_BUCKETS} {bucket} buckets: choose a coarser bucket or a shorter range")
    start, step, counts = _series(eng, sel, bucket)
    out: dict[str, Any] = {
        "unit": names.unit(sel.unit),
        "period": period.to_wire(),
        "filters": sel.filters.to_wire(),
        "bucket": bucket,
        "start": iso(start),
        "start_s": start,
        "step_s": step,
        "counts": counts,
        "compare": None,
    }
    if compare != "none":
        other = {"yoy": year_ago, "pop": previous, "wow": week_ago}[str(compare)](period)
        o_start, _, o_counts = _series(eng, sel.with_period(other), bucket)
        out["compare"] = {
            "label": compare,
            "period": other.to_wire(),
            "start": iso(o_start),
            "start_s": o_start,
            "counts": o_counts,
        }
    return out


def types(eng: IndicatorEngine, names: Names, p: Params) -> dict[str, Any]:
    """The most frequent subclasses of a selection with their share."""
    top = p.integer("top", 10, 1, 500)
    sel, period = p.selection()
    p.finish()
    counts = {str(k[0]): n for k, n in eng.count_by(sel, ("subclass",)).items()}
    total = sum(counts.values())
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    rows = [{**names.subclass(code), "count": n, "share": n / total} for code, n in ranked[:top]]
    rest = sum(n for _, n in ranked[top:])
    return {
        "unit": names.unit(sel.unit),
        "period": period.to_wire(),
        "filters": sel.filters.to_wire(),
        "total": total,
        "rows": rows,
        "other": {"count": rest, "share": rest / total if total else None},
    }
