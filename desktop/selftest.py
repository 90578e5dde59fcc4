"""``gridwall --self-test``: prove on this machine that the wall can run here.

Starts offscreen (when there is no display) with an embedded case server on a
throw-away store holding a short seeded history and the live simulator, renders
the one-screen wall and checks, in order: a font with Chinese glyphs, the
connection, data in the case feed and the KPI tiles, and the map page (Leaflet
loaded, grids coloured, markers drawn, no script errors, pixels painted). Writes
a screenshot, prints one line per check and exits 0; or prints
``self-test FAILED: <reason>`` as its last line and exits 1.

Nothing of the user's is read or written: the store, tokens and data folder are
temporary.
"""

from __future__ import annotations

import argparse
import dataclasses
import faulthandler
import json
import logging
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QWidget

    from desktop.session import WallSession

CJK_SAMPLE = "西城区城市管理监督指挥中心网格案件超期结案率暴露垃圾"
"""Characters the wall shows in Chinese; every one must be in the CJK font."""
HISTORY_DAYS = 2
"""Seeded history: enough for every panel to have data, seeded in a few seconds."""
SIM_SPEED = 30.0
"""The live simulator runs this much faster than real time, so new cases arrive at once."""
DEFAULT_TIMEOUT_S = 60.0
MAX_TIMEOUT_S = 3600.0
"""The longest ``--timeout`` (an hour): a run that long is stuck anyway."""
WALL_TOKEN, PRODUCER_TOKEN = "selftest-wall", "selftest-producer"
MIN_COLOURED_SHARE = 0.05
"""A painted map has at least this share of clearly coloured pixels (grids, markers); the blank page has none."""
STUCK_GRACE_S = 20.0
"""A run still going this long after its timeout is stuck (a step that does not return, or the closing):
the watchdog reports the step, dumps every thread's stack to stderr and ends the process with 1."""


class SelfTestFailure(Exception):
    """One check failed; the message is the one-line reason."""


def default_screenshot() -> Path:
    """Where the screenshot goes unless told: ``gridwall-selftest.png`` in the temporary folder."""
    return Path(tempfile.gettempdir()) / "gridwall-selftest.png"


def add_arguments(parser: argparse.ArgumentParser, positive: Callable[..., Callable[[str], float]]) -> None:
    """Options of the ``self-test`` sub-command (``positive``: the command line's number check)."""
    parser.add_argument(
        "--screenshot", type=Path, metavar="PNG", help=f"where to save the wall (default {default_screenshot()})"
    )
    parser.add_argument(
        "--timeout",
        type=positive(float, high=MAX_TIMEOUT_S),
        default=DEFAULT_TIMEOUT_S,
        metavar="SECONDS",
        help=f"give up after this long (default {DEFAULT_TIMEOUT_S:.0f}; at most {MAX_TIMEOUT_S:.0f})",
    )


def run_self_test(
    screenshot: Path | None = None, *, timeout_s: float = DEFAULT_TIMEOUT_S, out: TextIO | None = None
) -> int:
    """Run every check; 0 when all pass, 1 with ``self-test FAILED: <reason>`` printed otherwise."""
    stream = out or sys.stdout
    target = screenshot or default_screenshot()
    runner = _SelfTest(stream, time.monotonic() + timeout_s)
    watchdog = Watchdog(stream, timeout_s + STUCK_GRACE_S, lambda: runner.step)
    try:
        runner.run(target)
    except SelfTestFailure as exc:
        reason = str(exc)
    except Exception as exc:  # anything else (a missing library, a broken install) is a failure too
        reason = f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}"
    else:
        reason = ""
    finally:
        watchdog.cancel()
    if reason:
        stream.write(f"self-test FAILED: {reason}\n")
        stream.flush()
        return 1
    stream.write(f"self-test passed in {time.monotonic() - runner.t0:.1f} s; screenshot: {target}\n")
    stream.flush()
    return 0


@contextmanager
def _temporary_data_dir() -> Iterator[Path]:
    """A throw-away ``$GRIDWALL_DATA_DIR`` (restored afterwards)."""
    old = os.environ.get("GRIDWALL_DATA_DIR")
    with tempfile.TemporaryDirectory(prefix="gridwall-selftest-") as folder:
        os.environ["GRIDWALL_DATA_DIR"] = folder
        try:
            yield Path(folder)
        finally:
            if old is None:
                os.environ.pop("GRIDWALL_DATA_DIR", None)
            else:
                os.environ["GRIDWALL_DATA_DIR"] = old


class Watchdog:
    """Ends a stuck self-test: after ``after_s`` it writes ``self-test FAILED: stuck …`` naming the
    step, dumps every thread's stack to stderr and exits the process with 1 (unless cancelled).

    A thread of its own, so a step that never returns to the checks' deadline (a call blocked in
    Qt, a thread that does not stop while closing) still ends in one line instead of a hang.
    """

    def __init__(
        self,
        out: TextIO,
        after_s: float,
        step: Callable[[], str],
        exit: Callable[[int], object] | None = None,  # default: the process's os._exit
    ) -> None:
        self._out, self._after_s, self._step, self._exit = out, after_s, step, exit
        self._cancelled = threading.Event()
        self.thread = threading.Thread(target=self._watch, name="selftest-watchdog", daemon=True)
        self.thread.start()

    def cancel(self) -> None:
        self._cancelled.set()

    def _watch(self) -> None:
        if self._cancelled.wait(self._after_s):
            return
        self._out.write(
            f"self-test FAILED: stuck in '{self._step()}' ({self._after_s:.0f} s without an end; "
            "every thread's stack is on stderr)\n"
        )
        self._out.flush()
        faulthandler.dump_traceback(sys.stderr, all_threads=True)
        sys.stderr.flush()
        (self._exit or os._exit)(1)


class _SelfTest:
    def __init__(self, out: TextIO, deadline: float) -> None:
        self.out = out
        self.deadline = deadline
        self.t0 = time.monotonic()
        self.app: QApplication | None = None
        self.step = "starting"
        """What the run is doing now (named by the watchdog when it is stuck)."""

    def ok(self, name: str, detail: str) -> None:
        self.out.write(f"  ok  {name:<10} {detail}  [{time.monotonic() - self.t0:4.1f} s]\n")
        self.out.flush()

    def closing(self, what: str, close: Callable[[], object]) -> None:
        self.step = f"closing {what}"
        close()

    def wait(self, what: str, predicate: Callable[[], bool], why: Callable[[], str] = lambda: "") -> None:
        """Process events until ``predicate()`` holds; fail with ``what`` at the deadline."""
        from PySide6.QtCore import QEventLoop

        assert self.app is not None
        self.step = f"waiting until not: {what}"
        while not predicate():
            if time.monotonic() > self.deadline:
                reason = why()
                raise SelfTestFailure(f"{what} (timed out{': ' + reason if reason else ''})")
            self.app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            time.sleep(0.01)

    def run(self, screenshot: Path) -> None:
        from desktop.startup import UserError, check_screenshot_path

        self.step = "checking the screenshot's path"
        try:  # as the wall does, before the checks: not a whole run and then "could not write the screenshot"
            check_screenshot_path(screenshot)
        except UserError as exc:
            raise SelfTestFailure(str(exc)) from None
        if logging.getLogger().level > logging.DEBUG:  # quiet unless --verbose
            logging.getLogger().setLevel(logging.WARNING)
        # The last resort, in C, never cancelled (the real run is the process of the self-test command): should
        # the process not end (a hang in Qt while exiting, or in a call holding the GIL, where the watchdog
        # thread cannot run), dump every stack and exit 1. Not armed by the command: a test calling it in its
        # own process would be ended by it (it was, 100 s later, in CI).
        faulthandler.dump_traceback_later(max(self.deadline - time.monotonic(), 0.0) + 2 * STUCK_GRACE_S, exit=True)
        with ExitStack() as stack:
            folder = stack.enter_context(_temporary_data_dir())
            self.step = "starting Qt"
            self.app = self.start_qt()
            self.step = "checking the fonts"
            self.check_fonts()
            self.step = "seeding the store and starting the server"
            url = self.start_backend(folder, stack)
            self.step = "opening the wall"
            session = self.open_wall(url, stack)
            self.check_data(session)
            self.check_map(session)
            self.step = "saving the screenshot"
            self.save(session.windows[0], screenshot)

    # ------------------------------------------------------------------ steps
    def start_qt(self) -> QApplication:
        from desktop.app import create_application, prepare_environment

        try:
            prepare_environment(headless=True)
        except RuntimeError as exc:
            raise SelfTestFailure(str(exc)) from None
        app, _ = create_application("zh")
        self.ok("qt", f"Qt platform '{app.platformName()}'")
        return app

    def check_fonts(self) -> None:
        from widgets.theme import find_cjk_family

        family = find_cjk_family()
        if family is None:
            raise SelfTestFailure("no font with Chinese glyphs is installed (e.g. apt-get install fonts-wqy-microhei)")
        missing = missing_glyphs(family)
        if missing:
            raise SelfTestFailure(f"font '{family}' lacks the glyphs {missing}")
        self.ok("fonts", f"'{family}' has all {len(CJK_SAMPLE)} sample Chinese glyphs")

    def start_backend(self, folder: Path, stack: ExitStack) -> str:
        from desktop.startup import server_config
        from feeds.server import ServerThread, TokenBook
        from feeds.simulator.history.seed import seed_history
        from feeds.simulator.live.live_thread import SimulatorThread
        from feeds.store import open_store

        store = open_store(str(folder / "selftest.db"))
        stack.callback(self.closing, "the store", store.close)
        end = time.time()
        report = seed_history(store, end - HISTORY_DAYS * 86400.0, end, seed=13)
        self.ok("store", f"seeded {HISTORY_DAYS} days of history: {report.cases:,} cases, {report.open:,} open")
        book = TokenBook()
        book.add(WALL_TOKEN, "wall", "selftest-wall")
        book.add(PRODUCER_TOKEN, "producer", "selftest-simulator")
        config = dataclasses.replace(server_config(book, store=store), kpi_interval_s=0.5)
        server = ServerThread(config)
        try:
            server.start()
        except RuntimeError as exc:
            raise SelfTestFailure(f"the embedded case server did not start: {exc}") from None
        stack.callback(self.closing, "the case server", server.stop)
        simulator = SimulatorThread(server.url, PRODUCER_TOKEN, speed=SIM_SPEED, seed=13)
        simulator.start()
        stack.callback(self.closing, "the simulator", simulator.stop)
        self.ok("server", f"case server on {server.url}, live simulator at {SIM_SPEED:g}×")
        return server.url

    def open_wall(self, url: str, stack: ExitStack) -> WallSession:
        from desktop.app import WallOptions
        from desktop.i18n import Translations
        from desktop.session import WallSession

        options = WallOptions(language="zh", windowed=True, size=(1920, 1080))
        session = WallSession(url, WALL_TOKEN, options, Translations())
        stack.callback(self.closing, "the wall", session.close)
        session.show()
        self.wait("the wall did not connect to the server", lambda: session.bridge.status.state == "live")
        self.ok("connect", "wall connected and live")
        return session

    def check_data(self, session: WallSession) -> None:
        panels = session.wall_windows[0].panels
        feed, kpi = panels["feed"], panels["kpi"]
        self.wait("no cases arrived in the case feed", lambda: bool(feed.model.rows()))  # type: ignore[attr-defined]
        self.wait(
            "no KPI values arrived",
            lambda: kpi.kpi is not None and bool(kpi.kpi.total_cases),  # type: ignore[attr-defined]
        )
        view = kpi.kpi  # type: ignore[attr-defined]
        rows = len(feed.model.rows())  # type: ignore[attr-defined]
        self.ok(
            "data",
            f"{rows} rows in the case feed; KPI: {view.total_cases:,.0f} cases in total, "
            f"{view.reported:,.0f} reported today, {sum(1 for _ in session.state.open_cases()):,} open",
        )

    def check_map(self, session: WallSession) -> None:
        gmap: Any = session.wall_windows[0].panels["map"]
        self.wait("the map page did not load", lambda: gmap.is_ready)
        state: dict[str, Any] = {}
        pending = [False]

        def on_state(result: Any) -> None:
            state.clear()
            state.update(json.loads(result or "{}"))
            pending[0] = False

        def painted() -> bool:
            if state and not _map_problems(state) and gmap.is_idle:
                return True
            if not pending[0]:
                pending[0] = True
                gmap.run_js("JSON.stringify(gridwall.state())", on_state)
            return False

        self.wait("the map page did not draw the data", painted, lambda: _map_problems(state) or "no answer")
        share = [0.0]

        def pixels() -> bool:
            share[0] = _coloured_share(gmap)
            return share[0] >= MIN_COLOURED_SHARE

        self.wait("the map area stayed blank", pixels, lambda: f"{share[0]:.1%} of it coloured")
        self.ok(
            "map",
            f"Leaflet {state['leaflet']}, {state['units']['grid']} grids ({state['gridColoured']} coloured), "
            f"{_case_count(state)} case markers; {share[0]:.0%} of the map area painted in colour",
        )

    def save(self, window: QWidget, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        image = window.grab()
        if not image.save(str(path)):
            raise SelfTestFailure(f"could not write the screenshot {path}")
        self.ok("screenshot", f"{image.width()}×{image.height()} → {path}")


def missing_glyphs(family: str, text: str = CJK_SAMPLE) -> str:
    """The characters of ``text`` the font ``family`` has no glyph for (a QApplication must exist)."""
    from PySide6.QtGui import QFont, QRawFont

    raw = QRawFont.fromFont(QFont(family))
    return "".join(c for c in text if not raw.supportsCharacter(ord(c)))  # the QChar overload misreads str


def _case_count(state: dict[str, Any]) -> int:
    cases = state.get("cases", 0)
    return int(sum(cases.values())) if isinstance(cases, dict) else int(cases or 0)


def _map_problems(state: dict[str, Any]) -> str:
    """Why the map page state does not show a painted map ('' when it does)."""
    if not state:
        return "no answer from the page yet"
    if not state.get("leaflet"):
        return "Leaflet is not loaded in the page"
    if state.get("errors"):
        return f"{state['errors']} script errors in the page"
    if not state.get("units", {}).get("grid"):
        return "no grid polygons on the map"
    if not state.get("gridColoured"):
        return "no grid is coloured"
    if not _case_count(state):
        return "no case markers on the map"
    return ""


def _coloured_share(widget: QWidget) -> float:
    """Share of a 48×48 sample grid of ``widget``'s pixels that are clearly coloured (not the dark blank map)."""
    image = widget.grab().toImage()
    w, h = image.width(), image.height()
    if w < 48 or h < 48:
        return 0.0
    coloured = 0
    for x in range(48):
        for y in range(48):
            c = image.pixelColor(x * w // 48 + w // 96, y * h // 48 + h // 96)
            r, g, b = c.red(), c.green(), c.blue()
            coloured += max(r, g, b) - min(r, g, b) >= 60
    return coloured / (48 * 48)
