"""SIGKILL the server again and again while a producer publishes and a wall resumes: nothing lost, nothing twice."""

from __future__ import annotations

import itertools
import signal
import threading
import time
from collections.abc import Callable, Generator
from pathlib import Path

from server_helpers import make_case
from server_process import ServerProcess, free_port
from sqlalchemy import select

from feeds.client import ClientThread, NotConnectedError
from feeds.protocol import CaseCreated, ProtocolError
from feeds.store import open_store
from feeds.store.schema import cases

KILLS = 20


def _quick() -> Callable[[], Generator[float]]:
    """Reconnect every 0.2 s (the test restarts the server at once)."""
    return lambda: (0.2 for _ in itertools.count())


class Producer:
    """Publishes new cases one at a time; an id is acknowledged by an ack, or by a conflict on resending it."""

    def __init__(self, client: ClientThread) -> None:
        self.client = client
        self.acked: list[str] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        for i in itertools.count():
            case_id = f"K{i:06d}"
            while not self.stop.is_set():
                try:
                    self.client.publish(CaseCreated(make_case(case_id)), timeout=5)
                except (NotConnectedError, TimeoutError):
                    time.sleep(0.05)  # not connected (server being restarted): same id again
                    continue
                except ProtocolError as exc:
                    assert exc.code == "conflict", exc  # committed before the kill, ack lost with the connection
                self.acked.append(case_id)
                break
            if self.stop.is_set():
                return


def _wait(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.02)


def test_kill_9_twenty_times_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    """Acknowledged ids, store rows and the wall's events agree exactly after 20 SIGKILLs."""
    server = ServerProcess(tmp_path / "crash.db", port=free_port(), heartbeat_s=0.5).start()
    url = server.url
    producer = Producer(ClientThread(url, "prod-token", reconnect_delays=_quick()).start())
    wall = ClientThread(url, "wall-token", reconnect_delays=_quick()).start()
    received: list[tuple[int, str]] = []
    try:
        _wait(lambda: wall.status.state == "live")  # from the empty store: every event comes as an event
        producer.thread.start()
        for _ in range(KILLS):
            before = len(producer.acked)
            _wait(lambda before=before: len(producer.acked) >= before + 3)  # type: ignore[misc]
            server.signal(signal.SIGKILL)
            server.wait()
            server.start()
        _wait(lambda: len(producer.acked) >= 3 * KILLS + 5)
        producer.stop.set()
        producer.thread.join(30)
        store = open_store(str(tmp_path / "crash.db"))
        try:
            head = store.head()
            with store.engine.connect() as conn:
                stored = [row[0] for row in conn.execute(select(cases.c.id))]
        finally:
            store.close()

        def drained() -> bool:
            for msg in wall.drain():
                if isinstance(msg, CaseCreated) and msg.seq is not None:
                    received.append((msg.seq, msg.case.id))
            return bool(received) and received[-1][0] == head

        _wait(drained)
    finally:
        producer.stop.set()
        producer.client.stop()
        wall.stop()
        server.kill()
    acked = producer.acked
    lost = set(acked) - set(stored)
    seqs = [seq for seq, _ in received]
    assert not lost
    assert len(stored) == len(set(stored)) == head  # one event per case, no duplicate row
    assert seqs == list(range(seqs[0], head + 1)) and seqs[0] == 1  # the wall: every seq once, in order
    assert sorted(case_id for _, case_id in received) == sorted(stored)
    assert set(stored) - set(acked) <= {f"K{len(acked):06d}"}  # at most the one in flight at the end
    print(f"kills={KILLS} acked={len(acked)} stored={len(stored)} wall={len(received)} lost={len(lost)} dup=0")
