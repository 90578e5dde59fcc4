"""Fuzz frames: what a hostile or broken client might send, driven by Hypothesis.

Hypothesis draws a batch of ``(seed, kind)`` pairs (cheap to draw and to shrink);
:func:`build` turns each into one frame with a seeded mutator: valid frames with
fields replaced by nasty values, removed or added, truncated frames, any JSON,
any text (lone surrogates included), deep nesting and binary frames. Shared by the
decoder fuzz (tests/protocol) and the live-server fuzz (tests/server).
``GRIDWALL_FUZZ_SCALE`` multiplies the number of inputs (``bench/fuzz.py`` raises it).
"""

from __future__ import annotations

import copy
import json
import os
import random
import time
from typing import Any

from hypothesis import strategies as st

from feeds import protocol as p

SCALE = float(os.environ.get("GRIDWALL_FUZZ_SCALE", "1"))
BATCH = 10
"""Frames per Hypothesis example."""
DOCUMENTED_CODES = frozenset(
    {"bad_json", "too_large", "unknown_type", "bad_version", "bad_field", "forbidden", "not_found", "conflict"}
)
"""Error codes a frame may earn (``internal`` never: that would be a server bug)."""

T0 = float(int(time.time()))
_CASE = p.CaseInfo(
    "FZ0", "event", "1201", "patrol", "110102001004001", 116.37, 39.91, "reported", T0, "D01", "描述", "地址"
)
SAMPLES: list[dict[str, Any]] = [
    m.to_wire()
    for m in (
        p.CaseCreated(_CASE, id="c1"),
        p.CaseStageChanged("FZ0", "filed", deadline=T0 + 600, id="s1"),
        p.CaseClosed("FZ0", id="x1"),
        p.CaseUrged("FZ0", "op", "快", id="u1"),
        p.CaseDifficultChanged("FZ0", True, "op", id="d1"),
        p.CaseNoted("FZ0", "op", "note", id="n1"),
        p.WeatherWarning("w1", "rainstorm", "blue", True, "暴雨", id="w1"),
        p.CrowdFlow("xidan", 10, 100, "normal", id="cr1"),
        p.SensorReading("s1", "rain_gauge", 1.0, "mm", 5.0, False, 116.3, 39.9, id="se1"),
        p.StaffPositions((p.StaffPosition("S1", "110102001004001", 116.3, 39.9),), id="st1"),
        p.Ping(1.0, id="p1"),
        p.Query("head", {}, id="q1"),
        p.Query("case", {"case_id": "FZ0"}, id="q2"),
        p.Action("urge", "FZ0", "text", id="a1"),
        p.Hello("tok", id="h1"),
    )
]
NASTY: list[Any] = [
    None, True, False, 0, -1, 1.0, 0.5, 2**53 + 1, 2**63, -(2**63) - 1, 10**30, 1e308, -1e-308,
    "", " ", "x" * 70, "\ud800", "a\udfffb", "\udc00\ud800", "😀" * 40, "\x00", "\u202e", "<script>alert(1)</script>",
    "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "2026-11-27T09:53:18+08:00", "2026-11-27T09:53:18",
    "2026-02-30T00:00:00+08:00", "110102001004001", "110102999999999", "FZ0", "NaN", "1", "reported", "closed",
    "producer", [], {}, [1, [2, [3]]], {"a": {"b": None}}, ["\ud83d"],
]  # fmt: skip

frame_seeds = st.lists(st.tuples(st.integers(0, 2**32 - 1), st.integers(0, 11)), min_size=BATCH, max_size=BATCH)
"""What Hypothesis draws per example: one ``(seed, kind)`` per frame."""


def _value(rnd: random.Random, depth: int = 0) -> Any:
    roll = rnd.random()
    if roll < 0.6 or depth > 3:
        return copy.deepcopy(rnd.choice(NASTY))  # never share (and so never mutate) a NASTY list or dict
    if roll < 0.7:
        return _text(rnd, rnd.randint(0, 12))
    if roll < 0.75:
        return rnd.uniform(-1e6, 1e6)
    if roll < 0.88:
        return [_value(rnd, depth + 1) for _ in range(rnd.randint(0, 4))]
    return {_text(rnd, rnd.randint(0, 6)): _value(rnd, depth + 1) for _ in range(rnd.randint(0, 4))}


def _text(rnd: random.Random, n: int) -> str:
    ranges = ((0x20, 0x7E), (0x0, 0x1F), (0x4E00, 0x9FFF), (0xD800, 0xDFFF), (0x1F600, 0x1F64F), (0x80, 0x10FFFF))
    out = []
    for _ in range(n):
        lo, hi = rnd.choice(ranges)
        out.append(chr(rnd.randint(lo, hi)))
    return "".join(out)


def _mutated(rnd: random.Random) -> dict[str, Any]:
    frame = json.loads(json.dumps(rnd.choice(SAMPLES), ensure_ascii=False))
    for _ in range(rnd.randint(1, 3)):
        target = frame
        nested = [k for k, val in frame.items() if isinstance(val, dict)]
        if nested and rnd.random() < 0.5:
            target = frame[rnd.choice(nested)]
        roll = rnd.random()
        if roll < 0.15 and target:
            target.pop(rnd.choice(list(target)))
        elif roll < 0.25:
            target[_text(rnd, rnd.randint(0, 8))] = _value(rnd)
        elif target:
            target[rnd.choice(list(target))] = _value(rnd)
    return frame


def build(seed: int, kind: int, *, ascii_only: bool = True) -> str | bytes:
    """One frame (``ascii_only``: lone surrogates as ``\\udxxx`` escapes, as a websocket client must send them)."""
    rnd = random.Random(seed)
    if kind <= 6:
        return json.dumps(_mutated(rnd), ensure_ascii=ascii_only)
    if kind == 7:
        whole = json.dumps(_mutated(rnd), ensure_ascii=ascii_only)
        return whole[: rnd.randint(0, len(whole) - 1)]
    if kind == 8:
        return json.dumps(_value(rnd), ensure_ascii=ascii_only)
    if kind == 9:
        text = _text(rnd, rnd.randint(0, 40))
        return text.encode("utf-8", "replace").decode("utf-8") if ascii_only else text
    if kind == 10:
        return rnd.choice(["[", '{"a":', '{"type":"ping","v":1,"x":[']) * rnd.randint(100, 6000)
    return rnd.randbytes(rnd.randint(0, 64))
