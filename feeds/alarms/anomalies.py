"""Early-warning anomalies (预警: unusual rises today) as alarms.

The early-warning analytics (:func:`feeds.analytics.early_warning.find_anomalies`) finds
(unit, subclass) pairs far above their same-weekday baseline today. The server hands the
engine an :data:`AnomalySource` that runs it; the engine asks at most every
``AlarmConfig.anomaly_every_s`` and keeps one alarm per standing anomaly. This module only
turns the analytics' rows into alarm conditions: no store, no analytics import.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from feeds.alarms.config import AlarmConfig
from feeds.protocol import AlarmInfo

AnomalySource = Callable[[Any, float, AlarmConfig], Sequence[Mapping[str, Any]] | None]
"""``(store, now, config)`` → today's anomalies as the ``warnings`` query's rows (``unit.code``,
``subclass.code``, ``observed``, ``baseline``, ``p_value``), or ``None`` when they cannot be
evaluated now (the analytics is still loading): the engine then keeps the anomaly alarms it has."""


@dataclass(frozen=True)
class Anomaly:
    """One standing anomaly: ``observed`` cases of ``subclass`` in ``unit`` today, ``baseline`` expected."""

    unit: str
    subclass: str
    observed: int
    baseline: float
    p_value: float

    @property
    def source(self) -> str:
        """The alarm's source: ``<unit code>.<subclass code>``."""
        return f"{self.unit}.{self.subclass}"

    def level(self, config: AlarmConfig) -> str:
        """``severe`` when the Poisson tail is at most ``anomaly_severe_alpha``, else ``elevated``."""
        return "severe" if self.p_value <= config.anomaly_severe_alpha else "elevated"

    def alarm(self, config: AlarmConfig, now: float) -> AlarmInfo | None:
        """The alarm this anomaly calls for (``None``: its level raises none)."""
        level = self.level(config)
        priority = config.priority_of("anomaly", level)
        if priority is None:
            return None
        text = f"今日{self.observed}起，基线{self.baseline:.1f} · {self.observed} today, baseline {self.baseline:.1f}"
        return AlarmInfo(
            f"anomaly:{self.source}:{int(now)}", "anomaly", self.source, priority, now,
            level=level, subclass=self.subclass, text=text,
        )  # fmt: skip


def anomalies_from_rows(rows: Sequence[Mapping[str, Any]]) -> list[Anomaly]:
    """The analytics' anomaly rows as :class:`Anomaly` records (rows it cannot read are skipped)."""
    out = []
    for row in rows:
        unit, sub = row.get("unit"), row.get("subclass")
        if not isinstance(unit, Mapping) or not isinstance(sub, Mapping):
            continue
        out.append(
            Anomaly(
                str(unit.get("code", "")),
                str(sub.get("code", "")),
                int(row.get("observed", 0)),
                float(row.get("baseline", 0.0)),
                float(row.get("p_value", 1.0)),
            )
        )
    return [a for a in out if a.unit and a.subclass]
