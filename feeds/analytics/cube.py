"""CaseCube: every case as compact numpy columns sorted by ``reported_at``, answering counters fast.

A time range is a contiguous slice found by ``np.searchsorted``; the unit and
filters are boolean masks on that slice; grouping is one ``np.bincount`` over
``group * 2048 + bits`` (see :mod:`feeds.analytics.indicators`). Loading,
caching and syncing from the store live in :mod:`feeds.analytics.cube_store`;
live events in :mod:`feeds.analytics.cube_events`.

Thread safety: every public method takes the cube's lock, so the server may
apply events on one thread while queries run on others.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from feeds.analytics import indicators as ind
from feeds.analytics.columns import CATEGORICAL, CUBE_DTYPES, Vocab, new_vocabs
from feeds.analytics.cube_blocks import BlockCounters, base_counts, passed_delta
from feeds.analytics.periods import DAY_S, HOUR_S, UTC_OFFSET_S
from feeds.analytics.reference import Key
from feeds.analytics.selection import Selection

_MAX_BINS = 1 << 21
_BLOCK_MAX_GROUPS = 512
"""Groupings with more codes (communities and grids of a city) are counted row by row."""
_UNIT_COLUMN = {"subdistrict": "sub", "community": "comm", "grid": "grid"}
Index = slice | NDArray[np.intp]


class CaseCube:
    """In-memory columnar copy of the ``cases`` table (see the module docstring).

    Attributes:
        store_id: The store this cube mirrors.
        seq: Highest ``updated_seq`` of the store rows it reflects exactly.
        bulk_generation: The store's count of bulk writes it reflects (bulk rows carry no
            ``updated_seq``; :func:`feeds.store.bulk.bulk_generation`).
        vocabs: Dictionary per categorical column.
        open: Non-final cases: id → [row index, raw record] (records keyed like ``cases`` columns).
    """

    def __init__(self, store_id: str = "") -> None:
        self.store_id = store_id
        self.seq = 0
        self.bulk_generation = 0
        self.n = 0
        self.vocabs: dict[str, Vocab] = new_vocabs()
        self.cols: dict[str, NDArray[Any]] = {k: np.zeros(0, dtype=t) for k, t in CUBE_DTYPES.items()}
        self.open: dict[str, list[Any]] = {}
        self.lock = threading.RLock()
        self._unsorted = False
        self.block_rows = 1 << 16
        """Rows per block of :mod:`~feeds.analytics.cube_blocks` (a slice spanning two or more uses them)."""
        self._blocks: dict[str | None, BlockCounters] = {}

    # -- storage -------------------------------------------------------------

    def __len__(self) -> int:
        return self.n

    def nbytes(self) -> int:
        """Bytes held by the columns (allocated capacity included)."""
        return sum(int(a.nbytes) for a in self.cols.values())

    def column(self, name: str) -> NDArray[Any]:
        """The used part of a column (a view)."""
        return self.cols[name][: self.n]

    def reserve(self, capacity: int) -> None:
        """Make room for ``capacity`` cases without further reallocation."""
        with self.lock:
            if capacity > len(self.cols["rep"]):
                for name, arr in self.cols.items():
                    grown = np.zeros(capacity, dtype=arr.dtype)
                    grown[: self.n] = arr[: self.n]
                    self.cols[name] = grown

    def append(self, rows: dict[str, NDArray[Any]]) -> int:
        """Append encoded rows; returns the index of the first one."""
        with self.lock:
            k = len(rows["rep"])
            first = self.n
            if first + k > len(self.cols["rep"]):
                self.reserve(max(first + k, len(self.cols["rep"]) + max(1 << 16, len(self.cols["rep"]) // 8)))
            if k and first and rows["rep"][0] < self.cols["rep"][first - 1]:
                self._unsorted = True
            for name, arr in self.cols.items():
                arr[first : first + k] = rows[name]
            self.n += k
            if k > 1 and not self._unsorted and np.any(np.diff(rows["rep"]) < 0):
                self._unsorted = True
            return first

    def write(self, row: int, values: dict[str, NDArray[Any]], j: int = 0) -> None:
        """Overwrite row ``row`` with entry ``j`` of encoded ``values``."""
        with self.lock:
            for name, arr in self.cols.items():
                arr[row] = values[name][j]
            for blocks in self._blocks.values():
                blocks.touch(row)

    def set_flags(self, row: int, flags: int) -> None:
        """Overwrite the static indicator bits of row ``row``."""
        with self.lock:
            self.cols["flags"][row] = flags
            for blocks in self._blocks.values():
                blocks.touch(row)

    def find(self, rep: int, idh: int) -> int | None:
        """Row index of the case reported at ``rep`` whose id hashes to ``idh``."""
        with self.lock:
            self.sort()
            r = self.column("rep")
            lo, hi = np.searchsorted(r, [rep, rep + 1])
            hits = np.flatnonzero(self.cols["idh"][lo:hi] == np.uint64(idh))
            return int(lo + hits[0]) if hits.size else None

    def find_by_hash(self, idh: int) -> int | None:
        """Row index of a case by id hash alone (a full scan: for rare events on final cases)."""
        with self.lock:
            hits = np.flatnonzero(self.column("idh") == np.uint64(idh))
            return int(hits[0]) if hits.size else None

    def sort(self) -> None:
        """Restore ``reported_at`` order after out-of-order appends (late imports; call with the lock held)."""
        if not self._unsorted:
            return
        order = np.argsort(self.column("rep"), kind="stable")
        for arr in self.cols.values():
            arr[: self.n] = arr[: self.n][order]  # one column-sized temporary at a time
        where = np.empty(self.n, dtype=np.int64)
        where[order] = np.arange(self.n)
        for entry in self.open.values():
            entry[0] = int(where[entry[0]])
        self._unsorted = False
        for blocks in self._blocks.values():
            blocks.clear()

    # -- selection -------------------------------------------------------------

    def _codes(self, column: str, values: Sequence[str]) -> list[int]:
        if column == "class":
            classes = set(values)
            vocab = self.vocabs["subc"]
            return [i for i, code in enumerate(vocab.values) if code[:2] in classes]
        vocab = self.vocabs[CATEGORICAL[column]]
        return [c for c in (vocab.find(v) for v in values) if c is not None]

    def _rows(self, sel: Selection) -> Index:
        """The rows of a selection: a slice when no mask is needed, else an index array."""
        self.sort()
        i0, i1 = (int(x) for x in np.searchsorted(self.column("rep"), [sel.start, sel.end]))
        mask: NDArray[np.bool_] | None = None

        def narrow(m: NDArray[np.bool_]) -> None:
            nonlocal mask
            mask = m if mask is None else mask & m

        if sel.level in _UNIT_COLUMN:
            col = _UNIT_COLUMN[sel.level]
            code = self.vocabs[col].find(sel.unit)
            if code is None:
                return slice(i0, i0)
            narrow(self.cols[col][i0:i1] == code)
        for name, values in sel.filters.lists().items():
            short = "subc" if name == "class" else CATEGORICAL[name]
            codes = self._codes(name, values)
            part = self.cols[short][i0:i1]
            narrow(part == codes[0] if len(codes) == 1 else np.isin(part, codes))
        flags = self.cols["flags"][i0:i1]
        if sel.filters.difficult is not None:
            narrow(((flags & ind.DIFFICULT) != 0) == sel.filters.difficult)
        if sel.filters.overdue is not None:
            late = ((flags & ind.UNHANDLED) != 0) & (self.cols["hdl"][i0:i1] < sel.as_of)
            narrow(late == sel.filters.overdue)
        if mask is None:
            return slice(i0, i1)
        return np.flatnonzero(mask) + i0

    def _group(self, key: str, idx: Index, sel: Selection) -> tuple[NDArray[np.intp], int, list[Any]]:
        """Codes of ``key`` for the rows, the number of codes, and each code's value."""
        if key == "class":
            subs = self.vocabs["subc"].values
            classes = Vocab(sorted({s[:2] for s in subs}))
            lut = np.array([classes.index[s[:2]] for s in subs] or [0], dtype=np.intp)
            return lut[self.cols["subc"][idx]], len(classes), classes.values
        if key in ("day", "hour"):
            step, shift = (DAY_S, UTC_OFFSET_S) if key == "day" else (HOUR_S, 0)
            first = (sel.start + shift) // step
            last = (sel.end - 1 + shift) // step
            codes = (self.cols["rep"][idx] + shift) // step - first
            return codes.astype(np.intp), int(last - first + 1), list(range(first, last + 1))
        short = CATEGORICAL[key]
        vocab = self.vocabs[short]
        return self.cols[short][idx].astype(np.intp), len(vocab), vocab.values

    # -- queries ---------------------------------------------------------------

    def counters(self, sel: Selection, by: str | None = None) -> dict[str, list[int]]:
        """Counters per group code (``""`` if ungrouped); same contract as the SQL reference.

        The ``passed`` bit only matters together with ``open`` (see
        :data:`~feeds.analytics.indicators.COUNTER_MATRIX`), so it is applied to the few
        open rows only, as a correction of the counters. A long unfiltered period grouped
        by a column of few codes sums per-block counters (:mod:`~feeds.analytics.cube_blocks`).
        """
        with self.lock:
            idx = self._rows(sel)
            blocked = self._blocked_counters(idx, sel, by)
            if blocked is not None:
                return blocked
            g: NDArray[np.intp] | None = None
            ng, names = 1, [""]
            if by is not None:
                g, ng, names = self._group(by, idx, sel)
                if ng * ind.N_COMBOS > _MAX_BINS:
                    present = np.flatnonzero(np.bincount(g, minlength=ng))
                    lut = np.zeros(ng, dtype=np.intp)
                    lut[present] = np.arange(present.size)
                    g, ng, names = lut[g], int(present.size), [names[i] for i in present]
            flags = self.cols["flags"][idx]
            counts = base_counts(flags, self.cols["dur"][idx], g, ng)
            opened = np.flatnonzero(flags & ind.OPEN)
            rows = opened + idx.start if isinstance(idx, slice) else idx[opened]
            self._pass(counts, rows, None if g is None else g[opened], sel.as_of)
            return _as_dict(counts, names, grouped=g is not None)

    def _blocked_counters(self, idx: Index, sel: Selection, by: str | None) -> dict[str, list[int]] | None:
        """:meth:`counters` from per-block counters, or None where they do not apply."""
        if not isinstance(idx, slice) or by in ("class", "day", "hour"):
            return None
        column = None if by is None else CATEGORICAL[by]
        ng = 1 if column is None else len(self.vocabs[column])
        blocks = self._blocks.get(column)
        if blocks is None or blocks.ng != ng or blocks.rows != self.block_rows:
            if ng > _BLOCK_MAX_GROUPS:
                return None
            blocks = self._blocks[column] = BlockCounters(column, self.block_rows, ng)
        i0, i1 = int(idx.start), int(idx.stop)
        b0, b1 = blocks.span(i0, i1, self.n)
        if b1 - b0 < 2:
            return None
        counts, opened = blocks.total(self.cols, b0, b1)
        ends = [opened]
        for part in (slice(i0, b0 * blocks.rows), slice(b1 * blocks.rows, i1)):
            flags = self.cols["flags"][part]
            groups = None if column is None else self.cols[column][part].astype(np.intp)
            counts += base_counts(flags, self.cols["dur"][part], groups, ng)
            ends.append(np.flatnonzero(flags & ind.OPEN) + part.start)
        rows = np.concatenate(ends)
        self._pass(counts, rows, None if column is None else self.cols[column][rows].astype(np.intp), sel.as_of)
        names = [""] if column is None else self.vocabs[column].values
        return _as_dict(counts, names, grouped=column is not None)

    def _pass(
        self, counts: NDArray[np.int64], rows: NDArray[np.intp], groups: NDArray[np.intp] | None, as_of: int
    ) -> None:
        """Apply the ``passed`` bit to the open ``rows`` whose handling deadline is before ``as_of``."""
        late = self.cols["hdl"][rows] < as_of
        if not late.any():
            return
        delta = passed_delta(self.cols["flags"][rows[late]])
        if groups is None:
            counts[0] += delta.sum(axis=0)
        else:
            np.add.at(counts, groups[late], delta)

    def count_by(self, sel: Selection, keys: Sequence[str], only: Collection[Key] | None = None) -> dict[Key, int]:
        """Case counts per combination of ``keys`` (non-zero only); same contract as the SQL reference."""
        with self.lock:
            idx = self._rows(sel)
            if not keys:
                size = self._size(idx)
                return {(): size} if size else {}
            if only is None and isinstance(idx, slice) and keys in (("day",), ("hour",)):
                return self._per_bucket(idx, sel, keys[0])
            combined = np.zeros(1, dtype=np.int64)
            radix = 1
            parts = []
            for key in keys:
                g, ng, names = self._group(key, idx, sel)
                combined = combined * ng + g
                radix *= ng
                parts.append((ng, names))
            if only is not None:
                return self._lookup(combined, radix, parts, only)
            if radix <= _MAX_BINS:
                hist = np.bincount(combined, minlength=radix)
                flat = np.flatnonzero(hist)
                numbers = hist[flat]
            else:
                flat, numbers = np.unique(combined, return_counts=True)
            columns: list[list[Any]] = []
            for ng, names in reversed(parts):
                flat, rest = np.divmod(flat, ng)
                columns.append(np.asarray(names, dtype=object)[rest].tolist())
            return dict(zip(zip(*reversed(columns), strict=True), numbers.tolist(), strict=True))

    def _per_bucket(self, idx: slice, sel: Selection, key: str) -> dict[Key, int]:
        """Cases per day or hour of a slice: the rows are sorted by time, so each bucket's rows are
        found by binary search on its edges instead of reading every row."""
        step, shift = (DAY_S, UTC_OFFSET_S) if key == "day" else (HOUR_S, 0)
        first = (sel.start + shift) // step
        last = (sel.end - 1 + shift) // step
        edges = np.arange(first, last + 2, dtype=np.int64) * step - shift
        numbers = np.diff(np.searchsorted(self.cols["rep"][idx], edges))
        return {(int(first + i),): int(k) for i, k in enumerate(numbers.tolist()) if k}

    @staticmethod
    def _lookup(
        combined: NDArray[np.int64], radix: int, parts: list[tuple[int, list[Any]]], only: Collection[Key]
    ) -> dict[Key, int]:
        """Counts of the wanted key combinations only (no decoding of the others)."""
        positions = [{name: i for i, name in enumerate(names)} for _, names in parts]
        wanted: list[Key] = []
        codes: list[int] = []
        for key in only:
            code = 0
            for (ng, _), pos, value in zip(parts, positions, key, strict=True):
                i = pos.get(value)
                if i is None:
                    break
                code = code * ng + i
            else:
                wanted.append(key)
                codes.append(code)
        if radix <= _MAX_BINS:
            hist = np.bincount(combined, minlength=radix)
            got = hist[np.asarray(codes, dtype=np.intp)].tolist() if codes else []
            return {k: int(n) for k, n in zip(wanted, got, strict=True) if n}
        values, numbers = np.unique(combined, return_counts=True)
        at = np.searchsorted(values, codes)
        at = np.minimum(at, max(values.size - 1, 0))
        hit = values[at] == np.asarray(codes, dtype=np.int64) if values.size else np.zeros(len(codes), dtype=bool)
        return {k: int(numbers[a]) for k, a, h in zip(wanted, at.tolist(), hit.tolist(), strict=True) if h}

    def _size(self, idx: Index) -> int:
        if isinstance(idx, slice):
            return max(0, (idx.stop or 0) - (idx.start or 0))
        return int(idx.size)


def _as_dict(counts: NDArray[np.int64], names: Sequence[Any], *, grouped: bool) -> dict[str, list[int]]:
    """Counters keyed by group name: the groups with cases, or the one total."""
    return {str(names[i]): [int(x) for x in counts[i]] for i in range(len(counts)) if counts[i, 0] or not grouped}
