"""The source document's facts next to what a store holds: the ``gridwall stats`` table.

Every figure Xicheng's centre publishes about its city-management platform
(the project brief §4: units, case volumes, the top-five share, the source
mix, closure, rare types, difficult cases ...) is measured on a store and
compared with the document, with a tolerance that says how close a simulated
district must come. A second group checks the simulation's shape where the
document is qualitative (heavy-tailed grids, 积水 peaks in storms, street
addresses, the on-time flag agreeing with 按期结案率).

Counts the document gives for ten years (3.22M cases) are scaled to 3.22M
cases; their tolerance includes three Poisson standard deviations of the
scaled count, so a small sample is judged fairly. A fact that needs a longer
span than the store holds is reported as skipped with the reason, never as
passed. The rows are built by :func:`document_facts`; :func:`render_text`
and :func:`render_markdown` print them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Engine, text

from feeds.taxonomy import Taxonomy, load_taxonomy

DAY_S = 86_400
YEAR_S = 365.2425 * DAY_S
UTC8_S = 8 * 3600
TEN_YEARS_CASES = 3_220_000
TOP5 = ("非法小广告", "机动车乱停放", "暴露垃圾", "沿街晾挂", "无照经营游商")


@dataclass(frozen=True)
class FactRow:
    """One fact: the document's figure, the simulated one and whether it is within tolerance.

    Attributes:
        key: Stable identifier (``patrol_share`` ...).
        group: ``"document"`` (a published figure) or ``"shape"`` (a qualitative one).
        platform: ``"city"`` (city management) or another platform's code.
        label_zh: What the fact is, in Chinese.
        label_en: The same in English.
        document: The document's figure as published.
        simulated: The measured figure, or ``None`` when skipped.
        low: Lowest accepted value.
        high: Highest accepted value.
        unit: ``"pct"`` (a fraction shown as %), ``"count"``, ``"ratio"`` or ``"levels"`` (a
            structure: ``simulated`` is 1 when it matches the document, 0 when not, and shown as
            ``display``).
        note: How it was measured, or why it was skipped.
        display: The simulated figure in words, for a ``"levels"`` fact (``5 / 21 / 109 / 571``).
    """

    key: str
    group: str
    platform: str
    label_zh: str
    label_en: str
    document: str
    simulated: float | None
    low: float
    high: float
    unit: str
    note: str = ""
    display: str = ""

    @property
    def status(self) -> str:
        """``"ok"``, ``"off"`` (outside the tolerance) or ``"skipped"``."""
        if self.simulated is None:
            return "skipped"
        return "ok" if self.low <= self.simulated <= self.high else "off"

    def shown(self, value: float | None) -> str:
        """A value in this fact's unit."""
        if value is None:
            return "—"
        if self.unit == "levels":
            return self.display
        if self.unit == "pct":
            return f"{100 * value:.2f} %"
        if self.unit == "count":
            return f"{value:,.0f}"
        return f"{value:.2f}"

    @property
    def tolerance(self) -> str:
        """The accepted range in words."""
        if self.simulated is None and self.low == self.high == 0:
            return "—"
        if self.unit == "levels":
            return f"= {self.document}"
        if math.isinf(self.high):
            return f"≥ {self.shown(self.low)}"
        if self.low == self.high:
            return f"= {self.shown(self.low)}"
        return f"{self.shown(self.low)} – {self.shown(self.high)}"


@dataclass(frozen=True)
class _Span:
    start: float
    end: float

    @property
    def days(self) -> float:
        return (self.end - self.start) / DAY_S


def _scalar(engine: Engine, sql: str, **params: object) -> list[float]:
    with engine.connect() as conn:
        row = conn.execute(text(sql), params).one()
    return [float(v or 0) for v in row]


def _rows(engine: Engine, sql: str, **params: object) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params)]


INF = math.inf
FACTS: dict[str, tuple[str, str, str, str, float, float, str]] = {
    # key: (group, 中文, English, the document says, low, high, unit)
    "subdistricts": ("document", "街道", "subdistricts", "15", 15, 15, "count"),
    "communities": ("document", "社区", "communities", "263", 263, 263, "count"),
    "grids": ("document", "单元网格", "unit grids", "~2,432", 2_300, 2_560, "count"),
    "subclasses": ("document", "城市管理小类", "city-management subclasses", "179", 179, 179, "count"),
    "cases_per_year": ("document", "年案件量", "cases a year", "~500k (~1,370/day)", 470_000, 530_000, "count"),
    "ten_year_total": ("document", "十年案件", "cases in ten years", "3.22M", 3_090_000, 3_350_000, "count"),
    "filed_share": ("document", "立案/上报", "filed share of reported", "3.13M / 3.22M = 97.2 %", 0.965, 0.979, "pct"),
    "closure_rate": ("document", "结案率", "closure rate (closed / filed)", "99.63 %", 0.9943, 0.9983, "pct"),
    "top5_share": ("document", "前五类占比", "top-five subclasses' share", "73.11 %", 0.7161, 0.7461, "pct"),
    "patrol_share": ("document", "监督员巡查发现", "found by supervisors' patrol", "> 99 %", 0.99, 1.0, "pct"),
    "component_share": ("document", "部件占比", "components (部件)", "~60k / 3.22M = 1.9 %", 0.015, 0.023, "pct"),
    "app_reports": ("document", "西城随手拍有效上报", "'Xicheng Snap' app reports", "126 in total", 0, 0, "count"),
    "difficult": ("document", "疑难案件", "difficult cases (疑难)", "3,510 since 2010", 0, 0, "count"),
    "bbq": ("document", "露天烧烤", "open-air barbecue", "178 in ten years", 0, 0, "count"),
    "wall_openings": ("document", "开墙打洞", "illegal wall openings", "34 in ten years", 0, 0, "count"),
    "overdue_closed": ("document", "超期结案占比", "closed late (超期)", "a realistic few percent", 0.02, 0.07, "pct"),
    "ontime_agreement": (
        "shape", "按期结案：模型标记−指标", "on time: model flag − indicator", "one definition", -0.001, 0.001, "pct"
    ),
    "top_decile_grids": ("shape", "最忙10%网格占比", "busiest 10 % of grids' share", "heavy-tailed", 0.30, 0.60, "pct"),
    "grid_day_dispersion": (
        "shape", "网格日案件数方差/均值", "grid-day count variance / mean", "overdispersed (> 1)", 1.3, INF, "ratio"
    ),
    "empty_grids": ("shape", "无案件网格", "grids without a case", "some", 0.01, 0.10, "pct"),
    "storm_waterlogging": (
        "shape", "积水峰值日/7–8月日均", "积水 peak day / Jul–Aug mean", "peaks in storms", 3.0, INF, "ratio"
    ),
    "distinct_points": ("shape", "不同位置点/案件", "distinct points per case", "street addresses", 0.99, 1.0, "pct"),
    "distinct_addresses": (
        "shape", "网格内不同门牌地址", "distinct addresses in a busy grid", "street addresses", 25, INF, "count"
    ),
    # 全响应 (12345 接诉即办): measured by _response_facts
    "r_taxonomy": ("document", "全响应分类层级", "全响应 taxonomy levels", "5 / 21 / 109 / 571", 1, 1, "levels"),
    "r_ten_year_total": ("document", "全响应十年案件", "全响应 requests, ten years", "600k", 540_000, 660_000, "count"),
    "r_closure": ("document", "全响应结案率", "全响应 closed", "98.82 %", 0.9832, 0.9932, "pct"),
    "r_phone_share": ("document", "电话渠道占比", "requests by phone", "~90 %", 0.87, 0.93, "pct"),
    "r_answered_share": (
        "document", "直接答复（咨询）占比", "answered on the line", "~6 in 10 (4 in 10 handled)", 0.55, 0.65, "pct"
    ),
    "r_resolution_rate": ("document", "解决率", "resolution rate", "96.5 % (2024-09)", 0.94, 0.99, "pct"),
    "r_satisfaction_rate": ("document", "满意率", "satisfaction rate", "96.9 % (2024-09)", 0.945, 0.99, "pct"),
    "r_resolution_2019": ("document", "解决率（2019年）", "resolution rate (2019)", "53.1 %", 0.50, 0.56, "pct"),
    "r_satisfaction_2019": ("document", "满意率（2019年）", "satisfaction rate (2019)", "64.6 %", 0.615, 0.675, "pct"),
}  # fmt: skip
"""What is checked: the document's facts (brief §4, issue 9) and the simulation's shape, with accepted ranges.

Ten-year counts (``app_reports``, ``difficult``, ``bbq``, ``wall_openings``) are
scaled to 3.22M cases; their range is computed from the sample (:func:`_scaled`).
"""
PUBLISHED = {"app_reports": 126, "difficult": 3_510, "bbq": 178, "wall_openings": 34}
"""Ten-year counts of the document."""


def fact(key: str, value: float | None, note: str = "", platform: str = "city") -> FactRow:
    """A row of :data:`FACTS` with its measured value (``None``: skipped, ``note`` says why)."""
    group, zh, en, document, low, high, unit = FACTS[key]
    return FactRow(key, group, platform, zh, en, document, value, low, high, unit, note)


def _scaled(key: str, count: float, total: float, rel: float) -> FactRow:
    """A ten-year count scaled to 3.22M cases, accepted within ``rel`` plus three Poisson sd of the sample."""
    published = PUBLISHED[key]
    scale = TEN_YEARS_CASES / max(total, 1.0)
    sd = 3 * math.sqrt(max(published / scale, 1.0)) * scale
    row = fact(key, count * scale, f"{count:,.0f} in {total:,.0f} cases, scaled to 3.22M")
    return replace(row, low=max(0.0, published * (1 - rel) - sd), high=published * (1 + rel) + sd)


class _Measure:
    """Measures one platform's facts on a store (city management: every case when there is one platform)."""

    def __init__(self, engine: Engine, taxonomy: Taxonomy, where: str = "1 = 1") -> None:
        self.engine, self.tax, self.where = engine, taxonomy, where
        lo, hi, n = _scalar(engine, f"SELECT min(reported_at), max(reported_at), count(*) FROM cases WHERE {where}")
        self.span = _Span(lo, hi + 1)
        self.n = n

    def code(self, name: str) -> str:
        return self.tax.subclass_by_name(name).code

    def count(self, condition: str, **params: object) -> float:
        return _scalar(self.engine, f"SELECT count(*) FROM cases WHERE {self.where} AND {condition}", **params)[0]

    def document(self, units: tuple[int, int, int]) -> list[FactRow]:
        n, span = max(self.n, 1.0), self.span
        last_year = min(span.days, 365.0)
        recent = self.count("reported_at >= :t", t=span.end - last_year * DAY_S)
        top5 = ",".join(f"'{self.code(z)}'" for z in TOP5)
        settled = span.end - 7 * DAY_S
        filed_old = self.count("filed_at IS NOT NULL AND reported_at < :t", t=settled)
        closed_old = self.count("closed_at IS NOT NULL AND filed_at IS NOT NULL AND reported_at < :t", t=settled)
        rows = [
            fact("subdistricts", units[0]),
            fact("communities", units[1]),
            fact("grids", units[2]),
            fact("subclasses", len(self.tax.subclasses), "the taxonomy the simulator draws from"),
            self._per_year(recent / last_year * 365.2425, last_year),
            fact("ten_year_total", self.count("reported_at >= :t", t=span.end - 10 * YEAR_S), "the last ten years")
            if span.days >= 3650 - 2
            else fact("ten_year_total", None, f"needs ten years; the store spans {span.days:.0f} days"),
            fact("filed_share", self.count("filed_at IS NOT NULL") / n),
            fact("closure_rate", closed_old / filed_old, "filed cases reported ≥ 7 days before the end")
            if filed_old
            else fact("closure_rate", None, f"needs cases 7 days old; the store spans {span.days:.0f} days"),
            fact("top5_share", self.count(f"subclass IN ({top5})") / n, "、".join(TOP5)),
            fact("patrol_share", self.count("source = 'patrol'") / n),
            fact("component_share", self.count("kind = 'component'") / n),
            _scaled("app_reports", self.count("source = 'app'"), n, 0.5),
        ]
        settled_30 = span.end - 30 * DAY_S
        old = self.count("reported_at < :t", t=settled_30)
        if old > 0:
            rows.append(_scaled("difficult", self.count("difficult AND reported_at < :t", t=settled_30), old, 0.25))
        for key, name in (("bbq", "露天烧烤"), ("wall_openings", "开墙打洞")):
            if span.days >= 364:
                rows.append(_scaled(key, self.count("subclass = :s", s=self.code(name)), n, 0.5))
            else:
                rows.append(fact(key, None, f"seasonal and rare: needs a year; the store spans {span.days:.0f} days"))
        closed = self.count("closed_at IS NOT NULL AND filed_at IS NOT NULL")
        in_time = self.count(f"closed_at IS NOT NULL AND filed_at IS NOT NULL AND {_HANDLED_IN_TIME}")
        rows.append(fact("overdue_closed", 1 - in_time / max(closed, 1), "1 − 按期结案数 / 结案数"))
        return rows

    def _per_year(self, value: float, days: float) -> FactRow:
        if days >= 364:
            return fact("cases_per_year", value, "the last 365 days")
        row = fact("cases_per_year", value, f"{days:.0f} days × 365: seasonal, so ±12 %")
        return replace(row, low=440_000, high=560_000)

    def shape(self, grid_codes: Sequence[str]) -> list[FactRow]:
        span = self.span
        days = min(span.days, 365.0)
        since = span.end - days * DAY_S
        n_closed, by_flag, by_rule = _scalar(
            self.engine,
            f"SELECT count(*), sum(CASE WHEN on_time THEN 1 ELSE 0 END), sum(CASE WHEN {_HANDLED_IN_TIME} "
            f"THEN 1 ELSE 0 END) FROM cases WHERE {self.where} AND closed_at IS NOT NULL AND filed_at IS NOT NULL",
        )
        agreement = (by_flag - by_rule) / max(n_closed, 1)
        note = f"{by_flag:,.0f} flagged on time, {by_rule:,.0f} by 按期结案, of {n_closed:,.0f} closed"
        rows = [fact("ontime_agreement", agreement, note)]
        table = self._grid_days(grid_codes, since)
        totals = np.sort(table.sum(axis=1))[::-1]
        top = totals[: max(1, len(totals) // 10)].sum() / max(totals.sum(), 1)
        rows.append(fact("top_decile_grids", top, f"last {days:.0f} days; equal grids would give ~11 %"))
        mean, var = table.mean(axis=1), table.var(axis=1)
        busy = mean >= 0.2
        dispersion = float(np.median(var[busy] / mean[busy])) if busy.any() else None
        rows.append(fact("grid_day_dispersion", dispersion, "median over grids with ≥ 0.2 a day; Poisson: 1.0"))
        rows.append(fact("empty_grids", float((table.sum(axis=1) == 0).mean()), f"last {days:.0f} days"))
        rows.append(self._waterlogging(since))
        distinct = _scalar(
            self.engine,
            f"SELECT count(*) FROM (SELECT DISTINCT grid, lon, lat FROM cases WHERE {self.where} "
            "AND reported_at >= :t) p",
            t=since,
        )[0]
        n_recent = self.count("reported_at >= :t", t=since)
        rows.append(fact("distinct_points", distinct / max(n_recent, 1), f"last {days:.0f} days"))
        per_grid = _rows(
            self.engine,
            f"SELECT count(DISTINCT address) FROM cases WHERE {self.where} AND reported_at >= :t "
            "GROUP BY grid HAVING count(*) >= 50",
            t=since,
        )
        found = [float(str(a)) for (a,) in per_grid]
        note = "median over grids with ≥ 50 cases (was 1: one address per grid)"
        rows.append(fact("distinct_addresses", float(np.median(found)) if found else None, note))
        return rows

    def _grid_days(self, grid_codes: Sequence[str], since: float) -> NDArray[np.float64]:
        """Cases per grid and local day since ``since``, shape ``(grids, days)`` (zeros included)."""
        counts = _rows(
            self.engine,
            f"SELECT grid, {_DAY} AS d, count(*) FROM cases WHERE {self.where} AND reported_at >= :t "
            f"GROUP BY grid, {_DAY}",
            t=since,
        )
        index = {g: i for i, g in enumerate(grid_codes)}
        first = int((since + UTC8_S) // DAY_S)
        table = np.zeros((len(grid_codes), int((self.span.end + UTC8_S) // DAY_S) - first + 1))
        for grid, d, c in counts:
            if str(grid) in index and 0 <= int(str(d)) - first < table.shape[1]:
                table[index[str(grid)], int(str(d)) - first] += float(str(c))
        return table

    def _waterlogging(self, since: float) -> FactRow:
        daily = _rows(
            self.engine,
            f"SELECT {_DAY}, count(*) FROM cases WHERE {self.where} AND subclass = :s AND reported_at >= :t "
            f"GROUP BY {_DAY}",
            s=self.code("积水"),
            t=since,
        )
        first, last = int((since + UTC8_S) // DAY_S), int((self.span.end + UTC8_S) // DAY_S)
        day_numbers = np.arange(first, last + 1)
        months = day_numbers.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12 + 1
        per_day = np.zeros(day_numbers.size)
        for d, c in daily:
            if first <= int(str(d)) <= last:
                per_day[int(str(d)) - first] = float(str(c))
        summer = per_day[(months == 7) | (months == 8)]
        if summer.size < 30:
            return fact("storm_waterlogging", None, "needs July and August within the last year")
        peak = float(summer.max()) / max(float(summer.mean()), 1e-9)
        return fact("storm_waterlogging", peak, f"peak {summer.max():.0f} a day, mean {summer.mean():.1f}")


_DAY = f"(reported_at + {UTC8_S}) / {DAY_S}"
"""SQL: the local (Beijing) day number of a case's report (integer division in SQLite and PostgreSQL)."""
_HANDLED_IN_TIME = "handled_at IS NOT NULL AND handle_deadline_at IS NOT NULL AND handled_at <= handle_deadline_at"


def _units(engine: Engine) -> tuple[tuple[int, int, int], list[str]]:
    rows = _rows(engine, "SELECT level, code FROM units")
    levels = {lvl: [str(c) for lv, c in rows if lv == lvl] for lvl in ("subdistrict", "community", "grid")}
    grids = sorted(levels["grid"])
    return (len(levels["subdistrict"]), len(levels["community"]), len(grids)), grids


PlatformFacts = Callable[[Engine, Taxonomy], list[FactRow]]
"""Measures another platform's facts (a registry entry of :data:`EXTRA_PLATFORMS`)."""
EXTRA_PLATFORMS: list[PlatformFacts] = []
"""Further platforms' fact measurers (e.g. 全响应); each returns its rows or none."""


def _response_facts(engine: Engine) -> list[FactRow]:
    """The 全响应 platform's facts (requests: ``platform = 'response'``); none when the store holds no request.

    Rates are the indicators of ``docs/indicators.md`` over evaluated requests; the document's
    2024-09 figures are checked on a store whose requests reach mid-2024 or later, the 2019 ones
    on a store holding 2019.
    """
    from feeds.response.taxonomy import load_response_taxonomy

    where = "platform = 'response'"
    lo, hi, n = _scalar(engine, f"SELECT min(reported_at), max(reported_at), count(*) FROM cases WHERE {where}")
    if n == 0:
        return []
    tax = load_response_taxonomy()
    shape = (len(tax.categories), len(tax.majors), len(tax.subs), len(tax.types))
    levels = replace(
        fact("r_taxonomy", float(shape == (5, 21, 109, 571)), "resources/response_taxonomy.json", "response"),
        display=" / ".join(map(str, shape)),
    )
    span = _Span(lo, hi + 1)
    settled = span.end - 30 * DAY_S

    def count(condition: str, **params: object) -> float:
        return _scalar(engine, f"SELECT count(*) FROM cases WHERE {where} AND {condition}", **params)[0]

    rows = [levels]
    if span.days >= 3650 - 2:
        rows.append(fact("r_ten_year_total", count("reported_at >= :t", t=span.end - 10 * YEAR_S), "", "response"))
    else:
        rows.append(
            fact("r_ten_year_total", None, f"needs ten years; the store spans {span.days:.0f} days", "response")
        )
    old = count("reported_at < :t", t=settled)
    closed = count("closed_at IS NOT NULL AND reported_at < :t", t=settled)
    rows.append(
        fact("r_closure", closed / old if old else None, "requests reported ≥ 30 days before the end", "response")
    )
    rows.append(fact("r_phone_share", count("source = 'hotline_12345'") / n, "", "response"))
    answered = count("closed_at IS NOT NULL AND dispatched_at IS NULL")
    rows.append(fact("r_answered_share", answered / n, "closed without dispatch", "response"))
    for key_res, key_sat, a, b, label in (
        ("r_resolution_rate", "r_satisfaction_rate", max(lo, _year_start(2024.5)), hi + 1, "2024-07 on"),
        (
            "r_resolution_2019",
            "r_satisfaction_2019",
            max(lo, _year_start(2019)),
            min(hi + 1, _year_start(2020)),
            "2019",
        ),
    ):
        evaluated = count("satisfaction IS NOT NULL AND reported_at >= :a AND reported_at < :b", a=a, b=b)
        if evaluated < 200:
            why = f"needs evaluated requests of {label}; the store holds {evaluated:.0f}"
            rows += [fact(key_res, None, why, "response"), fact(key_sat, None, why, "response")]
            continue
        resolved = count("resolved AND satisfaction IS NOT NULL AND reported_at >= :a AND reported_at < :b", a=a, b=b)
        satisfied = count(
            "satisfaction IN ('satisfied', 'basically_satisfied') AND reported_at >= :a AND reported_at < :b", a=a, b=b
        )
        note = f"{evaluated:,.0f} requests of {label} evaluated"
        rows += [
            fact(key_res, resolved / evaluated, note, "response"),
            fact(key_sat, satisfied / evaluated, note, "response"),
        ]
    return rows


def _year_start(year: float) -> float:
    """Epoch seconds of a decimal year's start in Beijing (2024.5 = 1 July 2024)."""
    whole = int(year)
    month = 1 + round((year - whole) * 12)
    return dt.datetime(whole, month, 1, tzinfo=dt.timezone(dt.timedelta(hours=8))).timestamp()


def document_facts(
    engine: Engine, taxonomy: Taxonomy | None = None, *, city_where: str = "platform = 'city'"
) -> list[FactRow]:
    """Every fact of the source document and the simulation's shape checks, measured on a store.

    Args:
        engine: The store's engine (``Store.engine``).
        taxonomy: The city-management taxonomy (the packaged one if omitted).
        city_where: SQL condition selecting the city-management cases (the 全响应 requests,
            ``platform = 'response'``, are measured apart).

    Raises:
        ValueError: If the store holds no case.
    """
    tax = taxonomy or load_taxonomy()
    units, grid_codes = _units(engine)
    m = _Measure(engine, tax, city_where)
    if m.n == 0:
        raise ValueError("the store holds no case (seed it first: gridwall seed)")
    rows = m.document(units) + m.shape(grid_codes) + _response_facts(engine)
    for extra in EXTRA_PLATFORMS:
        rows += extra(engine, tax)
    return rows


def render_text(rows: Sequence[FactRow], lang: str = "en") -> str:
    """A plain-text table: fact, document, simulated, tolerance, status."""
    head = ("fact", "document", "simulated", "tolerance", "") if lang == "en" else ("事实", "文件", "模拟", "容差", "")
    body = [
        ((r.label_en if lang == "en" else r.label_zh), r.document, r.shown(r.simulated), r.tolerance, r.status)
        for r in rows
    ]
    widths = [max(_width(x[i]) for x in [head, *body]) for i in range(5)]
    lines = ["  ".join(_pad(c, w) for c, w in zip(line, widths, strict=True)).rstrip() for line in [head, *body]]
    off = sum(r.status == "off" for r in rows)
    skipped = sum(r.status == "skipped" for r in rows)
    lines.append(f"{len(rows) - off - skipped} within tolerance, {off} outside, {skipped} skipped")
    return "\n".join(lines)


def render_markdown(rows: Sequence[FactRow]) -> str:
    """A Markdown table for ``docs/simulation.md``."""
    out = ["| fact | document | simulated | tolerance | | measured on |", "|---|---|---|---|---|---|"]
    for r in rows:
        out.append(
            f"| {r.label_zh} · {r.label_en} | {r.document} | {r.shown(r.simulated)} | {r.tolerance} | "
            f"{r.status} | {r.note} |"
        )
    return "\n".join(out)


def _width(s: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in s)


def _pad(s: str, width: int) -> str:
    return s + " " * (width - _width(s))
