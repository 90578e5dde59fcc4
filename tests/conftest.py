"""Test-wide set-up: headless Qt, QtWebEngine usable as root, no network."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu --no-sandbox --disable-background-networking")
os.environ.setdefault("GRIDWALL_DATA_DIR", os.path.join(os.environ.get("TMPDIR", "/tmp"), "gridwall-tests"))


def pytest_configure(config: object) -> None:
    """Register the map's URL scheme before pytest-qt creates the QApplication."""
    from widgets.gridmap import register_schemes

    register_schemes()
