"""Tests of Beijing local time, holidays and reporting rhythms."""

from __future__ import annotations

import numpy as np

from feeds.simulator.model.calendar import (
    PATROL_HOURLY,
    day_type,
    epoch,
    holiday_mask,
    local_date,
    local_day,
    local_hour,
    source_rates,
)


def test_local_time_is_utc_plus_eight() -> None:
    """Beijing midnight is 16:00 UTC of the previous day."""
    t = epoch(2024, 3, 1)
    assert t == 1709222400.0  # 2024-02-29T16:00:00Z
    assert local_hour(t) == 0 and local_hour(t - 1) == 23
    assert str(local_date(t)) == "2024-03-01"
    assert local_day(t) - local_day(t - 1) == 1


def test_holidays_and_weekends() -> None:
    """National Day, Spring Festival and weekends are recognised."""
    assert day_type(local_day(epoch(2024, 10, 3, 12))) == "holiday"
    assert day_type(local_day(epoch(2024, 2, 12, 12))) == "holiday"  # Spring Festival 2024-02-10
    assert day_type(local_day(epoch(2024, 3, 16, 12))) == "weekend"
    assert day_type(local_day(epoch(2024, 3, 12, 12))) == "workday"
    days = np.array([local_day(epoch(2023, 10, 1)), local_day(epoch(2023, 11, 1))], dtype=np.int64)
    assert holiday_mask(days).tolist() == [True, False]


def test_patrol_profile_is_daytime_heavy() -> None:
    """Supervisors report far more by day than at night; profile mean is 1."""
    assert PATROL_HOURLY.mean() == np.float64(1.0) or abs(PATROL_HOURLY.mean() - 1) < 1e-12
    assert PATROL_HOURLY[8:18].mean() > 10 * PATROL_HOURLY[0:5].mean()


def test_source_rates_scale_with_share_and_volume() -> None:
    """Doubling the volume doubles every source's hourly rate."""
    hours = np.arange(epoch(2023, 5, 8), epoch(2023, 5, 9), 3600.0)
    shares = np.array([0.9, 0.1])
    one = source_rates(hours, ("patrol", "hotline_12345"), shares, 100_000)
    two = source_rates(hours, ("patrol", "hotline_12345"), shares, 200_000)
    assert one.shape == (24, 2)
    assert np.allclose(two, 2 * one)
    assert one[:, 0].sum() > one[:, 1].sum()
