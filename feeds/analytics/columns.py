"""Columnar encoding of ``cases`` rows for the cube: dictionaries, id hashes, bit flags.

Raw rows arrive as columns of Python values (``None`` for SQL NULL) named
like the ``cases`` table (:data:`RAW_COLUMNS`); :func:`encode` turns them into
the cube's compact numpy columns (:data:`CUBE_DTYPES`) in one vectorised pass.
The same function serves the initial build, the incremental sync and live
events, so all three agree by construction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from feeds.analytics import indicators as ind
from feeds.protocol import STAGES

NO_DEADLINE = np.iinfo(np.int64).max
"""``hdl`` value of a case without a handling deadline (never "passed")."""

CATEGORICAL: dict[str, str] = {
    "subdistrict": "sub",
    "community": "comm",
    "grid": "grid",
    "department": "dept",
    "subclass": "subc",
    "source": "src",
    "kind": "kind",
    "stage": "stage",
}
"""``cases`` column → cube column holding its dictionary code."""

CUBE_DTYPES: dict[str, type[np.generic]] = {
    "rep": np.int64,  # reported_at, the sort key
    "hdl": np.int64,  # handle_deadline_at (NO_DEADLINE if NULL)
    "flags": np.uint16,  # static indicator bits (feeds.analytics.indicators)
    "dur": np.int32,  # handled_at - dispatched_at in seconds when both are set, else 0
    "idh": np.uint64,  # 64-bit hash of the case id (locates a row for updates)
    "sub": np.uint16,
    "comm": np.uint16,
    "grid": np.uint16,
    "dept": np.uint16,
    "subc": np.uint16,
    "src": np.uint8,
    "kind": np.uint8,
    "stage": np.uint8,
}
"""The cube's columns and their types (41 bytes a case)."""

RAW_COLUMNS: tuple[str, ...] = (
    "id",
    "reported_at",
    "handle_deadline_at",
    "filed_at",
    "dispatched_at",
    "handled_at",
    "closed_at",
    "stage",
    "reworks",
    "difficult",
    "subdistrict",
    "community",
    "grid",
    "department",
    "subclass",
    "source",
    "kind",
)
"""The ``cases`` columns the cube is built from."""

_OPEN_STAGES = frozenset(STAGES) - {"closed", "cancelled"}
_UNHANDLED = frozenset({"reported", "filed", "dispatched", "handling"})


class Vocab:
    """A growing dictionary of string values ↔ small integer codes."""

    def __init__(self, values: Iterable[str] = ()) -> None:
        self.values: list[str] = []
        self.index: dict[str, int] = {}
        for v in values:
            self.code(v)

    def __len__(self) -> int:
        return len(self.values)

    def code(self, value: str) -> int:
        """The code of ``value``, adding it if new."""
        found = self.index.get(value)
        if found is None:
            found = self.index[value] = len(self.values)
            self.values.append(value)
        return found

    def find(self, value: str) -> int | None:
        """The code of ``value`` or ``None`` if never seen."""
        return self.index.get(value)

    def codes(self, values: Sequence[str], dtype: type[np.generic]) -> NDArray[Any]:
        """Encode many values (adding new ones)."""
        for v in set(values) - self.index.keys():
            self.code(v)
        return np.fromiter(map(self.index.__getitem__, values), dtype=dtype, count=len(values))


def new_vocabs() -> dict[str, Vocab]:
    """Empty dictionaries for every categorical column (stages pre-seeded in workflow order)."""
    vocabs = {col: Vocab() for col in CATEGORICAL.values()}
    vocabs["stage"] = Vocab(STAGES)
    return vocabs


def id_hash(ids: Sequence[str]) -> NDArray[np.uint64]:
    """Stable 64-bit hashes of case ids (ids are ASCII, at most 40 characters)."""
    raw = np.array(ids, dtype="S40").view(np.uint64).reshape(-1, 5)
    h = np.full(len(ids), 0xCBF29CE484222325, dtype=np.uint64)
    for k in range(5):
        h ^= raw[:, k]
        h *= np.uint64(0x100000001B3)
        h ^= h >> np.uint64(29)
    return h


def _times(values: Sequence[Any]) -> NDArray[np.int64]:
    """Epoch seconds with ``-1`` for NULL."""
    a = np.array(values, dtype=np.float64)
    return np.where(np.isnan(a), -1, a).astype(np.int64)


def encode(raw: Mapping[str, Sequence[Any]], vocabs: dict[str, Vocab]) -> dict[str, NDArray[Any]]:
    """Encode raw ``cases`` columns into cube columns (see the module docstring).

    Args:
        raw: Column name (:data:`RAW_COLUMNS`) → values, all of the same length.
        vocabs: The cube's dictionaries (extended with new values).
    """
    rep = _times(raw["reported_at"])
    hdl_raw = _times(raw["handle_deadline_at"])
    filed = _times(raw["filed_at"]) >= 0
    disp_t = _times(raw["dispatched_at"])
    hand_t = _times(raw["handled_at"])
    closed_t = _times(raw["closed_at"])
    disp, handled, closed, has_dl = disp_t >= 0, hand_t >= 0, closed_t >= 0, hdl_raw >= 0
    stage = vocabs["stage"].codes(raw["stage"], np.uint8)
    open_lut = np.array([v in _OPEN_STAGES for v in vocabs["stage"].values], dtype=np.uint16)
    unhandled_lut = np.array([v in _UNHANDLED for v in vocabs["stage"].values], dtype=np.uint16)
    reworks = np.array(raw["reworks"], dtype=np.int64)
    difficult = np.array([bool(x) for x in raw["difficult"]], dtype=bool)
    flags = (
        filed * np.uint16(ind.FILED)
        | disp * np.uint16(ind.DISPATCHED)
        | closed * np.uint16(ind.CLOSED)
        | open_lut[stage] * np.uint16(ind.OPEN)
        | unhandled_lut[stage] * np.uint16(ind.UNHANDLED)
        | (closed & handled & has_dl & (hand_t <= hdl_raw)) * np.uint16(ind.CLOSED_IN_TIME)
        | handled * np.uint16(ind.HANDLED)
        | (handled & has_dl & (hand_t <= hdl_raw)) * np.uint16(ind.HANDLED_IN_TIME)
        | (reworks > 0) * np.uint16(ind.REWORKED)
        | difficult * np.uint16(ind.DIFFICULT)
    ).astype(np.uint16)
    out: dict[str, NDArray[Any]] = {
        "rep": rep,
        "hdl": np.where(has_dl, hdl_raw, NO_DEADLINE),
        "flags": flags,
        "dur": np.where(disp & handled, hand_t - disp_t, 0).astype(np.int32),
        "idh": id_hash(raw["id"]),
        "stage": stage,
    }
    for column, short in CATEGORICAL.items():
        if short != "stage":
            out[short] = vocabs[short].codes(raw[column], CUBE_DTYPES[short])
    return out


SCAN_COLUMNS: tuple[str, ...] = (
    "id",
    "reported_at",
    "handle_deadline_at",
    "flags",
    "dur",
    "stage",
    "units_fix",
    "grid",
    "department",
    "subclass",
    "source",
    "kind",
)
"""What the fast build reads per case: bits and handling seconds come computed by SQL
(:func:`feeds.analytics.reference.static_bits`), and ``units_fix`` is NULL unless the
row's community/subdistrict are not the grid code's prefixes (then ``"community,subdistrict"``)."""


def encode_scanned(raw: Mapping[str, Sequence[Any]], vocabs: dict[str, Vocab]) -> dict[str, NDArray[Any]]:
    """Encode columns read by the fast build (:data:`SCAN_COLUMNS`) into cube columns."""
    hdl_f = np.array(raw["handle_deadline_at"], dtype=np.float64)
    hdl = np.nan_to_num(hdl_f).astype(np.int64)
    hdl[np.isnan(hdl_f)] = NO_DEADLINE
    grid = vocabs["grid"].codes(raw["grid"], CUBE_DTYPES["grid"])
    names = vocabs["grid"].values
    comm_lut = np.array([vocabs["comm"].code(g[:12]) for g in names], dtype=CUBE_DTYPES["comm"])
    sub_lut = np.array([vocabs["sub"].code(g[:9]) for g in names], dtype=CUBE_DTYPES["sub"])
    out: dict[str, NDArray[Any]] = {
        "rep": np.array(raw["reported_at"], dtype=np.int64),
        "hdl": hdl,
        "flags": np.array(raw["flags"], dtype=np.uint16),
        "dur": np.array(raw["dur"], dtype=np.int32),
        "idh": id_hash(raw["id"]),
        "stage": vocabs["stage"].codes(raw["stage"], np.uint8),
        "grid": grid,
        "comm": comm_lut[grid],
        "sub": sub_lut[grid],
    }
    for i, fix in enumerate(raw["units_fix"]):
        if fix is not None:
            community, subdistrict = str(fix).split(",", 1)
            out["comm"][i] = vocabs["comm"].code(community)
            out["sub"][i] = vocabs["sub"].code(subdistrict)
    for column, short in (("department", "dept"), ("subclass", "subc"), ("source", "src"), ("kind", "kind")):
        out[short] = vocabs[short].codes(raw[column], CUBE_DTYPES[short])
    return out


def records_to_columns(records: Sequence[dict[str, Any]]) -> dict[str, list[Any]]:
    """Transpose row dicts (keys :data:`RAW_COLUMNS`) into columns."""
    return {name: [r[name] for r in records] for name in RAW_COLUMNS}
