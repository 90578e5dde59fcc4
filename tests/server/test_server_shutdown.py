"""Graceful shutdown drains: everything committed is acknowledged before the connections close."""

from __future__ import annotations

import signal
from pathlib import Path

from server_helpers import Wire, make_case
from server_process import ServerProcess
from sqlalchemy import select
from websockets.exceptions import ConnectionClosed

from feeds.protocol import Ack, CaseCreated, Error, encode
from feeds.store import open_store
from feeds.store.schema import cases

PIPELINED = 2000


def test_sigterm_acknowledges_every_committed_event(tmp_path: Path) -> None:
    """2,000 pipelined events, SIGTERM after the first ack: the acked ids are exactly the stored ids."""
    server = ServerProcess(tmp_path / "drain.db").start()
    try:
        producer = Wire(server.url, "prod-token")
        producer.hello()
        for i in range(PIPELINED):
            producer.ws.send(encode(CaseCreated(make_case(f"P{i:05d}"), id=f"p{i}")))
        first = producer.until(lambda m: isinstance(m, (Ack, Error)), timeout=30)[-1]
        assert isinstance(first, Ack)
        server.signal(signal.SIGTERM)
        acked = {first.id}
        code = None
        try:
            while True:
                msg = producer.recv(timeout=30)
                assert not isinstance(msg, Error), msg
                if isinstance(msg, Ack):
                    acked.add(msg.id)
        except ConnectionClosed as closed:
            code = closed.rcvd.code if closed.rcvd is not None else None
        assert server.wait() == 0
    finally:
        server.kill()
    assert code == 1001
    store = open_store(str(tmp_path / "drain.db"))
    try:
        with store.engine.connect() as conn:
            stored = {row[0] for row in conn.execute(select(cases.c.id))}
    finally:
        store.close()
    assert {f"P{int(i[1:]):05d}" for i in acked if i} == stored
    assert len(stored) > 0
