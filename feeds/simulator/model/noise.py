"""Counter-based randomness: the same keys always give the same number, in any process.

The environment models are pure functions of ``(seed, t)``; they draw their
randomness by hashing the seed and what is being asked about (splitmix64), so
there is no hidden state to replay.
"""

from __future__ import annotations

import math
import zlib

_MASK64 = (1 << 64) - 1


def hash_unit(*keys: int | str) -> float:
    """Deterministic uniform number in [0, 1) from the given keys (splitmix64)."""
    x = 0x9E3779B97F4A7C15
    for key in keys:
        k = zlib.crc32(key.encode()) if isinstance(key, str) else key
        x = (x ^ (k & _MASK64)) * 0xBF58476D1CE4E5B9 & _MASK64
        x = (x ^ (x >> 31)) * 0x94D049BB133111EB & _MASK64
        x ^= x >> 29
    return (x >> 11) / float(1 << 53)


def hash_normal(*keys: int | str) -> float:
    """Deterministic standard normal number (Box-Muller on two hashes)."""
    u1 = max(hash_unit(*keys, 1), 1e-12)
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * hash_unit(*keys, 2))
