"""Statistics of one simulated year against Xicheng's published figures."""

from __future__ import annotations

import numpy as np
import pytest

from feeds.simulator.model import CaseBatch, batch_statistics
from feeds.simulator.model.calendar import DAY_S, HOUR_S, UTC_OFFSET_S


@pytest.fixture(scope="module")
def stats(year_batch: CaseBatch) -> dict[str, float]:
    """Headline statistics of the simulated year."""
    return batch_statistics(year_batch)


def counts_by_name(batch: CaseBatch, name: str, months: tuple[int, ...] | None = None) -> int:
    """Count cases of a subclass, optionally only in some months (1-12)."""
    idx = batch.taxonomy.subclass_index(batch.taxonomy.subclass_by_name(name).code)
    mask = batch.subclass == idx
    if months is not None:
        month = batch.day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12 + 1
        mask &= np.isin(month, months)
    return int(mask.sum())


def test_yearly_volume_is_about_500k(year_batch: CaseBatch) -> None:
    """A year holds ~500k cases (~1,370 a day)."""
    assert 485_000 < len(year_batch) < 515_000


def test_top_five_share(stats: dict[str, float]) -> None:
    """The top five subclasses make 73.11 % of reports, within 2 points."""
    assert stats["top5_share"] == pytest.approx(0.7311, abs=0.02)


def test_closure_rate_of_filed_cases(stats: dict[str, float]) -> None:
    """About 99.63 % of filed cases end closed."""
    assert stats["closure_rate"] == pytest.approx(0.9963, abs=0.003)


def test_overdue_cancelled_rework_and_difficult_shares(stats: dict[str, float]) -> None:
    """Overdue 3-6 % of closed, 97.2 % filed (2.8 % cancelled), 2-4 % rework, ~0.1 % difficult."""
    assert 0.03 <= stats["overdue_share"] <= 0.06
    assert stats["cancelled_share"] == pytest.approx(1 - 0.972, abs=0.004)
    assert 0.02 <= stats["rework_rate"] <= 0.04
    assert 0.0005 <= stats["difficult_share"] <= 0.002


def test_source_mix_matches_present_shares(year_batch: CaseBatch, stats: dict[str, float]) -> None:
    """Each source's share is within a small margin of its configured share."""
    for source in year_batch.taxonomy.sources:
        assert stats[f"source:{source.code}"] == pytest.approx(source.share, abs=max(0.004, 0.1 * source.share))


def test_sensor_cases_only_for_sensor_linked_subclasses(year_batch: CaseBatch) -> None:
    """IoT sensors only raise subclasses that have sensors."""
    tax = year_batch.taxonomy
    linked = np.array([s.sensor_linked for s in tax.subclasses])
    sensor_subs = year_batch.subclass[year_batch.source == tax.source_index("sensor")]
    assert sensor_subs.size > 0 and linked[sensor_subs].all()


def test_diurnal_rhythm(year_batch: CaseBatch) -> None:
    """Daytime hours (08-18) see more than 3x the reports of night hours (00-05)."""
    hours = ((year_batch.reported_at + UTC_OFFSET_S) % DAY_S // HOUR_S).astype(int)
    per_hour = np.bincount(hours, minlength=24)
    assert per_hour[8:18].mean() > 3 * per_hour[0:5].mean()


def test_weekdays_busier_than_weekends(year_batch: CaseBatch) -> None:
    """Patrol rhythm makes an average weekday busier than a weekend day."""
    per_day = np.bincount(year_batch.day - year_batch.day.min())
    weekday = (np.arange(per_day.size) + year_batch.day.min() + 3) % 7
    assert per_day[weekday < 5].mean() > 1.1 * per_day[weekday >= 5].mean()


def test_summer_seasonality(year_batch: CaseBatch) -> None:
    """露天烧烤 and 沿街晾挂 are more frequent in summer than in winter."""
    for name in ("露天烧烤", "沿街晾挂"):
        assert counts_by_name(year_batch, name, (6, 7, 8)) > counts_by_name(year_batch, name, (12, 1, 2))
    assert counts_by_name(year_batch, "雪后道路积雪", (6, 7, 8)) == 0


def test_rare_subclasses_scale_to_ten_year_counts(year_batch: CaseBatch) -> None:
    """Scaled to 3.22M cases, 露天烧烤 is ~10^2 and 开墙打洞 ~10^1-10^2."""
    scale = 3_220_000 / len(year_batch)
    assert 50 <= counts_by_name(year_batch, "露天烧烤") * scale <= 600
    assert 5 <= counts_by_name(year_batch, "开墙打洞") * scale <= 200


def test_case_numbers_are_unique_per_day(year_batch: CaseBatch) -> None:
    """(day, seq) pairs are unique and each day counts from 1."""
    keys = year_batch.day * 1_000_000 + year_batch.seq
    assert np.unique(keys).size == len(year_batch)
    assert year_batch.seq.min() == 1
    assert year_batch.case_id(0).startswith("XC20230101")


def test_rework_table_is_consistent(year_batch: CaseBatch) -> None:
    """Every rework row belongs to a case whose rework count covers it."""
    assert int(year_batch.rework_count.sum()) == year_batch.rework_case.size
    assert np.all(np.diff(year_batch.rework_case) >= 0)
    assert np.all(year_batch.rework_failed_at >= year_batch.rework_requested_at)
