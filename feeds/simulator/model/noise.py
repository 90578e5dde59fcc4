"""Counter-based randomness: the same keys always give the same number, in any process.

The environment models are pure functions of ``(seed, t)``; they draw their
randomness by hashing the seed and what is being asked about (splitmix64), so
there is no hidden state to replay.
"""

from __future__ import annotations

import math
import zlib

import numpy as np
from numpy.typing import NDArray

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


def hash_units(keys: tuple[int | str, ...], *counters: NDArray[np.int64]) -> NDArray[np.float64]:
    """Vectorised :func:`hash_unit`: uniform numbers in [0, 1) for ``(*keys, a, b, ...)`` elementwise.

    ``counters`` are integer arrays broadcast together; the same keys and
    counters always give the same numbers (not the same as :func:`hash_unit`).
    """
    shape = np.broadcast_shapes(*(c.shape for c in counters)) if counters else ()
    x = np.full(shape, 0x9E3779B97F4A7C15, dtype=np.uint64)
    mix: list[NDArray[np.uint64]] = [
        np.asarray(zlib.crc32(k.encode()) if isinstance(k, str) else k & _MASK64, dtype=np.uint64) for k in keys
    ]
    for k in [*mix, *(np.asarray(c, dtype=np.uint64) for c in counters)]:
        x = (x ^ k) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(31))) * np.uint64(0x94D049BB133111EB)
        x = x ^ (x >> np.uint64(29))
    return np.asarray((x >> np.uint64(11)).astype(np.float64) / float(1 << 53))


def hash_normals(keys: tuple[int | str, ...], *counters: NDArray[np.int64]) -> NDArray[np.float64]:
    """Vectorised standard normal numbers (Box-Muller on two :func:`hash_units`)."""
    u1 = np.maximum(hash_units((*keys, 1), *counters), 1e-12)
    u2 = hash_units((*keys, 2), *counters)
    return np.asarray(np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2))
