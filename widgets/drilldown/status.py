"""One line under the range buttons saying why something could not load, with *Retry*."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from widgets.drilldown.style import plain_label


class LoadStatus(QWidget):
    """Hidden while all is well; ``Could not load: …`` (plain text) and *Retry* after a failure.

    Signals:
        sigRetry(): *Retry* was clicked.
    """

    sigRetry = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.error_line = plain_label(self, "ErrorLine")
        self.retry_button = QPushButton(self)
        self.retry_button.clicked.connect(self.sigRetry)
        row.addWidget(self.error_line)
        row.addWidget(self.retry_button)
        self.text = ""
        self.retranslate()
        self.set_error("")

    def retranslate(self) -> None:
        """UI strings from the translator."""
        self.retry_button.setText(self.tr("Retry"))

    def changeEvent(self, event: QEvent) -> None:
        """Retranslate on a language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_error(self, text: str) -> None:
        """Show ``text`` with *Retry* (empty: hide both)."""
        self.text = text
        self.error_line.setText(text)
        self.setVisible(bool(text))
