"""Shared fixtures for the simulator tests: one seeded simulated year."""

from __future__ import annotations

import numpy as np
import pytest

from feeds.simulator.model import CaseBatch, plan_cases_batch
from feeds.simulator.model.calendar import epoch

SUBDISTRICTS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 20)
YEAR_SEED = 20231231


def make_grid_codes(count: int = 2432) -> list[str]:
    """Return ``count`` synthetic 15-digit unit-grid codes of district 110102."""
    codes = []
    for i in range(count):
        sub = SUBDISTRICTS[i % len(SUBDISTRICTS)]
        community, grid = divmod(i // len(SUBDISTRICTS), 10)
        codes.append(f"110102{sub:03d}{community + 1:03d}{grid + 1:03d}")
    return codes


@pytest.fixture(scope="session")
def grid_codes() -> list[str]:
    """The synthetic grid codes used by all simulator tests."""
    return make_grid_codes()


@pytest.fixture(scope="session")
def year_batch(grid_codes: list[str]) -> CaseBatch:
    """Every case of the simulated year 2023 (fixed seed, fast batch path)."""
    rng = np.random.default_rng(YEAR_SEED)
    return plan_cases_batch(epoch(2023, 1, 1), epoch(2024, 1, 1), rng, grid_codes)
