"""Fan-out: a client that stops reading is disconnected; the others keep getting every event."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable, Iterator

from server_helpers import Wire, make_case
from waiting import WAIT_S, wait_until
from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.uri import parse_uri

from feeds.protocol import Ack, CaseCreated, Hello, encode
from feeds.server import ServerThread


@contextlib.contextmanager
def stalled_client(url: str, token: str) -> Iterator[tuple[socket.socket, ClientProtocol]]:
    """A client with a tiny receive buffer that says hello and then never reads (Sans-I/O handshake)."""
    uri = parse_uri(url)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(5)
    sock.connect((uri.host, uri.port))
    protocol = ClientProtocol(uri)
    protocol.send_request(protocol.connect())
    while True:
        for data in protocol.data_to_send():
            sock.sendall(data)
        if protocol.events_received():  # the handshake response
            break
        protocol.receive_data(sock.recv(4096))
    protocol.send_text(encode(Hello(token)).encode())
    for data in protocol.data_to_send():
        sock.sendall(data)
    try:
        yield sock, protocol
    finally:
        sock.close()


def _shrink_server_side(server: ServerThread, client: socket.socket) -> None:
    """Give the server's end of ``client``'s connection a tiny send buffer, so it backs up after a few kB."""
    port = client.getsockname()[1]

    def subscriber() -> object:
        return next((s for s in list(server.server.hub.fanout._subscribers) if s.ws.remote_address[1] == port), None)

    assert wait_until(subscriber), "stalled client never subscribed"
    sub = subscriber()
    sub.ws.transport.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)  # type: ignore[attr-defined]


def _wait_kicked(server: ServerThread, timeout: float = WAIT_S) -> int:
    wait_until(lambda: server.server.hub.fanout.kicked > 0, timeout)
    return server.server.hub.fanout.kicked


def test_slow_client_is_dropped_and_does_not_stall_a_fast_one(start_server: Callable[..., ServerThread]) -> None:
    """Every event reaches the fast wall promptly while the stalled one overflows and is kicked."""
    server = start_server(client_queue=40, max_batch=8)
    fast = Wire(server.url, "wall-token")
    fast.hello()
    producer = Wire(server.url, "prod-token")
    producer.hello()
    total = 400
    with stalled_client(server.url, "wall-token") as (slow, _):
        _shrink_server_side(server, slow)
        for i in range(total):
            producer.send(CaseCreated(make_case(f"F{i}", description="x" * 500), id=f"f{i}"))
        got = fast.until(lambda m: m.seq == total)
        assert [m.seq for m in got if m.seq is not None] == list(range(1, total + 1))
        assert _wait_kicked(server) == 1
        assert len(server.server.hub.fanout) == 2  # the fast wall and the producer
    assert isinstance(producer.reply(f"f{total - 1}"), Ack)
    fast.close()
    producer.close()


def test_kicked_client_is_told_why(start_server: Callable[..., ServerThread]) -> None:
    """A client whose queue overflows is closed with code 1013 after an error frame saying why."""
    server = start_server(client_queue=40, max_batch=8)
    producer = Wire(server.url, "prod-token")
    producer.hello()
    with stalled_client(server.url, "wall-token") as (slow, reader):
        _shrink_server_side(server, slow)
        for i in range(300):
            producer.send(CaseCreated(make_case(f"K{i}", description="x" * 500), id=f"k{i}"))
        assert _wait_kicked(server) == 1
        frames: list[Frame] = []
        with contextlib.suppress(OSError):
            while not any(f.opcode == Opcode.CLOSE for f in frames) and (chunk := slow.recv(65536)):
                reader.receive_data(chunk)
                frames += [e for e in reader.events_received() if isinstance(e, Frame)]
        texts = [bytes(f.data).decode() for f in frames if f.opcode == Opcode.TEXT]
        close = [f for f in frames if f.opcode == Opcode.CLOSE]
    assert '"code":"too_slow"' in texts[-1]
    assert close and int.from_bytes(close[0].data[:2], "big") == 1013
    producer.close()


def test_frame_built_once_is_what_websockets_would_send() -> None:
    """The broadcast's shared wire frame equals websockets' own server frame at every length encoding."""
    from feeds.server.fanout import text_frame

    for size in (0, 1, 125, 126, 127, 65_535, 65_536, 70_000):
        payload = ("界" * size).encode()[:size]
        expected = Frame(Opcode.TEXT, payload).serialize(mask=False, extensions=[])
        assert text_frame(payload) == expected, size
