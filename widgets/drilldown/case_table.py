"""A page of the case list (``cases`` query rows) in a table; sorting is done by the server.

Clicking a sortable column header emits the new sort; the owner asks for
the page again. Citizen text (address, description) is shown as plain
text: table cells never render HTML and tool tips escape it.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHeaderView, QTableView, QWidget

from feeds.live import NameLookup
from feeds.privacy import mask_text
from feeds.protocol.answers import CaseRow
from widgets.drilldown.style import read_only_rows
from widgets.drilldown.text import format_time, grid_label
from widgets.panel import stage_name
from widgets.theme import CLOSED, DUE_SOON, OVERDUE, TEXT, TEXT_DIM, Scale

translate = QCoreApplication.translate

_Index = QModelIndex | QPersistentModelIndex


def plain_tooltip(text: str) -> str:
    """A tool tip that shows ``text`` literally (Qt would render a tip that looks like HTML)."""
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>" if text else ""


@dataclass(frozen=True)
class CaseColumn:
    """A column: key, translated title, the server's sort key (``None``: not sortable)."""

    key: str
    title: Callable[[], str]
    sort: str | None = None


COLUMNS: tuple[CaseColumn, ...] = (
    CaseColumn("reported_at", lambda: translate("CaseTable", "Reported"), "reported_at"),
    CaseColumn("id", lambda: translate("CaseTable", "Case")),
    CaseColumn("type", lambda: translate("CaseTable", "Type"), "subclass"),
    CaseColumn("place", lambda: translate("CaseTable", "Place")),
    CaseColumn("department", lambda: translate("CaseTable", "Department")),
    CaseColumn("stage", lambda: translate("CaseTable", "Stage"), "stage"),
    CaseColumn("deadline", lambda: translate("CaseTable", "Deadline"), "handle_deadline_at"),
    CaseColumn("urges", lambda: translate("CaseTable", "Urges"), "urges"),
    CaseColumn("flags", lambda: ""),
)


class CaseTableModel(QAbstractTableModel):
    """The rows of one ``cases`` page."""

    def __init__(self, names: NameLookup, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.names = names
        self.rows: list[CaseRow] = []
        self.lang = "zh"
        self.private = True  # personal data masked in the tool tips (a wall view) unless an operator's

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        """Rows of the page."""
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        """Columns."""
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].title()
        return None

    def set_rows(self, rows: Sequence[CaseRow]) -> None:
        """Show a page."""
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def set_language(self, lang: str) -> None:
        """Names in ``lang``."""
        self.beginResetModel()
        self.lang = lang
        self.endResetModel()

    def text(self, row: int, key: str) -> str:
        """The text of a cell."""
        r = self.rows[row]
        lang = self.lang
        if key == "reported_at":
            return format_time(r.reported_at)
        if key == "id":
            return r.id
        if key == "type":
            return r.subclass_name.name(lang) or self.names.case_type(r.subclass).get(lang)
        if key == "place":
            grid = r.grid
            return f"{self.names.unit(grid[:12]).get(lang)} · {grid_label(grid, lang)}" if len(grid) == 15 else grid
        if key == "department":
            return self.names.department(r.department).get(lang)
        if key == "stage":
            return stage_name(r.stage)
        if key == "deadline":
            return format_time(r.handle_deadline_at) if r.handle_deadline_at else ""
        if key == "urges":
            return str(r.urges) if r.urges else ""
        if key == "flags":
            flags = [translate("CaseTable", "Overdue")] if r.overdue else []
            if r.difficult:
                flags.append(translate("CaseTable", "Difficult"))
            if r.urges:
                flags.append(translate("CaseTable", "Urged %1×").replace("%1", str(r.urges)))
            return " · ".join(flags)
        return ""

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell texts, colours and tool tips."""
        if not index.isValid():
            return None
        key = COLUMNS[index.column()].key
        r = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(index.row(), key)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(self._tone(r, key))
        if role == Qt.ItemDataRole.ToolTipRole and key in ("id", "type", "place"):
            lines = [r.address, r.description]
            text = "\n".join(t for t in lines if t)
            return plain_tooltip(mask_text(text) if self.private else text)
        if role == Qt.ItemDataRole.TextAlignmentRole and key == "urges":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _tone(r: CaseRow, key: str) -> str:
        if key in ("deadline", "flags") and r.overdue:
            return OVERDUE
        if key == "flags" and r.difficult:
            return DUE_SOON
        if key == "stage" and r.stage == "closed":
            return CLOSED
        if key in ("reported_at", "id"):
            return TEXT_DIM
        return TEXT

    def case_id(self, row: int) -> str:
        """The id of a row's case."""
        return self.rows[row].id


class CaseTable(QTableView):
    """The case table; the server sorts, the header shows the sort.

    Signals:
        sigCaseActivated(str): a row was clicked or Enter pressed (case id).
        sigSortChanged(str, str): a sortable header was clicked: server sort key and ``asc``/``desc``.
    """

    sigCaseActivated = Signal(str)
    sigSortChanged = Signal(str, str)

    def __init__(self, names: NameLookup, scale: Scale, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case_model = CaseTableModel(names, self)
        self.setModel(self.case_model)
        self.sort_key, self.order = "reported_at", "desc"
        read_only_rows(self, scale.px(1.5))
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(scale.px(2))
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for i, col in enumerate(COLUMNS):
            mode = (
                QHeaderView.ResizeMode.Stretch if col.key in ("type", "place") else QHeaderView.ResizeMode.Interactive
            )
            header.setSectionResizeMode(i, mode)
        self._fit_columns(scale)
        header.sectionClicked.connect(self._on_header_clicked)
        self.clicked.connect(self._on_activated)
        self.activated.connect(self._on_activated)
        self._show_sort()

    def _fit_columns(self, scale: Scale) -> None:
        widths = {"reported_at": 5.9, "id": 9.4, "department": 7.6, "stage": 5.0, "deadline": 5.9, "urges": 3.2,
                  "flags": 4.8}  # fmt: skip
        for i, col in enumerate(COLUMNS):
            if col.key in widths:
                self.setColumnWidth(i, scale.px(widths[col.key]))

    def hide_columns(self, *keys: str) -> None:
        """Hide columns by key (a narrow panel shows fewer)."""
        for i, col in enumerate(COLUMNS):
            self.setColumnHidden(i, col.key in keys)

    def set_sort(self, key: str, order: str) -> None:
        """Show the server's sort (no signal)."""
        self.sort_key, self.order = key, order
        self._show_sort()

    def _show_sort(self) -> None:
        col = next((i for i, c in enumerate(COLUMNS) if c.sort == self.sort_key), 0)
        qt_order = Qt.SortOrder.DescendingOrder if self.order == "desc" else Qt.SortOrder.AscendingOrder
        header = self.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(col, qt_order)
        header.blockSignals(False)

    def _on_header_clicked(self, section: int) -> None:
        key = COLUMNS[section].sort
        if key is None:
            self._show_sort()
            return
        order = ("asc" if self.order == "desc" else "desc") if key == self.sort_key else "desc"
        self.sort_key, self.order = key, order
        self._show_sort()
        self.sigSortChanged.emit(key, order)

    def click_header(self, key: str) -> None:
        """Act as if the header of server sort ``key`` were clicked (keyboard shortcut, tests)."""
        self._on_header_clicked(next(i for i, c in enumerate(COLUMNS) if c.sort == key))

    def _on_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.sigCaseActivated.emit(self.case_model.case_id(index.row()))
