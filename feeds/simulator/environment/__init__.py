"""Environment model: weather warnings, rain and water sensors, crowds, patrols.

Everything here is a pure function of a seed and a time (epoch seconds), so
any process can ask "what was the weather at t?" and get the same answer;
there is no hidden state to replay. This module gathers the public names,
which live in modules of one job each:

* :mod:`~feeds.simulator.environment.weather` - :class:`Weather`: ``weather_at(t)`` active
  warnings (CMA colour levels), ``rain_rate(t)`` in mm/h, ``warnings_between``;
* :mod:`~feeds.simulator.environment.sensors` - :class:`SensorNetwork`: ``readings_at(t)``
  for rain gauges (mm/h) and underpass water levels (cm, alarm at 27 cm);
* :mod:`~feeds.simulator.environment.crowd` - :func:`crowd_at`, :func:`crowd_level_changes`;
* :mod:`~feeds.simulator.environment.patrol` - :class:`PatrolRoster`: ``positions_at(t)``;
* :mod:`~feeds.simulator.environment.boost` - :func:`case_boost`: how warnings shift the case mix.
"""

from __future__ import annotations

from feeds.simulator.environment.boost import case_boost
from feeds.simulator.environment.crowd import (
    CROWD_THRESHOLDS,
    CrowdReading,
    CrowdSpot,
    crowd_at,
    crowd_level,
    crowd_level_changes,
)
from feeds.simulator.environment.patrol import SHIFTS, PatrolRoster, StaffPosition, Supervisor
from feeds.simulator.environment.sensors import SENSORS, Sensor, SensorNetwork, SensorReading
from feeds.simulator.environment.weather import (
    LEVEL_NAMES_ZH,
    LEVELS,
    WARNING_TYPES,
    WarningType,
    Weather,
    WeatherWarning,
)

__all__ = [
    "CROWD_THRESHOLDS",
    "LEVELS",
    "LEVEL_NAMES_ZH",
    "SENSORS",
    "SHIFTS",
    "WARNING_TYPES",
    "CrowdReading",
    "CrowdSpot",
    "PatrolRoster",
    "Sensor",
    "SensorNetwork",
    "SensorReading",
    "StaffPosition",
    "Supervisor",
    "WarningType",
    "Weather",
    "WeatherWarning",
    "case_boost",
    "crowd_at",
    "crowd_level",
    "crowd_level_changes",
]
