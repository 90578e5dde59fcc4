"""Property-based fuzz of the live server: every frame gets one documented answer, a healthy wall sees no gap."""

from __future__ import annotations

import json
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from server_helpers import Wire, make_case
from websockets.exceptions import ConnectionClosed

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "protocol"))
from fuzz_frames import BATCH, DOCUMENTED_CODES, SCALE, build, frame_seeds

from feeds.protocol import MAX_CLIENT_FRAME, Ack, CaseCreated, Error, Message, Ping, Pong, Result
from feeds.protocol.vocab import PLAIN_ID
from feeds.server import ServerThread

EXAMPLES = int(450 * SCALE)
"""Examples of ``BATCH`` frames each (4,500 frames at scale 1; with the decoder's 6,000 and the 200 first
frames: 10,700 inputs in CI)."""
FIRST_EXAMPLES = int(20 * SCALE)
"""Examples of ``BATCH`` first frames, each on its own connection (200 at scale 1)."""
REPLIES = (Ack, Error, Pong, Result)


def carried_id(frame: str | bytes) -> str | None:
    """The ``id`` a frame carries by protocol.md's envelope: a JSON text object's ``id`` of the documented form."""
    if isinstance(frame, bytes):
        return None  # text frames only: a binary frame carries nothing
    try:
        data = json.loads(frame)
    except (ValueError, RecursionError):
        return None
    value = data.get("id") if isinstance(data, dict) else None
    return value if isinstance(value, str) and PLAIN_ID.fullmatch(value) else None


class Tally:
    """Frames sent and answers seen by the fuzzing producer."""

    def __init__(self) -> None:
        self.frames = 0
        self.codes: dict[str, int] = {}


@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning")  # websockets' pings (server
# thread) draw from the global random module while examples run; the frames themselves are built from seeds
def test_every_fuzzed_frame_is_answered_and_a_healthy_wall_sees_no_gap(server: ServerThread) -> None:
    """Near-valid and garbage frames from a producer; a wall and a well-behaved producer beside it lose nothing."""
    fuzzer = Wire(server.url, "prod-token")
    fuzzer.hello()
    wall = Wire(server.url, "wall-token")
    wall.hello()
    healthy = Wire(server.url, "prod-token")
    healthy.hello()
    tally = Tally()
    stop = threading.Event()
    healthy_acks: list[int] = []

    def publish() -> None:
        i = 0
        while not stop.is_set():
            healthy.send(CaseCreated(make_case(f"H{i}"), id=f"h{i}"))
            reply = healthy.reply(f"h{i}", timeout=30)
            assert isinstance(reply, Ack) and reply.event_seq is not None
            healthy_acks.append(reply.event_seq)
            i += 1

    publisher = threading.Thread(target=publish, daemon=True)
    publisher.start()

    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(frame_seeds)
    def answer_each(seeds: list[tuple[int, int]]) -> None:
        batch = [build(seed, kind) for seed, kind in seeds]
        for frame in batch:
            fuzzer.ws.send(frame)
        fuzzer.send(Ping(0.0, id="sync"))
        answers: list[Message] = []
        while len(answers) < len(batch) + 1:
            msg = fuzzer.recv(timeout=30)
            if isinstance(msg, REPLIES):
                answers.append(msg)
        assert sum(1 for m in answers if isinstance(m, Pong) and m.id == "sync") >= 1
        expected = Counter(carried_id(frame) for frame in batch) + Counter(["sync"])
        assert Counter(m.id for m in answers) == expected  # each answer names the frame it answers
        for msg in answers:
            if isinstance(msg, Error):
                assert msg.code in DOCUMENTED_CODES, msg
                tally.codes[msg.code] = tally.codes.get(msg.code, 0) + 1
        tally.frames += len(batch)

    try:
        answer_each()
    finally:
        stop.set()
        publisher.join(30)
    fuzzer.send(Ping(0.0, id="last"))
    tail = fuzzer.until(lambda m: isinstance(m, Pong) and m.id == "last")
    assert not [m for m in tail[:-1] if isinstance(m, REPLIES)], "a frame was answered twice"
    head = server.server.store.head()
    wall.until(lambda m: m.seq == head, timeout=30)
    seqs = [m.seq for m in wall.events()]
    assert seqs == list(range(1, head + 1))  # no gap, no duplicate
    assert healthy_acks and set(healthy_acks) <= set(seqs)
    assert tally.frames >= EXAMPLES * BATCH
    assert server.server.stats.errors["internal"] == 0
    print(
        f"server fuzz: {tally.frames} frames, {head} events, "
        f"healthy producer {len(healthy_acks)} acked, errors {tally.codes}"
    )
    for ws in (fuzzer, wall, healthy):
        ws.close()


def test_every_fuzzed_first_frame_gets_an_error_and_close_1008(server: ServerThread) -> None:
    """The same frames as a connection's first frame: an error (echoing a well-formed id), then close 1008.

    A frame above twice the limit before ``hello`` (128 KiB) is closed 1009 by websockets, as documented.
    """
    seen: Counter[str] = Counter()

    @settings(max_examples=FIRST_EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(frame_seeds)
    def first_each(seeds: list[tuple[int, int]]) -> None:
        for seed, kind in seeds:
            frame = build(seed, kind)
            wire = Wire(server.url, "no-token")
            try:
                wire.ws.send(frame)
                size = len(frame) if isinstance(frame, bytes) else len(frame.encode("utf-8"))
                if size > 2 * MAX_CLIENT_FRAME:  # protocol.md: above twice the limit, closed 1009 unanswered
                    with pytest.raises(ConnectionClosed) as big:
                        wire.recv()
                    assert big.value.rcvd is not None and big.value.rcvd.code == 1009, big.value
                    seen["closed 1009"] += 1
                    continue
                reply = wire.recv()
                assert isinstance(reply, Error) and reply.code in DOCUMENTED_CODES, reply
                assert reply.id == carried_id(frame)
                with pytest.raises(ConnectionClosed) as closed:
                    wire.recv()
                assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008, closed.value
                seen[reply.code] += 1
            finally:
                wire.close()

    first_each()
    assert sum(seen.values()) >= FIRST_EXAMPLES * BATCH
    assert server.server.store.head() == 0 and server.server.stats.errors["internal"] == 0
    print(f"first-frame fuzz: {sum(seen.values())} connections, errors {dict(seen)}")
