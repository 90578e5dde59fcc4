"""The workstation's replay bar: choose a period, start it, follow and steer it on a time slider.

A view only: it emits what the operator asks for and shows the replay it is told of
(:meth:`ReplayBar.show_replay`); :class:`desktop.replay.ReplayDesk` does the work.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QDateTime, QEvent, Qt, QTimeZone, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QWidget,
)

from feeds.protocol import BEIJING
from widgets import theme
from widgets.theme import Scale

SPEEDS = (60.0, 600.0, 3600.0)
SLIDER_STEPS = 1000
BEIJING_QT = QTimeZone(b"Asia/Shanghai")


def _qdt(t: float) -> QDateTime:
    return QDateTime.fromSecsSinceEpoch(int(t), BEIJING_QT)


class ReplayBar(QFrame):
    """Period, speed, start; then a time slider with pause/resume and "Live".

    Signals:
        sigStart(float, float, float): replay ``[start, end)`` at a speed.
        sigPause(): hold the replayed time.
        sigResume(): let it run again.
        sigSeek(float): jump to a replayed time (backwards too).
        sigSpeed(float): another speed.
        sigLive(): end the replay, back to live.
    """

    sigStart = Signal(float, float, float)
    sigPause = Signal()
    sigResume = Signal()
    sigSeek = Signal(float)
    sigSpeed = Signal(float)
    sigLive = Signal()

    def __init__(self, scale: Scale, now: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ReplayBar")
        self._period: tuple[float, float] | None = None
        self._paused = False
        day = datetime.fromtimestamp(now, BEIJING).replace(hour=0, minute=0, second=0, microsecond=0)
        self.start_edit = QDateTimeEdit(_qdt((day - timedelta(days=1)).timestamp()))
        self.end_edit = QDateTimeEdit(_qdt(day.timestamp()))
        for edit in (self.start_edit, self.end_edit):
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
            edit.setTimeZone(BEIJING_QT)
            edit.setCalendarPopup(True)
        self.speed_box = QComboBox()
        for speed in SPEEDS:
            self.speed_box.addItem(f"{speed:g}×", speed)
        self.speed_box.setCurrentIndex(1)
        self.start_button = QPushButton()
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, SLIDER_STEPS)
        self.time_label = QLabel("—")
        self.time_label.setTextFormat(Qt.TextFormat.PlainText)
        self.pause_button = QPushButton()
        self.live_button = QPushButton()
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)

        grid = QGridLayout(self)
        grid.addWidget(self.title, 0, 0)
        pick = QHBoxLayout()
        for picker in (self.start_edit, QLabel("→"), self.end_edit, self.speed_box, self.start_button):
            pick.addWidget(picker)
        grid.addLayout(pick, 0, 1)
        follow = QHBoxLayout()
        for w in (self.slider, self.time_label, self.pause_button, self.live_button):
            follow.addWidget(w)
        follow.setStretch(0, 1)
        grid.addLayout(follow, 1, 0, 1, 2)

        self.start_button.clicked.connect(self._on_start)
        self.pause_button.clicked.connect(lambda: self.sigResume.emit() if self._paused else self.sigPause.emit())
        self.live_button.clicked.connect(self.sigLive.emit)
        self.slider.sliderReleased.connect(self._on_released)
        self.speed_box.activated.connect(lambda _i: self._period and self.sigSpeed.emit(self.speed_box.currentData()))
        self.setStyleSheet(
            f"QFrame#ReplayBar {{ background:{theme.PANEL}; }} QLabel {{ color:{theme.TEXT}; }}"
            f"QSlider::handle:horizontal {{ background:{theme.REPLAY}; width:{scale.px(0.8)}px; margin:-4px 0; }}"
            f"QSlider::groove:horizontal {{ background:{theme.TRACK}; height:{scale.px(0.25)}px; }}"
        )
        self.setFont(scale.font(0.8))
        self.retranslate()
        self.show_replay(None)

    # -- feeding ---------------------------------------------------------------

    def set_can_start(self, can: bool) -> None:
        """Whether this desk can start replays itself (it has the store)."""
        for w in (self.start_edit, self.end_edit, self.start_button):
            w.setEnabled(can)

    def show_replay(self, replay: tuple[float, float, float, float, bool] | None) -> None:
        """``(now, start, end, speed, paused)`` of the replay watched, or ``None`` (live)."""
        for w in (self.slider, self.pause_button, self.live_button):
            w.setEnabled(replay is not None)
        if replay is None:
            self._period = None
            self.time_label.setText(self.tr("Live"))
            self.slider.setValue(0)
            return
        now, start, end, speed, paused = replay
        self._period, self._paused = (start, end), paused
        self.pause_button.setText(self.tr("Resume") if paused else self.tr("Pause"))
        index = self.speed_box.findData(speed)
        if index >= 0:
            self.speed_box.setCurrentIndex(index)
        if not self.slider.isSliderDown():  # never fight the operator's hand
            share = (now - start) / (end - start) if end > start else 0.0
            self.slider.setValue(round(max(0.0, min(1.0, share)) * SLIDER_STEPS))
        self.time_label.setText(f"回放 / REPLAY  {datetime.fromtimestamp(now, BEIJING):%Y-%m-%d %H:%M:%S}")

    def slider_time(self) -> float | None:
        """The replayed time the slider points at."""
        if self._period is None:
            return None
        start, end = self._period
        return start + (end - start) * self.slider.value() / SLIDER_STEPS

    # -- inside ----------------------------------------------------------------

    def _on_start(self) -> None:
        start = self.start_edit.dateTime().toSecsSinceEpoch()
        end = self.end_edit.dateTime().toSecsSinceEpoch()
        if end > start:
            self.sigStart.emit(float(start), float(end), float(self.speed_box.currentData()))

    def _on_released(self) -> None:
        at = self.slider_time()
        if at is not None:
            self.sigSeek.emit(at)

    def retranslate(self) -> None:
        """Re-read every translated string."""
        self.title.setText(self.tr("Replay"))
        self.start_button.setText(self.tr("Replay this period"))
        self.live_button.setText(self.tr("Back to live"))
        self.pause_button.setText(self.tr("Resume") if self._paused else self.tr("Pause"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
