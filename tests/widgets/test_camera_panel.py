"""The camera panel plays a real stream made by ffmpeg on 127.0.0.1 and says so within seconds when a camera is down."""

from __future__ import annotations

import functools
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from subprocesses import python_path
from waiting import WAIT_MS

from widgets.theme import Scale
from widgets.video import CameraPanel, StreamState

TIMEOUT_S = 3.0


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """No request log on stderr."""


class HlsCamera:
    """A live HLS stream: ffmpeg encodes a test picture into a folder that an HTTP server on 127.0.0.1 serves."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.http = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
        threading.Thread(target=self.http.serve_forever, name="hls-http", daemon=True).start()
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}/live.m3u8"
        assert shutil.which("ffmpeg"), "ffmpeg missing: ./run tests installs Debian's ffmpeg"
        self.ffmpeg = subprocess.Popen(
            ["ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=10",
             "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "10",
             "-f", "hls", "-hls_time", "1", "-hls_list_size", "4", "-hls_flags", "delete_segments",
             str(folder / "live.m3u8")],
            stdin=subprocess.DEVNULL,
        )  # fmt: skip

    def ready(self) -> bool:
        """Whether the playlist lists two segments already."""
        playlist = self.folder / "live.m3u8"
        return playlist.exists() and playlist.read_text(errors="replace").count(".ts") >= 2

    def kill(self) -> None:
        """The camera goes down: the encoder stops and the server answers nothing any more."""
        if self.ffmpeg.poll() is None:
            self.ffmpeg.kill()
        self.ffmpeg.wait()
        for path in self.folder.glob("live*"):
            path.unlink()

    def close(self) -> None:
        self.kill()
        self.http.shutdown()
        self.http.server_close()


@pytest.fixture
def camera(tmp_path: Path) -> Iterator[HlsCamera]:
    """A local live camera."""
    cam = HlsCamera(tmp_path)
    yield cam
    cam.close()


@pytest.fixture
def panel(qtbot: QtBot) -> Iterator[CameraPanel]:
    """A camera panel with a short dead-stream timeout."""
    view = CameraPanel(Scale(720), timeout_s=TIMEOUT_S)
    qtbot.addWidget(view)
    view.resize(480, 420)
    view.show()
    yield view
    view.stop()


def test_a_live_local_stream_plays_and_a_camera_going_down_is_reported_and_retried(
    qtbot: QtBot, camera: HlsCamera, panel: CameraPanel
) -> None:
    """Frames of the local HLS stream arrive and are painted; when ffmpeg dies the panel says NO SIGNAL and retries."""
    qtbot.waitUntil(camera.ready, timeout=WAIT_MS)
    panel.offer(
        [{"id": "CAM-1", "name_zh": "西单路口东", "name_en": "Xidan east", "url": camera.url, "distance_m": 42.0}]
    )
    qtbot.waitUntil(lambda: panel.player.state == StreamState.LIVE and panel.player.frames >= 10, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: panel.view.image is not None, timeout=WAIT_MS)
    assert panel.view.image is not None and panel.view.image.width() == 320
    assert panel.caption_text() == ("● 西单路口东 · live", "live")
    camera.kill()
    qtbot.waitUntil(lambda: panel.player.state == StreamState.DEAD, timeout=WAIT_MS)
    text, tone = panel.caption_text()
    assert tone == "down" and "NO SIGNAL" in text and "retrying in" in text
    attempts = panel.player.attempts
    qtbot.waitUntil(lambda: panel.player.attempts > attempts, timeout=WAIT_MS)  # retried, still down
    assert panel.player.state in (StreamState.CONNECTING, StreamState.DEAD)


def test_a_dead_camera_is_reported_and_the_gui_keeps_running(qtbot: QtBot, panel: CameraPanel) -> None:
    """A refused connection and a server that accepts but never answers both end as NO SIGNAL; timers keep firing."""
    refused = socket.socket()
    refused.bind(("127.0.0.1", 0))
    refused_port = refused.getsockname()[1]
    refused.close()  # nothing listens there now
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # accepts (in the kernel) and never sends a byte
    ticks: list[int] = []
    beat = QTimer()
    beat.timeout.connect(lambda: ticks.append(1))
    beat.start(50)
    try:
        for url in (f"http://127.0.0.1:{refused_port}/cam.m3u8", f"http://127.0.0.1:{silent.getsockname()[1]}/cam.ts"):
            panel.offer([{"id": "CAM-X", "name_zh": "坏探头", "name_en": "Broken camera", "url": url}])
            before = len(ticks)
            qtbot.waitUntil(lambda: panel.player.state == StreamState.DEAD, timeout=WAIT_MS)
            assert "NO SIGNAL" in panel.caption_text()[0]
            qtbot.waitUntil(lambda n=before: len(ticks) > n + 3, timeout=WAIT_MS)  # the event loop ran on meanwhile
        panel.offer([{"id": "CAM-N", "name_zh": "无流探头", "name_en": "No stream", "url": ""}])
        assert panel.player.state == StreamState.NO_URL
        assert panel.caption_text() == ("无流探头 · no stream configured", "dim")
    finally:
        beat.stop()
        silent.close()


def test_every_offered_camera_reads_light_on_the_dark_panel_under_a_light_palette(
    qtbot: QtBot, panel: CameraPanel
) -> None:
    """The list draws its own colours: under the light palette of a workstation dock, rows that are not selected
    still show light text on the panel's dark background (they were dark on dark)."""
    panel.setPalette(QApplication.style().standardPalette())  # light: dark Text, white Base
    panel.offer(
        [
            {"id": "CAM-A", "name_zh": "一号探头", "name_en": "One", "url": "", "distance_m": 56.0},
            {"id": "CAM-B", "name_zh": "二号探头", "name_en": "Two", "url": "", "distance_m": 272.0},
            {"id": "CAM-C", "name_zh": "三号探头", "name_en": "Three", "url": "", "distance_m": 901.0},
        ]
    )
    qtbot.waitUntil(lambda: panel.list.count() == 3 and panel.list.isVisible(), timeout=WAIT_MS)
    shot = panel.list.grab().toImage()
    for row in (1, 2):  # not selected
        rect = panel.list.visualItemRect(panel.list.item(row))
        lightness = [
            shot.pixelColor(x, y).lightness()
            for x in range(rect.left(), min(rect.right(), shot.width() - 1))
            for y in range(rect.top(), min(rect.bottom(), shot.height() - 1))
        ]
        background = sorted(lightness)[len(lightness) // 2]  # most of a row is background
        assert background < 80, f"row {row}: background lightness {background}"
        assert max(lightness) > 150, f"row {row}: no light text (brightest {max(lightness)})"


def test_loading_the_camera_player_prints_nothing() -> None:
    """QtMultimedia's load-time PipeWire warning is filtered: every command that reads a layout printed it."""
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k != "QT_LOGGING_RULES"}
    env["PYTHONPATH"] = python_path(root)
    done = subprocess.run(
        [sys.executable, "-c", "import widgets.video.player"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "pipewire" not in done.stderr.lower(), done.stderr
