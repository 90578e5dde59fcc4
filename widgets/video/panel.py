"""The camera panel: the cameras offered for a place, and the chosen one's picture with its state.

Fed with plain camera dicts (``id``, ``name_zh``, ``name_en``, ``url``, optional
``distance_m``) by :meth:`CameraPanel.offer`; the nearest camera with a stream starts
playing at once, another is chosen by a click in the list. A dead camera shows "No
signal" over the last picture (or a dark frame) with the seconds to the next try; the
panel never waits for a stream.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QSizePolicy, QWidget

from widgets.panel import Panel
from widgets.theme import ACCENT, ACCENT_DIM, DUE_SOON, OVERDUE, PANEL_EDGE, TEXT, TEXT_BRIGHT, TEXT_DIM, Scale
from widgets.video.player import StreamPlayer, StreamState

Camera = Mapping[str, Any]


class VideoView(QWidget):
    """Paints the latest frame, letter-boxed, with a state line at the bottom."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image: QImage | None = None
        self.caption = ""
        self.caption_colour = QColor(TEXT_DIM)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(120)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#05080f"))
        if self.image is not None and not self.image.isNull():
            size = self.image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
            x, y = (self.width() - size.width()) / 2, (self.height() - size.height()) / 2
            p.drawImage(QRectF(x, y, size.width(), size.height()), self.image)
        if self.caption:
            band = QRectF(0, self.height() - 28, self.width(), 28)
            p.fillRect(band, QColor(0, 0, 0, 170))
            p.setPen(self.caption_colour)
            p.drawText(
                band.adjusted(8, 0, -8, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, self.caption
            )
        p.end()


class CameraPanel(Panel):
    """Cameras near a case or grid and the chosen camera's live picture.

    Signals:
        sigCameraChosen(str): a camera id was chosen (and starts playing).

    Args:
        scale: Sizes.
        timeout_s: Seconds without a picture before a camera counts as down.
    """

    sigCameraChosen = Signal(str)

    def __init__(self, scale: Scale | None = None, timeout_s: float = 5.0, parent: QWidget | None = None) -> None:
        super().__init__(scale, parent)
        self.player = StreamPlayer(timeout_s, parent=self)
        self.cameras: list[Camera] = []
        self.current: Camera | None = None
        self.place = ""
        self.list = QListWidget(self)
        self.list.setObjectName("CameraList")
        self.list.itemClicked.connect(self._on_item)
        self.view = VideoView(self)
        self.body.addWidget(self.view, 1)
        self.body.addWidget(self.list)
        self.player.sigFrame.connect(self._on_frame)
        self.player.sigState.connect(self._on_state)
        self._tick = QTimer(self)  # the retry countdown in the caption
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._update_caption)
        self.retranslate()
        self.rescale()

    def rescale(self) -> None:
        # its own colours: a workstation dock keeps the light application palette, whose dark item
        # text would vanish on the panel's dark background
        self.list.setStyleSheet(
            f"QListWidget#CameraList {{ background: transparent; color: {TEXT}; border: none; outline: 0; }}"
            f"QListWidget#CameraList::item {{ color: {TEXT}; padding: {self.scale.px(0.1)}px; }}"
            f"QListWidget#CameraList::item:hover {{ background: {PANEL_EDGE}; }}"
            f"QListWidget#CameraList::item:selected {{ background: {ACCENT_DIM}; color: {TEXT_BRIGHT}; }}"
        )
        self.list.setFont(self.scale.font(0.75))
        self.list.setMinimumHeight(self.scale.px(3.2))
        self.list.setMaximumHeight(self.scale.px(5.5))

    def retranslate(self) -> None:
        self.title_label.setText(self.tr("Video"))
        self._update_caption()

    def refresh_names(self) -> None:
        self._fill_list()
        self._update_caption()

    # ------------------------------------------------------------------ feeding
    def offer(self, cameras: Sequence[Camera], place: str = "") -> None:
        """Show the cameras near ``place`` and play the nearest one that has a stream."""
        self.cameras, self.place = list(cameras), place
        self.set_note(place)
        self._fill_list()
        first = next((c for c in self.cameras if c.get("url")), self.cameras[0] if self.cameras else None)
        if first is None:
            self.current = None
            self.player.stop()
            self.view.image = None
            self._update_caption()
            return
        self.play_camera(first)

    def play_camera(self, camera: Camera) -> None:
        """Play one camera (its ``url``; none: say that no stream is configured)."""
        self.current = camera
        self.view.image = None
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setSelected(item.data(Qt.ItemDataRole.UserRole) == camera.get("id"))
        self.player.play(str(camera.get("url") or ""))
        self.sigCameraChosen.emit(str(camera.get("id", "")))
        self._update_caption()

    def stop(self) -> None:
        """Stop playing (the panel is hidden or closed)."""
        self.player.stop()
        self._tick.stop()

    # ------------------------------------------------------------------ internals
    def _name(self, camera: Camera) -> str:
        return str(camera.get("name_en" if self.lang == "en" else "name_zh") or camera.get("id", ""))

    def _fill_list(self) -> None:
        self.list.clear()
        for cam in self.cameras:
            dist = cam.get("distance_m")
            text = self._name(cam) + (f"  ·  {dist:,.0f} m" if isinstance(dist, (int, float)) else "")
            if not cam.get("url"):
                text += "  ·  " + self.tr("no stream")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, cam.get("id"))
            self.list.addItem(item)

    def _on_item(self, item: QListWidgetItem) -> None:
        ident = item.data(Qt.ItemDataRole.UserRole)
        camera = next((c for c in self.cameras if c.get("id") == ident), None)
        if camera is not None:
            self.play_camera(camera)

    def _on_frame(self) -> None:
        self.view.image = self.player.image()
        self.view.update()

    def _on_state(self, state: str) -> None:
        if state == StreamState.DEAD:
            self._tick.start()
        else:
            self._tick.stop()
        self._update_caption()

    def caption_text(self) -> tuple[str, str]:
        """The state line and its colour name (``live``, ``warn``, ``down``, ``dim``)."""
        name = self._name(self.current) if self.current is not None else ""
        state = self.player.state
        if self.current is None:
            return (
                self.tr("No camera near here") if self.place else self.tr("Choose a case or grid to see its cameras")
            ), "dim"
        if state == StreamState.NO_URL:
            return f"{name} · " + self.tr("no stream configured"), "dim"
        if state == StreamState.CONNECTING:
            return f"{name} · " + self.tr("connecting…"), "warn"
        if state == StreamState.LIVE:
            return f"● {name} · " + self.tr("live"), "live"
        if state == StreamState.DEAD:
            wait = self.tr("retrying in %1 s").replace("%1", str(round(self.player.retry_in())))
            return f"{name} · " + self.tr("NO SIGNAL") + f" · {wait}", "down"
        return name, "dim"

    def _update_caption(self) -> None:
        text, tone = self.caption_text()
        self.view.caption = text
        self.view.caption_colour = QColor({"live": ACCENT, "warn": DUE_SOON, "down": OVERDUE}.get(tone, TEXT_DIM))
        self.view.update()
