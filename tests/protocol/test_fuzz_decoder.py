"""Property-based fuzz of the Sans-I/O decoder: any input is a message or a documented error."""

from __future__ import annotations

from fuzz_frames import BATCH, DOCUMENTED_CODES, SCALE, build, frame_seeds
from hypothesis import HealthCheck, given, settings

from feeds import protocol as p

EXAMPLES = int(600 * SCALE)
"""Examples of :data:`~fuzz_frames.BATCH` frames each (6,000 inputs at scale 1)."""


def test_decode_answers_every_input() -> None:
    """decode raises nothing but documented ProtocolErrors; what it accepts encodes to UTF-8 and decodes again."""
    seen = {"frames": 0, "accepted": 0}

    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(frame_seeds)
    def decode_each(seeds: list[tuple[int, int]]) -> None:
        for seed, kind in seeds:
            raw = build(seed, kind, ascii_only=kind % 2 == 0)
            seen["frames"] += 1
            try:
                msg = p.decode(raw, max_bytes=p.MAX_PRODUCER_FRAME)
            except p.ProtocolError as exc:
                assert exc.code in DOCUMENTED_CODES
                p.encode(p.error_for(exc, None)).encode("utf-8")  # the error reply can always be sent
                continue
            seen["accepted"] += 1
            frame = p.encode(msg)
            frame.encode("utf-8")
            assert p.decode(frame, max_bytes=None).TYPE == msg.TYPE

    decode_each()
    assert seen["frames"] >= EXAMPLES * BATCH
    assert 0 < seen["accepted"] < seen["frames"]
    print(f"decoder fuzz: {seen['frames']} inputs, {seen['accepted']} accepted")
