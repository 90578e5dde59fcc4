"""Alert panels: weather warning badge, crowd flow at hot spots, sensors (e.g. underpass water level).

Warning colours are the CMA levels; crowd bars turn amber when crowded and
red when critical; a sensor in alarm is red. Everything else stays calm.
All text, including warning texts from the feed, is drawn as plain text.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QWidget

from feeds.live import CrowdView, SensorView, WeatherView
from feeds.weather_names import warning_text
from widgets.panel import (
    PaintedArea,
    Panel,
    clock,
    crowd_level_name,
    draw_bar,
    draw_sparkline,
    hazard_name,
    no_data_text,
    warning_level_name,
)
from widgets.theme import (
    ACCENT,
    BACKGROUND,
    CROWD_COLOURS,
    OVERDUE,
    TEXT,
    TEXT_BRIGHT,
    TEXT_DIM,
    TRACK,
    WARNING_COLOURS,
    Scale,
    colour,
)

_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class _AlertPanel(Panel):
    def __init__(self, scale: Scale | None = None, parent: QWidget | None = None) -> None:
        super().__init__(scale, parent)
        self.canvas = PaintedArea(self, clickable=True)
        self.body.addWidget(self.canvas)

    def paint_content(self, p: QPainter, rect: QRectF) -> None:
        """Draw the panel's content (override)."""

    def clicked_at(self, x: float, y: float) -> None:
        """A click at ``(x, y)`` of the content (override)."""

    def refresh_names(self) -> None:
        """Repaint in the new language."""
        self.canvas.update()

    def freshness_changed(self) -> None:
        """Repaint ("no data" replaces the content until the first data)."""
        self.canvas.update()

    def paint_no_data(self, p: QPainter, rect: QRectF) -> bool:
        """Draw "no data" and return True when nothing has been received yet."""
        if self.has_data:
            return False
        p.setFont(self.scale.font(0.9))
        p.setPen(colour(TEXT_DIM))
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, no_data_text())
        return True

    def row_h(self) -> float:
        """Height of one row."""
        return self.scale.base * 1.55


class WeatherPanel(_AlertPanel):
    """The most severe active weather warning as a colour badge with hazard, time and text; or "no warning"."""

    def __init__(self, scale: Scale | None = None, parent: QWidget | None = None) -> None:
        super().__init__(scale, parent)
        self.warnings: tuple[WeatherView, ...] = ()
        self.retranslate()

    def retranslate(self) -> None:
        """UI strings from the translator."""
        self.title_label.setText(self.tr("Weather warning"))
        self.none_text = self.tr("No weather warning in force")
        self.more_text = self.tr("also in force:")
        self.canvas.update()

    def update_weather(self, warnings: Sequence[WeatherView]) -> None:
        """Active warnings, most severe first (as :meth:`feeds.live.LiveState.weather` gives them)."""
        self.warnings = tuple(warnings)
        self.set_note(clock(self.warnings[0].issued_at) if self.warnings else "")
        self.canvas.update()

    def badge_text(self) -> str:
        """The headline shown in the badge ("Rainstorm · Orange warning"), the no-warning text, or "no data"."""
        if not self.has_data:
            return no_data_text()
        if not self.warnings:
            return self.none_text
        w = self.warnings[0]
        return f"{hazard_name(w.hazard)} · {warning_level_name(w.level)}"

    def body_text(self) -> str:
        """The text under the badge: the warning's own text, in English with the Chinese warning names
        translated (or the warning's English name when other Chinese words remain; :mod:`feeds.weather_names`)."""
        if not self.warnings:
            return ""
        w = self.warnings[0]
        return warning_text(w.text, w.hazard, w.level, self.lang)

    def paint_content(self, p: QPainter, rect: QRectF) -> None:
        """Badge, text and the other warnings."""
        s = self.scale
        if self.paint_no_data(p, rect):
            return
        if not self.warnings:
            p.setFont(s.font(1.0))
            p.setPen(colour(TEXT_DIM))
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.none_text)
            return
        w = self.warnings[0]
        level = WARNING_COLOURS.get(w.level, TEXT_DIM)
        head = s.font(1.15, bold=True)
        badge_h = QFontMetrics(head).height() + s.gap
        text = self.badge_text()
        badge_w = min(rect.width(), QFontMetrics(head).horizontalAdvance(text) + s.pad * 2)
        badge = QRectF(rect.left(), rect.top(), badge_w, badge_h)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour(level))
        p.drawRoundedRect(badge, s.radius, s.radius)
        p.setFont(head)
        p.setPen(colour(BACKGROUND if w.level == "yellow" else TEXT_BRIGHT))
        p.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)
        body = s.font(0.8)
        fm = QFontMetrics(body)
        y = badge.bottom() + s.gap
        lines = max(1, int((rect.bottom() - y - (s.base if len(self.warnings) > 1 else 0)) // fm.height()))
        p.setFont(body)
        p.setPen(colour(TEXT))
        text_rect = QRectF(rect.left(), y, rect.width(), lines * fm.height())
        plain = self.body_text()
        p.drawText(text_rect, Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignTop,
                   _elide_lines(fm, plain, rect.width(), lines))  # fmt: skip
        if len(self.warnings) > 1:
            others = "  ".join(f"{hazard_name(o.hazard)}·{warning_level_name(o.level)}" for o in self.warnings[1:])
            p.setFont(s.font(0.72))
            p.setPen(colour(TEXT_DIM))
            line = QRectF(rect.left(), rect.bottom() - s.base, rect.width(), s.base)
            p.drawText(line, _LEFT, QFontMetrics(s.font(0.72)).elidedText(
                f"{self.more_text} {others}", Qt.TextElideMode.ElideRight, round(rect.width())))  # fmt: skip


def _elide_lines(fm: QFontMetrics, text: str, width: float, lines: int) -> str:
    """``text`` cut to fit ``lines`` wrapped lines of ``width`` (approximate for CJK, exact enough on a wall)."""
    if fm.horizontalAdvance(text) <= width * lines * 0.95:
        return text
    return fm.elidedText(text, Qt.TextElideMode.ElideRight, round(width * lines * 0.9))


class CrowdPanel(_AlertPanel):
    """Crowd hot spots: count against capacity with a threshold tick, percentage, trend arrow and sparkline.

    Signals:
        sigSpotClicked(str): A spot row was clicked; carries its id.
    """

    sigSpotClicked = Signal(str)

    def __init__(self, scale: Scale | None = None, parent: QWidget | None = None) -> None:
        super().__init__(scale, parent)
        self.spots: tuple[CrowdView, ...] = ()
        self.retranslate()

    def retranslate(self) -> None:
        """UI strings from the translator."""
        self.title_label.setText(self.tr("Crowd flow at hot spots"))
        self.empty_text = self.tr("No crowd readings")
        self.canvas.update()

    def update_crowd(self, spots: Sequence[CrowdView]) -> None:
        """Spots to show, fullest first (as :meth:`feeds.live.LiveState.crowd` gives them)."""
        self.spots = tuple(spots)
        alarms = sum(1 for c in self.spots if c.level in ("crowded", "critical"))
        self.set_note((lambda: self.tr("%1 crowded").replace("%1", str(alarms))) if alarms else "")
        self.canvas.update()

    def visible_rows(self) -> int:
        """How many spots fit."""
        return int(self.canvas.height() // self.row_h())

    def paint_content(self, p: QPainter, rect: QRectF) -> None:
        """One row per spot."""
        s = self.scale
        if self.paint_no_data(p, rect):
            return
        if not self.spots:
            p.setFont(s.font(0.9))
            p.setPen(colour(TEXT_DIM))
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.empty_text)
            return
        body, small = s.font(0.82), s.font(0.72, numeric=True)
        fm = QFontMetrics(body)
        name_w, spark_w = rect.width() * 0.3, rect.width() * 0.14
        pct_w = QFontMetrics(small).horizontalAdvance("888% ▲") + s.gap
        y = rect.top()
        for c in self.spots[: self.visible_rows()]:
            h = self.row_h()
            level = CROWD_COLOURS.get(c.level, ACCENT)
            p.setFont(body)
            p.setPen(colour(TEXT))
            name = fm.elidedText(c.name.get(self.lang), Qt.TextElideMode.ElideRight, round(name_w - s.gap))
            p.drawText(QRectF(rect.left(), y, name_w, h), _LEFT, name)
            span = max(c.capacity * 1.25, c.count, 1)
            bar_w = rect.width() - name_w - spark_w - pct_w - s.gap * 2
            bar = QRectF(rect.left() + name_w, y + h * 0.32, bar_w, h * 0.36)
            draw_bar(p, bar, [(c.count, colour(level, 0.9))], span, colour(TRACK), bar.height() / 2)
            tick_x = bar.left() + bar.width() * c.capacity / span
            p.setPen(QPen(colour(TEXT_BRIGHT, 0.85), max(1.0, s.line * 1.5)))
            p.drawLine(QPointF(tick_x, y + h * 0.2), QPointF(tick_x, y + h * 0.8))
            arrow = {1: "▲", -1: "▼"}.get(c.trend, "–")
            pct = f"{round(100 * c.count / max(c.capacity, 1))}% {arrow}"
            p.setFont(small)
            p.setPen(colour(level if c.level in ("crowded", "critical") else TEXT))
            p.drawText(QRectF(bar.right() + s.gap, y, pct_w, h), _RIGHT, pct)
            spark = QRectF(rect.right() - spark_w, y + h * 0.25, spark_w, h * 0.5)
            draw_sparkline(p, spark, c.history, colour(level, 0.9), max(1.0, s.line * 1.4))
            y += h

    def clicked_at(self, x: float, y: float) -> None:
        """Emit the clicked spot's id."""
        i = int(y // self.row_h())
        if 0 <= i < min(len(self.spots), self.visible_rows()):
            self.sigSpotClicked.emit(self.spots[i].spot_id)

    def level_text(self, spot: CrowdView) -> str:
        """Translated crowd level of a spot."""
        return crowd_level_name(spot.level)


class SensorPanel(_AlertPanel):
    """Sensors (underpass water level, rain gauges...): value against threshold, sparkline; red (and bold) in alarm.

    Signals:
        sigSensorClicked(str): A sensor row was clicked; carries its id.
    """

    sigSensorClicked = Signal(str)

    def __init__(self, scale: Scale | None = None, parent: QWidget | None = None) -> None:
        super().__init__(scale, parent)
        self.sensors: tuple[SensorView, ...] = ()
        self.retranslate()

    def retranslate(self) -> None:
        """UI strings from the translator."""
        self.title_label.setText(self.tr("Sensors"))
        self.empty_text = self.tr("No sensor readings")
        self.canvas.update()

    def update_sensors(self, sensors: Sequence[SensorView]) -> None:
        """Sensors to show, alarms first (as :meth:`feeds.live.LiveState.sensors` gives them)."""
        self.sensors = tuple(sensors)
        alarms = sum(s.alarm for s in self.sensors)
        self.set_note((lambda: self.tr("%1 in alarm").replace("%1", str(alarms))) if alarms else "")
        self.canvas.update()

    def paint_content(self, p: QPainter, rect: QRectF) -> None:
        """One row per sensor."""
        s = self.scale
        if self.paint_no_data(p, rect):
            return
        if not self.sensors:
            p.setFont(s.font(0.9))
            p.setPen(colour(TEXT_DIM))
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.empty_text)
            return
        small = s.font(0.72, numeric=True)
        sfm = QFontMetrics(small)
        name_w, spark_w = rect.width() * 0.36, rect.width() * 0.14
        val_w = sfm.horizontalAdvance("888.8/888 cm") + s.gap
        y = rect.top()
        for sen in self.sensors[: int(rect.height() // self.row_h())]:
            h = self.row_h()
            tone = OVERDUE if sen.alarm else ACCENT
            name_font = s.font(0.82, bold=sen.alarm)
            p.setFont(name_font)
            p.setPen(colour(OVERDUE if sen.alarm else TEXT))
            label = QFontMetrics(name_font).elidedText(
                sen.name.get(self.lang), Qt.TextElideMode.ElideRight, round(name_w - s.gap)
            )
            p.drawText(QRectF(rect.left(), y, name_w, h), _LEFT, label)
            bar_w = rect.width() - name_w - spark_w - val_w - s.gap * 2
            span = max(sen.threshold * 1.25, sen.value, 1e-9)
            bar = QRectF(rect.left() + name_w, y + h * 0.32, bar_w, h * 0.36)
            draw_bar(p, bar, [(sen.value, colour(tone, 0.9))], span, colour(TRACK), bar.height() / 2)
            tick_x = bar.left() + bar.width() * sen.threshold / span
            p.setPen(QPen(colour(TEXT_BRIGHT, 0.85), max(1.0, s.line * 1.5)))
            p.drawLine(QPointF(tick_x, y + h * 0.2), QPointF(tick_x, y + h * 0.8))
            p.setFont(small)
            p.setPen(colour(OVERDUE if sen.alarm else TEXT))
            value = f"{sen.value:.1f}/{sen.threshold:g} {sen.unit}"
            p.drawText(QRectF(bar.right() + s.gap, y, val_w + s.gap * 4, h), _LEFT,
                       sfm.elidedText(value, Qt.TextElideMode.ElideRight, round(val_w)))  # fmt: skip
            spark = QRectF(rect.right() - spark_w, y + h * 0.25, spark_w, h * 0.5)
            draw_sparkline(p, spark, sen.history, colour(tone, 0.9), max(1.0, s.line * 1.4))
            y += h

    def clicked_at(self, x: float, y: float) -> None:
        """Emit the clicked sensor's id."""
        i = int(y // self.row_h())
        if 0 <= i < len(self.sensors):
            self.sigSensorClicked.emit(self.sensors[i].sensor_id)
