"""Three server processes on one PostgreSQL; one is SIGKILLed mid-stream while a producer publishes to another.

Every wall, whichever server it was on and whichever it resumed on, must end with
exactly the committed events: seq 1..head, each once, in order (lost 0, duplicated 0).
"""

from __future__ import annotations

import dataclasses
import itertools
import os
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from server_helpers import Wire, make_case
from subprocesses import python_path
from waiting import wait_until
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from feeds.protocol import Action, CaseCreated, Hello, Welcome, decode, encode
from feeds.store import open_store

N_EVENTS = 240
KILL_AFTER = 80
WALLS_PER_SERVER = 2


@pytest.fixture
def servers(pg_url: str) -> Iterator[list[tuple[subprocess.Popen[str], str]]]:
    """Three server processes on the same (empty) PostgreSQL store."""
    script = Path(__file__).with_name("failover_server.py")
    env = {**os.environ, "PYTHONPATH": python_path(script.parent.parent, script.parent)}
    command = [sys.executable, str(script), pg_url]
    procs = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env) for _ in range(3)]
    try:
        yield [(proc, f"ws://127.0.0.1:{int(proc.stdout.readline())}") for proc in procs if proc.stdout is not None]
    finally:
        for proc in procs:
            proc.kill()
            proc.wait(10)
            if proc.stdout is not None:
                proc.stdout.close()


class ResumingWall(threading.Thread):
    """A wall that, when its server goes away, resumes from its last seq on the next server in the list."""

    def __init__(self, urls: list[str], first: int) -> None:
        super().__init__(daemon=True)
        self.urls = urls
        self.index = first
        self.seqs: list[int] = []
        self.last_seq: int | None = None
        self.store_id: str | None = None
        self.sessions: list[tuple[str, str]] = []  # (url, resume mode)
        self.caught_up = threading.Event()
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            url = self.urls[self.index % len(self.urls)]
            try:
                with connect(url, open_timeout=2, max_size=None, compression=None, proxy=None) as ws:
                    ws.send(encode(Hello("wall-token", self.last_seq, self.store_id, "failover")))
                    while not self.stop.is_set():
                        try:
                            msg = decode(ws.recv(timeout=0.2), max_bytes=None)
                        except TimeoutError:
                            continue
                        if isinstance(msg, Welcome):
                            self.store_id = msg.store_id
                            self.sessions.append((url, msg.resume))
                        elif msg.TYPE == "snapshot":
                            self.last_seq = msg.head  # type: ignore[attr-defined]
                        elif msg.TYPE == "caught_up":
                            self.caught_up.set()
                        elif msg.seq is not None:
                            self.seqs.append(msg.seq)
                            self.last_seq = msg.seq
            except (ConnectionClosed, OSError, TimeoutError):
                self.index += 1  # that server is gone: the next one
                self.stop.wait(0.05)


def _operator(url: str, case_ids: list[str], stop: threading.Event) -> None:
    """Urges cases one by one until told to stop or its server dies."""
    try:
        wire = Wire(url, "op-token")
        wire.hello()
        for i in itertools.count():
            if stop.is_set():
                break
            wire.send(Action("urge", case_ids[i % len(case_ids)], "hurry", id=f"u{i}"))
            wire.reply(f"u{i}")
    except (ConnectionClosed, OSError, TimeoutError):
        pass


def test_killing_a_server_mid_stream_loses_and_doubles_nothing(
    servers: list[tuple[subprocess.Popen[str], str]], pg_url: str
) -> None:
    urls = [url for _, url in servers]
    walls = [ResumingWall(urls, first=i % 3) for i in range(3 * WALLS_PER_SERVER)]
    for wall in walls:
        wall.start()
    for wall in walls:
        assert wall.caught_up.wait(10)
    producer = Wire(urls[1], "prod-token")
    producer.hello()
    for i in range(5):
        producer.send(CaseCreated(make_case(f"K{i}"), id=f"k{i}"))
        assert producer.reply(f"k{i}").TYPE == "ack"
    stop_ops = threading.Event()
    operators = [
        threading.Thread(target=_operator, args=(urls[0], ["K0", "K1"], stop_ops), daemon=True),
        threading.Thread(target=_operator, args=(urls[2], ["K2", "K3"], stop_ops), daemon=True),
    ]
    for op in operators:
        op.start()
    acked: list[int] = []
    for i in range(N_EVENTS):
        if i == KILL_AFTER:
            servers[0][0].kill()  # SIGKILL, mid-stream
        producer.send(dataclasses.replace(CaseCreated(make_case(f"E{i}")), id=f"e{i}"))
        reply = producer.reply(f"e{i}")
        assert reply.TYPE == "ack", reply
        acked.append(reply.event_seq)  # type: ignore[attr-defined]
    stop_ops.set()
    for op in operators:
        op.join(10)

    store = open_store(pg_url, load_reference_data=False)
    try:
        committed = [seq for seq, _ in store.events_page(0, 100_000)]
    finally:
        store.close()
    head = committed[-1]
    assert committed == list(range(1, head + 1)) and set(acked) <= set(committed)
    assert wait_until(lambda: all(w.last_seq == head for w in walls))
    for wall in walls:
        wall.stop.set()
    for wall in walls:
        wall.join(5)
    for wall in walls:
        doubled = sum(n - 1 for n in Counter(wall.seqs).values())
        lost = len(set(committed) - set(wall.seqs))
        assert (lost, doubled) == (0, 0), (wall.sessions, lost, doubled)
        assert wall.seqs == committed  # and in commit order
    moved = [w for w in walls if w.sessions[0][0] == urls[0]]
    assert moved and all(w.sessions[-1][0] != urls[0] and w.sessions[-1][1] == "backfill" for w in moved)
