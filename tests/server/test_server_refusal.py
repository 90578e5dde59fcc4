"""A wrong or revoked token: the client says "refused", waits minutes, and ``gridwall tail`` exits 1."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from server_helpers import TOKENS
from waiting import wait_until

from feeds.client import ClientThread
from feeds.client.status import REFUSED_FIRST_S
from feeds.server import ServerThread, TokenBook
from feeds.tail import run_tail


def test_wrong_token_is_refused_once_then_retried_after_minutes(server: ServerThread) -> None:
    """State 'refused' with the server's reason, no 'last update' (nothing was received), next try ≥ 54 s away."""
    client = ClientThread(server.url, "not-a-token").start()
    try:
        assert wait_until(lambda: client.status.state == "refused" and client.client.retry_in is not None)
        status = client.status
        assert status.last_update is None
        assert "unknown token" in status.detail
        assert client.client.retry_in is not None and client.client.retry_in >= REFUSED_FIRST_S * 0.9
        assert server.server.stats.errors["forbidden"] == 1  # one handshake, not a retry loop
        assert all(m.TYPE == "error" for m in client.drain())  # no data reached the wall
    finally:
        client.stop()


def test_revoked_token_is_refused_after_the_data_it_had(
    start_server: Callable[..., ServerThread], tmp_path: Path
) -> None:
    """A token removed while the server restarts: 'refused', keeping the time of the last data received."""
    first = start_server()
    client = ClientThread(first.url, "wall-token").start()
    try:
        assert wait_until(lambda: client.status.state == "live")
        port = first.port
        first.stop()
        revoked = TokenBook()
        for token, (role, name) in TOKENS.items():
            if token != "wall-token":
                revoked.add(token, role, name)
        start_server(port=port, tokens=revoked)
        assert wait_until(lambda: client.status.state == "refused")
        assert client.status.last_update is not None  # the wall keeps (greyed) what it had, with its time
        assert client.client.retry_in is not None and client.client.retry_in >= REFUSED_FIRST_S * 0.9
    finally:
        client.stop()


def test_tail_exits_1_with_one_line_when_the_token_is_refused(server: ServerThread) -> None:
    """``gridwall tail`` with a wrong token: exit status 1, the reason in one line on stderr, nothing on stdout."""
    out, err = io.StringIO(), io.StringIO()
    assert run_tail(server.url, "not-a-token", out=out, err=err) == 1
    lines = err.getvalue().splitlines()
    assert len(lines) == 1, err.getvalue()
    assert lines[0].startswith("gridwall tail: the server at ws://127.0.0.1:") and "unknown token" in lines[0]
    assert out.getvalue() == ""
    assert server.server.stats.errors["forbidden"] == 1
