"""The producer side of history seeding: plan each year, cut it at the end time, hand out row chunks.

:func:`history_chunks` yields, for each yearly window oldest first, the
window's ``cases`` columns in chunks and then one :class:`WindowDone` with its
``case_history`` columns and counts; chunks are built only when the store asks
for the next one, so memory stays bounded by one planned year.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from feeds.simulator.environment.boost import boost_spans
from feeds.simulator.environment.patrol import ROSTER_SIZE, PatrolRoster
from feeds.simulator.environment.weather import Weather
from feeds.simulator.history.as_of import STAGE_CODE, batch_as_of
from feeds.simulator.history.case_rows import CaseRows
from feeds.simulator.model.arrivals import YEAR_S, history_windows, source_shares_for_year
from feeds.simulator.model.batch import plan_cases_batch
from feeds.simulator.model.calendar import local_date
from feeds.simulator.model.components import component_index
from feeds.simulator.model.descriptions import DescriptionTable
from feeds.simulator.model.district import District
from feeds.taxonomy import load_taxonomy

Chunk = dict[str, list[Any]]
"""A chunk of rows as columns (column name → one value per row)."""


@dataclass
class WindowDone:
    """End of one window: its history rows and what it held.

    Attributes:
        history: ``case_history`` columns of the window's cases, in chunks.
        cases: Cases in the window.
        closed: Of which closed at the end time.
        cancelled: Of which cancelled.
        planning_s: Seconds spent planning and cutting the window.
        last_seq: Highest daily sequence per local day so far.
    """

    history: list[Chunk]
    cases: int
    closed: int
    cancelled: int
    planning_s: float
    last_seq: dict[int, int] = field(default_factory=dict)


def expected_cases(start: float, end: float) -> int:
    """Cases the history of ``[start, end)`` is expected to hold."""
    return int(sum((v0 + v1) / 2 * (hi - lo) / YEAR_S for lo, hi, v0, v1 in history_windows(start, end)))


def history_chunks(
    start: float, end: float, seed: int, district: District, chunk_rows: int
) -> Iterator[Chunk | WindowDone]:
    """Plan ``[start, end)`` year by year; yield column chunks, then a :class:`WindowDone` per year.

    The yearly volume ramps smoothly across windows, each grid's daily share
    varies (``district.day_factors``) and the weather warnings of ``Weather(seed)``
    shift the case mix while in force (积水 peaks in rainstorms).
    """
    rng = np.random.default_rng(seed)
    weather = Weather(seed)
    taxonomy = load_taxonomy()
    descriptions = DescriptionTable(taxonomy.subclasses, [s.code for s in taxonomy.sources], seed=seed)
    last_seq: dict[int, int] = {}
    components = component_index(district, taxonomy)
    patrol = PatrolRoster(district.grid_codes, district.point, ROSTER_SIZE)  # beats and shifts of the live roster
    for lo, hi, volume, volume_end in history_windows(start, end):
        t0 = time.perf_counter()
        batch = plan_cases_batch(
            lo,
            hi,
            rng,
            district.grid_codes,
            district.weights,
            taxonomy=taxonomy,
            cases_per_year=volume,
            source_shares=list(source_shares_for_year(local_date((lo + hi) / 2).year, taxonomy)),
            seq_start=last_seq,
            cases_per_year_end=volume_end,
            grid_day_factors=district.day_factors,
            boost_spans=boost_spans(weather, lo, hi, taxonomy),
        )
        state = batch_as_of(batch, end)
        rows = CaseRows(batch, state, district, descriptions, rng, components, patrol)
        planning = time.perf_counter() - t0
        for i in range(0, len(rows), chunk_rows):
            yield rows.chunk(i, min(i + chunk_rows, len(rows)))
        last_seq.update(batch.last_seq_by_day())
        yield WindowDone(
            history=list(rows.history(chunk_rows)),
            cases=len(batch),
            closed=int((state.stage == STAGE_CODE["closed"]).sum()),
            cancelled=int((state.stage == STAGE_CODE["cancelled"]).sum()),
            planning_s=planning,
            last_seq=dict(last_seq),
        )
