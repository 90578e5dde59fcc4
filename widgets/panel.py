"""A titled panel frame shared by every wall panel, plus shared vocabulary and time formats.

Every panel is a :class:`Panel`: a dark rounded frame with an accent tick,
a title and an optional note on the right, sized by a :class:`~widgets.theme.Scale`.
A panel also knows how fresh its data is (:meth:`Panel.set_freshness`): with no
data yet it says so instead of showing zeros or an all-clear, and with stale data
it greys its content and shows the time of the last data in its note.
Panels take plain data through ``update_*`` methods, switch the language of
domain names with :meth:`Panel.set_language` and re-read their own strings
on ``QEvent.LanguageChange`` (:meth:`Panel.retranslate`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsOpacityEffect,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from feeds.live.workflow import MAIN_CHAIN
from feeds.protocol import BEIJING
from widgets.theme import DUE_SOON, Scale, panel_qss

FRESHNESS = ("none", "live", "stale")
"""How fresh a panel's data is: ``none`` (nothing received yet), ``live``, ``stale`` (kept, greyed)."""
STALE_OPACITY = 0.4


def stage_name(stage: str, platform: str = "city") -> str:
    """Translated short name of a workflow stage (source strings are English).

    A 全响应 request (``platform="response"``) names its stages by 接诉即办:
    受理, 派单, 办结反馈, 回访 ... (docs/protocol.md).
    """
    if platform == "response":
        requests = {
            "reported": QCoreApplication.translate("Vocab", "Received"),
            "filed": QCoreApplication.translate("Vocab", "Accepted"),
            "dispatched": QCoreApplication.translate("Vocab", "Dispatched to department"),
            "handling": QCoreApplication.translate("Vocab", "Department handling"),
            "closure_requested": QCoreApplication.translate("Vocab", "Reply sent"),
            "verifying": QCoreApplication.translate("Vocab", "Return visit"),
            "closed": QCoreApplication.translate("Vocab", "Request closed"),
        }
        if stage in requests:
            return requests[stage]
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


def chain_name(platform: str, index: int) -> str:
    """Translated label of node ``index`` of a platform's step bar (:func:`feeds.live.workflow.workflow_chain`)."""
    if platform == "response":
        phases = (
            QCoreApplication.translate("Vocab", "Receive"),
            QCoreApplication.translate("Vocab", "Dispatch"),
            QCoreApplication.translate("Vocab", "Handle"),
            QCoreApplication.translate("Vocab", "Evaluate (return visit)"),
            QCoreApplication.translate("Vocab", "Close"),
        )
        return phases[index]
    return stage_name(MAIN_CHAIN[index])


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


translate = QCoreApplication.translate


def format_duration(seconds: float) -> str:
    """A length of time in words, never clock-like: ``45 s``, ``31 min``, ``2 h 31 min``, ``3 d 4 h``.

    The one duration format of every panel (countdowns, ages, margins), in the
    interface language (``2 小时 31 分``).
    """
    s = int(abs(seconds))
    if s < 60:
        text, a, b = translate("Vocab", "%1 s"), s, 0
    elif s < 3600:
        text, a, b = translate("Vocab", "%1 min"), s // 60, 0
    elif s < 86400:
        a, b = s // 3600, s % 3600 // 60
        text = translate("Vocab", "%1 h %2 min") if b else translate("Vocab", "%1 h")
    else:
        a, b = s // 86400, s % 86400 // 3600
        text = translate("Vocab", "%1 d %2 h") if b else translate("Vocab", "%1 d")
    return text.replace("%1", str(a)).replace("%2", str(b))


def format_countdown(seconds: float) -> str:
    """Time left to a deadline: ``in 2 h 31 min`` (剩 2 小时 31 分), or ``31 min overdue`` (超期 31 分) when past."""
    text = translate("Vocab", "in %1") if seconds >= 0 else translate("Vocab", "%1 overdue")
    return text.replace("%1", format_duration(seconds))


def format_age(seconds: float) -> str:
    """How long ago: ``now`` under a minute, else :func:`format_duration` (``5 min``, ``1 h 5 min``)."""
    if seconds < 60:
        return translate("Vocab", "now")
    return format_duration(seconds)


def no_data_text() -> str:
    """What a panel shows instead of figures it does not have."""
    return translate("Vocab", "No data")


def as_of_text(t: float) -> str:
    """``as of 08:20`` (数据截至 08:20): the time of the stale data a panel keeps showing."""
    return translate("Vocab", "as of %1").replace("%1", clock(t))


def format_count(value: float | None) -> str:
    """Grouped integer (``3,220,000``), or an em dash when unknown."""
    return "—" if value is None else f"{round(value):,}"


def format_rate(value: float | None, digits: int = 2) -> str:
    """A 0–1 fraction as a percentage (values above 1 are taken as percentages already)."""
    if value is None:
        return "—"
    pct = value * 100 if value <= 1.0 else value
    return f"{pct:.{digits}f}%"


def short_unit_name(name: str, lang: str) -> str:
    """A subdistrict's name without 街道 in Chinese, where space is short (西长安街街道 → 西长安街)."""
    return name[:-2] if lang == "zh" and name.endswith("街道") and len(name) > 3 else name


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
    ``clicked_at(x, y)`` (content coordinates); if it has ``tooltip_at(x, y)``, that text
    (the whole of an elided line, say) is the tooltip at a point ('' for none).
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

    def event(self, event: QEvent) -> bool:
        """Tooltips from the owner's ``tooltip_at``."""
        if event.type() == QEvent.Type.ToolTip and hasattr(self.owner, "tooltip_at"):
            pos = event.pos()  # type: ignore[attr-defined]
            text = self.owner.tooltip_at(float(pos.x()), float(pos.y()))
            if text:
                QToolTip.showText(event.globalPos(), text, self)  # type: ignore[attr-defined]
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

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
        self.freshness = "live"
        self.as_of: float | None = None
        self._note: str | Callable[[], str] = ""
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

    # ----------------------------------------------------------- freshness
    def set_note(self, text: str | Callable[[], str]) -> None:
        """The panel's own note (shown while its data is live; freshness notes take its place otherwise).

        A note with translated words is given as a function that writes it, so a language
        switch rewrites it at once (it is called again on ``LanguageChange``).
        """
        self._note = text
        self._show_note()

    @property
    def has_data(self) -> bool:
        """Whether any data has been received (``False``: show "no data", never a zero)."""
        return self.freshness != "none"

    def set_freshness(self, freshness: str, as_of: float | None = None) -> None:
        """``none`` (no data yet), ``live``, or ``stale`` (greyed, "as of" ``as_of``, epoch seconds)."""
        if freshness not in FRESHNESS:
            raise ValueError(f"unknown freshness {freshness!r}")
        if (freshness, as_of) == (self.freshness, self.as_of):
            return
        self.freshness, self.as_of = freshness, as_of
        for w in self._content():
            effect = w.graphicsEffect()
            if effect is None and freshness == "stale":
                effect = QGraphicsOpacityEffect(w)
                effect.setOpacity(STALE_OPACITY)
                w.setGraphicsEffect(effect)
            if effect is not None:
                effect.setEnabled(freshness == "stale")
        self._show_note()
        self.freshness_changed()

    def freshness_changed(self) -> None:
        """Hook: show or hide the "no data" state (override; the base repaints)."""
        self.update()

    def is_dimmed(self) -> bool:
        """Whether the content is greyed (stale data)."""
        return any((e := w.graphicsEffect()) is not None and e.isEnabled() for w in self._content())

    def _content(self) -> list[QWidget]:
        own = (self._accent, self.title_label, self.note_label)
        return [w for w in self.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
                if w not in own and not w.isWindow()]  # fmt: skip

    def _show_note(self) -> None:
        if self.freshness == "live":
            self.note_label.setText(self._note() if callable(self._note) else self._note)
            self.note_label.setStyleSheet("")
            return
        stale = self.freshness == "stale" and self.as_of is not None
        self.note_label.setText(as_of_text(self.as_of) if stale and self.as_of is not None else no_data_text())
        self.note_label.setStyleSheet(f"color: {DUE_SOON};" if stale else "")

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
            self._show_note()
        super().changeEvent(event)
