"""Application start-up: environment, QApplication, theme, fonts, translations, wall windows."""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from desktop.i18n import Translations

log = logging.getLogger(__name__)


NO_DISPLAY = (
    "no display to show the wall on (DISPLAY and WAYLAND_DISPLAY are unset). Run it in a desktop "
    "session, or headless with 'xvfb-run -a ./run demo', or render a picture with '--screenshot wall.png'"
)


RENDERER_JS_FLAGS = "--js-flags=--max-semi-space-size=1,--optimize-for-size"
"""V8 flags for the map's renderer (Chromium splits ``--js-flags`` at commas).

``--max-semi-space-size=1`` caps the young generation (default up to 3 x 16 MB): ~35 MB less.
``--optimize-for-size`` makes V8 grow its old generation by small steps and give pages back:
the map's live JS data stays ~32 MB, but with V8's default growing factor the heap swelled to
~65 MB of mostly garbage over a simulated day and the renderer's resident memory with it
(~400 MB at the end, ~300 MB with the flag; ~40 % more renderer CPU, 0.2 ms per event;
docs/PERFORMANCE.md, bench/renderer_memory.py).
"""


def prepare_environment(*, headless: bool) -> None:
    """Set the environment Qt and QtWebEngine need before anything Qt is imported.

    Args:
        headless: Render without a display (``--screenshot`` with no ``DISPLAY``).

    Raises:
        RuntimeError: :data:`NO_DISPLAY` when a window is wanted on Linux and there is no display.
    """
    no_display = not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")
    if headless and no_display:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    elif no_display and sys.platform.startswith("linux") and "QT_QPA_PLATFORM" not in os.environ:
        raise RuntimeError(NO_DISPLAY)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")  # Chromium refuses to sandbox as root
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    for flag in ("--disable-background-networking", "--disable-component-update"):
        if flag not in flags:
            flags += " " + flag
    if not log.isEnabledFor(logging.DEBUG):  # -v keeps Chromium's own console messages
        if "--log-level" not in flags:
            flags += " --log-level=3"  # fatal only: no D-Bus / GPU probing errors on the console
        if "--disable-features" not in flags:
            flags += " --disable-features=Vulkan"  # the wall renders through GL; no Vulkan driver probing
    if "--js-flags" not in flags:
        flags += " " + RENDERER_JS_FLAGS
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen" and "--disable-gpu" not in flags:
        flags += " --disable-gpu"
    os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = flags.strip()


CLIENT_NAME = "gridwall-wall"
"""How a wall or workstation introduces itself to the case server."""


class UserError(Exception):
    """A problem the user can fix; printed as one line, no traceback."""


@dataclass
class WallOptions:
    """How to show the wall (from the command line)."""

    language: str | None = None
    layout: Path | None = None
    screens: tuple[int, ...] | None = None
    workstation: bool = False
    windowed: bool = False
    size: tuple[int, int] = (1920, 1080)
    screenshot: Path | None = None
    after: float = 8.0
    tour: bool = False
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def headless(self) -> bool:
        """Whether the wall renders without a display."""
        return self.screenshot is not None


def parse_size(text: str) -> tuple[int, int]:
    """``"1920x1080"`` → ``(1920, 1080)``."""
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise ValueError(f"size must look like 1920x1080, not {text!r}") from None
    if w < 320 or h < 240 or w > 16384 or h > 16384:
        raise ValueError(f"size {text!r} is out of range (320x240 to 16384x16384)")
    return w, h


def parse_screens(text: str | None) -> tuple[int, ...] | None:
    """``"0,1,2"`` → ``(0, 1, 2)``; ``None`` stays ``None``."""
    if not text:
        return None
    try:
        screens = tuple(int(v) for v in text.split(","))
    except ValueError:
        raise ValueError(f"--screens takes screen numbers like 0 or 0,1,2, not {text!r}") from None
    if any(s < 0 for s in screens):
        raise ValueError("screen numbers start at 0")
    return screens


QT_NOISE = (
    "This plugin does not support",  # offscreen platform: window-manager hints
    "QRhiGles2: Failed to create",  # no GL context headless: Qt falls back to software
    "Failed to create RHI",
    "Sandboxing disabled by user",  # QtWebEngine as root
    "Release of profile requested but WebEnginePage still not deleted",
    "GPUInfo not initialized",  # Chromium with the GPU disabled (headless)
    "Couldn't load pipewire-0.3",  # QtMultimedia without PipeWire: the camera panels play through FFmpeg
    "Couldn't resolve pipewire-0.3",
)
"""Qt messages that say nothing to a wall operator; logged at DEBUG (``-v``) instead of the console."""


def _route_qt_messages() -> None:
    """Send Qt's messages through :mod:`logging` (logger ``qt``): known noise at DEBUG, the rest as they come."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    qt_log = logging.getLogger("qt")
    levels = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }

    def handler(kind: QtMsgType, _context: object, message: str) -> None:
        level = logging.DEBUG if message.startswith(QT_NOISE) else levels.get(kind, logging.WARNING)
        qt_log.log(level, "%s", message)

    qInstallMessageHandler(handler)


def create_application(language: str) -> tuple[QApplication, Translations]:
    """Create the QApplication with theme, font check and translations.

    Returns:
        ``(app, translations)``.
    """
    from PySide6.QtWidgets import QApplication

    from desktop import gc_policy
    from desktop.fonts import cjk_missing_message, find_cjk_font
    from desktop.i18n import Translations
    from widgets.gridmap import register_schemes

    register_schemes()  # must precede the QApplication
    # QtMultimedia (the camera panels) is loaded here, before Qt's messages go through Python and before
    # any thread of ours runs: its import emits warnings (no PipeWire). Imported later, with the case server
    # and the simulator running, one self-test hung for good inside that import, in the Python message
    # handler writing the warning (every thread's stack: a clock run of CI, 6 Dec).
    import widgets.video.player  # noqa: F401  (it loads QtMultimedia, quiet about PipeWire)

    _route_qt_messages()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("GridWall")
    gc_policy.install(freeze=True)  # cycles collected on this thread only; survivors frozen (desktop/gc_policy.py)
    app.setOrganizationName("GridWall")
    if find_cjk_font() is None:
        message = cjk_missing_message()
        log.error(message.replace("\n", " "))
        sys.stderr.write(message + "\n")
        if language == "zh":
            language = "en"
    translations = Translations()
    translations.set_language(language)
    return app, translations
