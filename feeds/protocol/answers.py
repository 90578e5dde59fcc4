"""Answers to ``query`` messages in typed form (what the drill-down views read).

The server sends each answer as JSON (``Result.data``); the views never read it
as a dict but through the classes here, built at the ``feeds`` boundary. This
module needs no database or numpy, so the views can import it.
"""

from __future__ import annotations

INDICATORS: tuple[str, ...] = (
    "reported",
    "filed",
    "dispatched",
    "closed",
    "closure_rate",
    "ontime_closure_rate",
    "ontime_handling_rate",
    "overdue_unhandled",
    "rework_rate",
    "mean_handling_h",
)
"""Indicator names (GB/T 30428.4 style, ``docs/indicators.md``), in display order."""
