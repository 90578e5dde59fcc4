"""Streaming import of 311-style CSV exports into the store's bulk path.

Rows are read with the ``csv`` module in batches; each batch is parsed (ids,
times in the mapping's zone, types through the mapping, statuses to stages),
located on the unit grids in one vectorised query, and upserted by id in one
transaction, so a re-import updates and never duplicates.
"""

from __future__ import annotations

import csv
import math
import time
from collections.abc import Callable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Any, TextIO

import numpy as np
from sqlalchemy import Engine

from feeds.geo.locate import GridLocator
from feeds.importers.mapping import CsvMapping
from feeds.importers.records import case_id
from feeds.importers.report import ImportReport
from feeds.importers.times import BLANK, TimeParser
from feeds.store.bulk import upsert_cases
from feeds.taxonomy import UNMAPPED

BATCH_ROWS = 50_000
Progress = Callable[[int, int], None]
"""Called with ``(bytes read, file size)`` after each batch."""


class CsvLayoutError(ValueError):
    """The file's header lacks a column the mapping names."""


class _CountingLines:
    """Iterates the lines of a text file, counting the characters read (for the progress bar)."""

    def __init__(self, f: TextIO) -> None:
        self._f = f
        self.chars = 0

    def __iter__(self) -> Iterator[str]:
        for line in self._f:
            self.chars += len(line)
            yield line


def _float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        return math.nan
    return value if math.isfinite(value) else math.nan


class _Column:
    """Values of one mapped column for the rows of a batch ("" when the mapping lacks it)."""

    def __init__(self, columns: list[tuple[str, ...]], index: dict[str, int], name: str, n: int) -> None:
        position = index.get(name)
        self.present = position is not None
        self.values: Sequence[str] = columns[position] if position is not None else ("",) * n


def _times(parser: TimeParser, column: _Column) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    if not column.present:
        n = len(column.values)
        return np.full(n, BLANK, dtype=np.int64), np.zeros(n, dtype=bool)
    return parser.parse_many(column.values)


def _floats(column: _Column) -> np.ndarray[Any, Any]:
    """A coordinate column as floats (NaN where blank, unreadable or infinite)."""
    if not column.present:
        return np.full(len(column.values), math.nan)
    try:
        values = np.asarray([v or "nan" for v in column.values], dtype=float)
    except ValueError:
        values = np.asarray([_float(v) for v in column.values], dtype=float)
    values[~np.isfinite(values)] = math.nan
    return values


def _lookup(values: Sequence[str], table: dict[str, str], default: str) -> list[str]:
    """Map each value through ``table`` (keys case-folded), looking each distinct value up once."""
    cache: dict[str, str] = {}
    out = []
    for v in values:
        hit = cache.get(v)
        if hit is None:
            hit = cache[v] = table.get(v.strip().casefold(), default)
        out.append(hit)
    return out


_PAST_FILED = frozenset({"dispatched", "handling", "closure_requested", "verifying", "closed"})


def _parse_batch(
    records: list[tuple[int, list[str]]],
    mapping: CsvMapping,
    index: dict[str, int],
    locator: GridLocator,
    report: ImportReport,
) -> list[dict[str, Any]]:
    """Complete ``cases`` rows of a batch, parsed column by column (times and units vectorised).

    Rows that cannot be stored are skipped with their reason. The rows follow
    :func:`feeds.importers.records.case_row` (filed/dispatched at the report time for
    later stages, on time when closed by the deadline) and carry every column, so the
    bulk path takes them as they are.
    """
    report.read += len(records)
    width = max(index.values()) + 1
    full = [(line, rec) for line, rec in records if len(rec) >= width]
    for line, rec in records:
        if len(rec) < width:
            report.skip("short_row", f"line {line}")
    if not full:
        return []
    lines = [line for line, _ in full]
    columns = list(zip(*(rec for _, rec in full), strict=False))  # longer rows: zip stops at the shortest
    n = len(full)

    def col(name: str) -> _Column:
        return _Column(columns, index, name, n)

    parser = mapping.time_parser()
    reported, bad_rep = _times(parser, col("reported_at"))
    closed, bad_closed = _times(parser, col("closed_at"))
    due, bad_due = _times(parser, col("deadline"))
    bad_time = bad_rep | bad_closed | bad_due
    status = col("status")
    stages = _lookup(status.values, mapping.statuses, mapping.default_stage)
    sources = _lookup(col("source").values, mapping.sources, mapping.default_source)
    types = col("type").values
    subclasses = _lookup(types, dict(mapping.types.types), UNMAPPED.code)
    lons, lats = _floats(col("lon")), _floats(col("lat"))
    grids = locator.locate_arrays(lons, lats)
    addresses, descriptions = col("address").values, col("description").values
    external_ids = col("id").values
    kinds = mapping.types.kinds
    rows: list[dict[str, Any]] = []
    for i in range(n):
        cid = case_id(mapping.id_prefix, external_ids[i])
        if cid is None:
            report.skip("missing_id", f"line {lines[i]}")
            continue
        if bad_time[i]:
            report.skip("bad_time", f"line {lines[i]}")
            continue
        rep = int(reported[i])
        if rep == BLANK:
            report.skip("missing_reported_at", f"line {lines[i]}")
            continue
        grid = grids[i]
        if grid is None:
            reason = "no_coordinates" if math.isnan(lons[i]) or math.isnan(lats[i]) else "outside_units"
            report.skip(reason, f"line {lines[i]} id {external_ids[i].strip()}")
            continue
        c, d = int(closed[i]), int(due[i])
        subclass = subclasses[i]
        if subclass == UNMAPPED.code:
            report.unmapped[types[i].strip()] += 1
        kind, department = kinds[subclass]
        stage = stages[i]
        if not status.present and c != BLANK:
            stage = "closed"
        deadline = None if d == BLANK else d
        finished = (rep if c == BLANK else c) if stage in ("closed", "cancelled") else None
        rows.append(
            {
                **_ROW_DEFAULTS,
                "id": cid,
                "kind": kind,
                "subclass": subclass,
                "source": sources[i],
                "grid": grid,
                "community": grid[:12],
                "subdistrict": grid[:9],
                "department": department,
                "lon": float(lons[i]),
                "lat": float(lats[i]),
                "address": addresses[i].strip()[:200],
                "description": descriptions[i].strip()[:1000],
                "stage": stage,
                "reported_at": rep,
                "filed_at": rep if stage != "reported" and stage != "cancelled" else None,
                "dispatched_at": rep if stage in _PAST_FILED else None,
                "closed_at": finished if stage == "closed" else None,
                "cancelled_at": finished if stage == "cancelled" else None,
                "deadline_at": deadline if finished is None else None,
                "handle_deadline_at": deadline,
                "on_time": (deadline is None or finished <= deadline) if stage == "closed" and finished else None,
            }
        )
    return rows


_ROW_DEFAULTS: dict[str, Any] = {"handled_at": None, "difficult": False, "urges": 0, "reworks": 0, "updated_seq": 0}


def header_index(header: list[str], mapping: CsvMapping) -> dict[str, int]:
    """GridWall field → column position (``CsvLayoutError`` naming missing headers)."""
    positions = {name.strip(): i for i, name in enumerate(header)}
    missing = [column for column in mapping.columns.values() if column not in positions]
    if missing:
        raise CsvLayoutError(f"the file has no column(s) {', '.join(repr(m) for m in missing)} named by the mapping")
    return {fld: positions[column] for fld, column in mapping.columns.items()}


def import_csv(
    path: Path,
    mapping: CsvMapping,
    engine: Engine,
    locator: GridLocator,
    *,
    progress: Progress | None = None,
    batch_rows: int = BATCH_ROWS,
) -> ImportReport:
    """Import a CSV export into the store; returns the report.

    Raises:
        CsvLayoutError: If the header lacks a mapped column.
        OSError, UnicodeDecodeError: If the file cannot be read.
    """
    report = ImportReport(source=str(path))
    start = time.perf_counter()
    size = path.stat().st_size
    with path.open(encoding=mapping.encoding, newline="") as f:
        lines = _CountingLines(f)
        reader = csv.reader(lines, delimiter=mapping.delimiter)
        header = next(reader, None)
        if header is None:
            raise CsvLayoutError(f"{path} is empty")
        index = header_index(header, mapping)
        numbered = ((reader.line_num, rec) for rec in reader)

        def rows() -> Iterator[dict[str, Any]]:
            while records := list(islice(numbered, batch_rows)):
                yield from _parse_batch(records, mapping, index, locator, report)
                if progress is not None:
                    progress(min(lines.chars, size), size)

        for counts in upsert_cases(engine, rows(), chunk_rows=batch_rows, complete=True):
            report.taken += counts.new
            report.updated += counts.updated + counts.merged  # the same id twice in a chunk: the last row wins
    if progress is not None:
        progress(size, size)
    report.seconds = time.perf_counter() - start
    return report


def read_coordinates(path: Path, mapping: CsvMapping) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Every row's ``(lons, lats)`` (NaN where missing): the pre-pass that sizes generated units."""
    lon_col, lat_col = mapping.columns.get("lon"), mapping.columns.get("lat")
    if lon_col is None or lat_col is None:
        raise CsvLayoutError("the mapping names no lon/lat columns: units cannot be generated")
    lons: list[float] = []
    lats: list[float] = []
    with path.open(encoding=mapping.encoding, newline="") as f:
        reader = csv.reader(f, delimiter=mapping.delimiter)
        header = next(reader, None) or []
        index = header_index(header, mapping)
        i_lon, i_lat = index["lon"], index["lat"]
        width = max(i_lon, i_lat) + 1
        for rec in reader:
            if len(rec) >= width:
                lons.append(_float(rec[i_lon]))
                lats.append(_float(rec[i_lat]))
    return np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
