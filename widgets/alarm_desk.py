"""The workstation's alarm desk: the running linkage plan to tick off, the alarm list with filters,
acknowledge / shelve / unshelve, and the selected alarm's history.

It asks for data with ``sigRequest(request_id, query, params)`` (the ``alarms`` query) and sends
operator requests with ``sigSend(request_id, message)`` (``alarm.action``, ``plan.action``);
answers come back through :meth:`show_result` / :meth:`show_error` (wire it with
``desktop.queries.wire_view``-style connections). The server decides every change; the desk
refreshes when the live state says alarms or plans changed (:meth:`refresh`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from feeds.live import NameLookup, PlanView
from feeds.live.alarms import alarm_row
from feeds.protocol import ALARM_KINDS, BEIJING, PRIORITIES, AlarmAction, AlarmInfo, PlanAction, ProtocolError
from feeds.protocol import fields as f
from widgets.alarm_panel import PRIORITY_COLOURS, alarm_title, operator_name, priority_name
from widgets.drilldown.requests import next_request_id
from widgets.panel import translate
from widgets.plan_checklist import PlanChecklist
from widgets.theme import TEXT_DIM, Scale, colour

STATES = ("open", "24h", "7d")
"""List choices: alarms not cleared, or the history of the last 24 hours / 7 days."""
REFRESH_MS = 700
"""A burst of live changes refreshes the list once, after this pause."""


def step_name(action: str) -> str:
    """Translated step of an alarm's history (``raise``, ``ack``, ``shelve``, ``unshelve``, ``clear``)."""
    names = {
        "raise": translate("Alarms", "Raised"),
        "ack": translate("Alarms", "Acknowledged"),
        "shelve": translate("Alarms", "Shelved"),
        "unshelve": translate("Alarms", "Unshelved"),
        "clear": translate("Alarms", "Cleared"),
    }
    return names.get(action, action)


def when(t: float, seconds: bool = False) -> str:
    """Beijing date and time (``12-03 08:20``, ``12-03 08:20:05``): the history spans days."""
    return datetime.fromtimestamp(t, BEIJING).strftime("%m-%d %H:%M:%S" if seconds else "%m-%d %H:%M")


def state_name(state: str) -> str:
    """Translated lifecycle state."""
    names = {
        "active": translate("Alarms", "Unacknowledged"),
        "acknowledged": translate("Alarms", "Acknowledged"),
        "shelved": translate("Alarms", "Shelved"),
        "cleared": translate("Alarms", "Cleared"),
    }
    return names.get(state, state)


class AlarmDesk(QWidget):
    """Plan checklist, filters, alarm table, actions and history.

    Signals:
        sigRequest(int, str, dict): a query to run.
        sigSend(int, object): an operator request (a protocol message) to send.
    """

    sigRequest = Signal(int, str, dict)
    sigSend = Signal(int, object)

    def __init__(self, names: NameLookup, scale: Scale, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.names = names
        self.lang = "zh"
        self.now = 0.0
        self.alarms: list[AlarmInfo] = []
        self._list_rid = 0
        self._history_rid = 0
        self._sent: dict[int, str] = {}
        layout = QVBoxLayout(self)
        self.checklist = PlanChecklist(scale, self)
        self.checklist.set_freshness("live")
        self.checklist.hide()
        self.checklist.sigStepToggled.connect(self._tick_step)
        layout.addWidget(self.checklist)

        filters = QHBoxLayout()
        self.state_box, self.kind_box, self.priority_box = QComboBox(), QComboBox(), QComboBox()
        for box in (self.state_box, self.kind_box, self.priority_box):
            box.currentIndexChanged.connect(lambda _i: self.refresh())
            filters.addWidget(box)
        filters.addStretch(1)
        layout.addLayout(filters)

        self.table = QTableWidget(0, 5, self)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._on_selection)
        layout.addWidget(self.table, 3)

        actions = QHBoxLayout()
        self.ack_button, self.shelve_button, self.unshelve_button = QPushButton(), QPushButton(), QPushButton()
        self.minutes = QSpinBox()
        self.minutes.setRange(1, 1440)
        self.minutes.setValue(60)
        self.reason = QLineEdit()
        self.ack_button.clicked.connect(lambda: self._act("ack"))
        self.shelve_button.clicked.connect(lambda: self._act("shelve"))
        self.unshelve_button.clicked.connect(lambda: self._act("unshelve"))
        for w in (self.ack_button, self.shelve_button, self.minutes, self.reason, self.unshelve_button):
            actions.addWidget(w)
        layout.addLayout(actions)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.status)
        self.history = QTableWidget(0, 4, self)
        self.history.verticalHeader().setVisible(False)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.history, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self.retranslate()

    # ------------------------------------------------------------- set-up
    def retranslate(self) -> None:
        """UI strings from the translator."""
        states = (self.tr("Open alarms"), self.tr("Last 24 h"), self.tr("Last 7 days"))
        self._fill(self.state_box, list(zip(STATES, states, strict=True)))
        kinds = [(k, _kind_name(k)) for k in sorted(ALARM_KINDS)]
        self._fill(self.kind_box, [("", self.tr("All kinds")), *kinds])
        priorities = [(p, priority_name(p)) for p in PRIORITIES]
        self._fill(self.priority_box, [("", self.tr("All priorities")), *priorities])
        self.table.setHorizontalHeaderLabels(
            [self.tr("Priority"), self.tr("State"), self.tr("Alarm"), self.tr("Raised"), self.tr("By")]
        )
        self.history.setHorizontalHeaderLabels([self.tr("Time"), self.tr("Step"), self.tr("By"), self.tr("Note")])
        self.ack_button.setText(self.tr("Acknowledge"))
        self.shelve_button.setText(self.tr("Shelve (min)"))
        self.unshelve_button.setText(self.tr("Unshelve"))
        self.reason.setPlaceholderText(self.tr("Reason for shelving (required)"))

    @staticmethod
    def _fill(box: QComboBox, items: Sequence[tuple[str, str]]) -> None:
        current = box.currentData()
        box.blockSignals(True)
        box.clear()
        for data, text in items:
            box.addItem(text, data)
        index = box.findData(current)
        box.setCurrentIndex(max(0, index))
        box.blockSignals(False)

    def set_language(self, lang: str) -> None:
        """Domain names in ``zh`` or ``en``."""
        self.lang = lang
        self.checklist.set_language(lang)
        self._show_rows()

    # ------------------------------------------------------------- live
    def update_plans(self, plans: Sequence[PlanView]) -> None:
        """The running linkage plans (the newest one's steps can be ticked here)."""
        self.checklist.update_plans(plans)
        self.checklist.setVisible(bool(plans))
        if plans:
            self.checklist.setMinimumHeight(self.checklist.preferred_height())

    def alarms_changed(self, now: float) -> None:
        """The live state's alarms changed: refresh the list soon (once per burst)."""
        self.now = now
        if not self._timer.isActive():
            self._timer.start()

    def params(self) -> dict[str, Any]:
        """The ``alarms`` query's parameters for the current filters."""
        state = self.state_box.currentData() or "open"
        params: dict[str, Any] = (
            {"state": "open"} if state == "open" else {"state": "all", "hours": 24 if state == "24h" else 168}
        )
        for key, box in (("kind", self.kind_box), ("priority", self.priority_box)):
            if box.currentData():
                params[key] = box.currentData()
        return params

    def refresh(self) -> None:
        """Ask for the list with the current filters."""
        self._list_rid = next_request_id()
        self.sigRequest.emit(self._list_rid, "alarms", self.params())

    # ------------------------------------------------------------- answers
    def show_result(self, request_id: int, data: object) -> None:
        """An answer to one of the desk's requests (others are ignored)."""
        if request_id == self._list_rid and isinstance(data, dict):
            self.alarms = [AlarmInfo.from_wire(a) for a in data.get("alarms", [])]
            self._show_rows()
        elif request_id == self._history_rid and isinstance(data, dict):
            self._show_history(data.get("history", []))
        elif request_id in self._sent:
            what = self._sent.pop(request_id)
            self.status.setText(what)
            self.refresh()

    def show_error(self, request_id: int, message: str) -> None:
        """A request failed: say why."""
        if request_id in self._sent or request_id in (self._list_rid, self._history_rid):
            self._sent.pop(request_id, None)
            self.status.setText(self.tr("Refused: %1").replace("%1", message))

    def forbid_actions(self, request_id: int) -> None:
        """The connection may not act (a wall token): disable the buttons."""
        for w in (self.ack_button, self.shelve_button, self.unshelve_button):
            w.setEnabled(False)

    def _show_rows(self) -> None:
        self.table.setRowCount(len(self.alarms))
        for i, alarm in enumerate(self.alarms):
            row = alarm_row(alarm, self.names)
            cells = [
                priority_name(alarm.priority),
                state_name(alarm.state),
                alarm_title(row, self.lang, self.now),
                when(alarm.raised_at),
                operator_name(alarm.acked_by or alarm.shelved_by),
            ]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j == 0:
                    item.setForeground(colour(PRIORITY_COLOURS.get(alarm.priority, TEXT_DIM)))
                self.table.setItem(i, j, item)

    def _show_history(self, steps: list[dict[str, Any]]) -> None:
        self.history.setRowCount(len(steps))
        for i, step in enumerate(steps):
            try:
                at = f.timestamp(step, "at", "history", required=False)
            except ProtocolError:
                at = None
            cells = (
                when(at, seconds=True) if at is not None else "",
                step_name(str(step.get("action", ""))),
                operator_name(str(step.get("by") or "")),
                str(step.get("note") or ""),
            )
            for j, text in enumerate(cells):
                self.history.setItem(i, j, QTableWidgetItem(text))

    # ------------------------------------------------------------- actions
    def selected(self) -> list[AlarmInfo]:
        """The alarms selected in the table."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.alarms[r] for r in rows if r < len(self.alarms)]

    def _on_selection(self) -> None:
        chosen = self.selected()
        if len(chosen) == 1:
            self._history_rid = next_request_id()
            self.sigRequest.emit(self._history_rid, "alarms", {"alarm_id": chosen[0].id})

    def _act(self, action: str) -> None:
        ids = tuple(a.id for a in self.selected())
        if not ids:
            self.status.setText(self.tr("Select one or more alarms first"))
            return
        try:
            if action == "shelve":
                msg = AlarmAction(action, ids, self.minutes.value(), self.reason.text().strip())
                if not msg.reason:
                    raise ProtocolError("bad_field", self.tr("a shelved alarm needs a reason"), "reason")
            else:
                msg = AlarmAction(action, ids)
        except ProtocolError as exc:
            self.status.setText(str(exc))
            return
        rid = next_request_id()
        self._sent[rid] = self.tr("%1 alarm(s): %2 done").replace("%1", str(len(ids))).replace("%2", action)
        self.sigSend.emit(rid, msg)

    def _tick_step(self, run_id: str, step_id: str, done: bool) -> None:
        rid = next_request_id()
        self._sent[rid] = self.tr("Plan step %1 updated").replace("%1", step_id)
        self.sigSend.emit(rid, PlanAction(run_id, step_id, done))


def _kind_name(kind: str) -> str:
    names = {
        "weather": translate("Alarms", "Weather"),
        "crowd": translate("Alarms", "Crowd"),
        "sensor": translate("Alarms", "Sensor"),
        "due_soon": translate("Alarms", "Due soon"),
        "overdue": translate("Alarms", "Overdue (urged)"),
        "anomaly": translate("Alarms", "Unusual rise"),
    }
    return names.get(kind, kind)
