"""The briefing as a PDF (日报/周报/月报): layout, charts and Qt's own PDF writer.

The figures come from :func:`feeds.briefing.build_briefing`; this module only
lays them out: an HTML document for :class:`QTextDocument` (tables, the charts
as images drawn with :class:`QPainter`), printed with :class:`QPdfWriter` on A4.
Qt embeds the CJK font (only the glyphs used), so the PDF reads the same on any machine.
``gridwall report`` (``desktop/commands.py``) and the workstation's *Briefing*
button call :func:`write_briefing_pdf`.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QFile, QFileDevice, QIODevice, QMarginsF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextDocument,
)

from feeds.briefing import BEIJING, Briefing
from feeds.protocol import PlanRun
from feeds.protocol.answers import Change, Figures, Indicators
from feeds.weather_names import warning_name, warning_text
from widgets.theme import cjk_family

INK, DIM, RULE, BAR, BAR_PREV, WARN = "#1b2533", "#5b6b80", "#c9d2de", "#1f8f86", "#b8c4d4", "#c2410c"
CHART_PX = (1600, 560)
"""Chart images in pixels (shown at half size in the document: sharp in print)."""

WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "day": "日报", "week": "周报", "month": "月报",
        "title": "{unit}城市管理{kind}",
        "covers": "统计时段：{span}　数据截至 {as_of}（北京时间）",
        "key": "一、总体情况", "indicator": "指标", "value": "本期", "yoy": "同比", "pop": "环比",
        "reported": "上报案件", "closed": "结案", "closure_rate": "结案率", "ontime_closure_rate": "按期结案率",
        "ontime_handling_rate": "按期处置率", "overdue_unhandled": "超期未处置", "rework_rate": "返工率",
        "mean_handling_h": "平均处置时长（小时）",
        "trend_day": "分时上报量（柱：本日；线：前一日）", "trend_span": "逐日上报量（柱：本期；线：上期）",
        "types": "二、高发问题类型（前十）", "type": "问题类型", "count": "件数", "share": "占比",
        "overdue": "三、各部门超期未处置", "department": "部门", "rank": "名次",
        "subdistricts": "四、街道排名（按期结案率）", "subdistrict": "街道",
        "departments": "五、部门排名（按期处置率）",
        "warnings": "六、预警与天气", "anomalies": "异常上升", "hotspots": "反复发生点位",
        "observed": "当日", "baseline": "常态", "grid": "网格", "community": "社区", "days": "天数",
        "weather": "气象预警", "none": "无", "lifted": "解除", "issued": "发布",
        "pp": "{sign}{v:.1f}个百分点", "page": "第 {n} 页",
        "plans": "恶劣天气联动预案", "plan_steps": "已完成 {done}/{total} 项", "running": "进行中",
    },
    "en": {
        "day": "Daily briefing", "week": "Weekly briefing", "month": "Monthly briefing",
        "title": "{unit} city management: {kind}",
        "covers": "Period: {span} · figures as of {as_of} (Beijing time)",
        "key": "1. Overview", "indicator": "Indicator", "value": "This period", "yoy": "Year on year",
        "pop": "vs previous", "reported": "Cases reported", "closed": "Cases closed", "closure_rate": "Closure rate",
        "ontime_closure_rate": "On-time closure rate", "ontime_handling_rate": "On-time handling rate",
        "overdue_unhandled": "Overdue, not handled", "rework_rate": "Rework rate",
        "mean_handling_h": "Mean handling time (h)",
        "trend_day": "Cases reported per hour (bars: this day; line: the day before)",
        "trend_span": "Cases reported per day (bars: this period; line: the previous one)",
        "types": "2. Most frequent case types (top 10)", "type": "Case type", "count": "Cases", "share": "Share",
        "overdue": "3. Overdue and not handled, by department", "department": "Department", "rank": "Rank",
        "subdistricts": "4. Subdistricts ranked by on-time closure rate", "subdistrict": "Subdistrict",
        "departments": "5. Departments ranked by on-time handling rate",
        "warnings": "6. Early warnings and weather", "anomalies": "Unusual rises", "hotspots": "Recurring hot spots",
        "observed": "That day", "baseline": "Usual", "grid": "Grid", "community": "Community", "days": "Days",
        "weather": "Weather warnings", "none": "none", "lifted": "lifted", "issued": "issued",
        "pp": "{sign}{v:.1f} pp", "page": "page {n}",
        "plans": "Bad-weather linkage plans", "plan_steps": "{done}/{total} steps done", "running": "running",
    },
}  # fmt: skip
KEY_ROWS = (
    "reported", "closed", "closure_rate", "ontime_closure_rate", "ontime_handling_rate",
    "overdue_unhandled", "rework_rate", "mean_handling_h",
)  # fmt: skip
RATES = frozenset({"closure_rate", "ontime_closure_rate", "ontime_handling_rate", "rework_rate"})


def format_value(key: str, value: float | None) -> str:
    """An indicator as shown: rates in per cent with one decimal, hours with one, counts whole."""
    if value is None:
        return "—"
    if key in RATES:
        return f"{value * 100:.1f}%"
    if key == "mean_handling_h":
        return f"{value:.1f}"
    return f"{value:,.0f}"


def format_change(key: str, change: Change | None, lang: str) -> str:
    """同比/环比 of an indicator: percentage points for rates, a relative change for counts."""
    if change is None or change.delta is None:
        return "—"
    if key in RATES:
        v = change.delta * 100
        return WORDS[lang]["pp"].format(sign="+" if v > 0 else "", v=v)
    if change.ratio is None:
        return f"{change.delta:+,.0f}"
    return f"{change.ratio * 100:+.1f}%"


def _day_text(d: date, lang: str) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if lang == "zh" else d.isoformat()


def span_text(b: Briefing, lang: str) -> str:
    """The period covered, e.g. ``2025年12月13日至2025年12月19日``."""
    if b.first == b.last:
        return _day_text(b.first, lang)
    joiner = "至" if lang == "zh" else " to "
    return _day_text(b.first, lang) + joiner + _day_text(b.last, lang)


def _esc(text: object) -> str:
    return html.escape(str(text))


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], numeric_from: int = 1) -> str:
    cells = "".join(
        f'<th align="right">{_esc(h)}</th>' if i >= numeric_from else f"<th>{_esc(h)}</th>" for i, h in enumerate(head)
    )
    body = []
    for row in rows:
        tds = (
            f'<td align="right">{_esc(c)}</td>' if i >= numeric_from else f"<td>{_esc(c)}</td>"
            for i, c in enumerate(row)
        )
        body.append("<tr>" + "".join(tds) + "</tr>")
    return f'<table width="100%" cellspacing="0" cellpadding="4"><tr>{cells}</tr>{"".join(body)}</table>'


def _ranking_rows(rows: Sequence[Figures], lang: str) -> list[list[str]]:
    out = []
    for r in rows:
        ind = r.indicators
        out.append(
            [
                str(r.rank),
                r.who.name(lang),
                format_value("reported", ind.reported),
                format_value("closure_rate", ind.closure_rate),
                format_value("ontime_closure_rate", ind.ontime_closure_rate),
                format_value("ontime_handling_rate", ind.ontime_handling_rate),
                format_value("overdue_unhandled", ind.overdue_unhandled),
            ]
        )
    return out


def briefing_html(b: Briefing, lang: str) -> str:
    """The briefing as HTML for :class:`QTextDocument` (charts referenced as ``chart:trend`` / ``chart:types``)."""
    w = WORDS[lang]
    unit = b.summary.unit.name(lang)
    as_of_text = datetime.fromtimestamp(b.as_of, BEIJING).strftime("%Y-%m-%d %H:%M")
    parts = [
        f"<h1>{_esc(w['title'].format(unit=unit, kind=w[b.period]))}</h1>",
        f'<p class="dim">{_esc(w["covers"].format(span=span_text(b, lang), as_of=as_of_text))}</p>',
        f"<h2>{_esc(w['key'])}</h2>",
    ]
    ind: Indicators = b.summary.indicators
    # a comparison period without a single case (the store's history starts later) compares nothing
    yoy, pop = ({} if not c.indicators.reported else c.change for c in (b.summary.yoy, b.summary.pop))
    key_rows = [
        [w[k], format_value(k, getattr(ind, k)), format_change(k, yoy.get(k), lang), format_change(k, pop.get(k), lang)]
        for k in KEY_ROWS
    ]
    parts.append(_table([w["indicator"], w["value"], w["yoy"], w["pop"]], key_rows))
    parts.append(f'<p class="dim">{_esc(w["trend_day" if b.period == "day" else "trend_span"])}</p>')
    parts.append('<p><img src="chart:trend" width="660"></p>')

    parts.append(f'<h2 style="page-break-before: always">{_esc(w["types"])}</h2>')
    parts.append('<p><img src="chart:types" width="660"></p>')
    type_rows = [
        [str(i), r.subclass.name(lang), f"{r.count:,}", format_value("closure_rate", r.share)]
        for i, r in enumerate(b.types.rows, start=1)
    ]
    parts.append(_table([w["rank"], w["type"], w["count"], w["share"]], type_rows, numeric_from=2))
    parts.append(f"<h2>{_esc(w['overdue'])}</h2>")
    overdue_rows = [
        [str(r.rank), r.who.name(lang), format_value("overdue_unhandled", r.value)] for r in b.overdue.rows if r.value
    ]
    if overdue_rows:
        parts.append(_table([w["rank"], w["department"], w["overdue_unhandled"]], overdue_rows, numeric_from=2))
    else:
        parts.append(f"<p>{_esc(w['none'])}</p>")

    rank_head = [
        w["rank"], "", w["reported"], w["closure_rate"], w["ontime_closure_rate"],
        w["ontime_handling_rate"], w["overdue_unhandled"],
    ]  # fmt: skip
    parts.append(f'<h2 style="page-break-before: always">{_esc(w["subdistricts"])}</h2>')
    parts.append(_table([rank_head[0], w["subdistrict"], *rank_head[2:]], _ranking_rows(b.subdistricts.rows, lang), 2))
    parts.append(f"<h2>{_esc(w['departments'])}</h2>")
    parts.append(_table([rank_head[0], w["department"], *rank_head[2:]], _ranking_rows(b.departments.rows, lang), 2))

    parts.append(f'<h2 style="page-break-before: always">{_esc(w["warnings"])}</h2>')
    parts.append(f"<h3>{_esc(w['anomalies'])}</h3>")
    anomalies = [
        [a.unit.name(lang), a.subclass.name(lang), str(a.observed), f"{a.baseline:.1f}"] for a in b.warnings.anomalies
    ]
    head = [w["subdistrict"], w["type"], w["observed"], w["baseline"]]
    parts.append(_table(head, anomalies, 2) if anomalies else f"<p>{_esc(w['none'])}</p>")
    parts.append(f"<h3>{_esc(w['hotspots'])}</h3>")
    hotspots = [
        [h.community.name(lang), h.grid.code, h.subclass.name(lang), str(h.count), str(h.days)]
        for h in b.warnings.hotspots
    ]
    head = [w["community"], w["grid"], w["type"], w["count"], w["days"]]
    parts.append(_table(head, hotspots, 3) if hotspots else f"<p>{_esc(w['none'])}</p>")
    parts.append(f"<h3>{_esc(w['weather'])}</h3>")
    weather = [
        [
            datetime.fromtimestamp(n.at, BEIJING).strftime("%m-%d %H:%M"),
            f"{warning_name(n.hazard, n.level, lang)} · {w['issued'] if n.active else w['lifted']}",
            warning_text(n.text, n.hazard, n.level, lang),
        ]
        for n in b.weather
    ]
    parts.append(_table(["", "", ""], weather, 9) if weather else f"<p>{_esc(w['none'])}</p>")
    parts.append(f"<h3>{_esc(w['plans'])}</h3>")
    parts.extend(plan_parts(b.plans, lang) if b.plans else [f"<p>{_esc(w['none'])}</p>"])
    return "\n".join(parts)


def plan_parts(plans: Sequence[PlanRun], lang: str) -> list[str]:
    """Each linkage plan of the period: when, its title, and every step with department, who and when."""
    w = WORDS[lang]

    def when(t: float | None) -> str:
        return datetime.fromtimestamp(t, BEIJING).strftime("%m-%d %H:%M") if t is not None else w["running"]

    parts = []
    for run in plans:
        done = sum(1 for s in run.steps if s.done)
        title = run.title_en if lang == "en" and run.title_en else run.title
        head = f"{when(run.started_at)} – {when(run.closed_at)} · {title} · "
        parts.append(f"<p><b>{_esc(head + w['plan_steps'].format(done=done, total=len(run.steps)))}</b></p>")
        rows = [
            ["☑" if s.done else "☐", (s.text_en if lang == "en" and s.text_en else s.text), s.department,
             f"{s.by} {when(s.at)}" if s.done else ""]
            for s in run.steps
        ]  # fmt: skip
        parts.append(_table(["", "", "", ""], rows, 9))
    return parts


STYLE = f"""
body {{ color: {INK}; }}
h1 {{ font-size: 20pt; font-weight: bold; margin-bottom: 2px; }}
h2 {{ font-size: 13pt; font-weight: bold; margin-top: 14px; color: {BAR}; }}
h3 {{ font-size: 11pt; font-weight: bold; margin-top: 8px; }}
p.dim {{ color: {DIM}; font-size: 9pt; }}
table {{ border-collapse: collapse; font-size: 9pt; }}
th {{ background-color: #e8eef5; font-weight: bold; text-align: left; border-bottom: 1px solid {RULE}; }}
td {{ border-bottom: 1px solid {RULE}; }}
"""


def _painter(image: QImage) -> QPainter:
    image.fill(QColor("white"))
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setFont(QFont(cjk_family(), 20))
    return p


def trend_chart(b: Briefing) -> QImage:
    """Bars of this period's counts, a line of the previous period's, hours or days along the bottom."""
    image = QImage(*CHART_PX, QImage.Format.Format_RGB32)
    p = _painter(image)
    counts, before = list(b.trend.counts), list(b.trend.compare_counts)
    n = max(len(counts), 1)
    top = max([*counts, *before, 1])
    left, right, upper, lower = 90, CHART_PX[0] - 20, 20, CHART_PX[1] - 60
    step = (right - left) / n
    p.setPen(QPen(QColor(RULE), 2))
    p.drawLine(left, lower, right, lower)
    p.setPen(QColor(DIM))
    for frac in (0.5, 1.0):
        y = lower - (lower - upper) * frac
        p.drawText(
            QRectF(0, y - 16, left - 12, 32),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            f"{top * frac:.0f}",
        )
    hourly = b.trend.step_s < 86_400
    for i, c in enumerate(counts):
        x = left + i * step
        h = (lower - upper) * c / top
        p.fillRect(QRectF(x + step * 0.15, lower - h, step * 0.7, h), QColor(BAR))
        every = 3 if hourly else max(1, n // 10)
        if i % every == 0:
            label = (
                f"{i}"
                if hourly
                else datetime.fromtimestamp(b.trend.start_s + i * b.trend.step_s, BEIJING).strftime("%m-%d")
            )
            p.drawText(QRectF(x - step, lower + 6, step * 3, 40), Qt.AlignmentFlag.AlignHCenter, label)
    if before:
        p.setPen(QPen(QColor(BAR_PREV), 4))
        points = [(left + (i + 0.5) * step, lower - (lower - upper) * c / top) for i, c in enumerate(before[:n])]
        for (x1, y1), (x2, y2) in itertools.pairwise(points):
            p.drawLine(round(x1), round(y1), round(x2), round(y2))
    p.end()
    return image


def types_chart(b: Briefing, lang: str) -> QImage:
    """Horizontal bars of the top case types with their counts."""
    image = QImage(*CHART_PX, QImage.Format.Format_RGB32)
    p = _painter(image)
    rows = list(b.types.rows)
    top = max([r.count for r in rows] or [1])
    name_w, row_h = 520, (CHART_PX[1] - 20) / max(len(rows), 1)
    for i, r in enumerate(rows):
        y = 10 + i * row_h
        p.setPen(QColor(INK))
        p.drawText(
            QRectF(0, y, name_w - 16, row_h),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            r.subclass.name(lang),
        )
        w = (CHART_PX[0] - name_w - 140) * r.count / top
        p.fillRect(QRectF(name_w, y + row_h * 0.18, w, row_h * 0.64), QColor(BAR if i else WARN))
        p.setPen(QColor(DIM))
        p.drawText(QRectF(name_w + w + 10, y, 130, row_h), Qt.AlignmentFlag.AlignVCenter, f"{r.count:,}")
    p.end()
    return image


def briefing_document(b: Briefing, lang: str) -> QTextDocument:
    """The laid-out document with its charts."""
    doc = QTextDocument()
    doc.setDefaultFont(QFont(cjk_family(), 10))
    doc.setDefaultStyleSheet(STYLE)
    doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl("chart:trend"), trend_chart(b))
    doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl("chart:types"), types_chart(b, lang))
    doc.setHtml(briefing_html(b, lang))
    return doc


def write_briefing_pdf(b: Briefing, path: Path, lang: str = "zh") -> int:
    """Write the briefing to ``path`` (A4 portrait); returns the number of pages.

    Raises:
        OSError: ``cannot write <path>: <reason>`` (a folder, a place that cannot be written, a full disk).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OSError(f"cannot write {path}: {exc.strerror or exc}") from None
    file = QFile(str(path))  # opened here: QPdfWriter given a path that cannot be written writes nothing, silently
    if not file.open(QIODevice.OpenModeFlag.WriteOnly):
        raise OSError(f"cannot write {path}: {file.errorString()}")
    try:
        pages = _print_briefing(b, file, lang)
    finally:
        file.close()
    if file.error() != QFileDevice.FileError.NoError:
        raise OSError(f"cannot write {path}: {file.errorString()}")
    return pages


def _print_briefing(b: Briefing, file: QFile, lang: str) -> int:
    writer = QPdfWriter(file)
    writer.setResolution(300)
    writer.setTitle(WORDS[lang]["title"].format(unit=b.summary.unit.name(lang), kind=WORDS[lang][b.period]))
    writer.setCreator("GridWall")
    layout = QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4),
        QPageLayout.Orientation.Portrait,
        QMarginsF(15, 15, 15, 15),
        QPageLayout.Unit.Millimeter,
    )
    writer.setPageLayout(layout)
    doc = briefing_document(b, lang)
    doc.setPageSize(QSizeF(layout.paintRectPixels(96).size()))
    pages = doc.pageCount()
    doc.print_(writer)
    return pages


def default_report_path(b: Briefing, lang: str) -> Path:
    """``gridwall-<period>-<last day>-<lang>.pdf`` in the current folder."""
    return Path(f"gridwall-{b.period}-{b.last.isoformat()}-{lang}.pdf")


def run_report(db: str | None, day: date, period: str, lang: str, out: Path | None) -> Path:
    """``gridwall report``: open the store, gather the figures, write the PDF; returns its path.

    Raises:
        UserError: If the store cannot be opened or the PDF cannot be written.
    """
    import os
    import time

    from PySide6.QtGui import QGuiApplication

    from desktop.app import UserError
    from feeds.analytics import QueryService
    from feeds.briefing import build_briefing
    from feeds.simulator.history.seed_store import holds_cases
    from feeds.store import StoreError
    from feeds.store.read_only import open_read_only

    if QGuiApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # a PDF needs no display
        app = QGuiApplication([])
        app.setApplicationName("gridwall")
    try:
        store = open_read_only(db)  # the report reads the store: it creates, migrates, changes nothing
    except StoreError as exc:
        raise UserError(str(exc)) from None
    try:
        if not holds_cases(store):  # as 'gridwall stats' says (a briefing of zeros was written)
            raise UserError("the store holds no case (seed it first: gridwall seed)")
        service = QueryService(store.engine, create_indexes=False)
        service.load_cube()
        briefing = build_briefing(service.handle, store.engine, day, period, now=time.time())
    finally:
        store.close()
    path = out or default_report_path(briefing, lang)
    try:
        pages = write_briefing_pdf(briefing, path, lang)
    except OSError as exc:
        raise UserError(str(exc)) from None
    print(f"{path}: {pages} pages, {span_text(briefing, lang)}")
    return path
