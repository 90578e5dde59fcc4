"""CaseFeed: the rolling feed of newest cases (model + painted delegate, rows slide in, new rows glow).

Rows are :class:`feeds.live.CaseView` records. :meth:`CaseFeedModel.update_rows`
diffs the new list against the old one: new cases are *inserted* at the top,
changed records (a new object for the same id) emit ``dataChanged``, rows
falling off the end are removed; nothing is rebuilt per event. Citizen text
is drawn with ``QPainter.drawText`` (never parsed as rich text); tool tips
escape it.
"""

from __future__ import annotations

import html
import time
from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractListModel,
    QEasingCurve,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    QTimer,
    QVariantAnimation,
    Signal,
)
from PySide6.QtGui import QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from feeds.live import CaseView, deadline_status
from widgets.panel import Panel, clock, format_age, stage_name
from widgets.shapes import RoundedRects
from widgets.theme import (
    ACCENT,
    CLOSED,
    DUE_SOON,
    OVERDUE,
    PANEL,
    PANEL_EDGE,
    TEXT,
    TEXT_BRIGHT,
    TEXT_DIM,
    Scale,
    colour,
)

HIGHLIGHT_S = 4.0
"""How long a new row glows, seconds."""
SLIDE_MS = 450
GLOW_TICK_MS = 100
"""How often glowing rows repaint as they fade."""
GLOW_LEVELS = 20
"""Steps of the glow's fade (each ~1.4 % of opacity, not seen as steps): one cached row background each."""

_Index = QModelIndex | QPersistentModelIndex
_STATUS_COLOURS = {"overdue": OVERDUE, "due_soon": DUE_SOON, "closed": CLOSED}


class CaseFeedModel(QAbstractListModel):
    """Feed rows, newest first, updated by diff (inserts at the top, in-place changes, tail removals)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[CaseView] = []
        self._born: dict[str, float] = {}
        self.lang = "zh"
        self.now = time.time()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        """Number of rows (0 for child indexes)."""
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """Display text (type · place) and an escaped tool tip; other roles are left to the delegate."""
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{row.type.get(self.lang)} · {row.subdistrict.get(self.lang)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            text = row.description or row.address
            return f"<p>{html.escape(text)}</p>" if text else ""
        return None

    def row(self, i: int) -> CaseView:
        """The record shown in row ``i``."""
        return self._rows[i]

    def rows(self) -> list[CaseView]:
        """All records, newest first (a copy)."""
        return list(self._rows)

    def glow(self, case_id: str, mono: float | None = None) -> float:
        """Highlight strength of a row, 1 when just inserted fading to 0 after :data:`HIGHLIGHT_S`."""
        born = self._born.get(case_id)
        if born is None:
            return 0.0
        left = 1.0 - ((time.monotonic() if mono is None else mono) - born) / HIGHLIGHT_S
        if left <= 0:
            del self._born[case_id]
            return 0.0
        return left

    @property
    def glowing(self) -> bool:
        """True while any row is highlighted."""
        return any(self.glow(cid) > 0 for cid in list(self._born))

    def update_rows(self, rows: Sequence[CaseView]) -> int:
        """Show ``rows`` (newest first); returns how many were inserted at the top as new."""
        old_ids = [r.id for r in self._rows]
        known = set(old_ids)
        k = 0
        while k < len(rows) and rows[k].id not in known:
            k += 1
        rest = [r.id for r in rows[k:]]
        if rest != old_ids[: len(rest)] or not rest:  # reordered, or nothing in common (a snapshot): reset
            self.beginResetModel()
            self._rows = list(rows)
            self._born.clear()
            self.endResetModel()
            return 0
        if k:
            self.beginInsertRows(QModelIndex(), 0, k - 1)
            self._rows[0:0] = rows[:k]
            mono = time.monotonic()
            for r in rows[:k]:
                self._born[r.id] = mono
            self.endInsertRows()
        for i in range(k, len(rows)):
            if self._rows[i] is not rows[i]:
                self._rows[i] = rows[i]
                idx = self.index(i)
                self.dataChanged.emit(idx, idx)
        if len(self._rows) > len(rows):
            self.beginRemoveRows(QModelIndex(), len(rows), len(self._rows) - 1)
            for r in self._rows[len(rows) :]:
                self._born.pop(r.id, None)
            del self._rows[len(rows) :]
            self.endRemoveRows()
        return k


class CaseRowDelegate(QStyledItemDelegate):
    """Paints one feed row: status stripe, type, age, place · source, stage chip, optional description."""

    def __init__(self, model: CaseFeedModel, scale: Scale, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.show_description = False
        self.shapes = RoundedRects()
        self.set_scale(scale)

    def set_scale(self, scale: Scale) -> None:
        """Fonts and row height for ``scale``."""
        self.scale = scale
        self.f_type = scale.font(1.0, bold=True)
        self.f_meta = scale.font(0.78)
        self.f_chip = scale.font(0.7)
        self.line1 = QFontMetrics(self.f_type).height()
        self.line2 = QFontMetrics(self.f_meta).height()
        self.row_h = round(self.line1 + self.line2 * (2.15 if self.show_description else 1.15) + scale.gap * 1.6)

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        """Every row has the same height."""
        return QSize(option.rect.width(), self.row_h)

    def paint(self, p: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        """Draw the row from its record (plain text only)."""
        row = self.model.row(index.row())
        lang, now, s = self.model.lang, self.model.now, self.scale
        r = QRectF(option.rect).adjusted(0, s.gap * 0.3, 0, -s.gap * 0.3)
        p.save()
        glow = round(self.model.glow(row.id) * GLOW_LEVELS) / GLOW_LEVELS  # a bounded set of cached backgrounds
        shapes = self.shapes
        shapes.draw(p, r, s.radius, colour(ACCENT, 0.07 + 0.28 * glow) if glow else colour(PANEL_EDGE, 0.35))
        status = "closed" if row.stage == "closed" else deadline_status(row.deadline, row.stage_since, now)
        stripe = _STATUS_COLOURS.get(status, ACCENT if glow else PANEL_EDGE)
        shapes.draw(p, QRectF(r.left(), r.top(), s.px(0.22), r.height()), s.px(0.1), colour(stripe))
        x0 = r.left() + s.px(0.6)
        inner = QRectF(x0, r.top() + s.gap * 0.5, r.right() - x0 - s.px(0.5), r.height() - s.gap)
        # line 1: type ........ age
        age = format_age(now - row.reported_at)
        p.setFont(self.f_meta)
        age_w = QFontMetrics(self.f_meta).horizontalAdvance(age) + s.gap
        p.setPen(colour(TEXT_DIM))
        line1 = QRectF(inner.left(), inner.top(), inner.width(), self.line1)
        p.drawText(line1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, age)
        p.setFont(self.f_type)
        p.setPen(colour(TEXT_BRIGHT))
        fm = QFontMetrics(self.f_type)
        title = fm.elidedText(row.type.get(lang), Qt.TextElideMode.ElideRight, round(inner.width() - age_w))
        p.drawText(line1, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
        # line 2: place · source ........ [stage]
        line2 = QRectF(inner.left(), line1.bottom() + s.gap * 0.25, inner.width(), self.line2 * 1.15)
        chip = stage_name(row.stage)
        if row.urges:
            chip = f"{chip} ·{row.urges}"
        p.setFont(self.f_chip)
        cfm = QFontMetrics(self.f_chip)
        chip_w = cfm.horizontalAdvance(chip) + s.px(0.8)
        chip_r = QRectF(line2.right() - chip_w, line2.top(), chip_w, line2.height())
        chip_col = _STATUS_COLOURS.get(status, TEXT_DIM)
        shapes.draw(p, chip_r.adjusted(0, 1, 0, -1), s.radius, colour(chip_col, 0.14), colour(chip_col, 0.9), s.line)
        p.setPen(colour(chip_col if status else TEXT))
        p.drawText(chip_r, Qt.AlignmentFlag.AlignCenter, chip)
        place = f"{row.subdistrict.get(lang)} · {row.community.get(lang)} · {row.source_name.get(lang)}"
        p.setFont(self.f_meta)
        p.setPen(colour(TEXT))
        mfm = QFontMetrics(self.f_meta)
        place = mfm.elidedText(place, Qt.TextElideMode.ElideRight, round(line2.width() - chip_w - s.gap))
        p.drawText(line2, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, place)
        if self.show_description and (row.description or row.address):
            line3 = QRectF(inner.left(), line2.bottom(), inner.width(), self.line2 * 1.1)
            text = " ".join((row.description or row.address).split())
            p.setPen(colour(TEXT_DIM))
            p.drawText(
                line3,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                mfm.elidedText(text, Qt.TextElideMode.ElideRight, round(line3.width())),
            )
        p.restore()


class FeedView(QListView):
    """The list view: rows slide by :attr:`slide_px` (new rows come in from the top); only whole rows show.

    The slide is an extra vertical offset, independent of the scroll bar, so it
    also works while the list is shorter than the view. Below the last row that
    fits whole the view shows the panel colour: a row is never cut in half.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.slide_px = 0

    def verticalOffset(self) -> int:
        """Scroll position plus the running slide."""
        return super().verticalOffset() + self.slide_px

    def cut_y(self) -> int:
        """Viewport y below which nothing is shown: the bottom of the last row that fits whole."""
        row_h = max(1, int(getattr(self.itemDelegate(), "row_h", 40)))
        top = -(self.verticalOffset() % row_h)
        return top + max(0, (self.viewport().height() - top) // row_h) * row_h

    def paintEvent(self, event: QPaintEvent) -> None:
        """Rows, then the panel colour over any row that does not fit whole."""
        super().paintEvent(event)
        vp = self.viewport()
        cut = self.cut_y()
        if cut < vp.height():
            QPainter(vp).fillRect(QRectF(0, cut, vp.width(), vp.height() - cut), colour(PANEL))


class CaseFeed(Panel):
    """Rolling feed of the newest cases; new rows slide in from the top and glow briefly.

    Signals:
        sigCaseActivated(str): A row was clicked; carries the case id.
    """

    sigCaseActivated = Signal(str)

    def __init__(self, scale: Scale | None = None, parent: QWidget | None = None) -> None:
        super().__init__(scale, parent)
        self.platforms: frozenset[str] = frozenset({"city", "response"})
        """Whose cases the feed shows (``city`` 城市管理, ``response`` 全响应; the layout's ``[wall] platforms``)."""
        self.model = CaseFeedModel(self)
        self.view = FeedView(self)
        self.view.setModel(self.model)
        self.delegate = CaseRowDelegate(self.model, self.scale, self.view)
        self.view.setItemDelegate(self.delegate)
        self.view.setUniformItemSizes(True)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.view.clicked.connect(self._on_clicked)
        self.body.addWidget(self.view)
        self._slide = QVariantAnimation(self)
        self._slide.setDuration(SLIDE_MS)
        self._slide.setEasingCurve(QEasingCurve.Type.OutCubic)
        self._slide.valueChanged.connect(self._on_slide)
        self._glow_timer = QTimer(self)
        self._glow_timer.setInterval(GLOW_TICK_MS)
        self._glow_timer.timeout.connect(self._on_glow_tick)
        self.retranslate()

    def retranslate(self) -> None:
        """Title from the translator."""
        self.title_label.setText(self.tr("Latest cases"))

    def rescale(self) -> None:
        """Row fonts and height for the new scale."""
        self.delegate.set_scale(self.scale)
        self.view.doItemsLayout()

    def set_show_description(self, show: bool) -> None:
        """Add a third line with the (plain-text) citizen description."""
        self.delegate.show_description = show
        self.rescale()

    def update_cases(self, rows: Sequence[CaseView], now: float | None = None) -> int:
        """Show the feed (newest first, only :attr:`platforms`' cases); returns the number of new rows that slid in."""
        if len(self.platforms) < 2:
            rows = [r for r in rows if r.platform in self.platforms]
        if now is not None:
            self.model.now = now
        inserted = self.model.update_rows(rows)
        if rows:
            self.set_note(clock(rows[0].reported_at, seconds=True))
        if inserted:
            self._slide_in(inserted)
            if not self._glow_timer.isActive():
                self._glow_timer.start()
        return inserted

    def tick(self, now: float) -> None:
        """Refresh ages and deadline colours at ``now`` (call once a second)."""
        self.model.now = now
        self.view.viewport().update()

    def refresh_names(self) -> None:
        """Repaint rows in the new language."""
        self.model.lang = self.lang
        self.view.viewport().update()

    def _slide_in(self, rows: int) -> None:
        bar = self.view.verticalScrollBar()
        if bar.value() > 0:
            bar.setValue(bar.value() + rows * self.delegate.row_h)  # an operator scrolled down: keep their rows
            return
        self._slide.stop()
        screen = self.view.viewport().height()
        if rows * self.delegate.row_h >= screen:
            # A whole screen of new rows at once (a flood): show them, no slide to watch.
            self.view.slide_px = 0
            self.view.viewport().update()
            return
        # Rows still sliding and the new ones: at most a screen's height to go.
        offset = min(self.view.slide_px + rows * self.delegate.row_h, screen)
        self._slide.setStartValue(offset)
        self._slide.setEndValue(0)
        self.view.slide_px = offset
        self._slide.start()

    def _on_slide(self, value: object) -> None:
        self.view.slide_px = int(value)  # type: ignore[call-overload]
        self.view.viewport().update()

    def _on_glow_tick(self) -> None:
        self.view.viewport().update()
        if not self.model.glowing:
            self._glow_timer.stop()

    def _on_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.sigCaseActivated.emit(self.model.row(index.row()).id)

    def stop_animations(self) -> None:
        """Finish the slide and stop the glow timer (tests, screenshots, shutdown)."""
        self._slide.stop()
        self.view.slide_px = 0
        self._glow_timer.stop()
        self.view.viewport().update()
