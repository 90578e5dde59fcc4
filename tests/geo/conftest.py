"""Shared fixtures for the geodata tests."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from feeds.geo.units import UnitRegistry, load_units


@pytest.fixture(scope="session")
def registry() -> UnitRegistry:
    """The packaged unit registry (no overrides)."""
    return load_units()


@pytest.fixture(scope="session")
def grid_shapes(registry: UnitRegistry) -> np.ndarray:
    """Shapely geometries of all grids, in code order."""
    return np.array([registry.shape(u.code) for u in registry.grids], dtype=object)


@pytest.fixture(scope="session")
def district_shape(registry: UnitRegistry) -> Any:
    """Shapely union of the 15 subdistricts."""
    return registry.shape(registry.district.code)
