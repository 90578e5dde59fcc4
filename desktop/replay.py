"""Replays started and steered from a wall session: the workstation's replay bar and the tour use it.

:class:`ReplayDesk` starts a :class:`~feeds.importers.replay_server.ReplayServer` on the
session's own store (the demo's, or the server's store given to ``gridwall wall --db``:
:func:`own_replay_source`), switches the session's client to it, and
back to the live server at the end. When the session follows a replay server started
elsewhere (``gridwall replay``), its commands go there as ``replay.control`` messages
(operator role). Every slow step (reading the period, a seek backwards that restarts the
replay server) runs on the desk's own worker thread, never on the GUI thread.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Signal

from feeds.client import ClientThread
from feeds.protocol import ReplayControl, ReplayStatus

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy import Engine

    from desktop.bridge import LiveBridge
    from desktop.workstation import Workstation
    from feeds.importers.replay_server import ReplayServer
    from feeds.server import TokenBook
    from widgets.replay_bar import ReplayBar
    from widgets.theme import Scale

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReplaySource:
    """Where a session's own replays come from: a store and the tokens its replay server accepts."""

    engine: Engine
    tokens: TokenBook


def own_replay_source(engine: Engine, token: str, *, workstation: bool) -> ReplaySource:
    """Replays of a store this process opened (``gridwall wall --db``) for a session holding ``token``.

    The replay server accepts that token: as ``operator`` for a workstation, as ``wall``
    for a wall (so a wall's replayed frames are masked like live ones); and a random
    producer token of its own, with which it plays the period into itself.
    """
    from feeds.server import TokenBook

    book = TokenBook()
    book.add(token, "operator" if workstation else "wall", "replay")
    book.issue("producer", "replay")
    return ReplaySource(engine, book)


class ReplayDesk(QObject):
    """Start, steer and end replays for one session (any thread may call; work runs on a worker).

    Args:
        client: The session's client (switched to the replay server and back).
        token: The session's token (the replay server accepts the same tokens).
        source: The store replays are read from (``None``: only steer replay servers started elsewhere).

    Signals:
        sigFailed(str): a command could not be carried out (why).
    """

    sigFailed = Signal(str)

    def __init__(self, client: ClientThread, token: str, source: ReplaySource | None, parent: QObject | None = None):
        super().__init__(parent)
        self.client, self.token, self.source = client, token, source
        self.live_url = client.url
        self._leaving = False
        self._server: ReplayServer | None = None
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="gridwall-replay-desk")

    @property
    def can_start(self) -> bool:
        """Whether this session can replay a period itself."""
        return self.source is not None

    @property
    def local(self) -> bool:
        """Whether the replay watched now was started here."""
        return self._server is not None

    # -- commands ----------------------------------------------------------------

    def start(self, start: float, end: float, speed: float, *, paused: bool = False) -> None:
        """Replay ``[start, end)`` at ``speed``× on this session (ends a replay running here)."""
        self._run(lambda: self._start(start, end, speed, paused))

    def pause(self) -> None:
        """Hold the replayed time."""
        self._steer(ReplayControl("pause"), lambda s: s.pause())

    def resume(self) -> None:
        """Let the replayed time run again."""
        self._steer(ReplayControl("resume"), lambda s: s.resume())

    def seek(self, at: float) -> None:
        """Jump to ``at``, backwards too."""
        self._steer(ReplayControl("seek", at=at), lambda s: s.seek(at))

    def set_speed(self, speed: float) -> None:
        """Replayed seconds per real second."""
        self._steer(ReplayControl("speed", speed=speed), lambda s: s.set_speed(speed))

    def live(self) -> None:
        """End the replay; the session follows the live server again."""
        self._run(self._live)

    def shutdown(self) -> None:
        """Finish the queued commands and end a replay started here."""
        self._pool.shutdown(wait=True)
        if self._server is not None:
            self._server.stop()
            self._server = None

    # -- on the worker ------------------------------------------------------------

    def _run(self, work: Callable[[], None]) -> None:
        def guarded() -> None:
            try:
                work()
            except Exception as exc:
                log.exception("replay command failed")
                self.sigFailed.emit(str(exc))

        self._pool.submit(guarded)

    def _steer(self, control: ReplayControl, local: Callable[[ReplayServer], None]) -> None:
        def work() -> None:
            if self._server is not None:
                local(self._server)
            else:
                self.client.steer_replay(control)

        self._run(work)

    def _start(self, start: float, end: float, speed: float, paused: bool) -> None:
        from feeds.importers.replay import timeline
        from feeds.importers.replay_server import ReplayServer

        if self.source is None:
            raise RuntimeError("this session has no store to replay from")
        events = timeline(self.source.engine, start, end)
        if not events:
            raise RuntimeError("no cases in that period")
        if self._server is not None:
            self._server.stop()
        server = ReplayServer(
            events, self.source.engine, start, end, speed, self.source.tokens, live=self.live_url
        ).start(paused=paused)  # held from the first instant: pausing after start let it play a moment
        self._server = server
        self.client.switch(server.url, self.token)
        log.info("replaying %d events at %g× on %s", len(events), speed, server.url)

    def on_replay(self, status: ReplayStatus | None) -> None:
        """Follow a replay server's ``ended``: back to the live server it names (or this session's own).

        A wall started directly on a replay server's URL knows its live server only from
        the ``live`` field; a replay this session started goes back to where it came from.
        """
        if status is None or not status.ended:
            self._leaving = False
            return
        if self._leaving:
            return
        target = self.live_url if self._server is not None else status.live
        if target is None:
            log.warning("the replay ended without naming its live server: the wall keeps its last frame")
            return
        self._leaving = True
        self._server = None  # it is stopping itself
        log.info("the replay ended: back to the live server %s", target)
        self.client.switch(target, self.token)

    def _live(self) -> None:
        server, self._server = self._server, None
        if server is None:
            self.client.steer_replay(ReplayControl("live"))
            return
        self.client.switch(self.live_url, self.token)
        server.stop()


def install_replay_bar(workstation: Workstation, desk: ReplayDesk, bridge: LiveBridge, scale: Scale) -> ReplayBar:
    """The replay bar in a dock under the workstation's overview, wired to ``desk`` and following ``bridge``."""
    import time

    from widgets.replay_bar import ReplayBar

    bar = ReplayBar(scale, time.time())
    bar.set_can_start(desk.can_start)
    bar.sigStart.connect(lambda start, end, speed: desk.start(start, end, speed))
    bar.sigPause.connect(desk.pause)
    bar.sigResume.connect(desk.resume)
    bar.sigSeek.connect(desk.seek)
    bar.sigSpeed.connect(desk.set_speed)
    bar.sigLive.connect(desk.live)

    def follow(_now: object = None) -> None:
        status = bridge.clock.status
        bar.show_replay(
            None if status is None else (bridge.clock.now(), status.start, status.end, status.speed, status.paused)
        )

    bridge.sigSecond.connect(follow)
    bridge.sigReplay.connect(follow)
    workstation.add_bottom_dock(bar, QCoreApplication.translate("Workstation", "Replay"), "ReplayDock", "Ctrl+3")
    return bar
