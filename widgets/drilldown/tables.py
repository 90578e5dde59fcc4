"""Ranked tables of the drill-down: child units (subdistricts, communities, grids) and departments.

Rows are the ``children`` of a ``drill`` answer or the ``rows`` of a ``ranking``
answer (:class:`~feeds.protocol.answers.Figures`: who, and their indicators). Sorting
is local (every row is there); the first value column carries a bar. A click or Enter on a row drills into it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from feeds.protocol.answers import Named
from widgets.drilldown.style import read_only_rows
from widgets.drilldown.text import format_value
from widgets.theme import ACCENT_SOFT, OVERDUE, TEXT, Scale, colour

_Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
BAR_ROLE = Qt.ItemDataRole.UserRole + 2


class _Values(Protocol):
    def value(self, name: str) -> float | None: ...


class RankRow(Protocol):
    """What a rank table shows per row: who (a name) and their values by key (:class:`Figures` and others)."""

    @property
    def who(self) -> Named: ...

    @property
    def indicators(self) -> _Values: ...


@dataclass(frozen=True)
class Column:
    """A column: indicator ``key`` (or ``name``), its translated title, and whether it carries a bar."""

    key: str
    title: Callable[[], str]
    bar: bool = False


class RankModel(QAbstractTableModel):
    """Rows of named units/departments with their indicators; sorted locally."""

    def __init__(self, columns: Sequence[Column], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[RankRow] = []
        self.lang = "zh"
        self.parent_name = ""
        self._peak: dict[str, float] = {}

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        """Rows shown."""
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        """Columns shown."""
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title()
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft if section == 0 else Qt.AlignmentFlag.AlignRight) | int(
                Qt.AlignmentFlag.AlignVCenter
            )
        return None

    def value(self, row: int, key: str) -> Any:
        """Raw value of a cell (``name`` is the display name)."""
        item = self.rows[row]
        if key == "name":
            return self.short_name(item)
        return item.indicators.value(key)

    def short_name(self, item: RankRow) -> str:
        """The row's name; in English without the parent's name in front, if it starts with it."""
        name = item.who.name(self.lang)
        prefix = self.parent_name + " "
        if self.lang == "en" and self.parent_name and name.startswith(prefix) and len(name) > len(prefix):
            return name[len(prefix) :]
        return name

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Texts, alignment, sort values, bar fractions and the overdue colour."""
        if not index.isValid():
            return None
        col = self.columns[index.column()]
        raw = self.value(index.row(), col.key)
        if role == Qt.ItemDataRole.DisplayRole:
            return raw if col.key == "name" else format_value(col.key, raw)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignLeft if col.key == "name" else Qt.AlignmentFlag.AlignRight
            return int(horizontal) | int(Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and col.key == "overdue_unhandled" and (raw or 0) > 0:
            return colour(OVERDUE)
        if role == SORT_ROLE:
            return raw
        if role == BAR_ROLE and col.bar:
            peak = self._peak.get(col.key) or 0.0
            return float(raw or 0) / peak if peak > 0 else 0.0
        if role == Qt.ItemDataRole.ToolTipRole and col.key == "name":
            return self.rows[index.row()].who.code
        return None

    def set_rows(self, rows: Sequence[RankRow]) -> None:
        """Replace the rows."""
        self.beginResetModel()
        self.rows = list(rows)
        self._peak = {
            c.key: max((r.indicators.value(c.key) or 0.0 for r in self.rows), default=0.0)
            for c in self.columns
            if c.bar
        }
        self.endResetModel()

    def set_language(self, lang: str) -> None:
        """Names in ``lang``."""
        self.lang = lang
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, 0))

    def code(self, row: int) -> str:
        """The unit or department code of a row."""
        return self.rows[row].who.code

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column; empty values last whatever the order."""
        key = self.columns[column].key
        self.layoutAboutToBeChanged.emit()
        keyed = [(self.value(i, key), r) for i, r in enumerate(self.rows)]
        present = [kr for kr in keyed if kr[0] is not None]
        missing = [kr[1] for kr in keyed if kr[0] is None]
        present.sort(key=lambda kr: kr[0], reverse=order == Qt.SortOrder.DescendingOrder)
        self.rows = [r for _, r in present] + missing
        self.layoutChanged.emit()


class BarDelegate(QStyledItemDelegate):
    """Paints a soft bar (the cell's share of the column's largest value) behind the text."""

    def paint(self, p: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        """Bar, then the usual text."""
        fraction = index.data(BAR_ROLE)
        if isinstance(fraction, float) and fraction > 0:
            rect = QRectF(option.rect).adjusted(2, option.rect.height() * 0.2, -2, -option.rect.height() * 0.2)
            p.save()
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(ACCENT_SOFT))
            p.drawRoundedRect(QRectF(rect.left(), rect.top(), rect.width() * min(1.0, fraction), rect.height()), 3, 3)
            p.restore()
        super().paint(p, option, index)


class RankTable(QTableView):
    """A sortable table of ranked units or departments; a click (or Enter) activates a row.

    Signals:
        sigActivated(str): the code of the row clicked.
    """

    sigActivated = Signal(str)

    def __init__(self, columns: Sequence[Column], scale: Scale, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rank_model = RankModel(columns, self)
        self.setModel(self.rank_model)
        self.setItemDelegate(BarDelegate(self))
        read_only_rows(self, scale.px(1.55))
        self.setSortingEnabled(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(scale.px(2))
        for i, col in enumerate(columns[1:], start=1):
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.Interactive)
            self.setColumnWidth(i, scale.px(5.2 if col.bar else 4.2))
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header.setHighlightSections(False)
        self.clicked.connect(self._on_clicked)
        self.activated.connect(self._on_clicked)
        palette = self.palette()
        palette.setColor(palette.ColorRole.Text, QColor(TEXT))
        self.setPalette(palette)

    def set_rows(self, rows: Sequence[RankRow], sort_key: str | None = None) -> None:
        """Show rows, sorted by ``sort_key`` descending (default: the first bar column)."""
        self.rank_model.set_rows(rows)
        columns = self.rank_model.columns
        key = sort_key or next((c.key for c in columns if c.bar), columns[0].key)
        col = next(i for i, c in enumerate(columns) if c.key == key)
        self.sortByColumn(col, Qt.SortOrder.DescendingOrder)

    def codes(self) -> list[str]:
        """Row codes top to bottom (for tests)."""
        return [self.rank_model.code(i) for i in range(self.rank_model.rowCount())]

    def _on_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.sigActivated.emit(self.rank_model.code(index.row()))
