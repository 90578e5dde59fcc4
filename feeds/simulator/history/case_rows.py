"""Turn a planned batch, cut at a moment, into ``cases`` and ``case_history`` columns for the store's bulk path.

Columns are built with numpy and converted to Python lists one chunk at a
time (:func:`feeds.store.bulk.bulk_insert_columns` zips them into the
driver's tuples), so no case ever exists as a dict.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import numpy as np
from numpy.typing import NDArray

from feeds.protocol.vocab import SEEDED_ACTOR
from feeds.simulator.environment.patrol import PatrolRoster
from feeds.simulator.history.as_of import HISTORY_ACTIONS, BatchState
from feeds.simulator.model.arrays import F64
from feeds.simulator.model.components import ComponentIndex
from feeds.simulator.model.descriptions import DescriptionTable
from feeds.simulator.model.district import District
from feeds.simulator.model.plans import STAGES, CaseBatch

_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
HISTORY_ACTOR = SEEDED_ACTOR
"""``case_history.actor`` of seeded entries (a documented code the views translate)."""


def _times(values: F64) -> list[int | None]:
    """Epoch seconds as Python ints, ``None`` for NaN."""
    out = np.full(values.size, None, dtype=object)
    known = ~np.isnan(values)
    out[known] = values[known].astype(np.int64)
    result: list[int | None] = out.tolist()
    return result


def _pick(table: NDArray[np.object_], index: NDArray[Any]) -> list[Any]:
    picked: list[Any] = table[index].tolist()
    return picked


class CaseRows:
    """Rows of one batch cut at ``state.at``.

    Args:
        batch: The planned cases (grid indices into ``district.grid_codes``).
        state: The batch as of the seeding end (:func:`~feeds.simulator.history.as_of.batch_as_of`).
        district: Grids, interior points, streets and addresses.
        descriptions: Description templates.
        rng: Draws each case's point and wording.
        components: The component inventory component cases are reported against: such a case
            stands at a component of its subclass in its grid and carries its code (none when
            the grid holds none of that subclass).
        patrol: The roster whose on-shift supervisors report the patrol cases (``reporter``, see
            :meth:`~feeds.simulator.environment.patrol.PatrolRoster.reporters`); none without it.
    """

    def __init__(
        self,
        batch: CaseBatch,
        state: BatchState,
        district: District,
        descriptions: DescriptionTable,
        rng: np.random.Generator,
        components: ComponentIndex | None = None,
        patrol: PatrolRoster | None = None,
    ) -> None:
        tax = batch.taxonomy
        self.batch, self.state, self.district, self.descriptions = batch, state, district, descriptions
        n = len(batch)
        grids = batch.grid.astype(np.int64)
        self._lon, self._lat = district.triangles.sample(grids, rng.random((n, 3)))
        self._component = np.full(n, -1, dtype=np.int64)
        if components is not None:
            is_part = np.array([s.kind == "component" for s in tax.subclasses])[batch.subclass.astype(np.int64)]
            # which component: a fraction from the case's own day and number (the rng's stream stays as it was)
            u = (batch.day[is_part] * 0.41421356 + batch.seq[is_part] * 0.61803399) % 1.0
            self._component[is_part] = components.pick(batch.subclass[is_part].astype(np.int64), grids[is_part], u)
            found = self._component >= 0
            grids = grids.copy()
            grids[found] = components.inventory.grid[self._component[found]]
            self._lon[found] = components.inventory.lon[self._component[found]]
            self._lat[found] = components.inventory.lat[self._component[found]]
        self._components = components
        self._patrol = patrol
        self._grid_index = grids  # a component case stands in its component's grid
        numbers = district.house_numbers(grids, self._lon, self._lat)
        self._house = np.array([f"{k}号" for k in range(int(numbers.max(initial=0)) + 1)], dtype=object)[numbers]
        self._variant = rng.integers(0, descriptions.variants, n)
        self._kind = np.array([s.kind for s in tax.subclasses], dtype=object)
        self._subclass = np.array([s.code for s in tax.subclasses], dtype=object)
        self._department = np.array([s.department for s in tax.subclasses], dtype=object)
        self._source = np.array([s.code for s in tax.sources], dtype=object)
        self._grid = np.array(batch.grid_codes, dtype=object)
        self._community = np.array([g[:12] for g in batch.grid_codes], dtype=object)
        self._subdistrict = np.array([g[:9] for g in batch.grid_codes], dtype=object)
        self._street = np.array(district.streets, dtype=object)
        self._address = np.array(district.addresses, dtype=object)
        self._stage = np.array(STAGES, dtype=object)
        self._action = np.array(HISTORY_ACTIONS, dtype=object)

    def __len__(self) -> int:
        return len(self.batch)

    def ids(self, which: slice | NDArray[np.int64]) -> list[str]:
        """Case numbers of the cases selected by ``which``."""
        days = self.batch.day[which]
        prefix = {int(d): f"XC{dt.date.fromordinal(_EPOCH_ORDINAL + int(d)):%Y%m%d}" for d in np.unique(days)}
        return [f"{prefix[d]}{s:06d}" for d, s in zip(days.tolist(), self.batch.seq[which].tolist(), strict=True)]

    def chunk(self, lo: int, hi: int) -> dict[str, list[Any]]:
        """``cases`` columns of cases ``lo..hi-1`` (column name → one value per case)."""
        b, st, sl = self.batch, self.state, slice(lo, hi)
        sub = b.subclass[sl].astype(np.int64)
        src = b.source[sl].astype(np.int64)
        grid = self._grid_index[sl]
        closed = st.stage[sl] == STAGES.index("closed")
        on_time = np.full(closed.size, None, dtype=object)
        on_time[closed] = st.on_time[sl][closed]
        descriptions = self.descriptions.fill(
            sub.tolist(), src.tolist(), self._variant[sl].tolist(), _pick(self._street, grid)
        )
        return {
            "id": self.ids(sl),
            "kind": _pick(self._kind, sub),
            "subclass": _pick(self._subclass, sub),
            "source": _pick(self._source, src),
            "grid": _pick(self._grid, grid),
            "community": _pick(self._community, grid),
            "subdistrict": _pick(self._subdistrict, grid),
            "department": _pick(self._department, sub),
            "lon": self._lon[sl].tolist(),
            "lat": self._lat[sl].tolist(),
            "address": (self._address[grid] + self._house[sl]).tolist(),
            "description": descriptions,
            "stage": _pick(self._stage, st.stage[sl]),
            "reported_at": b.reported_at[sl].astype(np.int64).tolist(),
            "filed_at": _times(st.filed_at[sl]),
            "dispatched_at": _times(st.dispatched_at[sl]),
            "handled_at": _times(st.handled_at[sl]),
            "closed_at": _times(st.closed_at[sl]),
            "cancelled_at": _times(st.cancelled_at[sl]),
            "deadline_at": _times(st.deadline_at[sl]),
            "handle_deadline_at": _times(st.handle_deadline_at[sl]),
            "on_time": on_time.tolist(),
            "difficult": st.difficult[sl].tolist(),
            "urges": st.urges[sl].tolist(),
            "reworks": st.reworks[sl].tolist(),
            "component": self._components.codes(self._component[sl])
            if self._components is not None
            else [None] * len(sub),
            "reporter": self._reporters(sl, src, grid),
        }

    def _reporters(self, sl: slice, src: NDArray[np.int64], grid: NDArray[np.int64]) -> list[str | None]:
        """Who reported each patrol case of the slice (``None`` for other sources or without a roster)."""
        out: list[str | None] = [None] * len(src)
        if self._patrol is None:
            return out
        patrol = np.flatnonzero(self._source[src] == "patrol")
        if patrol.size:
            at = self.batch.reported_at[sl][patrol].astype(np.int64).astype(float)
            found = self._patrol.reporters(_pick(self._grid, grid[patrol]), at)
            for i, who in zip(patrol.tolist(), found, strict=True):
                out[i] = who
        return out

    def _component_codes(self, sl: slice) -> list[str | None]:
        if self._components is None:
            return [None] * len(range(*sl.indices(len(self))))
        return self._components.codes(self._component[sl])

    def history(self, chunk_rows: int = 50_000) -> Iterator[dict[str, list[Any]]]:
        """``case_history`` columns in chunks: rework passes, urges and difficult registrations, by case."""
        st = self.state
        order = np.lexsort((st.hist_at, st.hist_case))
        for lo in range(0, order.size, chunk_rows):
            rows = order[lo : lo + chunk_rows]
            yield {
                "case_id": self.ids(st.hist_case[rows]),
                "at": st.hist_at[rows].astype(np.int64).tolist(),
                "action": _pick(self._action, st.hist_action[rows]),
                "deadline_at": _times(st.hist_deadline[rows]),
                "actor": [HISTORY_ACTOR] * rows.size,
            }
