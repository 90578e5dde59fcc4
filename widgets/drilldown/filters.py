"""Case-list filters of the workstation: free text, type, source, stage, department, overdue, difficult.

The choices are plain data handed in by the application (:class:`FilterChoices`).
Text search waits for a pause in typing (or Enter) before asking again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from feeds.live import Label
from feeds.protocol.vocab import STAGES
from widgets.panel import stage_name
from widgets.theme import Scale

TEXT_PAUSE_MS = 400


@dataclass(frozen=True)
class FilterChoices:
    """What the combo boxes offer: ``(code, Label)`` pairs (``units``: the subdistricts)."""

    types: Sequence[tuple[str, Label]] = ()
    sources: Sequence[tuple[str, Label]] = ()
    departments: Sequence[tuple[str, Label]] = ()
    units: Sequence[tuple[str, Label]] = ()
    stages: Sequence[str] = field(default_factory=lambda: tuple(STAGES))


class CaseFilterBar(QWidget):
    """Search box and *Clear* over four combo boxes and two check boxes.

    Signals:
        sigChanged(): the filters or the search text changed (text after a pause).
    """

    sigChanged = Signal()

    def __init__(self, choices: FilterChoices, scale: Scale, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choices = choices
        self.lang = "zh"
        rows = QVBoxLayout(self)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setSpacing(scale.gap)
        top, row = QHBoxLayout(), QHBoxLayout()
        top.setSpacing(scale.gap)
        row.setSpacing(scale.gap)
        rows.addLayout(top)
        rows.addLayout(row)
        self.search = QLineEdit(self)
        self.search.setClearButtonEnabled(True)
        self.search.setMaxLength(100)
        self.search.setMinimumWidth(scale.px(8))
        top.addWidget(self.search, 1)
        self.combos: dict[str, QComboBox] = {}
        for key in ("subclass", "source", "stage", "department"):
            combo = QComboBox(self)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(6)
            combo.currentIndexChanged.connect(self._on_changed)
            self.combos[key] = combo
            row.addWidget(combo, 2)
        self.overdue = QCheckBox(self)
        self.difficult = QCheckBox(self)
        for box in (self.overdue, self.difficult):
            box.setFont(scale.font(0.78))  # sized now, not at polish time, so the layout reserves its width
            box.toggled.connect(self._on_changed)
            row.addWidget(box)
        self.clear_button = QPushButton(self)
        self.clear_button.clicked.connect(self.clear)
        top.addWidget(self.clear_button)
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(TEXT_PAUSE_MS)
        self._pause.timeout.connect(self.sigChanged)
        self.search.textEdited.connect(lambda _t: self._pause.start())
        self.search.returnPressed.connect(self._on_return)
        self._muted = False
        self.retranslate()

    # ------------------------------------------------------------------ texts
    def retranslate(self) -> None:
        """UI strings (and the combo items) from the translator."""
        self.search.setPlaceholderText(self.tr("Search description, address or case ID  (Ctrl+F)"))
        self.overdue.setText(self.tr("Overdue only"))
        self.difficult.setText(self.tr("Difficult only"))
        self.clear_button.setText(self.tr("Clear"))
        self._fill()

    def set_language(self, lang: str) -> None:
        """Domain names in ``lang``."""
        self.lang = lang
        self._fill()

    def changeEvent(self, event: QEvent) -> None:
        """Retranslate on a language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _fill(self) -> None:
        items: dict[str, list[tuple[str, str]]] = {
            "subclass": [(c, f"{lab.get(self.lang)}") for c, lab in self.choices.types],
            "source": [(c, lab.get(self.lang)) for c, lab in self.choices.sources],
            "stage": [(s, stage_name(s)) for s in self.choices.stages],
            "department": [(c, lab.get(self.lang)) for c, lab in self.choices.departments],
        }
        every = {
            "subclass": self.tr("All types"),
            "source": self.tr("All sources"),
            "stage": self.tr("All stages"),
            "department": self.tr("All departments"),
        }
        self._muted = True
        for key, combo in self.combos.items():
            current = combo.currentData()
            combo.clear()
            combo.addItem(every[key], None)
            for code, text in items[key]:
                combo.addItem(text, code)
            combo.setCurrentIndex(max(0, combo.findData(current)) if current is not None else 0)
        self._muted = False

    # ----------------------------------------------------------------- values
    def filters(self) -> dict[str, Any]:
        """The chosen filters as query ``filters`` (only those set)."""
        out: dict[str, Any] = {}
        for key, combo in self.combos.items():
            if combo.currentData() is not None:
                out[key] = combo.currentData()
        if self.overdue.isChecked():
            out["overdue"] = True
        if self.difficult.isChecked():
            out["difficult"] = True
        return out

    def query_text(self) -> str:
        """The search text (trimmed)."""
        return self.search.text().strip()

    def set_filters(self, filters: Mapping[str, Any], text: str = "") -> None:
        """Show ``filters`` (from a drill-down click) without emitting."""
        self._muted = True
        for key, combo in self.combos.items():
            value = filters.get(key)
            index = combo.findData(value) if isinstance(value, str) else -1
            combo.setCurrentIndex(index if index >= 0 else 0)
        self.overdue.setChecked(filters.get("overdue") is True)
        self.difficult.setChecked(filters.get("difficult") is True)
        self.search.setText(text)
        self._muted = False

    def clear(self) -> None:
        """Remove every filter and the search text (emits once)."""
        self.set_filters({})
        self.sigChanged.emit()

    def focus_search(self) -> None:
        """Put the cursor in the search box (Ctrl+F)."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _on_changed(self, *_args: object) -> None:
        if not self._muted:
            self.sigChanged.emit()

    def _on_return(self) -> None:
        self._pause.stop()
        self.sigChanged.emit()
