"""The drill-down's alarm page: alarm performance against ISA-18.2 / EEMUA 191, and departments by urges.

Fed with :class:`~feeds.protocol.alarm_answers.AlarmMetricsAnswer` (``alarm_metrics``) and
:class:`~feeds.protocol.alarm_answers.UrgeRankingAnswer` (``urge_ranking``). A figure beyond
its reference is drawn in the overdue red.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from feeds.live import NameLookup
from feeds.protocol.alarm_answers import AlarmMetricsAnswer, UrgeRankingAnswer
from widgets.panel import format_duration, translate
from widgets.theme import OVERDUE, TEXT, Scale, colour


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _secs(value: float | None) -> str:
    return "—" if value is None else format_duration(value)


def operators_source(source: str) -> str:
    """Where the operator count came from, in words."""
    words = {
        "connected": translate("AlarmPage", "operators connected"),
        "mixed": translate("AlarmPage", "operators connected; the setting where none was"),
        "fallback": translate("AlarmPage", "none connected: the configured count"),
        "param": translate("AlarmPage", "as asked"),
    }
    return words.get(source, "")


def metric_rows(m: AlarmMetricsAnswer) -> list[tuple[str, str, str, bool]]:
    """``(figure, value, reference, beyond the reference)`` for the metrics table."""
    b = m.benchmarks
    share = b.get("priority_share", {}) if isinstance(b.get("priority_share"), dict) else {}
    per_op = m.per_operator_10min
    ok, manageable = float(b.get("per_10min_acceptable", 1.0)), float(b.get("per_10min_manageable", 2.0))
    floods = translate("AlarmPage", "Floods (more than %1 in %2 min)")  # the server's flood rule
    floods = floods.replace("%1", str(m.flood_count)).replace("%2", f"{m.flood_window_s / 60:g}")
    stale = translate("AlarmPage", "Stale alarms (active > %1 h)").replace("%1", f"{m.stale_s / 3600:g}")
    rows = [
        (translate("AlarmPage", "Alarms raised"), f"{m.raised:,}", "", False),
        (
            translate("AlarmPage", "Alarms per operator per 10 min"),
            _rate(per_op),
            f"≤ {ok:g} {translate('AlarmPage', 'acceptable')}, ≤ {manageable:g} {translate('AlarmPage', 'manageable')}",
            per_op is not None and per_op > manageable,
        ),
        (translate("AlarmPage", "Operators (mean per 10 min)"),
         "—" if m.operators_mean is None else f"{m.operators_mean:.1f}", operators_source(m.operators_source), False),
        (translate("AlarmPage", "Most alarms in 10 min"), str(m.peak_10min), f"< {b.get('peak_10min', 10)}",
         m.peak_10min >= int(b.get("peak_10min", 10))),
        (floods, str(m.floods), "", False),
        (translate("AlarmPage", "Time in flood"), _pct(m.flood_share), f"< {_pct(b.get('flood_time_share', 0.01))}",
         (m.flood_share or 0.0) > float(b.get("flood_time_share", 0.01))),
        (translate("AlarmPage", "Time to acknowledge (median / 90 %)"),
         f"{_secs(m.ack_median_s)} / {_secs(m.ack_p90_s)}", "", False),
        (translate("AlarmPage", "Not acknowledged"), str(m.unacked), "", False),
        (translate("AlarmPage", "Standing alarms"), str(m.standing), "", False),
        (stale, str(m.stale), f"< {b.get('stale_max', 5)}",
         m.stale >= int(b.get("stale_max", 5))),
        (translate("AlarmPage", "Shelved now"), str(m.shelved), "", False),
    ]  # fmt: skip
    for priority, name in (
        ("high", translate("AlarmPage", "High priority share")),
        ("medium", translate("AlarmPage", "Medium priority share")),
        ("low", translate("AlarmPage", "Low priority share")),
    ):
        ref = share.get(priority)
        rows.append((name, _pct(m.priority_share.get(priority)), f"≈ {_pct(ref)}" if ref is not None else "", False))
    return rows


class AlarmMetricsPage(QWidget):
    """Alarm figures against their references, then departments ranked by urges and overdue time."""

    def __init__(self, names: NameLookup, scale: Scale, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.names, self.scale, self.lang = names, scale, "zh"
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        self.metrics_title, self.ranking_title = QLabel(self), QLabel(self)
        for label in (self.metrics_title, self.ranking_title):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setFont(scale.font(0.9, bold=True))
        self.metrics = self._table(3)
        self.ranking = self._table(5)
        box.addWidget(self.metrics_title)
        box.addWidget(self.metrics, 3)
        box.addWidget(self.ranking_title)
        box.addWidget(self.ranking, 2)
        self.answer: AlarmMetricsAnswer | None = None
        self.urges: UrgeRankingAnswer | None = None
        self.retranslate()

    def _table(self, columns: int) -> QTableWidget:
        table = QTableWidget(0, columns, self)
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        table.setFont(self.scale.font(0.8))
        return table

    def retranslate(self) -> None:
        """UI strings from the translator."""
        self.metrics_title.setText(self.tr("Alarm performance (ISA-18.2 / EEMUA 191)"))
        self.ranking_title.setText(self.tr("Departments by urges (催办) and overdue time"))
        self.metrics.setHorizontalHeaderLabels([self.tr("Figure"), self.tr("This period"), self.tr("Reference")])
        self.ranking.setHorizontalHeaderLabels(
            [
                self.tr("Department"),
                self.tr("Urges"),
                self.tr("Automatic"),
                self.tr("Overdue now"),
                self.tr("Hours overdue"),
            ]
        )
        if self.answer is not None:
            self.show_metrics(self.answer)

    def set_language(self, lang: str) -> None:
        """Department names in ``lang``."""
        self.lang = lang
        if self.urges is not None:
            self.show_ranking(self.urges)

    def show_metrics(self, answer: AlarmMetricsAnswer) -> None:
        """Fill the figures table."""
        self.answer = answer
        rows = metric_rows(answer)
        self.metrics.setRowCount(len(rows))
        for i, (name, value, ref, beyond) in enumerate(rows):
            for j, text in enumerate((name, value, ref)):
                item = QTableWidgetItem(text)
                if j == 1:
                    item.setForeground(colour(OVERDUE if beyond else TEXT))
                self.metrics.setItem(i, j, item)

    def show_ranking(self, answer: UrgeRankingAnswer) -> None:
        """Fill the department table."""
        self.urges = answer
        self.ranking.setRowCount(len(answer.rows))
        for i, r in enumerate(answer.rows):
            name = self.names.department(r.department).get(self.lang)
            for j, text in enumerate((name, str(r.urges), str(r.auto_urges), str(r.overdue), f"{r.overdue_h:.1f}")):
                self.ranking.setItem(i, j, QTableWidgetItem(text))
