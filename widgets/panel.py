"""A titled panel frame shared by every wall panel, plus shared vocabulary and time formats.

Every panel is a :class:`Panel`: a dark rounded frame with an accent tick,
a title and an optional note on the right, sized by a :class:`~widgets.theme.Scale`.
Panels take plain data through ``update_*`` methods, switch the language of
domain names with :meth:`Panel.set_language` and re-read their own strings
on ``QEvent.LanguageChange`` (:meth:`Panel.retranslate`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from feeds.protocol import BEIJING
from widgets.theme import Scale, panel_qss


def stage_name(stage: str) -> str:
    """Translated short name of a workflow stage (source strings are English)."""
    names = {
        "reported": QCoreApplication.translate("Vocab", "Reported"),
        "filed": QCoreApplication.translate("Vocab", "Filed"),
        "dispatched": QCoreApplication.translate("Vocab", "Dispatched"),
        "handling": QCoreApplication.translate("Vocab", "Handling"),
        "closure_requested": QCoreApplication.translate("Vocab", "Closure requested"),
        "verifying": QCoreApplication.translate("Vocab", "Verifying"),
        "closed": QCoreApplication.translate("Vocab", "Closed"),
        "cancelled": QCoreApplication.translate("Vocab", "Cancelled"),
    }
    return names.get(stage, stage)


def hazard_name(hazard: str) -> str:
    """Translated name of a weather hazard."""
    names = {
        "rainstorm": QCoreApplication.translate("Vocab", "Rainstorm"),
        "snowstorm": QCoreApplication.translate("Vocab", "Snowstorm"),
        "gale": QCoreApplication.translate("Vocab", "Gale"),
        "haze": QCoreApplication.translate("Vocab", "Haze"),
        "heat": QCoreApplication.translate("Vocab", "Heat"),
        "cold_wave": QCoreApplication.translate("Vocab", "Cold wave"),
        "thunder": QCoreApplication.translate("Vocab", "Thunderstorm"),
        "road_icing": QCoreApplication.translate("Vocab", "Road icing"),
        "sandstorm": QCoreApplication.translate("Vocab", "Sandstorm"),
        "fog": QCoreApplication.translate("Vocab", "Fog"),
    }
    return names.get(hazard, hazard)


def warning_level_name(level: str) -> str:
    """Translated name of a CMA warning level ("Orange warning")."""
    names = {
        "blue": QCoreApplication.translate("Vocab", "Blue warning"),
        "yellow": QCoreApplication.translate("Vocab", "Yellow warning"),
        "orange": QCoreApplication.translate("Vocab", "Orange warning"),
        "red": QCoreApplication.translate("Vocab", "Red warning"),
    }
    return names.get(level, level)


def crowd_level_name(level: str) -> str:
    """Translated name of a crowd level."""
    names = {
        "normal": QCoreApplication.translate("Vocab", "Normal"),
        "busy": QCoreApplication.translate("Vocab", "Busy"),
        "crowded": QCoreApplication.translate("Vocab", "Crowded"),
        "critical": QCoreApplication.translate("Vocab", "Critical"),
    }
    return names.get(level, level)


def clock(t: float, seconds: bool = False) -> str:
    """Beijing wall-clock time of epoch seconds ``t`` (``08:20`` or ``08:20:05``)."""
    return datetime.fromtimestamp(t, BEIJING).strftime("%H:%M:%S" if seconds else "%H:%M")


def format_countdown(seconds: float) -> str:
    """``mm:ss`` under an hour, ``h:mm`` under a day, ``Nd hh h`` beyond; a leading ``-`` when past."""
    sign = "-" if seconds < 0 else ""
    s = int(abs(seconds))
    if s < 3600:
        return f"{sign}{s // 60:02d}:{s % 60:02d}"
    if s < 86400:
        return f"{sign}{s // 3600}:{s % 3600 // 60:02d}"
    return sign + QCoreApplication.translate("Vocab", "%1d %2h").replace("%1", str(s // 86400)).replace(
        "%2", f"{s % 86400 // 3600:02d}"
    )


def format_age(seconds: float) -> str:
    """Compact age: ``now``, ``5 min``, ``1 h 05``, ``3 d``."""
    s = max(0, int(seconds))
    if s < 60:
        return QCoreApplication.translate("Vocab", "now")
    if s < 3600:
        return QCoreApplication.translate("Vocab", "%1 min").replace("%1", str(s // 60))
    if s < 86400:
        return (
            QCoreApplication.translate("Vocab", "%1 h %2")
            .replace("%1", str(s // 3600))
            .replace("%2", f"{s % 3600 // 60:02d}")
        )
    return QCoreApplication.translate("Vocab", "%1 d").replace("%1", str(s // 86400))


def format_count(value: float | None) -> str:
    """Grouped integer (``3,220,000``), or an em dash when unknown."""
    return "—" if value is None else f"{round(value):,}"


def format_rate(value: float | None, digits: int = 2) -> str:
    """A 0–1 fraction as a percentage (values above 1 are taken as percentages already)."""
    if value is None:
        return "—"
    pct = value * 100 if value <= 1.0 else value
    return f"{pct:.{digits}f}%"


def draw_bar(
    p: QPainter, rect: QRectF, parts: Sequence[tuple[float, QColor]], total: float, track: QColor, radius: float
) -> None:
    """A rounded track with stacked coloured parts (values out of ``total``)."""
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(track)
    p.drawRoundedRect(rect, radius, radius)
    if total <= 0:
        return
    clip = QPainterPath()
    clip.addRoundedRect(rect, radius, radius)
    p.save()
    p.setClipPath(clip)
    x = rect.left()
    for value, fill in parts:
        w = rect.width() * max(0.0, min(1.0, value / total))
        p.fillRect(QRectF(x, rect.top(), w, rect.height()), fill)
        x += w
    p.restore()


def draw_sparkline(p: QPainter, rect: QRectF, values: Sequence[float], pen_colour: QColor, width: float) -> None:
    """A small line of ``values`` scaled to ``rect`` (min..max), with a dot on the latest value."""
    if len(values) < 2:
        return
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    step = rect.width() / (len(values) - 1)
    pts = [
        QPointF(rect.left() + i * step, rect.bottom() - (v - lo) / span * rect.height()) for i, v in enumerate(values)
    ]
    p.setPen(QPen(pen_colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPolyline(pts)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(pen_colour)
    p.drawEllipse(pts[-1], width * 1.6, width * 1.6)


class PaintedArea(QWidget):
    """An expanding area whose painting and clicks are done by its owner panel.

    The owner implements ``paint_content(painter, rect)`` and, if ``clickable``,
    ``clicked_at(x, y)`` (content coordinates).
    """

    def __init__(self, owner: QWidget, *, clickable: bool = False) -> None:
        super().__init__(owner)
        self.owner = owner
        self.clickable = clickable
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def paintEvent(self, event: QPaintEvent) -> None:
        """Let the owner paint."""
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.owner.paint_content(p, QRectF(self.rect()))  # type: ignore[attr-defined]

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """Pass a click to the owner."""
        if self.clickable:
            pos = event.position()
            self.owner.clicked_at(pos.x(), pos.y())  # type: ignore[attr-defined]


class Panel(QFrame):
    """A titled dark panel; subclasses put their content in :attr:`body`.

    Subclasses set ``title_label`` (and ``note_label``) in :meth:`retranslate`
    with ``self.tr`` and English source strings.

    Args:
        scale: Sizes; defaults to the primary screen's.
        parent: Parent widget.
    """

    def __init__(self, scale: Scale | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Panel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.lang = "zh"
        self.scale = scale or Scale.for_widget(self)
        self._accent = QFrame(self)
        self._accent.setObjectName("PanelAccent")
        self.title_label = QLabel(self)
        self.title_label.setObjectName("PanelTitle")
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        self.note_label = QLabel(self)
        self.note_label.setObjectName("PanelNote")
        self.note_label.setTextFormat(Qt.TextFormat.PlainText)
        self.note_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._header = QHBoxLayout()
        self._header.addWidget(self._accent)
        self._header.addWidget(self.title_label)
        self._header.addStretch(1)
        self._header.addWidget(self.note_label)
        self.body = QVBoxLayout()
        outer = QVBoxLayout(self)
        outer.addLayout(self._header)
        outer.addLayout(self.body, 1)
        self._outer = outer
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._apply_scale()

    # ------------------------------------------------------------- scaling
    def set_scale(self, scale: Scale) -> None:
        """Resize fonts and paddings for a screen/panel height."""
        self.scale = scale
        self._apply_scale()
        self.rescale()

    def _apply_scale(self) -> None:
        s = self.scale
        self.setStyleSheet(panel_qss(s))
        self._outer.setContentsMargins(s.pad, round(s.pad * 0.8), s.pad, round(s.pad * 0.8))
        self._outer.setSpacing(s.gap)
        self._header.setSpacing(s.gap)
        self._accent.setFixedSize(max(2, s.px(0.18)), s.px(0.95))
        self.title_label.setFont(s.font(0.95, bold=True))
        self.note_label.setFont(s.font(0.75))

    def rescale(self) -> None:
        """Hook: resize the panel's own content (override)."""

    # ------------------------------------------------------------ language
    def set_language(self, lang: str) -> None:
        """Show domain names (types, places) in ``"zh"`` or ``"en"``."""
        self.lang = "en" if lang == "en" else "zh"
        self.refresh_names()

    def refresh_names(self) -> None:
        """Hook: repaint domain names after a language switch (override)."""
        self.update()

    def retranslate(self) -> None:
        """Hook: re-read translated UI strings (override; called on ``LanguageChange``)."""

    def changeEvent(self, event: QEvent) -> None:
        """Retranslate when the application's translator changes."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
