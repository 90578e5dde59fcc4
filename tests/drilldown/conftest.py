"""Fixtures of the drill-down tests: a small placed-case store, its query service, names, shapes, a fake runner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from drill_fixtures import NOW, seed_store
from PySide6.QtCore import QObject, Signal

from feeds.analytics import QueryService
from feeds.geo.units import load_units
from feeds.live import TableNames, load_names
from feeds.protocol import ProtocolError
from feeds.protocol.answers import parse_answer
from feeds.store import Store, open_store
from widgets.drilldown.shapes import RegistryShapes

N_CASES = 8000


@pytest.fixture(scope="session")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """8,000 placed synthetic cases over the 400 days before NOW, plus the showcase case."""
    path: Path = tmp_path_factory.mktemp("drill") / "store.db"
    s = open_store(str(path))
    seed_store(s, N_CASES, NOW)
    yield s
    s.close()


@pytest.fixture(scope="session")
def service(store: Store) -> QueryService:
    """A query service over the store, its clock at NOW, its cube loaded."""
    svc = QueryService(store.engine, cache_path=None, clock=lambda: NOW, sync_interval_s=1e9)
    svc.load_cube()
    return svc


@pytest.fixture(scope="session")
def names() -> TableNames:
    """The production name lookup."""
    return load_names()


@pytest.fixture(scope="session")
def shapes() -> RegistryShapes:
    """Unit outlines from the packaged geodata."""
    return RegistryShapes(load_units())


class FakeRunner(QObject):
    """Records requests; answers them on demand from a QueryService (typed like :class:`QueryRunner`'s).

    Signals:
        sigResult(int, object): an answer.
        sigError(int, str): a failure.
        sigForbidden(int): a refusal for the role (before its ``sigError``).
    """

    sigResult = Signal(int, object)
    sigError = Signal(int, str)
    sigForbidden = Signal(int)

    def __init__(self, service: QueryService | None = None) -> None:
        super().__init__()
        self.service = service
        self.calls: list[tuple[int, str, dict[str, Any]]] = []
        self.acted: list[tuple[int, str, str, str]] = []

    def submit(self, request_id: int, name: str, params: object) -> None:
        """Record a query."""
        self.calls.append((request_id, name, dict(params) if isinstance(params, dict) else {}))

    def act(self, request_id: int, action: str, case_id: str, text: str = "") -> None:
        """Record an action."""
        self.acted.append((request_id, action, case_id, text))

    def params(self, name: str) -> dict[str, Any]:
        """Parameters of the latest ``name`` query."""
        return next(p for _, n, p in reversed(self.calls) if n == name)

    def answer_all(self) -> int:
        """Answer every recorded query from the service, in order; returns how many."""
        assert self.service is not None
        calls, self.calls = self.calls, []
        for request_id, name, params in calls:
            try:
                data = self.service.handle(name, params)
            except ProtocolError as exc:
                self.sigError.emit(request_id, str(exc))
            else:
                self.sigResult.emit(request_id, parse_answer(name, data))  # typed, as QueryRunner hands it
        return len(calls)


@pytest.fixture
def runner(service: QueryService) -> FakeRunner:
    """A fake runner answering from the service."""
    return FakeRunner(service)
