"""The supervision panel: supervisors ranked by their figures, one supervisor's card with track playback,
and a component's card with its case history.

Fed with the plain answers of the ``supervisors``, ``supervisor``, ``track`` and ``component``
queries (``feeds.supervision.queries``). Clicking a ranking row asks for that supervisor
(``sigSupervisorWanted``); the play button asks for their track over the shown period
(``sigTrackWanted``) and then drives the playback head through ``sigPlay``/``sigPause``.
Citizen text (case descriptions) is shown as plain text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from feeds.privacy import mask_text
from feeds.protocol import BEIJING
from widgets.drilldown.supervisor_pages import shift_name
from widgets.panel import Panel, format_rate, stage_name
from widgets.theme import Scale

Row = Mapping[str, Any]
RANK_KEYS = ("reports", "valid_rate", "verify_on_time_rate", "grids_covered", "distance_m")


def _km(metres: object) -> str:
    return f"{float(metres) / 1000:.1f} km" if isinstance(metres, (int, float)) else "—"


def _time(t: object) -> str:
    return datetime.fromtimestamp(float(t), BEIJING).strftime("%m-%d %H:%M") if isinstance(t, (int, float)) else "—"


class SupervisionPanel(Panel):
    """Ranking, one supervisor's figures and track playback, one component's card.

    Signals:
        sigSupervisorWanted(str): a ranking row was chosen (staff id).
        sigRankingWanted(str): the ranking key changed.
        sigTrackWanted(str): play was pressed with no track loaded (staff id).
        sigPlay(), sigPause(): playback control of the loaded track.
    """

    sigSupervisorWanted = Signal(str)
    sigRankingWanted = Signal(str)
    sigTrackWanted = Signal(str)
    sigPlay = Signal()
    sigPause = Signal()

    def __init__(self, scale: Scale | None = None, parent: QWidget | None = None) -> None:
        super().__init__(scale, parent)
        self.staff_id = ""
        self.track_loaded = False
        self.playing = False
        self.mask_text = False
        self._shown: dict[str, Any] = {}  # the last answers, shown again in the other language
        self.rank_by = QComboBox(self)
        self.rank_by.currentIndexChanged.connect(lambda _i: self.sigRankingWanted.emit(self.rank_key()))
        self.table = QTableWidget(0, 4, self)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.cellClicked.connect(self._on_row)
        self.card = QLabel(self)
        self.card.setTextFormat(Qt.TextFormat.PlainText)
        self.card.setWordWrap(True)
        self.play_button = QPushButton(self)
        self.play_button.clicked.connect(self._on_play)
        self.track_label = QLabel(self)
        self.track_label.setTextFormat(Qt.TextFormat.PlainText)
        self.component = QLabel(self)
        self.component.setTextFormat(Qt.TextFormat.PlainText)
        self.component.setWordWrap(True)
        controls = QHBoxLayout()
        controls.addWidget(self.play_button)
        controls.addWidget(self.track_label, 1)
        self.body.addWidget(self.rank_by)
        self.body.addWidget(self.table, 3)
        self.body.addWidget(self.card)
        self.body.addLayout(controls)
        self.body.addWidget(self.component, 2)
        self.retranslate()
        self.rescale()

    def rescale(self) -> None:
        for w in (self.table, self.card, self.track_label, self.component, self.rank_by, self.play_button):
            w.setFont(self.scale.font(0.8))

    def retranslate(self) -> None:
        self.title_label.setText(self.tr("Supervisors"))
        self.table.setHorizontalHeaderLabels(
            [self.tr("Supervisor"), self.tr("Reports"), self.tr("Valid"), self.tr("Distance")]
        )
        labels = [
            self.tr("Rank by reports"),
            self.tr("Rank by valid-report rate"),
            self.tr("Rank by verifications on time"),
            self.tr("Rank by grids covered"),
            self.tr("Rank by distance patrolled"),
        ]
        index = self.rank_by.currentIndex()
        self.rank_by.blockSignals(True)
        self.rank_by.clear()
        self.rank_by.addItems(labels)
        self.rank_by.setCurrentIndex(max(0, index))
        self.rank_by.blockSignals(False)
        self._update_play()
        if not self.staff_id:
            self.card.setText(self.tr("Choose a supervisor to see their figures and track"))

    def refresh_names(self) -> None:
        """Names (supervisors, component subclasses) again in the current language."""
        if "ranking" in self._shown:
            self.show_ranking(self._shown["ranking"])
        if "supervisor" in self._shown:
            self.show_supervisor(self._shown["supervisor"], keep_track=True)
        if "component" in self._shown:
            self.show_component(self._shown["component"])

    def rank_key(self) -> str:
        """The ranking key chosen (one of :data:`RANK_KEYS`)."""
        return RANK_KEYS[max(0, self.rank_by.currentIndex())]

    # ------------------------------------------------------------------ feeding
    def show_ranking(self, rows: Sequence[Row]) -> None:
        """The ``supervisors`` answer's rows, best first."""
        self._shown["ranking"] = rows
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            name = row.get("name_en" if self.lang == "en" else "name_zh", "")
            cells = [
                f"{r + 1}. {name} {row.get('staff_id', '')}",
                str(row.get("reports", 0)),
                format_rate(row.get("valid_rate")),
                _km(row.get("distance_m")),
            ]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, row.get("staff_id"))
                self.table.setItem(r, c, item)

    def show_supervisor(self, answer: Row, keep_track: bool = False) -> None:
        """The ``supervisor`` answer: figures over its period and the beat (``keep_track``: the same
        supervisor shown again, e.g. in the other language, with their track and playback kept)."""
        self._shown["supervisor"] = answer
        fig = answer.get("figures") or {}
        self.staff_id = str(fig.get("staff_id", ""))
        if not keep_track:
            self.track_loaded = self.playing = False
        name = fig.get("name_en" if self.lang == "en" else "name_zh", "")
        period = answer.get("period") or {}
        lines = [
            f"{name} · {self.staff_id} · {shift_name(str(fig.get('shift', '')))} · "
            + self.tr("%1 beat grids").replace("%1", str(fig.get("beat_grids", 0))),
            self.tr("Period") + f" {_time(period.get('start_s'))} – {_time(period.get('end_s'))}",
            self.tr("Reports") + f" {fig.get('reports', 0)} · " + self.tr("valid-report rate")
            + f" {format_rate(fig.get('valid_rate'))}",
            self.tr("Verifications on time") + f" {fig.get('verified_on_time', 0)}/{fig.get('verified', 0)}"
            + f" ({format_rate(fig.get('verify_on_time_rate'))})",
            self.tr("Grids covered") + f" {fig.get('grids_covered', 0)}/{fig.get('beat_grids', 0)} · "
            + self.tr("distance patrolled") + f" {_km(fig.get('distance_m'))}",
        ]  # fmt: skip
        self.card.setText("\n".join(lines))
        if not keep_track:
            self.track_label.setText("")
        self._update_play()

    def track_shown(self, points: int, start: float, end: float) -> None:
        """A track was loaded into the map (``points`` points between ``start`` and ``end``)."""
        self.track_loaded = points > 0
        if not points:
            self.track_label.setText(self.tr("No track stored for this period"))
        else:
            self.track_label.setText(
                f"{_time(start)} – {_time(end)} · " + self.tr("%1 points").replace("%1", str(points))
            )
        self._update_play()

    def track_position(self, t: float) -> None:
        """The playback head's time."""
        self.track_label.setText(self.tr("Playing") + f" {_time(t)}")

    def track_finished(self) -> None:
        self.playing = False
        self._update_play()

    def show_component(self, answer: Row) -> None:
        """The ``component`` answer: the component and its case history."""
        self._shown["component"] = answer
        comp = answer.get("component")
        if not comp:
            self.component.setText(self.tr("No component linked to this case"))
            return
        states = {"ok": self.tr("intact"), "damaged": self.tr("damaged"), "missing": self.tr("missing"),
                  "occupied": self.tr("occupied")}  # fmt: skip
        sub = comp.get("subclass_en" if self.lang == "en" else "subclass_zh", comp.get("subclass", ""))
        lines = [
            self.tr("Component") + f" {comp.get('code', '')} · {sub} · {states.get(str(comp.get('state')), '')}",
            self.tr("Department") + f" {comp.get('department', '')} · " + self.tr("grid") + f" {comp.get('grid', '')}"
            + (" · " + self.tr("generated") if comp.get("generated") else ""),
        ]  # fmt: skip
        history = answer.get("history") or []
        lines.append(self.tr("Case history: %1").replace("%1", str(len(history))))
        for case in history[:8]:
            text = str(case.get("description") or "")
            if self.mask_text:
                text = mask_text(text)
            lines.append(
                f"  {_time(case.get('reported_at'))} {case.get('id', '')} "
                f"{stage_name(str(case.get('stage')))} {text[:40]}"
            )
        self.component.setText("\n".join(lines))

    # ------------------------------------------------------------------ internals
    def _on_row(self, row: int, _column: int) -> None:
        item = self.table.item(row, 0)
        if item is not None and item.data(Qt.ItemDataRole.UserRole):
            self.sigSupervisorWanted.emit(str(item.data(Qt.ItemDataRole.UserRole)))

    def _on_play(self) -> None:
        if not self.staff_id:
            return
        if not self.track_loaded:
            self.sigTrackWanted.emit(self.staff_id)
            self.playing = True
        elif self.playing:
            self.playing = False
            self.sigPause.emit()
        else:
            self.playing = True
            self.sigPlay.emit()
        self._update_play()

    def _update_play(self) -> None:
        self.play_button.setEnabled(bool(self.staff_id))
        self.play_button.setText(self.tr("Pause") if self.playing else self.tr("Play track"))
