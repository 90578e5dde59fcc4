"""Run the case server on a background thread (tests, the one-machine demo).

Example:
    >>> with ServerThread(ServerConfig(port=0, tokens=book)) as server:  # doctest: +SKIP
    ...     print(server.url)
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import TypeVar

from feeds.server.app import CaseServer
from feeds.server.config import ServerConfig

T = TypeVar("T")


class ServerThread:
    """A :class:`CaseServer` on its own thread and event loop.

    Args:
        config: Settings (``port=0`` binds a free port; read :attr:`port` after :meth:`start`).
    """

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.server = CaseServer(config)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._main, name="gridwall-server", daemon=True)

    @property
    def port(self) -> int:
        """The bound port."""
        return self.server.port

    @property
    def url(self) -> str:
        """``ws://127.0.0.1:<port>`` (or the configured host)."""
        return self.server.url

    def start(self, timeout: float = 30.0) -> ServerThread:
        """Start and wait until the server listens.

        Raises:
            RuntimeError: If it failed to start (the cause is chained) or timed out.
        """
        self._thread.start()
        if not self._ready.wait(timeout):
            raise RuntimeError("case server did not start in time")
        if self._error is not None:
            self._thread.join(timeout)
            raise RuntimeError(f"case server failed to start: {self._error}") from self._error
        return self

    def call(self, fn: Callable[[], Awaitable[T]], timeout: float = 30.0) -> T:
        """Run a coroutine function on the server's loop and return its result."""
        if self._loop is None:
            raise RuntimeError("server thread not running")

        async def run() -> T:
            return await fn()

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(timeout)

    def stop(self, timeout: float = 30.0) -> None:
        """Shut the server down cleanly and join the thread (idempotent)."""
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(stop.set)
        if self._thread.is_alive():
            self._thread.join(timeout)
            if self._thread.is_alive():
                raise RuntimeError("case server thread did not stop in time")

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _main(self) -> None:
        asyncio.run(self._run())

    async def _run(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        try:
            await self.server.start()
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            await self.server.stop()
            return
        self._ready.set()
        try:
            await self._stop.wait()
        finally:
            await self.server.stop()
