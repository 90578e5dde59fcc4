"""The map renderer's V8 memory flags: set by the app and really handed to Chromium's render process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from subprocesses import python_path

from desktop.app import RENDERER_JS_FLAGS, prepare_environment

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import os, time
from desktop.app import RENDERER_JS_FLAGS, prepare_environment
prepare_environment(headless=True)
flags = os.environ["QTWEBENGINE_CHROMIUM_FLAGS"]
assert RENDERER_JS_FLAGS in flags.split(), flags
# One more V8 flag after the app's, with an effect the page can see: the old generation's limit.
probe = RENDERER_JS_FLAGS + ",--max-old-space-size=300"
os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = flags.replace(RENDERER_JS_FLAGS, probe)
from PySide6.QtCore import QEventLoop
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QApplication
app = QApplication([])
view = QWebEngineView()
loaded, out = [], []
view.loadFinished.connect(loaded.append)
view.setHtml("<p>probe</p>")
view.show()
deadline = time.monotonic() + 120
while not loaded and time.monotonic() < deadline:
    app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
view.page().runJavaScript("performance.memory.jsHeapSizeLimit", 0, out.append)
while not out and time.monotonic() < deadline:
    app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
print("LIMIT", out[0] if out else None)
"""


def _prepared(monkeypatch: pytest.MonkeyPatch, flags: str | None) -> str:
    for name in ("QT_QPA_PLATFORM", "QTWEBENGINE_DISABLE_SANDBOX"):
        monkeypatch.setenv(name, "offscreen" if name == "QT_QPA_PLATFORM" else "1")
    if flags is None:
        monkeypatch.delenv("QTWEBENGINE_CHROMIUM_FLAGS", raising=False)
    else:
        monkeypatch.setenv("QTWEBENGINE_CHROMIUM_FLAGS", flags)
    prepare_environment(headless=True)
    return os.environ["QTWEBENGINE_CHROMIUM_FLAGS"]


def test_the_app_asks_v8_to_optimize_for_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without flags of the user's own, the renderer gets a small young generation and size-optimised V8."""
    flags = _prepared(monkeypatch, None).split()
    js = [f for f in flags if f.startswith("--js-flags=")]
    assert js == [RENDERER_JS_FLAGS]
    assert set(js[0].removeprefix("--js-flags=").split(",")) == {"--max-semi-space-size=1", "--optimize-for-size"}


def test_the_users_own_js_flags_win(monkeypatch: pytest.MonkeyPatch) -> None:
    """A user's ``--js-flags`` is kept as given; the app adds none of its own."""
    flags = _prepared(monkeypatch, "--js-flags=--max-old-space-size=512").split()
    assert [f for f in flags if f.startswith("--js-flags=")] == ["--js-flags=--max-old-space-size=512"]


@pytest.mark.webengine
def test_the_render_process_parses_every_comma_separated_v8_flag() -> None:
    """Chromium splits ``--js-flags`` at commas: a flag after the app's two reaches V8 (so the app's do too).

    ``--optimize-for-size`` has no effect a page can read; ``--max-old-space-size`` has
    (``performance.memory.jsHeapSizeLimit``: ~3.8 GB by default, ~0.4 GB at 300 MB).
    """
    env = {k: v for k, v in os.environ.items() if k != "QTWEBENGINE_CHROMIUM_FLAGS"}
    env["PYTHONPATH"] = python_path(ROOT)
    env["QTWEBENGINE_DISABLE_SANDBOX"] = "1"
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240, check=False
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("LIMIT ")), "LIMIT None")
    limit = line.split()[1]
    assert limit != "None", (done.stdout, done.stderr[-2000:])
    assert float(limit) < 1e9, line
