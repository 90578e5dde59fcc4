"""CaseClient / ClientThread against real and scripted servers: live, requests, reconnect, stale, gaps."""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from server_helpers import make_case
from waiting import WAIT_S
from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve

from feeds.client import ClientThread, NotConnectedError, backoff
from feeds.protocol import (
    CaseCreated,
    CaseUrged,
    CaughtUp,
    Heartbeat,
    Message,
    ProtocolError,
    Snapshot,
    Welcome,
    encode,
)
from feeds.server import ServerThread

FAST = backoff(initial=0.05, maximum=0.3)


def wait_for(predicate: Callable[[], bool], timeout: float = WAIT_S) -> None:
    """Poll until ``predicate()`` holds (AssertionError on timeout)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.02)


def drain_all(client: ClientThread, into: list[Message]) -> list[Message]:
    """Move every queued message into ``into``; returns it."""
    into.extend(client.drain())
    return into


def event_seqs(msgs: list[Message]) -> list[int]:
    """Seqs of the events in ``msgs``."""
    return [m.seq for m in msgs if m.seq is not None]


@pytest.fixture
def clients() -> Iterator[Callable[..., ClientThread]]:
    """Start client threads (all stopped at teardown)."""
    started: list[ClientThread] = []

    def start(url: str, token: str) -> ClientThread:
        client = ClientThread(url, token, reconnect_delays=FAST, request_timeout=WAIT_S).start()
        started.append(client)
        return client

    yield start
    for client in started:
        client.stop()
        assert not client._thread.is_alive()


def test_client_goes_live_and_requests_resolve(server: ServerThread, clients: Callable[..., ClientThread]) -> None:
    """Snapshot then live; publish/act/query return replies; refusals raise ProtocolError naming the field."""
    wall, producer, operator = (clients(server.url, t) for t in ("wall-token", "prod-token", "op-token"))
    wait_for(lambda: all(c.status.state == "live" for c in (wall, producer, operator)))
    ack = producer.publish(CaseCreated(make_case("C1")))
    assert ack.event_seq == 1
    assert operator.act("urge", "C1", "now").event_seq == 2
    assert operator.query("case", {"case_id": "C1"})["case"]["urges"] == 1
    with pytest.raises(ProtocolError) as refused:
        producer.publish(CaseUrged("C404", "sim"))
    assert (refused.value.code, refused.value.field) == ("not_found", "case_id")
    with pytest.raises(ProtocolError) as forbidden:
        wall.act("urge", "C1")
    assert forbidden.value.code == "forbidden"
    seen: list[Message] = []
    wait_for(lambda: event_seqs(drain_all(wall, seen)) == [1, 2])
    assert isinstance(seen[0], Welcome) and isinstance(seen[1], Snapshot) and isinstance(seen[2], CaughtUp)
    assert wall.client.last_seq == 2 and wall.status.last_update is not None


def test_client_resumes_exactly_after_a_server_restart(
    start_server: Callable[..., ServerThread], clients: Callable[..., ClientThread]
) -> None:
    """Server killed and restarted: reconnecting, then every event exactly once."""
    first = start_server()
    port = first.port
    wall, producer = clients(first.url, "wall-token"), clients(first.url, "prod-token")
    wait_for(lambda: wall.status.state == "live" and producer.status.state == "live")
    for i in range(5):
        producer.publish(CaseCreated(make_case(f"R{i}")))
    seen: list[Message] = []
    wait_for(lambda: wall.client.last_seq == 5)
    first.stop()
    wait_for(lambda: wall.status.state == "reconnecting")
    assert wall.status.last_update is not None
    with pytest.raises(NotConnectedError):
        producer.publish(CaseUrged("R0", "sim"), timeout=2)
    start_server(port=port)
    wait_for(lambda: producer.status.state == "live")
    for i in range(5):
        producer.publish(CaseUrged(f"R{i}", "sim"))
    wait_for(lambda: wall.client.last_seq == 10)
    statuses = []
    while not wall.statuses.empty():
        statuses.append(wall.statuses.get_nowait().state)
    assert statuses.index("reconnecting") < len(statuses) - 1 and statuses[-1] == "live"
    assert event_seqs(drain_all(wall, seen)) == list(range(1, 11))
    assert wall.client.duplicates == 0


class ScriptedServer:
    """A websockets server that plays a fixed script to each connection and records the hellos."""

    def __init__(self, script: Callable[[ServerConnection, int], None]) -> None:
        self.hellos: list[dict[str, object]] = []
        self._script = script
        self._server = serve(self._handle, "127.0.0.1", 0)
        self.url = f"ws://127.0.0.1:{self._server.socket.getsockname()[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def _handle(self, ws: ServerConnection) -> None:
        with contextlib.suppress(ConnectionClosed):
            self.hellos.append(json.loads(ws.recv()))
            self._script(ws, len(self.hellos))
            while True:  # keep the connection until the client leaves
                ws.recv()

    def close(self) -> None:
        self._server.shutdown()
        self._thread.join(5)


def _start(ws: ServerConnection, head: int, heartbeat_s: float) -> None:
    ws.send(encode(Welcome("wall", "store-1", head, "snapshot", heartbeat_s)))
    ws.send(encode(Snapshot(head, "store-1")))
    ws.send(encode(CaughtUp(head)))


def test_silence_makes_the_client_stale_then_live_again(clients: Callable[..., ClientThread]) -> None:
    """No frame for 2.5 heartbeats: status stale; the next frame makes it live again."""

    stale_seen = threading.Event()

    def script(ws: ServerConnection, n: int) -> None:
        _start(ws, 0, 0.2)
        stale_seen.wait(WAIT_S)  # silent until the client has called it stale
        ws.send(encode(Heartbeat(0)))

    fake = ScriptedServer(script)
    try:
        wall = clients(fake.url, "t")
        wait_for(lambda: wall.status.state == "stale")
        stale_seen.set()
        assert wall.status.last_update is not None
        wait_for(lambda: wall.status.state == "live")
    finally:
        fake.close()


def test_a_gap_in_seq_triggers_a_resync_from_the_last_seq(clients: Callable[..., ClientThread]) -> None:
    """Event 5 after 3: the client drops it, reconnects and says hello with last_seq 3."""

    def script(ws: ServerConnection, n: int) -> None:
        _start(ws, 3, 5.0)
        if n == 1:
            ws.send(encode(CaseUrged("C1", "x", seq=5)))

    fake = ScriptedServer(script)
    try:
        wall = clients(fake.url, "t")
        wait_for(lambda: len(fake.hellos) >= 2)
        assert fake.hellos[1]["last_seq"] == 3 and fake.hellos[1]["store_id"] == "store-1"
        assert wall.client.resyncs == 1
        seen = drain_all(wall, [])
        assert not any(isinstance(m, CaseUrged) for m in seen)
    finally:
        fake.close()


def test_a_stopped_client_closes_normally(
    server: ServerThread, clients: Callable[..., ClientThread], caplog: pytest.LogCaptureFixture
) -> None:
    """Stopping a live client closes its connection with code 1000: a normal shutdown logs no 1011."""
    caplog.set_level(logging.INFO, logger="feeds.server")
    wall = clients(server.url, "wall-token")
    wait_for(lambda: wall.status.state == "live")
    wall.stop()
    wait_for(lambda: any("disconnect" in r.getMessage() for r in caplog.records))
    lines = [r.getMessage() for r in caplog.records if "disconnect" in r.getMessage()]
    assert len(lines) == 1 and "code=1000" in lines[0], lines
