"""Fixtures for the live-state tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from live_factories import fake_names, make_case

from feeds.live import LiveState
from feeds.protocol import CaseInfo


@pytest.fixture
def state() -> LiveState:
    """A fresh live state over the fake names."""
    return LiveState(fake_names())


@pytest.fixture
def make() -> Callable[..., CaseInfo]:
    """The case factory."""
    return make_case
