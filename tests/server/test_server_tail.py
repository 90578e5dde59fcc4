"""``gridwall tail``: readable lines per event, a snapshot summary, one clear line when unreachable."""

from __future__ import annotations

import asyncio
import contextlib
import io
import socket

from server_helpers import Wire, make_case
from waiting import WAIT_S

from feeds.client import backoff
from feeds.protocol import CaseCreated, CaseNoted, CaseStageChanged
from feeds.server import ServerThread
from feeds.tail import clean, tail


def test_tail_prints_snapshot_summary_and_one_line_per_event(server: ServerThread) -> None:
    """Snapshot summary, then seq/type/case/name lines; citizen text is escaped."""
    producer = Wire(server.url, "prod-token")
    producer.hello()
    producer.send(CaseCreated(make_case("T1"), id="a"))
    producer.reply("a")
    out, err = io.StringIO(), io.StringIO()

    async def scenario() -> int:
        task = asyncio.create_task(tail(server.url, "wall-token", out=out, err=err, stop_after=2))
        while "caught up" not in out.getvalue():
            await asyncio.sleep(0.02)
        await asyncio.to_thread(producer.send, CaseStageChanged("T1", "filed", id="b"))
        await asyncio.to_thread(producer.send, CaseNoted("T1", "sim", "bad\x1b[31mred\nline", id="c"))
        return await asyncio.wait_for(task, WAIT_S)

    assert asyncio.run(scenario()) == 2
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("snapshot at seq 1: 1 cases (1 open)")
    assert lines[1] == "caught up at seq 1; live"
    assert "#2" in lines[2] and "case.stage" in lines[2] and "T1" in lines[2] and "→ filed" in lines[2]
    assert "#3" in lines[3] and "note by sim" in lines[3] and "\\x1b[31mred\\x0aline" in lines[3]
    assert "\x1b" not in out.getvalue()
    assert err.getvalue() == ""
    producer.close()


def test_tail_names_case_type_and_subdistrict(server: ServerThread) -> None:
    """A created case shows its subclass and subdistrict in Chinese."""
    out = io.StringIO()

    async def scenario() -> int:
        task = asyncio.create_task(tail(server.url, "wall-token", out=out, err=io.StringIO(), stop_after=1))
        while "caught up" not in out.getvalue():
            await asyncio.sleep(0.02)
        producer = await asyncio.to_thread(Wire, server.url, "prod-token")
        await asyncio.to_thread(producer.hello)
        await asyncio.to_thread(producer.send, CaseCreated(make_case("T9")))
        printed = await asyncio.wait_for(task, WAIT_S)
        await asyncio.to_thread(producer.close)
        return printed

    assert asyncio.run(scenario()) == 1
    line = out.getvalue().splitlines()[-1]
    assert "case.created" in line and "T9" in line and "非法小广告" in line and "西长安街街道" in line


def test_unreachable_server_gives_one_clear_line_and_keeps_retrying() -> None:
    """Connection refused: a single '-- connecting · cannot reach ...' line on stderr, no traceback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    out, err = io.StringIO(), io.StringIO()

    async def scenario() -> None:
        run = asyncio.ensure_future(
            tail(f"ws://127.0.0.1:{port}", "t", out=out, err=err, reconnect_delays=backoff(0.05, 0.1))
        )
        for _ in range(int(WAIT_S / 0.05)):  # until the first line, however slow the machine
            if err.getvalue() or run.done():
                break
            await asyncio.sleep(0.05)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(run, 1.0)  # a second of retries (0.05-0.1 s apart) that must print nothing

    asyncio.run(scenario())
    lines = err.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("-- connecting · cannot reach ws://127.0.0.1:")
    assert "Traceback" not in err.getvalue() and out.getvalue() == ""


def test_wss_to_a_plain_server_says_the_tls_handshake_failed(server: ServerThread) -> None:
    """wss:// against a plain ws:// server gives a reason and a hint; it said 'cannot reach wss://…:' and nothing."""
    url = server.url.replace("ws://", "wss://", 1)
    out, err = io.StringIO(), io.StringIO()

    async def scenario() -> None:
        run = asyncio.ensure_future(tail(url, "wall-token", out=out, err=err, reconnect_delays=backoff(0.05, 0.1)))
        for _ in range(int(WAIT_S / 0.05)):  # until the first line, however slow the machine
            if err.getvalue() or run.done():
                break
            await asyncio.sleep(0.05)
        run.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await run

    asyncio.run(scenario())
    assert err.getvalue().splitlines() == [
        f"-- connecting · cannot reach {url}: TLS handshake failed (the connection was reset): is the server plain ws://?"
    ]


def test_clean_escapes_controls_and_caps_length() -> None:
    """Terminal escapes and newlines are shown as \\x.., long text is cut with an ellipsis."""
    assert clean("a\x1bb\nc") == "a\\x1bb\\x0ac"
    assert clean("长" * 100, 10) == "长" * 9 + "…"
