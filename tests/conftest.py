"""Test-wide set-up: headless Qt, QtWebEngine usable as root, no network.

The feeds-only job (``.ci/feeds-only``) runs the Qt-free tests where PySide6 is not
installed at all; then there is no map scheme to register.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pg_stores import BACKENDS, PG_URL_ENV, backend_url

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu --no-sandbox --disable-background-networking")
os.environ.setdefault("GRIDWALL_DATA_DIR", os.path.join(os.environ.get("TMPDIR", "/tmp"), "gridwall-tests"))


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Register the map's URL scheme before pytest-qt creates the QApplication; no Qt log capture.

    pytest-qt's log capture installs a Python Qt message handler around every test and puts the
    previous one back after it. Qt's own threads keep logging meanwhile (the FFmpeg back end's
    loader says "HTTP error 404" when a camera goes down), and a message that arrives while the
    handler is swapped calls a freed Python callable: the process died with SIGSEGV in
    ``PyVectorcall_Function(callable=0x0)`` under ``qt_message_output`` on a "Thread (pooled)"
    (gdb; 1 run in 8-18 of the camera tests on a loaded machine). No test reads the captured Qt
    log, so it is off (``--no-qt-log``); Qt's messages go to the captured stderr instead.
    """
    if hasattr(config.option, "qt_log"):
        config.option.qt_log = False
    if importlib.util.find_spec("PySide6") is None:
        return
    from widgets.gridmap import register_schemes

    register_schemes()


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--pg-url``: the PostgreSQL server the store, server and analytics tests also run on."""
    parser.addoption("--pg-url", dest="pg_url", default=None, help=f"PostgreSQL URL for tests (or ${PG_URL_ENV})")


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty store's URL, once per back end (SQLite file; PostgreSQL schema, skipped without a server)."""
    with backend_url(request.param, request.config, tmp_path) as url:
        yield url


@pytest.fixture
def pg_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty PostgreSQL store's URL (for tests that only make sense there)."""
    with backend_url("postgresql", request.config, tmp_path) as url:
        yield url


if importlib.util.find_spec("PySide6") is not None and importlib.util.find_spec("pytestqt") is not None:

    @pytest.fixture(scope="session", autouse=True)
    def _cyclic_gc_on_the_gui_thread(qapp: object) -> Iterator[None]:
        """The app's policy (``desktop.gc_policy``): no collection in a worker thread, where an
        earlier test's widgets would be destroyed off the GUI thread (a deadlock, seen once)."""
        from desktop import gc_policy

        gc_policy.install()
        yield

    @pytest.fixture(autouse=True)
    def _collect_between_tests() -> Iterator[None]:
        """What the automatic collector would have done, at each test's end, on this thread."""
        yield
        from desktop.gc_policy import collect_due

        collect_due()
