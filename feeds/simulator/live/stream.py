"""Live case source: advance a clock, get the plans of the cases reported meanwhile."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

from feeds.simulator.model.arrays import F64, I64
from feeds.simulator.model.arrivals import CASES_PER_YEAR
from feeds.simulator.model.batch import plan_cases_batch
from feeds.simulator.model.calendar import DAY_S, UTC_OFFSET_S
from feeds.simulator.model.lifecycle import DEFAULT_PARAMS, LifecycleParams
from feeds.simulator.model.plans import CasePlan
from feeds.taxonomy import Taxonomy, load_taxonomy


class CaseStream:
    """Live case source: call :meth:`advance` with the clock; get new plans.

    Deterministic for a given seed and sequence of ``advance`` times. Case
    numbers continue from ``last_seq`` (e.g. ``CaseBatch.last_seq_by_day()``
    of the seeded history) so live and history ids never collide.

    Args:
        grid_codes: Unit-grid codes cases may fall in.
        start: Clock start, epoch seconds.
        seed: Seed of the stream's generator.
        grid_weights: Relative weight per grid (hot spots), uniform if None.
        taxonomy: Taxonomy to use; the packaged one if omitted.
        cases_per_year: Long-run yearly volume.
        source_shares: Share per source; present-day if omitted.
        last_seq: Last daily sequence used per local day number.
        place_of: Maps a grid code to a street name for descriptions.
        params: Lifecycle parameters.
        grid_day_factors: Each grid's relative rate per local day (e.g.
            ``District.day_factors``), see ``plan_cases_batch``.
    """

    def __init__(
        self,
        grid_codes: Sequence[str],
        *,
        start: float,
        seed: int = 0,
        grid_weights: ArrayLike | None = None,
        taxonomy: Taxonomy | None = None,
        cases_per_year: float = CASES_PER_YEAR,
        source_shares: Sequence[float] | None = None,
        last_seq: Mapping[int, int] | None = None,
        place_of: Callable[[str], str] | None = None,
        params: LifecycleParams = DEFAULT_PARAMS,
        grid_day_factors: Callable[[I64], F64] | None = None,
    ) -> None:
        self._grids = tuple(grid_codes)
        self._weights = grid_weights
        self._taxonomy = taxonomy or load_taxonomy()
        self._rng = np.random.default_rng(seed)
        self._volume, self._shares, self._params = cases_per_year, source_shares, params
        self._seq: dict[int, int] = dict(last_seq or {})
        self._place_of = place_of
        self._day_factors = grid_day_factors
        self.clock = start

    def advance(self, until: float, boost: Mapping[str, float] | None = None) -> list[CasePlan]:
        """Plan the cases reported in ``[clock, until)`` and move the clock.

        Args:
            until: New clock, epoch seconds; earlier values return nothing.
            boost: Optional multiplier per subclass code for this interval.
        """
        if until <= self.clock:
            return []
        batch = plan_cases_batch(
            self.clock,
            until,
            self._rng,
            self._grids,
            self._weights,
            taxonomy=self._taxonomy,
            cases_per_year=self._volume,
            source_shares=self._shares,
            subclass_boost=boost,
            seq_start=self._seq,
            params=self._params,
            grid_day_factors=self._day_factors,
        )
        self._seq.update(batch.last_seq_by_day())
        today = int((until + UTC_OFFSET_S) // DAY_S)
        self._seq = {d: s for d, s in self._seq.items() if d >= today - 1}
        self.clock = until
        return [
            batch.plan(i, self._place_of(batch.grid_codes[int(batch.grid[i])]) if self._place_of else None)
            for i in range(len(batch))
        ]
