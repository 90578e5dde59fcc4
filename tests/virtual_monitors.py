"""An X display with several monitors, for testing the video wall (a grid of 1920×1080 screens).

A single Xvfb screen is one monitor: Qt sees one screen, and a layout for nine screens
cannot be placed. Here Debian's Xorg server runs with the ``dummy`` video driver on one
large framebuffer, and RandR 1.5 *monitors* (``xrandr --setmonitor``) cut it into a grid;
Qt lists every monitor as a screen with its own geometry, as on a real video wall
controller. Needs ``xserver-xorg-core``, ``xserver-xorg-video-dummy`` and
``x11-xserver-utils`` (``./run tests`` installs them as root) and root (Xorg with a
configuration file of its own).

In a test::

    with VirtualMonitors(columns=3, rows=3) as display:   # display == ":N"
        subprocess.run([...], env={**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"})

By hand (the screenshot in ``docs/video-wall.md``)::

    python tests/virtual_monitors.py 3x3 -- ./run demo --layout resources/layouts/wall3x3.toml
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from types import TracebackType

from waiting import wait_until

PACKAGES = ("xserver-xorg-core", "xserver-xorg-video-dummy", "x11-xserver-utils")
"""The Debian packages the display needs."""

_CONFIG = """\
Section "Device"
    Identifier  "wall-card"
    Driver      "dummy"
    VideoRam    {video_ram_kb}
EndSection
Section "Monitor"
    Identifier  "wall-monitor"
    HorizSync   1.0-2000.0
    VertRefresh 1.0-300.0
EndSection
Section "Screen"
    Identifier  "wall-screen"
    Device      "wall-card"
    Monitor     "wall-monitor"
    DefaultDepth 24
    SubSection "Display"
        Depth   24
        Virtual {width} {height}
    EndSubSection
EndSection
Section "ServerFlags"
    Option "AutoAddDevices" "false"
    Option "DontVTSwitch" "true"
EndSection
"""


def missing_tools() -> list[str]:
    """The programs the display needs that this machine lacks (empty when it can run)."""
    return [tool for tool in ("Xorg", "xrandr") if shutil.which(tool) is None]


class VirtualMonitors:
    """Xorg with the dummy driver, its framebuffer cut into ``columns`` × ``rows`` monitors of ``width`` × ``height``.

    Monitors are numbered row by row (0 1 2 / 3 4 5 / 6 7 8), as Qt lists them. The
    display number is the first free one (Xorg's ``-displayfd``); :attr:`display` is
    ``":N"``. Leaving the ``with`` block stops the server and removes its files.
    """

    def __init__(self, columns: int = 3, rows: int = 3, width: int = 1920, height: int = 1080) -> None:
        self.columns, self.rows, self.width, self.height = columns, rows, width, height
        self.display = ""
        self._dir = Path(tempfile.mkdtemp(prefix="gridwall-xorg-"))
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def size(self) -> tuple[int, int]:
        """The whole framebuffer (e.g. 5760 × 3240)."""
        return self.columns * self.width, self.rows * self.height

    def monitors(self) -> list[tuple[int, int, int, int]]:
        """``(x, y, width, height)`` of every monitor, row by row."""
        return [
            (c * self.width, r * self.height, self.width, self.height)
            for r in range(self.rows)
            for c in range(self.columns)
        ]

    def start(self) -> str:
        """Start the server and set up the monitors; returns the display (``":N"``)."""
        width, height = self.size
        config = self._dir / "xorg.conf"
        video_ram_kb = width * height * 4 // 1024 + 16_384
        config.write_text(_CONFIG.format(width=width, height=height, video_ram_kb=video_ram_kb), encoding="utf-8")
        read_fd, write_fd = os.pipe()
        command = [
            "Xorg",
            "-displayfd",
            str(write_fd),
            "-config",
            str(config),
            "-logfile",
            str(self._dir / "xorg.log"),
            "-noreset",
            "-nolisten",
            "tcp",
        ]
        self._process = subprocess.Popen(
            command, pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        os.close(write_fd)
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()  # Xorg writes the display number once it accepts clients
        if not number:
            raise RuntimeError(f"Xorg did not start: {self.log_tail()}")
        self.display = f":{number}"
        if not wait_until(lambda: self._xrandr(check=False).returncode == 0):
            raise RuntimeError(f"xrandr cannot reach {self.display}: {self.log_tail()}")
        self._setup_monitors()
        return self.display

    def _xrandr(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "DISPLAY": self.display}
        return subprocess.run(["xrandr", *args], env=env, capture_output=True, text=True, check=check, timeout=60)

    def _setup_monitors(self) -> None:
        """One framebuffer of the wall's size, the dummy output off, a RandR monitor per screen."""
        listing = self._xrandr().stdout
        outputs = [line.split()[0] for line in listing.splitlines() if " connected" in line]
        for output in outputs:  # its own monitor would be a tenth screen
            self._xrandr("--output", output, "--off")
        width, height = self.size
        self._xrandr("--fb", f"{width}x{height}")
        for i, (x, y, w, h) in enumerate(self.monitors()):
            # geometry as width/mm x height/mm +x+y (a 55-inch panel: 1210 × 680 mm)
            self._xrandr("--setmonitor", f"wall{i}", f"{w}/1210x{h}/680+{x}+{y}", "none")
        listed = self._xrandr("--listmonitors").stdout
        if f"Monitors: {len(self.monitors())}" not in listed:
            raise RuntimeError(f"RandR monitors not set up on {self.display}:\n{listed}")

    def log_tail(self, lines: int = 15) -> str:
        """The end of the server's log (for a failure message)."""
        log = self._dir / "xorg.log"
        text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """Stop the server and remove its files."""
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> str:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()


def main(argv: list[str]) -> int:
    """``virtual_monitors.py COLSxROWS -- command …``: run a command on such a display, then stop it."""
    if len(argv) < 3 or "x" not in argv[0] or argv[1] != "--":
        print(__doc__)
        return 2
    columns, rows = (int(n) for n in argv[0].split("x"))
    with VirtualMonitors(columns, rows) as display:
        print(f"[virtual_monitors] DISPLAY={display}: {columns}×{rows} monitors", flush=True)
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        return subprocess.run(argv[2:], env=env, check=False).returncode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
