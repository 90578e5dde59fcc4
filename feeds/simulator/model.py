"""Case generation model: when cases arrive and how each one runs its course.

Pure and deterministic given a seeded :class:`numpy.random.Generator`. This
module gathers the public names of the model, which lives in modules of one
job each:

* :mod:`~feeds.simulator.arrivals` - hourly arrival rates, yearly volumes, source mix;
* :mod:`~feeds.simulator.lifecycle` - stage durations and outcomes;
* :mod:`~feeds.simulator.plans` - :class:`CasePlan`, :class:`CaseBatch`, :class:`StageStep`;
* :mod:`~feeds.simulator.batch` - :func:`plan_cases_batch` (vectorised, for history);
* :mod:`~feeds.simulator.stream` - :class:`CaseStream` (live);
* :mod:`~feeds.simulator.descriptions` - :func:`describe`;
* :mod:`~feeds.simulator.statistics` - :func:`batch_statistics`.

All times are epoch seconds (UTC); Beijing local time is UTC+8.
"""

from __future__ import annotations

from feeds.simulator.arrivals import (
    CASES_PER_YEAR,
    arrivals,
    expected_rate,
    source_shares_for_year,
    yearly_volumes,
)
from feeds.simulator.batch import plan_cases_batch
from feeds.simulator.descriptions import DEFAULT_PLACES, describe
from feeds.simulator.lifecycle import (
    DEFAULT_PARAMS,
    MAX_REWORKS,
    MAX_URGES,
    URGE_INTERVAL_S,
    LifecycleParams,
)
from feeds.simulator.plans import STAGE_NAMES_ZH, STAGES, CaseBatch, CasePlan, StageStep
from feeds.simulator.statistics import TOP5, batch_statistics
from feeds.simulator.stream import CaseStream

__all__ = [
    "CASES_PER_YEAR",
    "DEFAULT_PARAMS",
    "DEFAULT_PLACES",
    "MAX_REWORKS",
    "MAX_URGES",
    "STAGES",
    "STAGE_NAMES_ZH",
    "TOP5",
    "URGE_INTERVAL_S",
    "CaseBatch",
    "CasePlan",
    "CaseStream",
    "LifecycleParams",
    "StageStep",
    "arrivals",
    "batch_statistics",
    "describe",
    "expected_rate",
    "plan_cases_batch",
    "source_shares_for_year",
    "yearly_volumes",
]
