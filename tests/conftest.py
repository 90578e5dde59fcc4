"""Test-wide set-up: headless Qt, QtWebEngine usable as root, no network.

The feeds-only job (``.ci/feeds-only``) runs the Qt-free tests where PySide6 is not
installed at all; then there is no map scheme to register.
"""

from __future__ import annotations

import importlib.util
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu --no-sandbox --disable-background-networking")
os.environ.setdefault("GRIDWALL_DATA_DIR", os.path.join(os.environ.get("TMPDIR", "/tmp"), "gridwall-tests"))


def pytest_configure(config: object) -> None:
    """Register the map's URL scheme before pytest-qt creates the QApplication."""
    if importlib.util.find_spec("PySide6") is None:
        return
    from widgets.gridmap import register_schemes

    register_schemes()
