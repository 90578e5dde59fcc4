"""Heartbeats carry the store's health: a server cut off from its database makes its walls stale."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from server_helpers import make_case
from sqlalchemy.exc import OperationalError
from waiting import WAIT_S, wait_until

from feeds.client import ClientThread, backoff
from feeds.protocol import CaseCreated, Heartbeat, decode, encode
from feeds.server import ServerThread


@pytest.fixture
def wall_client() -> Iterator[Callable[[ServerThread], ClientThread]]:
    """A wall client (stopped at teardown)."""
    started: list[ClientThread] = []

    def start(server: ServerThread) -> ClientThread:
        client = ClientThread(server.url, "wall-token", reconnect_delays=backoff(initial=0.05, maximum=0.3)).start()
        started.append(client)
        return client

    yield start
    for client in started:
        client.stop()


def _cut_off(server: ServerThread, head: Callable[[], int]) -> None:
    server.server.store.head = head  # type: ignore[method-assign]  # the probe's read of the store


def _reconnect(server: ServerThread) -> None:
    del server.server.store.head  # type: ignore[method-assign]


def test_heartbeat_wire_form_says_down_only_when_down() -> None:
    """A healthy heartbeat is as before; a down one names the store's state and why, and decodes back."""
    assert encode(Heartbeat(7)) == '{"type":"heartbeat","v":1,"head":7}'
    down = decode(encode(Heartbeat(7, "down", "the store cannot be read")))
    assert isinstance(down, Heartbeat) and (down.store, down.store_error) == ("down", "the store cannot be read")


def test_a_store_that_fails_makes_the_wall_stale_until_it_answers_again(
    start_server: Callable[..., ServerThread], wall_client: Callable[[ServerThread], ClientThread]
) -> None:
    """Reads fail: heartbeats say down, the wall is stale with its last update kept; then live again."""
    server = start_server(heartbeat_s=0.2)
    wall = wall_client(server)
    assert wait_until(lambda: wall.status.state == "live")

    def failing() -> int:
        raise OperationalError("SELECT max(seq)", {}, ConnectionRefusedError("connection refused"))

    _cut_off(server, failing)
    assert wait_until(lambda: wall.status.state == "stale")
    assert "connection refused" in wall.status.detail
    stale_since = wall.status.last_update
    stats = wall.query("stats")
    assert stats["store"] == "down" and "connection refused" in stats["store_error"]
    assert wait_until(lambda: server.server.hub.health.failures >= 3)  # more heartbeats went out, still down
    assert wall.status.state == "stale" and wall.status.last_update == stale_since
    _reconnect(server)
    assert wait_until(lambda: wall.status.state == "live")
    assert wall.query("stats")["store"] == "ok"


def test_a_store_that_hangs_counts_as_down_after_the_timeout(
    start_server: Callable[..., ServerThread], wall_client: Callable[[ServerThread], ClientThread]
) -> None:
    """A probe that does not return (a partition) makes heartbeats say down; events go on once it answers."""
    server = start_server(heartbeat_s=0.2, store_timeout_s=0.3)
    wall = wall_client(server)
    assert wait_until(lambda: wall.status.state == "live")
    release = threading.Event()
    real_head = server.server.store.head

    def hanging() -> int:
        release.wait(WAIT_S)
        return real_head()

    _cut_off(server, hanging)
    assert wait_until(lambda: wall.status.state == "stale")
    assert "has not answered" in wall.status.detail
    _reconnect(server)
    release.set()
    assert wait_until(lambda: wall.status.state == "live")
    producer = ClientThread(server.url, "prod-token").start()
    try:
        assert wait_until(lambda: producer.status.state == "live")
        ack = producer.publish(CaseCreated(make_case("H1")))
        seen: list[int | None] = []

        def delivered() -> bool:
            seen.extend(m.seq for m in wall.drain())
            return ack.event_seq in seen

        assert wait_until(delivered)
    finally:
        producer.stop()
