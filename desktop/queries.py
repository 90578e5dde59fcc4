"""Queries and operator actions off the GUI thread, answers back on it; the early-warnings refresh.

:class:`QueryRunner` takes ``(request_id, name, params)`` from the views,
runs each on a small worker pool against a :class:`QueryBackend` (the
websocket :class:`~feeds.client.ClientThread`, or a local
:class:`~feeds.analytics.QueryService` through :class:`ServiceBackend`) and
hands the answer back on the GUI thread through a queued signal. Views drop
answers to superseded requests themselves (they own the ids).
"""

from __future__ import annotations

import concurrent.futures
import logging
import time
from collections.abc import Callable
from typing import Any, Protocol, cast

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal

from feeds.client.case_client import NotConnectedError
from feeds.protocol import Message, ProtocolError
from feeds.protocol.answers import ForecastAnswer, WarningsAnswer, parse_answer
from widgets.warnings_panel import WarningsPanel

log = logging.getLogger(__name__)
WORKERS = 3
WARNINGS_INTERVAL_MS = 60_000
WARNINGS_FIRST_MS = 1_500
"""The first ask waits this long after the first state reached the panels: on a start the server
answers from the store (the cube still loading), ~0.4 s of Python that would otherwise compete for
the interpreter with the first screen (the snapshot's panels and the map's markers)."""


class QueryBackend(Protocol):
    """What answers queries and actions (blocking; called on worker threads)."""

    def query(self, name: str, params: dict[str, Any] | None = None, timeout: float = 10.0) -> Any:
        """Answer query ``name``."""
        ...

    def act(self, action: str, case_id: str, text: str = "", timeout: float = 10.0) -> Any:
        """Perform an operator action."""
        ...

    def publish(self, msg: Message, timeout: float = 10.0) -> Any:
        """Send an operator request (``alarm.action``, ``plan.action``); returns the ``ack``."""
        ...


class ServiceBackend:
    """A :class:`QueryBackend` over a local ``QueryService`` (tests, single-process tools).

    Args:
        service: Anything with ``handle(name, params) -> dict``.
        act: Optional action handler; without one, actions are refused like a wall token's.
    """

    def __init__(self, service: Any, act: Callable[[str, str, str], Any] | None = None) -> None:
        self.service = service
        self._act = act

    def query(self, name: str, params: dict[str, Any] | None = None, timeout: float = 10.0) -> Any:
        """Answer from the service."""
        return self.service.handle(name, dict(params or {}))

    def act(self, action: str, case_id: str, text: str = "", timeout: float = 10.0) -> Any:
        """Forward to the action handler, or refuse."""
        if self._act is None:
            raise ProtocolError("forbidden", "this connection may not act on cases", "type")
        return self._act(action, case_id, text)

    def publish(self, msg: Message, timeout: float = 10.0) -> Any:
        """Refused: a local service has no alarms to act on."""
        raise ProtocolError("forbidden", f"this connection may not send '{msg.TYPE}'", "type")


def error_text(exc: BaseException) -> str:
    """A short, translated sentence for a failed request (the server's message is kept)."""
    if isinstance(exc, ProtocolError):
        if exc.code == "forbidden":
            return QCoreApplication.translate("Queries", "not allowed for this connection (%1)").replace("%1", str(exc))
        if exc.code == "not_found":
            return QCoreApplication.translate("Queries", "not found (%1)").replace("%1", str(exc))
        return str(exc)
    if isinstance(exc, NotConnectedError):
        return QCoreApplication.translate("Queries", "not connected to the case server")
    if isinstance(exc, (TimeoutError, concurrent.futures.TimeoutError)):
        return QCoreApplication.translate("Queries", "the case server did not answer in time")
    return QCoreApplication.translate("Queries", "unexpected error (%1)").replace("%1", type(exc).__name__)


class QueryRunner(QObject):
    """Runs requests on worker threads and answers on the GUI thread.

    Signals:
        sigResult(int, object): ``(request_id, data)`` (GUI thread).
        sigError(int, str): ``(request_id, readable message)`` (GUI thread).
        sigForbidden(int): emitted just before ``sigError`` when the server refused for the role
            (a wall token asking for an operator action).

    Args:
        backend: What answers.
        timeout: Seconds each request may take.
        workers: Requests run at the same time.
    """

    sigResult = Signal(int, object)
    sigError = Signal(int, str)
    sigForbidden = Signal(int)
    _sigDone = Signal(int, bool, object)

    def __init__(
        self, backend: QueryBackend, parent: QObject | None = None, *, timeout: float = 15.0, workers: int = WORKERS
    ) -> None:
        super().__init__(parent)
        self.backend = backend
        self.timeout = timeout
        self._pool: concurrent.futures.ThreadPoolExecutor | None = concurrent.futures.ThreadPoolExecutor(
            workers, thread_name_prefix="gridwall-query"
        )
        self.in_flight = 0
        self.answered = 0
        self.slowest_ms = 0.0
        self._sigDone.connect(self._on_done, Qt.ConnectionType.QueuedConnection)

    def submit(self, request_id: int, name: str, params: object) -> None:
        """Run query ``name`` (GUI thread); the typed answer (:func:`~feeds.protocol.answers.parse_answer`,
        parsed on the worker thread) comes as ``sigResult``, a failure as ``sigError``."""
        args = dict(params) if isinstance(params, dict) else {}
        self._run(request_id, lambda: parse_answer(name, self.backend.query(name, args, self.timeout)))

    def act(self, request_id: int, action: str, case_id: str, text: str = "") -> None:
        """Perform an operator action; its ``ack`` (or refusal) comes back like a query's answer."""
        self._run(request_id, lambda: _ack_dict(self.backend.act(action, case_id, text, self.timeout)))

    def send(self, request_id: int, msg: object) -> None:
        """Send an operator request (``alarm.action``, ``plan.action``); the ``ack`` comes back as an answer."""
        if not isinstance(msg, Message):
            raise TypeError(f"not a protocol message: {msg!r}")
        self._run(request_id, lambda: _ack_dict(self.backend.publish(msg, self.timeout)))

    def _run(self, request_id: int, call: Callable[[], Any]) -> None:
        if self._pool is None:
            self.sigError.emit(request_id, error_text(NotConnectedError("stopped")))
            return
        self.in_flight += 1
        started = time.perf_counter()

        def work() -> None:
            try:
                data = call()
            except Exception as exc:
                log.info("request %d failed: %s", request_id, exc)
                self._sigDone.emit(request_id, False, exc)
            else:
                self._sigDone.emit(request_id, True, (data, time.perf_counter() - started))

        self._pool.submit(work)

    def _on_done(self, request_id: int, ok: bool, payload: object) -> None:
        self.in_flight -= 1
        if self._pool is None:  # stopped: the views that asked may be deleted by now
            return
        self.answered += 1
        if ok:
            data, elapsed = cast(tuple[Any, float], payload)
            self.slowest_ms = max(self.slowest_ms, elapsed * 1000)
            self.sigResult.emit(request_id, data)
        else:
            exc = cast(BaseException, payload)
            if isinstance(exc, ProtocolError) and exc.code == "forbidden":
                self.sigForbidden.emit(request_id)
            self.sigError.emit(request_id, error_text(exc))

    def stop(self) -> None:
        """Stop taking requests; running ones finish in the background and their answers are
        dropped, not emitted: the panels and maps that asked may be gone (idempotent)."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def _ack_dict(ack: Any) -> dict[str, Any]:
    seq = getattr(ack, "event_seq", None)
    return {"ok": True, "event_seq": seq}


def wire_view(view: Any, runner: QueryRunner) -> None:
    """Connect a view's requests and actions to the runner, and the runner's answers back to the view."""
    view.sigRequest.connect(runner.submit)
    view.sigAction.connect(runner.act)
    runner.sigResult.connect(view.show_result)
    runner.sigError.connect(view.show_error)
    runner.sigForbidden.connect(view.forbid_actions)


class WarningsFeed(QObject):
    """Asks for ``warnings`` and ``forecast`` and every minute after, and hands them to the warnings panels.

    The first ask comes ``first_ms`` after the first full state reached the panels (:meth:`on_changed`).

    Args:
        runner: The query runner.
        panels: :class:`~widgets.warnings_panel.WarningsPanel` widgets.
        interval_ms: Refresh period.
        first_ms: Wait after the first state before the first ask.
    """

    def __init__(
        self,
        runner: QueryRunner,
        panels: list[WarningsPanel],
        parent: QObject | None = None,
        interval_ms: int = WARNINGS_INTERVAL_MS,
        first_ms: int = WARNINGS_FIRST_MS,
    ) -> None:
        super().__init__(parent)
        self.runner, self.panels = runner, panels
        self._ids: dict[int, str] = {}
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.refresh)
        self._first = QTimer(self)
        self._first.setSingleShot(True)
        self._first.setInterval(first_ms)
        self._first.timeout.connect(self.start)
        runner.sigResult.connect(self._on_result)
        runner.sigError.connect(self._on_error)

    def start(self) -> None:
        """Ask now, then every interval."""
        if self.panels:
            self.refresh()
            self._timer.start()

    def stop(self) -> None:
        """Stop refreshing; answers still under way are dropped (their panels may be gone by then)."""
        self._first.stop()
        self._timer.stop()
        self._ids.clear()

    def on_changed(self, changes: Any) -> None:
        """Start ``first_ms`` after the first full state reached the panels (``changes.reset``: a
        :class:`~feeds.live.Changes`); later states change nothing, the refresh runs on."""
        if getattr(changes, "reset", False) and not self._timer.isActive() and not self._first.isActive():
            self._first.start()

    def refresh(self) -> None:
        """Ask for both answers."""
        from widgets.drilldown.requests import next_request_id

        for name, params in (("warnings", {"top": 12}), ("forecast", {"top": 5})):
            request_id = next_request_id()
            self._ids[request_id] = name
            self.runner.submit(request_id, name, params)

    def _on_result(self, request_id: int, data: object) -> None:
        name = self._ids.pop(request_id, None)
        for panel in self.panels:
            if name == "warnings" and isinstance(data, WarningsAnswer):
                panel.update_warnings(data)
            elif name == "forecast" and isinstance(data, ForecastAnswer):
                panel.update_forecast(data)

    def _on_error(self, request_id: int, message: str) -> None:
        name = self._ids.pop(request_id, None)
        if name is not None:
            for panel in self.panels:
                panel.show_stale(message)
