"""ResponsePanel: the 全响应 (12345 接诉即办) platform at a glance.

Today's requests by channel (phone, online, grid member) and how many were answered
on the line; the three rates 响应率 / 解决率 / 满意率 (the server's, over the window its
caption names); overdue requests (red, the only alarm colour here); the most frequent
request types of the day. Everything is painted in one area and updated in place.
A line too long for the panel (channels, a long type name in English) is elided with
"…" and its whole text is the tooltip over it (:meth:`ResponsePanel.tooltip_at`).

Signals:
    sigCaseActivated(str): An overdue request was clicked; carries its id.
    sigDrillDown(str, str): Anywhere else: ``("response", district)``, the 全响应 side of the drill-down.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QFontMetrics, QPainter
from PySide6.QtWidgets import QWidget

from feeds.live.response import ResponseView
from widgets.panel import PaintedArea, Panel, draw_bar, format_count, format_rate
from widgets.theme import ACCENT, OVERDUE, TEXT, TEXT_BRIGHT, TEXT_DIM, TRACK, Scale, colour

_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
RATE_KEYS = ("response_rate", "resolution_rate", "satisfaction_rate")
DISTRICT = "110102"


class ResponsePanel(Panel):
    """Today's 全响应 requests, the three rates, overdue requests and the top request types."""

    sigCaseActivated = Signal(str)
    sigDrillDown = Signal(str, str)

    def __init__(self, scale: Scale | None = None, parent: QWidget | None = None) -> None:
        super().__init__(scale, parent)
        self.view: ResponseView | None = None
        self.area = PaintedArea(self, clickable=True)
        self.body.addWidget(self.area, 1)
        self._overdue_rect = QRectF()
        self.elided: list[tuple[QRectF, str]] = []
        """Where a line was elided in the last paint, and its whole text (tooltips, tests)."""
        self.retranslate()

    def retranslate(self) -> None:
        """UI strings from the translator."""
        self.title_label.setText(self.tr("12345 requests (全响应)"))
        self.rate_names = {
            "response_rate": self.tr("Response rate"),
            "resolution_rate": self.tr("Resolution rate"),
            "satisfaction_rate": self.tr("Satisfaction rate"),
        }
        self.words = {
            "today": self.tr("requests today"),
            "answered": self.tr("answered on the line"),
            "overdue": self.tr("overdue requests"),
            "window": self.tr("last %1 days"),
            "none": self.tr("no overdue request"),
        }
        self.area.update()

    def update_response(self, view: ResponseView) -> None:
        """Show a new :class:`~feeds.live.response.ResponseView`."""
        self.view = view
        days = str(round(view.rate_window_s / 86_400)) if view.rate_window_s else ""
        self.set_note((lambda: self.words["window"].replace("%1", days)) if days else "")
        self.area.update()

    def freshness_changed(self) -> None:
        """No data: dashes everywhere."""
        if not self.has_data:
            self.view = None
        self.area.update()

    def texts(self) -> list[str]:
        """What the panel shows, line by line (tests and accessibility)."""
        v = self.view
        if v is None:
            return []
        lines = [f"{v.today} {self.words['today']}"]
        lines.append(" · ".join(f"{r.name.get(self.lang)} {r.count}" for r in v.by_channel))
        lines += [f"{self.rate_names[k]} {format_rate(v.rates.get(k), 1)}" for k in RATE_KEYS]
        lines.append(f"{v.overdue} {self.words['overdue']}")
        lines += [f"{r.name.get(self.lang)} {r.count}" for r in v.top_types]
        return lines

    def tooltip_at(self, x: float, y: float) -> str:
        """The whole text of a line elided at ``(x, y)`` in the last paint ('' elsewhere)."""
        return next((text for r, text in self.elided if r.contains(x, y)), "")

    def _draw_line(self, p: QPainter, box: QRectF, text: str, align: Qt.AlignmentFlag = _LEFT) -> None:
        """``text`` in ``box``, elided with "…" when too long (then remembered for its tooltip)."""
        shown = QFontMetrics(p.font()).elidedText(text, Qt.TextElideMode.ElideRight, max(0, round(box.width())))
        if shown != text:
            self.elided.append((QRectF(box), text))
        p.drawText(box, align, shown)

    # ------------------------------------------------------------- painting
    def paint_content(self, p: QPainter, rect: QRectF) -> None:
        """Four bands: today (count, answered on the line; channels below), the three rates, overdue, top types."""
        s = self.scale
        v = self.view
        self.elided = []
        h = rect.height()
        band = [h * 0.27, h * 0.28, h * 0.13]
        y = rect.top()
        # 1. today's requests, answered on the line, and the channels on a line of their own
        big = s.font(1.5, bold=True, numeric=True)
        p.setFont(big)
        p.setPen(colour(TEXT_BRIGHT))
        number = format_count(v.today if v else None)
        fm = QFontMetrics(big)
        nw = fm.horizontalAdvance(number) + s.gap
        top = band[0] * 0.6
        p.drawText(QRectF(rect.left(), y, nw, top), _LEFT, number)
        small = s.font(0.72)
        p.setFont(small)
        p.setPen(colour(TEXT_DIM))
        line = self.words["today"]
        if v is not None and v.today:
            line += f" · {self.words['answered']} {v.answered}"
        self._draw_line(p, QRectF(rect.left() + nw, y, rect.width() - nw, top), line)
        channels = " · ".join(f"{r.name.get(self.lang)} {r.count}" for r in v.by_channel) if v else ""
        self._draw_line(p, QRectF(rect.left(), y + top, rect.width(), band[0] - top), channels)
        y += band[0]
        # 2. the three rates
        w = rect.width() / 3
        for i, key in enumerate(RATE_KEYS):
            cell = QRectF(rect.left() + i * w, y, w, band[1])
            p.setFont(s.font(1.35, bold=True, numeric=True))
            p.setPen(colour(ACCENT))
            p.drawText(QRectF(cell.left(), cell.top(), cell.width(), cell.height() * 0.62), _LEFT,
                       format_rate(v.rates.get(key) if v else None, 1))  # fmt: skip
            p.setFont(small)
            p.setPen(colour(TEXT_DIM))
            caption = QRectF(cell.left(), cell.top() + cell.height() * 0.62, cell.width() - s.gap, cell.height() * 0.38)
            self._draw_line(p, caption, self.rate_names[key])
        y += band[1]
        # 3. overdue requests
        p.setFont(s.font(0.85, bold=True))
        overdue = v.overdue if v else None
        p.setPen(colour(OVERDUE if overdue else TEXT_DIM))
        text = f"{format_count(overdue)} {self.words['overdue']}" if overdue else self.words["none"] if v else "—"
        first = v.overdue_rows[0] if v and v.overdue_rows else None
        if first is not None:
            text += f" · {first.type.get(self.lang)} · {first.subdistrict.get(self.lang)}"
        self._overdue_rect = QRectF(rect.left(), y, rect.width(), band[2])
        self._draw_line(p, self._overdue_rect, text)
        y += band[2]
        # 4. top request types
        types = v.top_types if v else ()
        rows = max(1, int((rect.bottom() - y) // (s.base * 1.15)))
        peak = max((r.count for r in types), default=1) or 1
        body = s.font(0.72)
        fmb = QFontMetrics(body)
        num_w = fmb.horizontalAdvance("0000") + s.gap
        # names get what the longest needs, up to 3/4 of the row; the bar keeps at least the rest
        longest = max((fmb.horizontalAdvance(r.name.get(self.lang)) for r in types[:rows]), default=0)
        name_w = min(rect.width() * 0.75, max(rect.width() * 0.45, longest + s.gap * 2))
        for r in types[:rows]:
            row = QRectF(rect.left(), y, rect.width(), s.base * 1.15)
            p.setFont(body)
            p.setPen(colour(TEXT))
            self._draw_line(p, QRectF(row.left(), row.top(), name_w - s.gap, row.height()), r.name.get(self.lang))
            bar = QRectF(row.left() + name_w, row.top() + row.height() * 0.3, rect.width() - name_w - num_w,
                         row.height() * 0.4)  # fmt: skip
            draw_bar(p, bar, [(r.count, colour(ACCENT))], peak, colour(TRACK), bar.height() / 2)
            p.setPen(colour(TEXT))  # draw_bar leaves no pen
            p.drawText(QRectF(row.right() - num_w, row.top(), num_w, row.height()), _RIGHT, str(r.count))
            y += row.height()

    def clicked_at(self, x: float, y: float) -> None:
        """A click on the overdue line opens the longest-overdue request; anywhere else the 全响应 drill-down."""
        v = self.view
        if v is not None and v.overdue_rows and self._overdue_rect.contains(x, y):
            self.sigCaseActivated.emit(v.overdue_rows[0].case_id)
        else:
            self.sigDrillDown.emit("response", DISTRICT)
