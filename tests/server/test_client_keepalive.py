"""The client follows the documented heartbeat: stale after 2.5 intervals, link dropped after 3."""

from __future__ import annotations

import queue
import signal
import time
from pathlib import Path

from server_process import ServerProcess

from feeds.client import ClientStatus, ClientThread


def _next_status(client: ClientThread, wanted: set[str], timeout: float, seen: list[ClientStatus]) -> ClientStatus:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status = client.statuses.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            break
        seen.append(status)
        if status.state in wanted:
            return status
    raise AssertionError(f"no {wanted} status; saw {[s.state for s in seen]}")


def test_a_frozen_server_is_stale_then_dropped_by_the_heartbeat_watch(tmp_path: Path) -> None:
    """SIGSTOP the server: the client says ``stale`` (still connected), then drops the link itself.

    websockets' own keepalive would take 20 s + 20 s; with a 0.5 s heartbeat the
    documented window is its 5 s floor (3 intervals would be 1.5 s), so ``reconnecting``
    within the poll timeout (10 s) can only come from the heartbeat watch.
    """
    server = ServerProcess(tmp_path / "frozen.db", heartbeat_s=0.5).start()
    client = ClientThread(server.url, "wall-token").start()
    seen: list[ClientStatus] = []
    try:
        _next_status(client, {"live"}, 30, seen)
        server.signal(signal.SIGSTOP)
        stale = _next_status(client, {"stale", "reconnecting"}, 10, seen)
        assert stale.state == "stale"
        dropped = _next_status(client, {"reconnecting"}, 10, seen)
        assert "no data" in dropped.detail and "server not answering" in dropped.detail
        server.signal(signal.SIGCONT)
        _next_status(client, {"live"}, 30, seen)  # back when the server is
    finally:
        client.stop()
        server.kill()
