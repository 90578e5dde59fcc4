"""Durable appends with group commit, then broadcast in ``seq`` order.

Producers' events queue up here; one task takes everything waiting (up to
``max_batch``), appends it in one store transaction, and only after the
commit broadcasts the frames and resolves each request. If the store refuses
an event (:class:`~feeds.store.EventRefused` names it), its request fails and
the others are appended again without it, in one transaction; if the store
raises anything else, the requests are retried one by one. Either way only the
faulty request fails. A store that cannot take
writes (read-only file, disk full, locked by another process) fails each
request with ``unavailable`` and a message saying why; nothing is acknowledged
that was not committed.

Where the append runs: on SQLite it is tried on the event loop thread without
waiting for the write lock (a few milliseconds of CPU, no fsync in WAL
``synchronous=NORMAL``), and only if another writer holds the store (seeding,
a second process) does it go to the dedicated writer thread. Running every
append on a thread made the loop and that thread fight over the GIL (each
socket write releases it): at 500 clients × 100 events/s the median latency
went from about 5 ms to seconds. PostgreSQL appends (network round trips)
always run on the writer thread.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy.exc import OperationalError

from feeds.protocol import Message, ProtocolError
from feeds.server.fanout import Fanout
from feeds.store import EventRefused, Store, StoreBusyError, StoredEvent

_log = logging.getLogger("feeds.server")

_STORE_FAILURES = (
    ("readonly", "the store file is read-only"),
    ("read-only", "the store file is read-only"),
    ("disk is full", "the disk is full"),
    ("disk full", "the disk is full"),
    ("no space", "the disk is full"),
    ("database is locked", "another process holds the store's write lock"),
    ("disk i/o error", "the disk reported an I/O error"),
    ("unable to open", "the store file cannot be opened"),
)


def store_failure(exc: BaseException) -> str | None:
    """A plain reason if ``exc`` means the store cannot take writes (else ``None``: a bug)."""
    if isinstance(exc, StoreBusyError):
        return "another process holds the store's write lock"
    if isinstance(exc, (OSError, OperationalError)):
        text = str(exc).lower()
        for needle, reason in _STORE_FAILURES:
            if needle in text:
                return reason
        if isinstance(exc, OSError):
            return f"the file system failed ({exc.strerror or exc})"
    return None


_Request = tuple[list[Message], "asyncio.Future[list[StoredEvent]]"]


def _request_at(batch: list[_Request], index: int) -> int:
    """Which request of ``batch`` holds its ``index``-th event."""
    end = 0
    for i, (request, _) in enumerate(batch):
        end += len(request)
        if index < end:
            return i
    raise IndexError(index)


class Journal:
    """Serialises appends to the store and broadcasts committed events.

    Args:
        store: Where events are appended.
        fanout: Where committed frames go.
        max_batch: Most events per transaction.
        inline: Try appends on the loop thread first (default: on SQLite).
    """

    def __init__(self, store: Store, fanout: Fanout, max_batch: int = 256, inline: bool | None = None) -> None:
        self._store = store
        self._fanout = fanout
        self._max_batch = max_batch
        self._queue: asyncio.Queue[_Request] = asyncio.Queue()
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="gridwall-journal")
        self.appended = 0
        self.commits = 0
        self.deferred = 0  # appends that found the store locked and went to the writer thread
        self.unavailable = 0  # requests refused because the store could not take writes
        self.refusals = 0  # events the store refused (their requests failed, the rest of the batch went on)
        self.inline = inline if inline is not None else store.engine.dialect.name == "sqlite"

    def submit(self, msgs: list[Message]) -> asyncio.Future[list[StoredEvent]]:
        """Queue events for appending (order of calls = order of ``seq``)."""
        future: asyncio.Future[list[StoredEvent]] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((msgs, future))
        return future

    async def append(self, msgs: list[Message]) -> list[StoredEvent]:
        """Append and wait for the commit (raises ProtocolError if refused)."""
        return await self.submit(msgs)

    async def run(self) -> None:
        """The writer loop (one task per server)."""
        while True:
            batch = [await self._queue.get()]
            size = len(batch[0][0])
            while size < self._max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
                size += len(batch[-1][0])
            try:
                await self._commit(batch)
            finally:
                for _ in batch:
                    self._queue.task_done()
            await asyncio.sleep(0)  # an inline commit never yields: let the writers send before the next batch

    async def drain(self) -> None:
        """Wait until everything submitted so far is committed (or refused)."""
        await self._queue.join()

    async def _commit(self, batch: list[_Request]) -> None:
        """Append a batch in one transaction; a refused request is left out, a store failure retried one by one."""
        while batch:
            msgs = [m for request, _ in batch for m in request]
            try:
                stored = await self._append(msgs)
            except EventRefused as exc:  # fail its request alone; the others go again without it
                self.refusals += 1
                bad = _request_at(batch, exc.index)
                self._fail(batch[bad][1], exc)
                batch = batch[:bad] + batch[bad + 1 :]
                continue
            except Exception as exc:  # a store failure: never let it fail another request
                if len(batch) == 1:
                    self._fail(batch[0][1], self._reason(exc))
                    return
                for request, future in batch:
                    try:
                        one = await self._append(request)
                    except Exception as one_exc:  # reported to the requester
                        self._fail(future, self._reason(one_exc))
                    else:
                        self._deliver(one, future)
                return
            start = 0
            for request, future in batch:
                self._deliver(stored[start : start + len(request)], future)
                start += len(request)
            return

    async def _append(self, msgs: list[Message]) -> list[StoredEvent]:
        """Append on the loop thread if the store is free at once, else on the writer thread."""
        if self.inline:
            try:
                return self._store.append(msgs, wait=False)
            except StoreBusyError:
                self.deferred += 1
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._store.append, msgs)

    def _deliver(self, stored: list[StoredEvent], future: asyncio.Future[Any]) -> None:
        self.commits += 1
        self.appended += len(stored)
        for event in stored:
            self._fanout.broadcast(event.frame, event.seq)
        if not future.done():
            future.set_result(stored)

    def _reason(self, exc: Exception) -> ProtocolError:
        """What the requester is told: the refusal itself, or why the store could not take the write."""
        if isinstance(exc, ProtocolError):
            return exc
        why = store_failure(exc)
        if why is None:
            _log.error("store append failed", exc_info=exc)
            return ProtocolError("internal", f"the event could not be stored ({type(exc).__name__})")
        self.unavailable += 1
        _log.error("store refuses writes: %s", why)
        return ProtocolError("unavailable", f"the store refuses writes: {why}; nothing was stored, send it again later")

    @staticmethod
    def _fail(future: asyncio.Future[Any], exc: BaseException) -> None:
        if not future.done():
            future.set_exception(exc)

    def close(self) -> None:
        """Wait for an append in progress, then stop the writer thread."""
        self._executor.shutdown(wait=True)
