"""Operator actions on one case: urge (催办), mark or unmark difficult (疑难), add a note.

Shown on the workstation only (a wall token may not act; the server refuses
it anyway). Success or failure shows inline next to the buttons, never in a
dialog, and fades after a while.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QWidget

from widgets.drilldown.style import plain_label
from widgets.theme import Scale

STATUS_MS = 12_000
NOTE_MAX = 2000


class CaseActions(QWidget):
    """Urge, difficult toggle, note field and an inline status line.

    Signals:
        sigAction(str, str): ``(action, text)``: ``urge``, ``difficult``, ``undifficult`` or ``note``.
    """

    sigAction = Signal(str, str)

    def __init__(self, scale: Scale, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case_id = ""
        self.difficult = False
        self.is_open = False
        self.busy = False
        self.allowed = True
        self.pending = ""
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(scale.gap)
        self.urge_button = QPushButton(self)
        self.difficult_button = QPushButton(self)
        self.note_edit = QLineEdit(self)
        self.note_edit.setMaxLength(NOTE_MAX)
        self.note_button = QPushButton(self)
        self.status = plain_label(self, "FieldName")
        row.addWidget(self.urge_button)
        row.addWidget(self.difficult_button)
        row.addWidget(self.note_edit, 2)
        row.addWidget(self.note_button)
        row.addWidget(self.status, 2)
        self.urge_button.clicked.connect(lambda: self._act("urge"))
        self.difficult_button.clicked.connect(lambda: self._act("undifficult" if self.difficult else "difficult"))
        self.note_button.clicked.connect(self._on_note)
        self.note_edit.returnPressed.connect(self._on_note)
        self.note_edit.textChanged.connect(lambda _t: self._update_buttons())
        self._fade = QTimer(self)
        self._fade.setSingleShot(True)
        self._fade.setInterval(STATUS_MS)
        self._fade.timeout.connect(lambda: self.status.setText(""))
        self.retranslate()

    def retranslate(self) -> None:
        """UI strings from the translator."""
        self.urge_button.setText(self.tr("Urge"))
        self.urge_button.setToolTip(self.tr("Urge the responsible department (催办)"))
        self.difficult_button.setText(self.tr("Remove difficult mark") if self.difficult else self.tr("Mark difficult"))
        self.note_edit.setPlaceholderText(self.tr("Note for the case record"))
        self.note_button.setText(self.tr("Add note"))

    def changeEvent(self, event: QEvent) -> None:
        """Retranslate on a language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_case(self, case_id: str, *, is_open: bool, overdue: bool, difficult: bool) -> None:
        """Act on ``case_id`` from now on; *Urge* is for open cases and stands out when overdue."""
        if case_id != self.case_id:
            self.note_edit.clear()
            self.status.setText("")
        self.case_id, self.is_open, self.difficult = case_id, is_open, difficult
        self.urge_button.setObjectName("Danger" if overdue and is_open else "")
        self.urge_button.style().unpolish(self.urge_button)
        self.urge_button.style().polish(self.urge_button)
        self.retranslate()
        self._update_buttons()

    def set_busy(self, busy: bool) -> None:
        """Disable the buttons while an action is on its way."""
        self.busy = busy
        if busy:
            self._say(self.tr("Sending…"), "FieldName")
        self._update_buttons()

    def show_result(self, ok: bool, message: str = "") -> None:
        """Say how the last action went (``message``: the server's refusal), plain text, inline."""
        self.set_busy(False)
        if ok:
            self.note_edit.clear()
            done = {
                "urge": self.tr("Urge sent"),
                "difficult": self.tr("Marked as difficult"),
                "undifficult": self.tr("Difficult mark removed"),
                "note": self.tr("Note added"),
            }
            self._say(done.get(self.pending, self.pending) + " ✓", "OkLine")
        else:
            self._say(self.tr("Refused: %1").replace("%1", message), "ErrorLine")
        self._fade.start()

    def status_text(self) -> str:
        """The inline status shown (for tests)."""
        return self.status.text()

    def _say(self, text: str, style: str) -> None:
        self.status.setObjectName(style)
        self.status.setText(text)
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)

    def forbid(self) -> None:
        """This connection may not act (the server refused for its role): keep the buttons off."""
        self.allowed = False
        self._update_buttons()

    def _update_buttons(self) -> None:
        ready = bool(self.case_id) and not self.busy and self.allowed
        self.urge_button.setEnabled(ready and self.is_open)
        self.difficult_button.setEnabled(ready)
        self.note_button.setEnabled(ready and bool(self.note_edit.text().strip()))

    def _act(self, action: str, text: str = "") -> None:
        if self.case_id and not self.busy and self.allowed:
            self.pending = action
            self.sigAction.emit(action, text)

    def _on_note(self) -> None:
        text = self.note_edit.text().strip()
        if text:
            self._act("note", text)
