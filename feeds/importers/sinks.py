"""Where mapped case states go: the producer path (events over the websocket) or the store's bulk path.

Both sinks are idempotent and only move a case forward in its workflow: a state the
case already has is ``unchanged``; a state behind it (an update that arrived out of
order, or a duplicate of an older record) is skipped as ``stale_update``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Protocol

import numpy as np
from sqlalchemy import Engine, select

from feeds.geo.locate import PointLocator
from feeds.importers.cases import CaseState, is_behind, transition_events
from feeds.importers.producer import LazyProducer, ProducerSession
from feeds.importers.records import case_row
from feeds.importers.report import ImportReport
from feeds.protocol import Error
from feeds.store.bulk import upsert_cases
from feeds.store.schema import cases


class CaseSink(Protocol):
    """Takes mapped case states (located, oldest update first) and counts the outcome in the report."""

    def put(self, states: Sequence[CaseState], report: ImportReport) -> None:
        """Store or publish the states."""
        ...


def locate(states: Sequence[CaseState], locator: PointLocator, report: ImportReport) -> list[CaseState]:
    """States with their grid filled in; those outside every unit grid are skipped as ``outside_units``."""
    if not states:
        return []
    lons = np.fromiter((s.lon for s in states), dtype=float, count=len(states))
    lats = np.fromiter((s.lat for s in states), dtype=float, count=len(states))
    grids = locator.locate_arrays(lons, lats)
    out = []
    for state, grid in zip(states, grids, strict=True):
        if grid is None:
            report.skip("outside_units", state.where)
            continue
        out.append(replace(state, grid=str(grid)))
    return out


def _moves_forward(state: CaseState, now: str | None, report: ImportReport) -> bool:
    """Whether ``state`` moves the case on from ``now``; counts ``unchanged`` and ``stale_update`` otherwise."""
    if now is None:
        return True
    if now == state.stage:
        report.unchanged += 1
        return False
    if is_behind(state.stage, now):
        report.skip("stale_update", state.where)
        return False
    return True


def _count(state: CaseState, now: str | None, report: ImportReport) -> None:
    if now is None:
        report.taken += 1
        if state.unmapped_type is not None:
            report.unmapped[state.unmapped_type] += 1
    else:
        report.updated += 1


class ProducerSink:
    """Publishes each state as the events that bring GridWall's case there (see :func:`transition_events`).

    Where each case stands is asked from the server first, so a re-import after a
    restart (or of the same file) publishes only what is missing. The connection is
    opened on first use and again after it was lost.

    Args:
        connect: Opens a :class:`ProducerSession` (raises :class:`ProducerError` if it cannot).
    """

    def __init__(self, connect: Callable[[], ProducerSession]) -> None:
        self._producer = LazyProducer(connect)

    def put(self, states: Sequence[CaseState], report: ImportReport) -> None:
        """Publish the missing steps, case by case, in the order given (``ProducerError`` if the server goes away)."""
        if states:
            self._producer.run(lambda session: self._put(session, states, report))

    def _put(self, session: ProducerSession, states: Sequence[CaseState], report: ImportReport) -> None:
        current = session.current_stages(list(dict.fromkeys(s.id for s in states)))
        for state in states:
            now = current.get(state.id)
            if not _moves_forward(state, now, report):
                continue
            replies = session.publish(transition_events(state, now))
            refused = next((r for r in replies if isinstance(r, Error)), None)
            if refused is not None:
                report.skip(f"refused_{refused.code}", f"{state.where}: {refused.message}")
                current.update(session.current_stages([state.id]))  # some steps may have gone in
                continue
            _count(state, now, report)
            current[state.id] = state.stage

    def close(self) -> None:
        """Close the connection (a later :meth:`put` opens a new one)."""
        self._producer.close()


class StoreSink:
    """Upserts the final state of each case into the store's bulk path (no events: for large imports)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _stages(self, ids: list[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(ids), 10_000):
                part = ids[start : start + 10_000]
                out.update(
                    (r.id, r.stage) for r in conn.execute(select(cases.c.id, cases.c.stage).where(cases.c.id.in_(part)))
                )
        return out

    def put(self, states: Sequence[CaseState], report: ImportReport) -> None:
        """Keep the last state of each case that moves it forward, then upsert them in one go."""
        current = self._stages(list(dict.fromkeys(s.id for s in states)))
        latest: dict[str, tuple[CaseState, str | None]] = {}
        for state in states:
            now = current.get(state.id)
            if not _moves_forward(state, now, report):
                continue
            first = latest.get(state.id, (state, now))[1]
            latest[state.id] = (state, first)
            current[state.id] = state.stage
        rows = []
        for state, before in latest.values():
            _count(state, before, report)
            closed = int(state.updated_at) if state.stage in ("closed", "cancelled") else None
            rows.append(
                case_row(
                    id=state.id,
                    subclass=state.subclass,
                    kind=state.kind,
                    department=state.department,
                    source=state.source,
                    grid=state.grid,
                    lon=state.lon,
                    lat=state.lat,
                    stage=state.stage,
                    reported_at=int(state.reported_at),
                    closed_at=closed,
                    deadline_at=int(state.deadline) if state.deadline is not None else None,
                    address=state.address,
                    description=state.description,
                )
            )
        for _ in upsert_cases(self.engine, rows, defer_indexes=False):
            pass
