"""Case generation model: when cases arrive and how each one runs its course.

Pure and deterministic given a seeded :class:`numpy.random.Generator`. This
package gathers the public names of the model, which lives in modules of one
job each:

* :mod:`~feeds.simulator.model.arrivals` - hourly arrival rates, yearly volumes, source mix;
* :mod:`~feeds.simulator.model.lifecycle` - stage durations and outcomes;
* :mod:`~feeds.simulator.model.plans` - :class:`CasePlan`, :class:`CaseBatch`, :class:`StageStep`;
* :mod:`~feeds.simulator.model.batch` - :func:`plan_cases_batch` (vectorised, for history);
* :mod:`~feeds.simulator.model.descriptions` - :func:`describe`;
* :mod:`~feeds.simulator.model.statistics` - :func:`batch_statistics`.

All times are epoch seconds (UTC); Beijing local time is UTC+8.
"""

from __future__ import annotations

from feeds.simulator.model.arrivals import (
    CASES_PER_YEAR,
    arrivals,
    expected_rate,
    source_shares_for_year,
    yearly_volumes,
)
from feeds.simulator.model.batch import plan_cases_batch
from feeds.simulator.model.descriptions import DEFAULT_PLACES, describe
from feeds.simulator.model.lifecycle import (
    DEFAULT_PARAMS,
    MAX_REWORKS,
    MAX_URGES,
    URGE_INTERVAL_S,
    LifecycleParams,
)
from feeds.simulator.model.plans import STAGE_NAMES_ZH, STAGES, CaseBatch, CasePlan, StageStep
from feeds.simulator.model.statistics import TOP5, batch_statistics

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
