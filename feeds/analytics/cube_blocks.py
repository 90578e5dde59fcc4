"""Counters of whole blocks of cube rows, kept so that long periods need not be read row by row.

The cube's rows are sorted by ``reported_at``, so a period is a slice of rows. A city's
year is ~5M rows; grouping them for one drill-down took 0.3 s. :class:`BlockCounters`
keeps, for one grouping column (or none), the counters of every complete block of
``rows`` consecutive rows per group, *before* the query-time ``passed`` bit (which
depends on the query's as-of time): the counters of a slice are then the sum of its
whole blocks, the rows of its two ragged ends counted directly, and the ``passed``
correction applied to its open rows only (each block remembers which of its rows are open).

A block is counted on first use and again after any of its rows changed
(:meth:`BlockCounters.touch`, called by the cube on every write); rows appended after
the last complete block are never in a block. A reordering of the rows (a late import)
drops everything (:meth:`BlockCounters.clear`). The sums are exact integers, so the
answers are the same as counting every row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from feeds.analytics import indicators as ind

N_COUNTERS = len(ind.COUNTERS)
_MATRIX = ind.COUNTER_MATRIX


def base_counts(flags: NDArray[Any], dur: NDArray[Any], groups: NDArray[np.intp] | None, ng: int) -> NDArray[np.int64]:
    """Counters per group of some rows, without the ``passed`` bit: shape ``(ng, N_COUNTERS)``."""
    key = flags.astype(np.intp) if groups is None else groups * ind.N_COMBOS | flags
    hist = np.bincount(key, minlength=ng * ind.N_COMBOS).reshape(ng, ind.N_COMBOS)
    used = np.flatnonzero(hist.any(axis=0))
    counts = hist[:, used] @ _MATRIX[used]
    if groups is None:
        counts[:, ind.HANDLE_TIME_SUM] = int(dur.sum(dtype=np.int64))
    else:
        counts[:, ind.HANDLE_TIME_SUM] = np.bincount(groups, weights=dur, minlength=ng).round().astype(np.int64)
    return counts


def passed_delta(flags: NDArray[Any]) -> NDArray[np.int64]:
    """What the ``passed`` bit changes in the counters of open rows whose deadline has passed."""
    f = flags.astype(np.intp)
    delta: NDArray[np.int64] = _MATRIX[f | ind.PASSED] - _MATRIX[f]
    return delta


@dataclass
class BlockCounters:
    """Per-block counters of one grouping column (``column`` None: no grouping).

    Attributes:
        rows: Rows per block.
        ng: Number of group codes when counted (a grown dictionary means counting again).
        counts: ``(blocks, ng, N_COUNTERS)``; valid where ``fresh``.
        open_rows: Per block, the row indices of its open cases.
    """

    column: str | None
    rows: int
    ng: int
    counts: NDArray[np.int64] = field(default_factory=lambda: np.zeros((0, 1, N_COUNTERS), dtype=np.int64))
    fresh: NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))
    open_rows: list[NDArray[np.intp]] = field(default_factory=list)

    def touch(self, row: int) -> None:
        """Row ``row`` changed: its block is counted again when next used."""
        b = row // self.rows
        if b < len(self.fresh):
            self.fresh[b] = False

    def clear(self) -> None:
        """Forget every block (the rows moved)."""
        self.fresh[:] = False

    def span(self, start: int, stop: int, n: int) -> tuple[int, int]:
        """The whole blocks inside rows ``[start, stop)`` of a cube holding ``n`` rows."""
        return -(-start // self.rows), min(stop, n) // self.rows

    def total(self, cols: dict[str, NDArray[Any]], b0: int, b1: int) -> tuple[NDArray[np.int64], NDArray[np.intp]]:
        """Counters of blocks ``[b0, b1)`` summed, and their open rows (blocks counted as needed)."""
        self._grow(b1)
        for b in np.flatnonzero(~self.fresh[b0:b1]) + b0:
            part = slice(int(b) * self.rows, (int(b) + 1) * self.rows)
            flags = cols["flags"][part]
            groups = None if self.column is None else cols[self.column][part].astype(np.intp)
            self.counts[b] = base_counts(flags, cols["dur"][part], groups, self.ng)
            self.open_rows[b] = np.flatnonzero(flags & ind.OPEN) + part.start
            self.fresh[b] = True
        opened = self.open_rows[b0:b1]
        return self.counts[b0:b1].sum(axis=0), (np.concatenate(opened) if opened else np.zeros(0, dtype=np.intp))

    def _grow(self, blocks: int) -> None:
        have = len(self.fresh)
        if blocks <= have:
            return
        size = max(blocks, have + have // 4)
        counts = np.zeros((size, self.ng, N_COUNTERS), dtype=np.int64)
        counts[:have] = self.counts
        self.counts = counts
        self.fresh = np.concatenate([self.fresh, np.zeros(size - have, dtype=bool)])
        self.open_rows += [np.zeros(0, dtype=np.intp)] * (size - have)
