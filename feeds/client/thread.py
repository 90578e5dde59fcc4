"""Run a :class:`~feeds.client.CaseClient` on its own thread, for a GUI (or any sync code).

Decoded messages and status changes land in two thread-safe queues that the
GUI drains once per frame; requests (:meth:`ClientThread.publish`,
:meth:`ClientThread.act`, :meth:`ClientThread.query`) can be made from any
thread. The websockets connection never leaves the client's own loop.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import queue
import threading
import time
from collections.abc import Coroutine
from typing import Any, TypeVar

from feeds.client.case_client import CaseClient, NotConnectedError
from feeds.client.status import ClientStatus
from feeds.protocol import Ack, Message, ReplayControl, TourControl

T = TypeVar("T")


class ClientThread:
    """A case client on a background thread.

    Args:
        url: Server URL.
        token: Access token.
        **client_options: Passed to :class:`CaseClient` (``last_seq``, ``store_id``,
            ``client_name``, ``ssl_context``, ``reconnect_delays``, ``request_timeout``).

    Attributes:
        messages: Decoded messages, in order (the GUI drains it).
        statuses: Status changes, in order.
    """

    def __init__(self, url: str, token: str, **client_options: Any) -> None:
        self.messages: queue.Queue[Message] = queue.Queue()
        self.statuses: queue.Queue[ClientStatus] = queue.Queue()
        self._arrivals: collections.deque[float] = collections.deque()  # monotonic time of each queued message
        self._options = {k: v for k, v in client_options.items() if k not in ("last_seq", "store_id")}
        self.client = CaseClient(url, token, on_message=self._on_message, on_status=self._on_status, **client_options)
        self._next: CaseClient | None = None
        self._status = self.client.status
        self._loop: asyncio.AbstractEventLoop | None = None
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._main, name="gridwall-client", daemon=True)

    @property
    def status(self) -> ClientStatus:
        """The latest status (safe to read from any thread)."""
        return self._status

    def start(self) -> ClientThread:
        """Start the thread (returns at once; watch :attr:`statuses` for ``live``); again: no-op."""
        if self._thread.ident is None:
            self._thread.start()
        self._started.wait(10)
        return self

    def drain(self, limit: int | None = None) -> list[Message]:
        """Take up to ``limit`` queued messages without blocking (all if ``None``)."""
        return [msg for _, msg in self.drain_stamped(limit)]

    def drain_stamped(self, limit: int | None = None) -> list[tuple[float, Message]]:
        """Like :meth:`drain`, with the ``time.monotonic()`` at which each message was decoded."""
        out: list[tuple[float, Message]] = []
        while limit is None or len(out) < limit:
            try:
                msg = self.messages.get_nowait()
            except queue.Empty:
                break
            out.append((self._arrivals.popleft() if self._arrivals else time.monotonic(), msg))
        return out

    def _on_message(self, msg: Message) -> None:
        self._arrivals.append(time.monotonic())  # before the message: a drain never outruns its stamp
        self.messages.put_nowait(msg)

    def publish_async(self, msg: Message) -> concurrent.futures.Future[Ack]:
        """Send an event or ``staff.positions``; the future resolves with the ``ack``."""
        return self._submit(self.client.publish(msg))

    def publish(self, msg: Message, timeout: float = 10.0) -> Ack:
        """Blocking :meth:`publish_async` (raises ProtocolError if refused, NotConnectedError, TimeoutError)."""
        return self.publish_async(msg).result(timeout)

    def act(self, action: str, case_id: str, text: str = "", timeout: float = 10.0) -> Ack:
        """Blocking operator action (``urge``, ``difficult``, ``undifficult``, ``note``)."""
        return self._submit(self.client.act(action, case_id, text)).result(timeout)

    def query(self, name: str, params: dict[str, Any] | None = None, timeout: float = 10.0) -> Any:
        """Blocking query; returns the result data."""
        return self._submit(self.client.query(name, params)).result(timeout)

    @property
    def url(self) -> str:
        """The server followed now."""
        return self.client.url

    def switch(self, url: str, token: str) -> None:
        """Follow another server from now on (a replay server, or the live one again).

        The session ends and a new client starts from nothing, so the first data from
        ``url`` is its ``welcome`` and snapshot: the wall's state is replaced, never mixed.
        """
        loop = self._loop
        if loop is None or loop.is_closed():
            raise NotConnectedError("client thread not running")

        def swap() -> None:
            self._next = CaseClient(url, token, on_message=self._on_message, on_status=self._on_status, **self._options)
            self.client.stop()

        loop.call_soon_threadsafe(swap)

    def steer_replay(self, msg: ReplayControl, timeout: float = 10.0) -> Ack:
        """Send an operator's ``replay.control`` to the replay server followed now; returns its ``ack``."""
        return self._submit(self.client.publish(msg)).result(timeout)

    def tour(self, action: str, timeout: float = 10.0) -> Ack:
        """Operator: ``start`` or ``stop`` the visitors' tour on every wall of the server; returns its ``ack``."""
        return self._submit(self.client.publish(TourControl(action))).result(timeout)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the client and join the thread (idempotent)."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._stop_all)
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _stop_all(self) -> None:
        self._next = None  # a switch asked for just before: not any more
        self.client.stop()

    def _submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        loop = self._loop
        if loop is None or loop.is_closed():
            coro.close()
            failed: concurrent.futures.Future[T] = concurrent.futures.Future()
            failed.set_exception(NotConnectedError("client thread not running"))
            return failed
        return asyncio.run_coroutine_threadsafe(coro, loop)

    def _on_status(self, status: ClientStatus) -> None:
        self._status = status
        self.statuses.put_nowait(status)

    def _main(self) -> None:
        asyncio.run(self._run())

    async def _run(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._started.set()
        while True:
            # A task of its own for each client: its stop() cancels that task only, never this loop
            # (a cancellation left pending here would turn the next client's timeouts into cancellations).
            await asyncio.create_task(self.client.run())
            if self._next is None:
                return
            self.client, self._next = self._next, None  # switch(): the next server
