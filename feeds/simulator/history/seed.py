"""Seed the store with simulated history, year by year, through its bulk path.

:func:`seed_history` plans every case reported in ``[start, end)`` one year
at a time (bounded memory), cuts each case at ``end`` (its stage, stage
times, current deadline, urges, reworks, difficult flag, ``on_time`` once
closed; :mod:`feeds.simulator.history.as_of`) and writes the rows with
:meth:`feeds.store.Store.bulk_insert_columns` (column chunks, raw ``executemany``
or ``COPY``, KPI counters kept in the same transactions; the secondary indexes and the
text index of case search rebuilt once at the end). The analytics cube is built from
the same chunks and its cache saved next to a SQLite store. Cases still open at ``end`` are
handed to the live simulator through the server's snapshot.

Volumes ramp linearly back in time from 500,000 cases in the last year to
144,000 ten years earlier (3.22M over ten years); the source mix moves from
>99 % patrol to today's mix (:func:`~feeds.simulator.model.arrivals.source_shares_for_year`).
:func:`run_seed` is the ``gridwall seed`` command.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import queue
import secrets
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, TextIO, TypeVar

from sqlalchemy.exc import SQLAlchemyError

from feeds.alarms import load_alarm_config
from feeds.alarms.history import past_escalations
from feeds.analytics.cube_store import CubeBuilder, default_cache_path, save
from feeds.simulator.history.progress import ProgressBar
from feeds.simulator.history.seed_plan import Chunk, WindowDone, expected_cases, history_chunks
from feeds.simulator.history.seed_store import (
    SeedRefusedError,
    clear_finish_pending,
    clear_seeding,
    finish_pending,
    holds_cases,
    mark_finish_pending,
    mark_seeding,
    open_for_seeding,
)
from feeds.simulator.model.arrivals import YEAR_S
from feeds.simulator.model.calendar import DAY_S, local_date, local_day
from feeds.simulator.model.district import load_district
from feeds.simulator.response.history import RequestRows, RequestSeedReport, plan_request_rows
from feeds.simulator.response.plan import expected_requests
from feeds.store import Store, StoreError, open_store
from feeds.store.engine import in_memory_problem
from feeds.store.new_file import new_sqlite_file, remove_if_unused, remove_new_file

CHUNK_ROWS = 50_000
T = TypeVar("T")
log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SeedReport:
    """What :func:`seed_history` wrote.

    Attributes:
        seed: Seed used (drawn at random when none was given).
        start: First report time covered, epoch seconds.
        end: The moment the cases were cut at.
        cases: Cases written.
        closed: Of which closed by ``end``.
        cancelled: Of which cancelled.
        open: Of which still open at ``end`` (the live simulator's backlog).
        history_rows: ``case_history`` rows written.
        seconds: Wall-clock seconds, planning included.
        planning_s: Of which spent planning and cutting (the rest: building rows and writing).
        cube_s: Of which spent finishing and saving the analytics cube (0 when none was built).
        last_seq_by_day: Highest daily sequence per local day, for the last two days.
        requests: The 全响应 requests written beside the cases (``None``: not seeded).
        escalations: Alarms of the last day's escalations recorded as history (``escalations=True``).
    """

    seed: int
    start: float
    end: float
    cases: int
    closed: int
    cancelled: int
    open: int
    history_rows: int
    seconds: float
    planning_s: float
    cube_s: float = 0.0
    last_seq_by_day: dict[int, int] = field(default_factory=dict)
    requests: RequestSeedReport | None = None
    escalations: int = 0

    @property
    def rate(self) -> float:
        """Cases written per second, planning included."""
        return self.cases / self.seconds if self.seconds > 0 else 0.0

    @property
    def closure_rate(self) -> float:
        """Closed / (cases - cancelled)."""
        return self.closed / max(1, self.cases - self.cancelled)

    def summary(self) -> str:
        """One line for people: what was written, over which days, how fast, and the seed."""
        first, last = local_date(self.start), local_date(self.end)
        r = self.requests
        extra = f"; {r.requests:,} 全响应 requests" if r is not None else ""
        if self.escalations:
            extra += f"; {self.escalations:,} past alarms recorded as history"
        return (
            f"seeded {self.cases:,} cases reported {first} - {last} (Beijing) in {self.seconds:.1f} s "
            f"({self.rate:,.0f} cases/s); closed {self.closure_rate:.2%} of filed, {self.open:,} open{extra}; "
            f"seed {self.seed}"
        )


def seed_history(
    store: Store,
    start: float,
    end: float,
    *,
    seed: int | None = None,
    progress: Progress | None = None,
    chunk_rows: int = CHUNK_ROWS,
    build_cube: bool = True,
    requests: bool = True,
    escalations: bool = False,
) -> SeedReport:
    """Write every case reported in ``[start, end)``, as it stood at ``end``, into ``store``.

    Every year is planned and cut at ``end`` and its column chunks built in a
    worker thread one step ahead (the 全响应 requests planned there after the last year, and
    each chunk encoded into the cube there too), while this thread writes them through one
    :meth:`~feeds.store.Store.bulk_insert_columns` call (a transaction per chunk;
    the ``case_history`` rows after all cases). The garbage collector is paused
    meanwhile (millions of short-lived objects, no cycles).

    Args:
        store: An open store (normally empty: case ids start at sequence 1 each day).
        start: First report time, epoch seconds.
        end: Cut time (normally now); the live simulator continues from here.
        seed: Seed of the history; random if ``None`` (see :attr:`SeedReport.seed`).
        progress: Called with ``(cases written, cases expected)`` as the work goes; the
            expectation stays the same throughout (the written count may end a little above it).
        chunk_rows: Rows per insert transaction.
        build_cube: Build the analytics cube from the same chunks and save its cache
            (``<db>.cube.npz``) next to a SQLite store, so the first server start loads it
            instead of scanning the store (other databases have no cache: nothing is built).
        requests: Also seed the 全响应 requests of the span (``feeds.simulator.response``),
            in the same bulk call after the cases (``seconds`` covers both).
        escalations: Also record what the alarm engine would have done during the last day
            before ``end`` (due-soon and overdue alarms, auto-urges, acknowledged by the duty
            officer; :func:`feeds.alarms.history.past_escalations`), so a server started on the
            store begins calm instead of escalating the whole backlog at once.

    Until everything is written the store carries a ``meta`` row that says a seeding is under
    way (:func:`~feeds.simulator.history.seed_store.seeding_unfinished`): a seeding stopped by an
    error, a full disk or a killed process leaves it, and ``gridwall demo`` seeds such a store again.

    Raises:
        ValueError: If ``end <= start``.
    """
    if end <= start:
        raise ValueError("the history span is empty (end must be after start)")
    used_seed = seed if seed is not None else secrets.randbits(32)
    district = load_district(0, frozenset(store.reference.grids) or None)
    expected = expected_cases(start, end) + (expected_requests(start, end) if requests else 0)
    report = progress or (lambda _done, _total: None)
    started = time.perf_counter()
    gc_was_enabled = gc.isenabled()
    gc.disable()
    cache = default_cache_path(store.engine) if build_cube else None
    builder = CubeBuilder(expected) if cache is not None else None
    windows: list[WindowDone] = []
    planned: list[RequestRows] = []

    def produced() -> Iterator[Chunk | WindowDone]:
        """The worker thread's part: plan, build the chunks, encode them into the cube."""
        for item in history_chunks(start, end, used_seed, district, chunk_rows):
            if builder is not None and not isinstance(item, WindowDone):
                builder.add(item)
            yield item
        if requests:  # the 全响应 requests: same bulk call, not in the (city) cube
            planned.append(plan_request_rows(start, end, district, seed=used_seed))
            yield from planned[0].chunks(chunk_rows)

    def rows() -> Iterator[Chunk]:
        written = 0
        for item in _ahead(produced()):
            if isinstance(item, WindowDone):
                windows.append(item)
                continue
            report(written, expected)
            written += len(item["id"])
            yield item

    def history() -> Iterator[Chunk]:
        for window in windows:
            yield from window.history
        requested = planned[0] if planned else None
        if requested is not None:
            extra = requested.history(end)
            if extra["case_id"]:
                yield extra

    try:
        mark_seeding(store, time.time())  # cleared below only if everything was written
        # one bulk call for every year: the indexes are dropped once and rebuilt once
        store.bulk_insert_columns(rows(), history())
        cube_s = _save_cube(builder, store, cache)
        past, urged = past_escalations(store, load_alarm_config(), end) if escalations else (0, 0)
        clear_seeding(store)
    finally:
        if gc_was_enabled:
            gc.enable()
    cases = sum(w.cases for w in windows)
    closed, cancelled = sum(w.closed for w in windows), sum(w.cancelled for w in windows)
    last_seq = windows[-1].last_seq if windows else {}
    planning_s = sum(w.planning_s for w in windows)
    history_rows = sum(len(h["case_id"]) for w in windows for h in w.history) + urged
    seconds = time.perf_counter() - started
    request_report = planned[0].report(0.0) if planned else None
    report(cases + (request_report.requests if request_report is not None else 0), expected)
    last_day = local_day(end)
    return SeedReport(
        seed=used_seed,
        start=start,
        end=end,
        cases=cases,
        closed=closed,
        cancelled=cancelled,
        open=cases - closed - cancelled,
        history_rows=history_rows,
        seconds=seconds,
        planning_s=planning_s,
        cube_s=cube_s,
        last_seq_by_day={d: s for d, s in last_seq.items() if d >= last_day - 1},
        requests=request_report,
        escalations=past,
    )


_DONE = object()


def _ahead(items: Iterator[T] | Iterable[T], depth: int = 2) -> Iterator[T]:
    """Iterate ``items`` with a worker thread producing up to ``depth`` ahead.

    The next year is planned and the next chunk built while this thread writes the
    previous one (sqlite3 and psycopg release the GIL while the database works). If the
    consumer stops early (an error, Ctrl+C), the worker is told to stop and joined.
    """
    ready: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                ready.put(item)
                if stop.is_set():
                    return
            ready.put(_DONE)
        except BaseException as exc:  # handed to the consumer
            ready.put(exc)

    worker = threading.Thread(target=produce, name="gridwall-seed-rows", daemon=True)
    worker.start()
    try:
        while (item := ready.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        while worker.is_alive():  # unblock a worker waiting to put
            with contextlib.suppress(queue.Empty):
                ready.get(timeout=0.1)
        worker.join()


def _save_cube(builder: CubeBuilder | None, store: Store, cache: Path | None) -> float:
    """Finish the cube built while seeding and write its cache; returns the seconds it took."""
    if builder is None or cache is None:
        return 0.0
    started = time.perf_counter()
    try:
        save(builder.finish(store.engine), cache)
    except OSError as exc:  # the server builds it at its first start instead
        log.warning("cannot write the cube cache %s: %s", cache, exc)
    return time.perf_counter() - started


def run_seed(
    url: str | None,
    *,
    days: int | None = None,
    years: float | None = None,
    seed: int | None = None,
    replace: bool = False,
    out: TextIO = sys.stderr,
    last_step: LastStep | None = None,
) -> int:
    """The ``gridwall seed`` command: history ending now, with a progress bar, then ``last_step`` (``gridwall
    seed``: the supervisors, their patrol tracks and the cameras); returns the exit code.

    Errors are one line on ``out`` (exit code 1); Ctrl+C stops cleanly after the
    chunk being written (exit code 130; what was written stays consistent). A run stopped in
    the last step says so, and the next run (without ``replace``) does that step instead of
    refusing the store (:data:`~feeds.simulator.history.seed_store.FINISH_KEY`).

    Args:
        url: Store URL or SQLite path (``None``: the default store).
        days: Days of history (exclusive with ``years``).
        years: Years of history; ten (3.22M cases) when neither is given.
        seed: Seed of the history (random if ``None``).
        replace: If the store already holds cases, drop all its data first.
        out: Where the progress bar and messages go.
        last_step: What is written after the history, and its name for the messages.
    """
    if days is not None and years is not None:
        out.write("gridwall seed: give --days or --years, not both\n")
        return 2
    span = days * DAY_S if days is not None else (years if years is not None else 10.0) * YEAR_S
    if span <= 0:
        out.write("gridwall seed: the history span must be positive\n")
        return 2
    problem = in_memory_problem(url)
    if problem is not None:
        out.write(f"gridwall seed: {problem}\n")
        return 1
    if last_step is not None and not replace and _stopped_in_its_last_step(url, last_step, out):
        return _last_step(url, last_step, out)
    end = time.time()
    bar = ProgressBar(out)
    created = new_sqlite_file(url)
    try:
        store = open_for_seeding(url, replace=replace)
    except (SeedRefusedError, StoreError, SQLAlchemyError, OSError, ValueError) as exc:  # ValueError: geodata
        remove_new_file(created)  # made by this failed open: nothing of the user's is in it
        out.write(f"gridwall seed: {_one_line(exc)}\n")
        return 1
    try:
        if last_step is not None:
            mark_finish_pending(store)  # cleared once the last step (after the history) is done
        report = seed_history(store, end - span, end, seed=seed, progress=bar.update, escalations=True)
    except KeyboardInterrupt:
        bar.abort()
        out.write(
            f"gridwall seed: interrupted after about {bar.done:,} cases (each chunk written is complete); "
            "--replace starts over\n"
        )
        return 130
    except (SQLAlchemyError, OSError, ValueError) as exc:  # unreadable geodata (GeoDataError) too
        bar.abort()
        remove_if_unused(store, created)  # a store this run created, with nothing in it: not left behind
        out.write(f"gridwall seed: {_one_line(exc)}\n")
        return 1
    finally:
        store.close()  # closing twice is harmless (the engine's pool is disposed)
    bar.finish(report.cases + (report.requests.requests if report.requests is not None else 0))
    out.write(report.summary() + "\n")
    return _last_step(url, last_step, out) if last_step is not None else 0


class LastStep(NamedTuple):
    """What :func:`run_seed` writes into the store after the history (``gridwall seed``: the supervision data)."""

    name: str
    """What it writes, for the messages (``the supervisors, their patrol tracks and the cameras``)."""
    run: Callable[[Store], None]
    """Writes it; a re-run does it again whole when it was stopped."""


def _stopped_in_its_last_step(url: str | None, last_step: LastStep, out: TextIO) -> bool:
    """Whether the store holds a whole history whose seeding stopped in its last step (said on ``out``)."""
    if new_sqlite_file(url) is not None:
        return False  # no store yet
    try:
        store = open_store(url)
    except (StoreError, SQLAlchemyError, OSError):
        return False  # the seeding's own opening says why
    try:
        if not finish_pending(store) or not holds_cases(store):
            return False
        cases = int((store.kpis().totals or {}).get("cases") or 0)
    finally:
        store.close()
    stopped = f"the store holds {cases:,} cases whose seeding stopped before {last_step.name}"
    out.write(f"gridwall seed: {stopped}: writing them\n")
    return True


def _last_step(url: str | None, last_step: LastStep, out: TextIO) -> int:
    """Write what comes after the history; stopped (Ctrl+C) or failed, a re-run does it again."""
    try:
        store = open_store(url)
    except StoreError as exc:
        out.write(f"gridwall seed: {_one_line(exc)}\n")
        return 1
    again = "the cases are all stored: run the same command again to write them (--replace starts over)"
    try:
        last_step.run(store)
        clear_finish_pending(store)
    except KeyboardInterrupt:
        out.write(f"gridwall seed: interrupted while writing {last_step.name}; {again}\n")
        return 130
    except (SQLAlchemyError, OSError) as exc:
        out.write(f"gridwall seed: writing {last_step.name} failed ({_one_line(exc)}); {again}\n")
        return 1
    finally:
        store.close()
    return 0


def _one_line(exc: BaseException) -> str:
    """The first line of an error message, without SQLAlchemy's background links."""
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
