"""Access: hashed tokens, revocation without a restart (the client is told why), TLS with a self-signed cert."""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from server_helpers import TOKENS, Wire
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from feeds.client import ClientThread
from feeds.protocol import Error, Hello, Ping, Pong, decode, encode
from feeds.server import ServerThread, TokenBook
from feeds.server.tokens import hash_token


def _write_tokens(path: Path, tokens: dict[str, tuple[str, str]], hashed: bool) -> None:
    data = {(hash_token(t) if hashed else t): {"role": r, "name": n} for t, (r, n) in tokens.items()}
    path.write_text(json.dumps(data), encoding="utf-8")


def test_a_tokens_file_of_hashes_grants_the_plain_tokens(tmp_path: Path) -> None:
    """Keys ``sha256:<hex>`` match their plain token; the book keeps no plain secret; bad hashes are refused."""
    path = tmp_path / "tokens.json"
    _write_tokens(path, TOKENS, hashed=True)
    book = TokenBook.load(path)
    grant = book.check("wall-token")
    assert grant is not None and (grant.role, grant.name) == ("wall", "lobby wall")
    assert book.check("wall-token ") is None and book.check("sha256:" + "0" * 64) is None
    assert all(key.startswith("sha256:") for key in book.to_mapping())
    assert "wall-token" not in path.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="64 hex"):
        TokenBook().add("sha256:abc", "wall")


def test_a_book_read_from_plain_tokens_holds_only_their_digests(tmp_path: Path) -> None:
    """Plain keys are hashed as the file is read: the book's state is 32-byte digests, no token in any form."""
    path = tmp_path / "tokens.json"
    _write_tokens(path, TOKENS, hashed=False)
    book = TokenBook.load(path)
    state = {name: getattr(book, name) for name in vars(book)}
    assert list(state) == ["_grants"]
    assert all(isinstance(k, bytes) and len(k) == 32 for k in book._grants)
    for token in TOKENS:
        assert token not in repr(state)
        assert token not in json.dumps(book.to_mapping())
        assert book.check(token) is not None
    assert book.copy().to_mapping() == book.to_mapping()


def test_a_revoked_token_is_told_why_and_disconnected_without_a_restart(
    tmp_path: Path, start_server: Callable[..., ServerThread]
) -> None:
    """Rewrite the tokens file without the wall's token: the wall gets forbidden/token and 1008; others go on."""
    path = tmp_path / "tokens.json"
    _write_tokens(path, TOKENS, hashed=True)
    server = start_server(tokens=TokenBook.load(path), tokens_path=path, tokens_poll_s=0.05)
    wall, operator = Wire(server.url, "wall-token"), Wire(server.url, "op-token")
    wall.hello()
    operator.hello()
    _write_tokens(path, {t: g for t, g in TOKENS.items() if t != "wall-token"}, hashed=True)
    told = wall.until(lambda m: isinstance(m, Error), timeout=30)[-1]
    assert isinstance(told, Error) and (told.code, told.field) == ("forbidden", "token")
    assert "revoked" in told.message
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            wall.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
    operator.send(Ping(1.0, id="still"))
    assert isinstance(operator.reply("still"), Pong)
    again = Wire(server.url, "wall-token")
    again.send(Hello("wall-token"))
    refused = again.recv()
    assert isinstance(refused, Error) and refused.field == "token"
    operator.close()


def test_an_unreadable_tokens_file_keeps_the_tokens_in_force(
    tmp_path: Path, start_server: Callable[..., ServerThread]
) -> None:
    """A half-written file is logged and ignored: nobody is disconnected."""
    path = tmp_path / "tokens.json"
    _write_tokens(path, TOKENS, hashed=False)
    server = start_server(tokens=TokenBook.load(path), tokens_path=path)
    wall = Wire(server.url, "wall-token")
    wall.hello()
    path.write_text("{half", encoding="utf-8")
    assert server.call(server.server.reload_tokens) == 0
    wall.send(Ping(1.0, id="ok"))
    assert isinstance(wall.reply("ok"), Pong)
    wall.close()


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_wss_with_a_self_signed_certificate(
    tmp_path: Path, start_server: Callable[..., ServerThread], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A certificate made here serves wss://; a client trusting it goes live, one that does not is refused."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(cert, key)
    server = start_server(ssl_context=server_ctx)
    assert server.url.startswith("wss://")
    trusting = ssl.create_default_context(cafile=str(cert))
    with connect(server.url, ssl=trusting, proxy=None, open_timeout=10) as ws:
        ws.send(encode(Hello("wall-token")))
        assert decode(ws.recv(timeout=10), max_bytes=None).TYPE == "welcome"
    client = ClientThread(server.url, "wall-token", ssl_context=trusting).start()
    try:
        status = client.statuses.get(timeout=30)
        while status.state != "live":
            status = client.statuses.get(timeout=30)
    finally:
        client.stop()
    with pytest.raises(ssl.SSLError):
        connect(server.url, ssl=ssl.create_default_context(), proxy=None, open_timeout=10)
    # No context given (the commands: wall, tail, simulate): the system's defaults, which $SSL_CERT_FILE extends;
    # without it the client says why in its status and keeps trying (a status is only set on the retry path;
    # ssl=None once refused wss:// outright)
    for trusted in (True, False):
        if trusted:
            monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        else:
            monkeypatch.delenv("SSL_CERT_FILE")
        default = ClientThread(server.url, "wall-token").start()
        try:
            status = default.statuses.get(timeout=30)
            while status.state != "live" and "certificate verify failed" not in status.detail:
                status = default.statuses.get(timeout=30)
            assert status.state == ("live" if trusted else "connecting"), status
            if not trusted:
                assert "self-signed certificate" in status.detail and "SSL_CERT_FILE" in status.detail
        finally:
            default.stop()
