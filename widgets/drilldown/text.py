"""Words and number formats of the drill-down: indicator names, 同比/环比 deltas, levels, ranges, times.

Source strings are English (translated by the application's translator);
domain names come from the query answers in both languages (:meth:`~feeds.protocol.answers.Named.name`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication

from feeds.protocol import BEIJING
from feeds.protocol.answers import Change, PeriodRef, epoch
from widgets.panel import format_count

translate = QCoreApplication.translate

"""The ten indicators in display order (GB/T 30428.4 style; see docs/indicators.md)."""
RATES = frozenset(
    {
        "closure_rate",
        "ontime_closure_rate",
        "ontime_handling_rate",
        "rework_rate",
        "response_rate",  # 全响应: 响应率, 解决率, 满意率
        "resolution_rate",
        "satisfaction_rate",
        "valid_rate",  # a supervisor's valid reports and verifications on time
        "verify_on_time_rate",
    }
)
HIGHER_IS_BETTER = frozenset({"closure_rate", "ontime_closure_rate", "ontime_handling_rate"})
LOWER_IS_BETTER = frozenset({"overdue_unhandled", "rework_rate", "mean_handling_h"})


def indicator_name(key: str) -> str:
    """Translated name of an indicator."""
    names = {
        "reported": translate("Drill", "Reported"),
        "filed": translate("Drill", "Filed"),
        "dispatched": translate("Drill", "Dispatched"),
        "closed": translate("Drill", "Closed"),
        "closure_rate": translate("Drill", "Closure rate"),
        "ontime_closure_rate": translate("Drill", "On-time closure rate"),
        "ontime_handling_rate": translate("Drill", "On-time handling rate"),
        "overdue_unhandled": translate("Drill", "Overdue, not handled"),
        "rework_rate": translate("Drill", "Rework rate"),
        "mean_handling_h": translate("Drill", "Mean handling time"),
    }
    return names.get(key, key)


def format_value(key: str, value: Any) -> str:
    """An indicator value: counts grouped, rates as %, handling time in hours."""
    if value is None:
        return "—"
    if key in RATES:
        return f"{100 * float(value):.1f}%"
    if key == "mean_handling_h":
        return translate("Drill", "%1 h").replace("%1", f"{float(value):.1f}")
    if key == "distance_km":
        return f"{float(value):,.1f}"
    return format_count(float(value))


def format_change(key: str, change: Change | None) -> tuple[str, str]:
    """``("▲ 2.6%", tone)`` for a 同比/环比 change; tone is ``good``, ``bad``, ``neutral`` or ``none``.

    Rates change in percentage points; counts and hours by their ratio (or by
    the difference when the earlier value was 0).
    """
    if change is None or change.before is None or change.delta is None:
        return "—", "none"
    delta = change.delta
    if abs(delta) < 1e-12:
        return "±0", "neutral"
    arrow = "▲" if delta > 0 else "▼"
    if key in RATES:
        text = translate("Drill", "%1 pp").replace("%1", f"{abs(delta) * 100:.1f}")
    elif change.ratio is not None:
        text = f"{abs(change.ratio) * 100:.1f}%"
    else:
        text = (
            f"{abs(delta):,.0f}"
            if key != "mean_handling_h"
            else translate("Drill", "%1 h").replace("%1", f"{abs(delta):.1f}")
        )
    if key in HIGHER_IS_BETTER:
        tone = "good" if delta > 0 else "bad"
    elif key in LOWER_IS_BETTER:
        tone = "bad" if delta > 0 else "good"
    else:
        tone = "neutral"
    return f"{arrow} {text}", tone


def level_name(level: str, plural: bool = False) -> str:
    """``Subdistrict`` / ``Communities``... of a unit level."""
    if plural:
        names = {
            "subdistrict": translate("Drill", "Subdistricts"),
            "community": translate("Drill", "Communities"),
            "grid": translate("Drill", "Unit grids"),
            "department": translate("Drill", "Departments"),
        }
    else:
        names = {
            "district": translate("Drill", "District"),
            "subdistrict": translate("Drill", "Subdistrict"),
            "community": translate("Drill", "Community"),
            "grid": translate("Drill", "Unit grid"),
        }
    return names.get(level, level)


def range_name(name: str) -> str:
    """Translated name of a time range."""
    names = {
        "today": translate("Drill", "Today"),
        "7d": translate("Drill", "7 days"),
        "30d": translate("Drill", "30 days"),
        "year": translate("Drill", "This year"),
        "custom": translate("Drill", "Custom"),
    }
    return names.get(name, name)


def grid_label(code: str, lang: str) -> str:
    """Short name of a unit grid from its code: ``第10网格`` / ``Grid 10``."""
    n = str(int(code[-3:])) if len(code) == 15 and code[-3:].isdigit() else code
    return f"Grid {n}" if lang == "en" else f"第{n}网格"


def format_time(value: Any, *, date: bool = True, year: bool = False) -> str:
    """Beijing time of an ISO string or epoch seconds: ``12-20 13:29`` (or ``2025-12-20 13:29``, ``13:29``)."""
    t = epoch(value)
    if t is None:
        return "—"
    fmt = ("%Y-%m-%d %H:%M" if year else "%m-%d %H:%M") if date else "%H:%M"
    return datetime.fromtimestamp(t, BEIJING).strftime(fmt)


def format_period(period: PeriodRef) -> str:
    """``12-01 00:00 – 12-20 15:30`` of an answer's period (empty before the answer)."""
    if not period.start:
        return ""
    return f"{format_time(period.start)} – {format_time(period.end)}"


def load_failed(message: str) -> str:
    """``Could not load: <why>`` (plain text)."""
    return translate("Drill", "Could not load: %1").replace("%1", message)


def count_text(n: int) -> str:
    """``1,234 cases``."""
    return translate("Drill", "%1 cases").replace("%1", format_count(n))
