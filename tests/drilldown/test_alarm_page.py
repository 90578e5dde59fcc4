"""The drill-down's alarm page: alarm_metrics and urge_ranking for the range, shown against their references."""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot

from feeds.live import TableNames
from widgets.drilldown import DrillDownView
from widgets.drilldown.path import RangeSpec
from widgets.theme import OVERDUE, TEXT, Scale, colour

METRICS = {
    "raised": 320, "per_10min": 2.22, "per_operator_10min": 2.22, "operators": 2,
    "operators_mean": 1.5, "operators_source": "mixed", "peak_10min": 26, "floods": 2,
    "flood_share": 0.04, "ack_median_s": 95.0, "ack_p90_s": 600.0, "unacked": 12, "standing": 30, "stale": 1,
    "shelved": 2, "priority_share": {"high": 0.1, "medium": 0.6, "low": 0.3},
    "top_sources": [{"source": "sensor:WL01", "count": 40}],
    "benchmarks": {"per_10min_acceptable": 1.0, "per_10min_manageable": 2.0, "peak_10min": 10,
                   "flood_time_share": 0.01, "stale_max": 5,
                   "priority_share": {"high": 0.05, "medium": 0.15, "low": 0.8}},
    "flood_rule": {"count": 10, "window_s": 600.0}, "stale_s": 86400,
}  # fmt: skip
RANKING = {"departments": [{"department": "D01", "urges": 9, "auto_urges": 7, "overdue": 4, "overdue_h": 12.5}]}


def test_alarm_page_asks_for_the_range_and_marks_figures_beyond_their_reference(qtbot: QtBot) -> None:
    """7 days → hours 168; 2.22 alarms/10 min and a peak of 26 are red, 1 stale alarm is not."""
    view = DrillDownView(TableNames(), Scale(1080))
    view.set_language("en")
    qtbot.addWidget(view)
    asked: list[tuple[int, str, Any]] = []
    view.sigRequest.connect(lambda rid, name, params: asked.append((rid, name, params)))
    view.open_alarms()
    view.range_bar.sigRangeChanged.emit(RangeSpec("7d"))
    latest = {name: (rid, params) for rid, name, params in asked}
    assert view.page_name == "alarms" and latest["alarm_metrics"][1] == {"hours": 168}
    view.show_result(latest["alarm_metrics"][0], METRICS)
    view.show_result(latest["urge_ranking"][0], RANKING)
    table = view.alarm_page.metrics
    rows = {table.item(i, 0).text(): table.item(i, 1) for i in range(table.rowCount())}
    assert rows["Alarms per operator per 10 min"].text() == "2.22"
    assert rows["Alarms per operator per 10 min"].foreground().color() == colour(OVERDUE)
    assert rows["Most alarms in 10 min"].foreground().color() == colour(OVERDUE)
    operators = next(i for i in range(table.rowCount()) if table.item(i, 0).text() == "Operators (mean per 10 min)")
    assert (table.item(operators, 1).text(), table.item(operators, 2).text()) == (
        "1.5",
        "operators connected; the setting where none was",
    )
    assert rows["Stale alarms (active > 24 h)"].foreground().color() == colour(TEXT)
    ranking = view.alarm_page.ranking
    assert [ranking.item(0, j).text() for j in range(5)] == ["D01", "9", "7", "4", "12.5"]
    assert [c.kind for c in view.path.crumbs] == ["unit", "alarms"]


def test_alarm_page_names_the_servers_flood_and_stale_rules(qtbot: QtBot) -> None:
    """A server on --alarms with 5 in 15 min and stale after 12 h: the figures say so; an older answer: 10/10, 24 h."""
    from feeds.protocol.alarm_answers import AlarmMetricsAnswer
    from widgets.drilldown.alarm_page import metric_rows

    custom = {**METRICS, "flood_rule": {"count": 5, "window_s": 900.0}, "stale_s": 43200}
    labels = [row[0] for row in metric_rows(AlarmMetricsAnswer.from_wire(custom))]
    assert "Floods (more than 5 in 15 min)" in labels and "Stale alarms (active > 12 h)" in labels
    older = {k: v for k, v in METRICS.items() if k not in ("flood_rule", "stale_s")}
    labels = [row[0] for row in metric_rows(AlarmMetricsAnswer.from_wire(older))]
    assert "Floods (more than 10 in 10 min)" in labels and "Stale alarms (active > 24 h)" in labels
