"""Drill-down queries, indicators (GB/T 30428.4 style) and early warnings over the case store.

The :class:`QueryService` answers the protocol's ``query`` messages from an
in-memory columnar :class:`CaseCube` (falling back to plain SQL while it
loads). See ``docs/indicators.md`` and ``docs/analytics.md``.
"""

from __future__ import annotations

from feeds.analytics.cube import CaseCube
from feeds.analytics.cube_events import apply_events
from feeds.analytics.cube_store import build, load, open_cube, save, sync
from feeds.analytics.indicators import COUNTERS, INDICATOR_LABELS, derive
from feeds.analytics.periods import Period
from feeds.analytics.reference import IndicatorEngine, SqlIndicators
from feeds.analytics.selection import Filters, Selection
from feeds.analytics.service import QUERY_NAMES, QueryService
from feeds.protocol.answers import INDICATORS

__all__ = [
    "COUNTERS",
    "INDICATORS",
    "INDICATOR_LABELS",
    "QUERY_NAMES",
    "CaseCube",
    "Filters",
    "IndicatorEngine",
    "Period",
    "QueryService",
    "Selection",
    "SqlIndicators",
    "apply_events",
    "build",
    "derive",
    "load",
    "open_cube",
    "save",
    "sync",
]
