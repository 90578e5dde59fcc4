"""The wall's title bar: centre name, clock, weather warning, connection state and latency.

When the feed drops, the connection chip turns amber and reads
"Reconnecting · last update 08:20:15" while the rest of the wall keeps its
last good frame. It never claims an update it did not receive: with no data
yet it says "Connecting…" or "Server unreachable · retrying", and a refused
token reads "Invalid token · access refused" in red. The weather chip stays
hidden until the first data says whether a warning is in force.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from feeds.protocol import BEIJING
from widgets import theme
from widgets.panel import hazard_name, warning_level_name
from widgets.theme import Scale

_LIVE_STATES = ("live",)
_STALE_STATES = ("stale", "reconnecting", "connecting", "refused", "stopped")


class TitleBar(QFrame):
    """Top strip of the wall.

    Feed it with :meth:`set_status`, :meth:`set_warning` and :meth:`tick` (once a second).
    """

    def __init__(self, scale: Scale | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("TitleBar")
        self._scale = self._design = scale or Scale()
        self._state = "connecting"
        self._last_update: float | None = None
        self._latency_ms: float | None = None
        self._detail = ""
        self._warning: tuple[str, str] | None = None
        self._warning_known = False
        self._now = 0.0
        self._replay: tuple[float, bool] | None = None

        self._name = QLabel()
        self._subtitle = QLabel()
        self._clock = QLabel()
        self._date = QLabel()
        self._warning_chip = QLabel()
        self._status_chip = QLabel()
        self._replay_chip = QLabel()
        self._replay_chip.hide()
        labels = (self._name, self._subtitle, self._clock, self._date, self._warning_chip, self._status_chip)
        for label in (*labels, self._replay_chip):
            label.setTextFormat(Qt.TextFormat.PlainText)
        self._clock.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._date.setAlignment(Qt.AlignmentFlag.AlignCenter)

        left = QVBoxLayout()
        left.setSpacing(0)
        left.addWidget(self._name)
        left.addWidget(self._subtitle)
        centre = QVBoxLayout()
        centre.setSpacing(0)
        centre.addWidget(self._clock)
        centre.addWidget(self._date)
        row = self._row = QHBoxLayout(self)
        row.addLayout(left, 5)
        row.addLayout(centre, 2)
        row.addStretch(1)
        row.addWidget(self._replay_chip, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self._warning_chip, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self._status_chip, 0, Qt.AlignmentFlag.AlignVCenter)
        self.rescale()
        self.retranslate()

    # ------------------------------------------------------------------ feeding
    def set_status(
        self, state: str, last_update: float | None, latency_ms: float | None = None, detail: str = ""
    ) -> None:
        """Connection state (``live``, ``stale``, ``reconnecting``, ``refused``…), last data time
        (``None``: none received), event-to-screen latency, and the reason of a failure (may be empty)."""
        self._state, self._last_update, self._latency_ms, self._detail = state, last_update, latency_ms, detail
        self._show_status()
        self._fit()  # longer texts may no longer fit

    def set_warning(self, level: str | None, hazard: str | None = None) -> None:
        """The most severe active weather warning, or ``None`` (known: no warning in force)."""
        self._warning = (level, hazard or "") if level else None
        self._warning_known = True
        self._show_warning()
        self._fit()  # longer texts may no longer fit

    def set_replay(self, speed: float | None, paused: bool = False) -> None:
        """A replay at ``speed``× is shown (``None``: live again): the "回放 / REPLAY" mark, the clock in violet."""
        self._replay = (speed, paused) if speed is not None else None
        self._show_replay()
        self._show_status()  # no live latency while replaying
        self._fit()

    @property
    def clock_text(self) -> str:
        """What the clock shows (``HH:MM:SS``)."""
        return self._clock.text()

    @property
    def replay_text(self) -> str:
        """What the replay mark says ('' when live)."""
        return self._replay_chip.text() if self._replay is not None else ""

    def tick(self, now: float) -> None:
        """Advance the clock (call once a second)."""
        self._now = now
        t = datetime.fromtimestamp(now, BEIJING)
        self._clock.setText(t.strftime("%H:%M:%S"))
        weekday = self._weekdays()[t.weekday()]
        self._date.setText(f"{t:%Y-%m-%d}  {weekday}")
        self._fit()  # longer texts may no longer fit

    @property
    def status_text(self) -> str:
        """What the connection chip says (for tests and logs)."""
        return self._status_chip.text()

    @property
    def stale_shown(self) -> bool:
        """Whether the amber stale/reconnecting banner is showing."""
        return self._state not in _LIVE_STATES

    # --------------------------------------------------------------- rendering
    def _weekdays(self) -> list[str]:
        return [
            self.tr("Monday"),
            self.tr("Tuesday"),
            self.tr("Wednesday"),
            self.tr("Thursday"),
            self.tr("Friday"),
            self.tr("Saturday"),
            self.tr("Sunday"),
        ]

    def _show_status(self) -> None:
        s = self._scale
        last = datetime.fromtimestamp(self._last_update, BEIJING).strftime("%H:%M:%S") if self._last_update else "—"
        if self._state == "live" and self._replay is not None:  # connected to a replay: nothing here is live
            text = self.tr("● Connected · replayed events")
            fg, bg = theme.REPLAY, theme.PANEL
        elif self._state == "live":
            latency = f" · {self._latency_ms:.0f} ms" if self._latency_ms is not None else ""
            text = self.tr("● Live") + latency
            fg, bg = theme.CLOSED, theme.PANEL
        elif self._state == "refused":
            text = self.tr("Invalid token · access refused")
            fg, bg = theme.TEXT_BRIGHT, theme.OVERDUE
        elif self._last_update is None and self._state in ("connecting", "reconnecting") and self._detail:
            text = self.tr("Server unreachable · retrying")
            fg, bg = theme.BACKGROUND, theme.DUE_SOON
        elif self._last_update is None:
            text = self.tr("Connecting…")
            fg, bg = theme.TEXT_DIM, theme.PANEL
        elif self._state == "stale":  # still connected, nothing recent: not (yet) reconnecting
            text = self.tr("No recent data · last update %1").replace("%1", last)
            fg, bg = theme.BACKGROUND, theme.DUE_SOON
        else:
            text = self.tr("Reconnecting · last update %1").replace("%1", last)
            fg, bg = theme.BACKGROUND, theme.DUE_SOON
        self._status_chip.setText(text)
        self._status_chip.setStyleSheet(
            f"color:{fg};background:{bg};border:{s.line}px solid {theme.PANEL_EDGE};"
            f"border-radius:{s.radius}px;padding:{s.px(0.2)}px {s.px(0.6)}px;"
        )

    def _show_replay(self) -> None:
        s = self._scale
        self._replay_chip.setVisible(self._replay is not None)
        self._clock.setStyleSheet(f"color:{theme.REPLAY if self._replay else theme.TEXT_BRIGHT};")
        if self._replay is None:
            return
        speed, paused = self._replay
        state = self.tr("paused") if paused else f"{speed:g}×"
        self._replay_chip.setText(f"回放 / REPLAY · {state}")  # both languages always: nobody may take it for live
        self._replay_chip.setStyleSheet(
            f"color:{theme.BACKGROUND};background:{theme.REPLAY};"
            f"border-radius:{s.radius}px;padding:{s.px(0.2)}px {s.px(0.6)}px;"
        )

    def _show_warning(self) -> None:
        s = self._scale
        self._warning_chip.setVisible(self._warning_known)
        if self._warning is None:
            self._warning_chip.setText(self.tr("No weather warning"))
            style = f"color:{theme.TEXT_DIM};background:transparent;"
        else:
            level, hazard = self._warning
            self._warning_chip.setText(f"{hazard_name(hazard)} · {warning_level_name(level)}")
            fg = theme.BACKGROUND if level in ("yellow", "orange") else theme.TEXT_BRIGHT
            style = f"color:{fg};background:{theme.WARNING_COLOURS.get(level, theme.PANEL)};"
        self._warning_chip.setStyleSheet(style + f"border-radius:{s.radius}px;padding:{s.px(0.2)}px {s.px(0.6)}px;")

    # ---------------------------------------------------------- scale/language
    def rescale(self) -> None:
        """Re-apply sizes from the current :class:`Scale`."""
        s = self._scale
        self.setStyleSheet(
            f"QFrame#TitleBar {{ background: qlineargradient(x1:0, y1:0, x2:0, y2:1, stop:0 #13213d, "
            f"stop:1 {theme.BACKGROUND}); border-bottom: {s.line * 2}px solid {theme.ACCENT_DIM}; }}"
        )
        self._row.setContentsMargins(s.pad * 2, s.px(0.15), s.pad * 2, s.px(0.15))
        self._row.setSpacing(s.px(1.0))  # the clock never touches the title
        self._name.setFont(s.font(1.7, bold=True))
        self._name.setStyleSheet(f"color:{theme.TEXT_BRIGHT};")
        self._subtitle.setFont(s.font(0.8))
        self._subtitle.setStyleSheet(f"color:{theme.ACCENT};")
        self._clock.setFont(s.font(1.8, bold=True, numeric=True))
        self._date.setFont(s.font(0.8))
        self._date.setStyleSheet(f"color:{theme.TEXT_DIM};")
        self._warning_chip.setFont(s.font(1.0, bold=True))
        self._status_chip.setFont(s.font(1.0, bold=True))
        self._replay_chip.setFont(s.font(1.0, bold=True))
        self._show_status()
        self._show_warning()
        self._show_replay()

    def set_scale(self, scale: Scale) -> None:
        """Use another scale (the window moved to a bigger screen)."""
        self._scale = self._design = scale
        self.rescale()
        self._fit()

    def minimumSizeHint(self) -> QSize:
        """As high as its text, but never wider than it is given: it shrinks its text to fit instead."""
        return QSize(0, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        """Shrink the text when the strip is narrower than title, clock and chips need (a one-screen-wide column)."""
        need = self._row.minimumSize().width() * self._design.height / self._scale.height
        if need <= 0 or not self.isVisible():  # laid out only once shown (resizeEvent follows)
            return
        factor = self.width() / need
        height = self._design.height * (1.0 if factor >= 1.0 else factor * 0.96)  # a margin against rounding
        if abs(height - self._scale.height) > 0.02 * self._scale.height:
            self._scale = Scale(height)
            self.rescale()

    def retranslate(self) -> None:
        """Re-read every translated string."""
        from feeds.geo.units import adopted_units

        area = adopted_units()
        if area is None:
            self._name.setText(self.tr("Xicheng District City Management Supervision and Command Centre"))
            self._subtitle.setText(
                self.tr("Grid-based city management · 15 subdistricts · 263 communities · 2,432 unit grids")
            )
        else:  # the server holds an imported city: its name and its own units (both languages, like the replay mark)
            self._name.setText(area.district.name_en)
            generated = " · 生成网格 / generated" if all(u.generated for u in area.grids) else ""
            self._subtitle.setText(
                f"{len(area.subdistricts)} 片区 areas · {len(area.communities)} 社区 blocks · "
                f"{len(area.grids):,} 单元网格 unit grids{generated}"
            )
        self._show_status()
        self._show_warning()
        self._show_replay()
        if self._now:
            self.tick(self._now)
        self._fit()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
