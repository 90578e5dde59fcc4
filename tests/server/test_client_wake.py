"""The client thread tells its reader once that something is waiting, and a failing reader cannot stop it."""

from __future__ import annotations

from feeds.client import ClientThread
from feeds.protocol import Snapshot


def test_a_failing_wake_up_never_stops_the_client() -> None:
    client = ClientThread("ws://127.0.0.1:9", "unused")

    def gone() -> None:
        raise RuntimeError("Internal C++ object already deleted")

    client.wake = gone
    client._on_message(Snapshot(0, "wake", ()))
    client._on_message(Snapshot(0, "wake", ()))
    assert len(client.drain()) == 2


def test_the_client_wakes_once_until_the_next_drain() -> None:
    client = ClientThread("ws://127.0.0.1:9", "unused")
    calls: list[int] = []
    client.wake = lambda: calls.append(1)
    for _ in range(5):
        client._on_message(Snapshot(0, "wake", ()))
    assert len(calls) == 1
    assert len(client.drain()) == 5
    client._on_message(Snapshot(0, "wake", ()))
    assert len(calls) == 2
