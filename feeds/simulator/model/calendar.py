"""Beijing local time, public holidays and the rhythms of case reporting.

All timestamps in the simulator are epoch seconds (UTC). Beijing time is
UTC+8 all year (no daylight saving), so local hours align with UTC hours and
a local day is ``floor((t + 8 h) / 1 day)`` ("local day number", days since
1970-01-01 local).

The reporting rhythm is a product of per-source profiles: an hourly profile
(supervisors patrol 07:00-19:00; hotlines follow waking hours; referrals
follow office hours), a weekday profile, a public-holiday factor and a
district-wide monthly factor. Each profile has mean 1, so a source's
long-run rate is ``cases_per_year * share``.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import numpy as np
from numpy.typing import NDArray

UTC_OFFSET_S = 8 * 3600
"""Asia/Shanghai offset from UTC in seconds (no daylight saving)."""
DAY_S = 86_400
HOUR_S = 3_600
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()

SPRING_FESTIVAL = {
    2010: (2, 14), 2011: (2, 3), 2012: (1, 23), 2013: (2, 10), 2014: (1, 31),
    2015: (2, 19), 2016: (2, 8), 2017: (1, 28), 2018: (2, 16), 2019: (2, 5),
    2020: (1, 25), 2021: (2, 12), 2022: (2, 1), 2023: (1, 22), 2024: (2, 10),
    2025: (1, 29), 2026: (2, 17), 2027: (2, 6), 2028: (1, 26), 2029: (2, 13),
    2030: (2, 3),
}  # fmt: skip
"""Lunar New Year's day (month, day) per year."""


def _mean_one(values: list[float]) -> NDArray[np.float64]:
    arr = np.asarray(values, dtype=np.float64)
    return np.asarray(arr / arr.mean(), dtype=np.float64)


# Hourly profiles, local hour 0..23, normalised to mean 1.
PATROL_HOURLY = _mean_one([
    0.12, 0.08, 0.06, 0.05, 0.06, 0.15, 0.6, 1.7, 2.3, 2.4, 2.3, 2.0,
    1.3, 1.5, 2.1, 2.2, 2.0, 1.6, 1.0, 0.55, 0.45, 0.35, 0.25, 0.18,
])  # fmt: skip
CITIZEN_HOURLY = _mean_one([
    0.3, 0.2, 0.15, 0.1, 0.1, 0.15, 0.4, 0.9, 1.5, 1.8, 1.7, 1.5,
    1.2, 1.3, 1.5, 1.5, 1.4, 1.3, 1.3, 1.4, 1.4, 1.2, 0.9, 0.6,
])  # fmt: skip
OFFICE_HOURLY = _mean_one([
    0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.05, 0.3, 1.8, 2.6, 2.6, 2.3,
    1.2, 1.8, 2.6, 2.6, 2.3, 1.5, 0.4, 0.1, 0.1, 0.05, 0.02, 0.02,
])  # fmt: skip
FLAT_HOURLY = np.ones(24)

# Weekday profiles, Monday first, mean 1.
PATROL_WEEKLY = _mean_one([1.1, 1.1, 1.1, 1.1, 1.1, 0.75, 0.75])
OFFICE_WEEKLY = _mean_one([1.25, 1.2, 1.2, 1.2, 1.15, 0.5, 0.5])
FLAT_WEEKLY = np.ones(7)

MONTHLY = _mean_one([0.86, 0.80, 0.97, 1.03, 1.08, 1.10, 1.08, 1.06, 1.05, 1.00, 0.99, 0.98])
"""District-wide monthly factor (Spring Festival dip, busy summer)."""

SOURCE_RHYTHMS: dict[str, tuple[NDArray[np.float64], NDArray[np.float64], float]] = {
    "patrol": (PATROL_HOURLY, PATROL_WEEKLY, 0.6),
    "hotline_12345": (CITIZEN_HOURLY, FLAT_WEEKLY, 1.0),
    "hotline_12341": (CITIZEN_HOURLY, FLAT_WEEKLY, 1.0),
    "mailbox": (OFFICE_HOURLY, OFFICE_WEEKLY, 0.4),
    "app": (CITIZEN_HOURLY, FLAT_WEEKLY, 1.1),
    "city_platform": (OFFICE_HOURLY, OFFICE_WEEKLY, 0.3),
    "sensor": (FLAT_HOURLY, FLAT_WEEKLY, 1.0),
}
"""Per source code: (hourly profile, weekday profile, holiday factor)."""


def local_day(t: float) -> int:
    """Return the local day number (days since 1970-01-01, Beijing time)."""
    return int((t + UTC_OFFSET_S) // DAY_S)


def local_date(t: float) -> dt.date:
    """Return the Beijing calendar date of epoch seconds ``t``."""
    return dt.date.fromordinal(_EPOCH_ORDINAL + local_day(t))


def local_hour(t: float) -> int:
    """Return the Beijing hour of day (0-23)."""
    return int(((t + UTC_OFFSET_S) % DAY_S) // HOUR_S)


def day_start(day: int) -> float:
    """Return epoch seconds of local midnight starting local day ``day``."""
    return float(day * DAY_S - UTC_OFFSET_S)


def epoch(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> float:
    """Return epoch seconds of a Beijing wall-clock time."""
    days = dt.date(year, month, day).toordinal() - _EPOCH_ORDINAL
    return day_start(days) + hour * HOUR_S + minute * 60.0


@cache
def holidays_of_year(year: int) -> frozenset[int]:
    """Return the local day numbers of public holidays in ``year``.

    Approximation of the State Council calendar: New Year's Day, Spring
    Festival (eve + 6 days), Qingming (4-6 April), Labour Day (1-5 May since
    2020, 1-3 before) and National Day (1-7 October). Dragon Boat and
    Mid-Autumn and the swapped working days (调休) are not modelled.
    """
    days: set[dt.date] = {dt.date(year, 1, 1)}
    month, day = SPRING_FESTIVAL.get(year, (2, 5))
    eve = dt.date(year, month, day) - dt.timedelta(days=1)
    days.update(eve + dt.timedelta(days=i) for i in range(7))
    days.update(dt.date(year, 4, d) for d in (4, 5, 6))
    days.update(dt.date(year, 5, d) for d in range(1, 6 if year >= 2020 else 4))
    days.update(dt.date(year, 10, d) for d in range(1, 8))
    return frozenset(d.toordinal() - _EPOCH_ORDINAL for d in days)


def is_holiday(day: int) -> bool:
    """Return whether local day number ``day`` is a public holiday."""
    year = dt.date.fromordinal(_EPOCH_ORDINAL + day).year
    return day in holidays_of_year(year)


def day_type(day: int) -> str:
    """Return ``"holiday"``, ``"weekend"`` or ``"workday"`` for a local day."""
    if is_holiday(day):
        return "holiday"
    return "weekend" if weekday(day) >= 5 else "workday"


def weekday(day: int) -> int:
    """Return the weekday of a local day number, Monday = 0."""
    return (day + 3) % 7  # 1970-01-01 was a Thursday


def holiday_mask(days: NDArray[np.int64]) -> NDArray[np.bool_]:
    """Vectorised :func:`is_holiday` over an array of local day numbers."""
    if days.size == 0:
        return np.zeros(0, dtype=bool)
    first = dt.date.fromordinal(_EPOCH_ORDINAL + int(days.min())).year
    last = dt.date.fromordinal(_EPOCH_ORDINAL + int(days.max())).year
    table = sorted(d for y in range(first, last + 1) for d in holidays_of_year(y))
    return np.isin(days, np.asarray(table, dtype=np.int64))


def source_rates(
    hour_starts: NDArray[np.float64],
    source_codes: tuple[str, ...],
    shares: NDArray[np.float64],
    cases_per_year: float,
) -> NDArray[np.float64]:
    """Expected cases per hour for each source in each hourly bin.

    Args:
        hour_starts: Epoch seconds of whole-hour bin starts.
        source_codes: Source codes, aligned with ``shares``.
        shares: Share of each source in the yearly volume.
        cases_per_year: Long-run yearly volume of all sources.

    Returns:
        Array of shape ``(len(hour_starts), len(source_codes))``.
    """
    local = hour_starts.astype(np.int64) + UTC_OFFSET_S
    days = local // DAY_S
    hours = (local % DAY_S) // HOUR_S
    wdays = (days + 3) % 7
    months = month_of_day(days)
    holiday = holiday_mask(days)
    base = cases_per_year / (365.2425 * 24.0) * MONTHLY[months]
    holiday_days = 23.0 / 365.2425  # share of days that are public holidays
    rates = np.empty((hour_starts.size, len(source_codes)))
    for j, code in enumerate(source_codes):
        hourly, weekly, holiday_factor = SOURCE_RHYTHMS.get(code, (FLAT_HOURLY, FLAT_WEEKLY, 1.0))
        day_factor = np.where(holiday, holiday_factor, weekly[wdays])
        compensation = 1.0 + (holiday_factor - 1.0) * holiday_days
        rates[:, j] = base * shares[j] * hourly[hours] * day_factor / compensation
    return rates


def month_of_day(days: NDArray[np.int64]) -> NDArray[np.int64]:
    """Return the month index (0 = January) of each local day number."""
    dates = days.astype("datetime64[D]")
    months: NDArray[np.int64] = (dates.astype("datetime64[M]").astype(np.int64) % 12).astype(np.int64)
    return months
