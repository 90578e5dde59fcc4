"""The case list: optional filter bar, the table, paging and (on the workstation) CSV export.

It keeps the list's own state (search text, sort, page) and tells its owner
when another page is wanted; the owner adds the selection (unit, range,
filters) and asks the server.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from feeds.live import NameLookup
from feeds.protocol.answers import CaseListAnswer
from widgets.drilldown.case_table import CaseTable
from widgets.drilldown.filters import CaseFilterBar, FilterChoices
from widgets.panel import format_count
from widgets.theme import Scale

PAGE_SIZE = 50
BAR_FILTERS = frozenset({"subclass", "source", "stage", "department", "overdue", "difficult"})
"""Filters the workstation's filter bar shows (others, e.g. ``class``, pass through)."""


class CaseListView(QWidget):
    """Filters (optional), table, pager and export controls.

    Signals:
        sigPageWanted(): sort, page, search or filters changed: ask for :meth:`page_params` again.
        sigCaseActivated(str): a case was chosen (id).
        sigExportRequested(): *Export CSV* was clicked.
    """

    sigPageWanted = Signal()
    sigCaseActivated = Signal(str)
    sigExportRequested = Signal()

    def __init__(
        self,
        names: NameLookup,
        scale: Scale,
        *,
        choices: FilterChoices | None = None,
        exportable: bool = False,
        compact: bool = False,
        page_size: int = PAGE_SIZE,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.page_size = page_size
        self.offset = 0
        self.total = 0
        self.total_exact = True
        self._shown: tuple[Any, ...] = ()
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(scale.gap)
        self.filter_bar: CaseFilterBar | None = None
        if choices is not None:
            self.filter_bar = CaseFilterBar(choices, scale, self)
            self.filter_bar.sigChanged.connect(self._on_filters_changed)
            box.addWidget(self.filter_bar)
        self.table = CaseTable(names, scale, self)
        self.table.case_model.private = not exportable  # the operator's list shows the callers' words
        self.table.sigSortChanged.connect(self._on_sort_changed)
        self.table.sigCaseActivated.connect(self.sigCaseActivated)
        if compact:  # a wall panel: no id or urges columns (urges show among the flags)
            self.table.hide_columns("id", "urges")
        box.addWidget(self.table, 1)
        footer = QHBoxLayout()
        footer.setSpacing(scale.gap)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("FieldValue")
        self.prev_button, self.next_button = QPushButton("‹", self), QPushButton("›", self)
        self.prev_button.clicked.connect(lambda: self.turn(-1))
        self.next_button.clicked.connect(lambda: self.turn(1))
        footer.addWidget(self.count_label)
        footer.addWidget(self.prev_button)
        footer.addWidget(self.next_button)
        footer.addStretch(1)
        self.export_status = QLabel(self)
        self.export_status.setObjectName("FieldName")
        self.progress = QProgressBar(self)
        self.progress.setVisible(False)
        self.progress.setMinimumWidth(scale.px(8))
        self.export_button = QPushButton(self)
        self.export_button.setVisible(exportable)
        self.export_button.clicked.connect(self.sigExportRequested)
        footer.addWidget(self.export_status)
        footer.addWidget(self.progress)
        footer.addWidget(self.export_button)
        box.addLayout(footer)
        self.retranslate()
        self._update_pager()

    def retranslate(self) -> None:
        """UI strings from the translator."""
        self.export_button.setText(self.tr("Export CSV…"))
        self.export_button.setToolTip(self.tr("Every matching case, not only this page (Ctrl+E)"))
        self.prev_button.setToolTip(self.tr("Previous page"))
        self.next_button.setToolTip(self.tr("Next page"))
        self._update_pager()

    def changeEvent(self, event: QEvent) -> None:
        """Retranslate on a language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_language(self, lang: str) -> None:
        """Domain names in ``lang``."""
        self.table.case_model.set_language(lang)
        if self.filter_bar is not None:
            self.filter_bar.set_language(lang)

    # ---------------------------------------------------------------- params
    def page_params(self) -> dict[str, Any]:
        """The list's own parameters: ``q``, ``sort``, ``order``, ``offset``, ``limit``."""
        out: dict[str, Any] = {
            "sort": self.table.sort_key,
            "order": self.table.order,
            "offset": self.offset,
            "limit": self.page_size,
        }
        if self.filter_bar is not None and self.filter_bar.query_text():
            out["q"] = self.filter_bar.query_text()
        return out

    def merged_filters(self, filters: Mapping[str, Any]) -> dict[str, Any]:
        """``filters`` with the bar's choices in place of those the bar shows (all as is without a bar)."""
        bar = self.bar_filters()
        if bar is None:
            return dict(filters)
        return {**{k: v for k, v in filters.items() if k not in BAR_FILTERS}, **bar}

    def bar_filters(self) -> dict[str, Any] | None:
        """The filter bar's filters (``None`` without a bar)."""
        return self.filter_bar.filters() if self.filter_bar is not None else None

    def reset(self, filters: Mapping[str, Any] | None = None) -> None:
        """First page, newest first; the bar shows ``filters`` (no signal)."""
        self.offset = 0
        self.table.set_sort("reported_at", "desc")
        if self.filter_bar is not None:
            self.filter_bar.set_filters(filters or {}, self.filter_bar.query_text())

    # ----------------------------------------------------------------- show
    def show_page(self, page: CaseListAnswer) -> None:
        """Show a ``cases`` answer."""
        same_page = (page.offset, page.sort, page.order) == self._shown
        self.total, self.total_exact = page.total, page.total_exact
        self.offset = page.offset
        self._shown = (self.offset, page.sort, page.order)
        bar = self.table.verticalScrollBar()
        keep = bar.value() if same_page else 0  # a refresh of the same page keeps the scroll position
        self.table.case_model.set_rows(page.rows)
        if page.sort:
            self.table.set_sort(page.sort, page.order or "desc")
        bar.blockSignals(True)
        bar.setValue(keep)
        bar.blockSignals(False)
        self._update_pager()

    def turn(self, pages: int) -> None:
        """Go ``pages`` pages forward (negative: back) if there are any."""
        last = max(0, self.total - 1) // self.page_size * self.page_size
        if not self.total_exact and self.table.case_model.rowCount() >= self.page_size:
            last = max(last, self.offset + self.page_size)  # more were found than counted: one page on
        offset = min(max(0, self.offset + pages * self.page_size), last)
        if offset != self.offset:
            self.offset = offset
            self.sigPageWanted.emit()

    def _update_pager(self) -> None:
        shown = self.table.case_model.rowCount()
        if self.total == 0:
            self.count_label.setText(self.tr("No cases"))
        else:  # the server counts up to a limit: "of 10,000+" when more match
            text = self.tr("%1–%2 of %3") if self.total_exact else self.tr("%1–%2 of %3+")
            self.count_label.setText(
                text.replace("%1", format_count(self.offset + 1))
                .replace("%2", format_count(self.offset + shown))
                .replace("%3", format_count(self.total))
            )
        self.prev_button.setEnabled(self.offset > 0)
        more = not self.total_exact and shown >= self.page_size
        self.next_button.setEnabled(self.offset + shown < self.total or more)

    # ---------------------------------------------------------------- export
    def show_export_progress(self, done: int, total: int) -> None:
        """Export running: ``done`` of ``total`` rows fetched."""
        self.export_button.setEnabled(False)
        self.progress.setVisible(True)
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"{format_count(done)} / {format_count(total)}")
        self.export_status.setObjectName("FieldName")
        self.export_status.setText(self.tr("Exporting…"))
        self._restyle(self.export_status)

    def show_export_done(self, message: str, ok: bool = True) -> None:
        """Export finished (or failed): say so next to the button."""
        self.export_button.setEnabled(True)
        self.progress.setVisible(False)
        self.export_status.setObjectName("OkLine" if ok else "ErrorLine")
        self.export_status.setText(message)
        self._restyle(self.export_status)

    @staticmethod
    def _restyle(widget: QWidget) -> None:
        widget.style().unpolish(widget)
        widget.style().polish(widget)

    # -------------------------------------------------------------- handlers
    def _on_sort_changed(self, _key: str, _order: str) -> None:
        self.offset = 0
        self.sigPageWanted.emit()

    def _on_filters_changed(self) -> None:
        self.offset = 0
        self.sigPageWanted.emit()
