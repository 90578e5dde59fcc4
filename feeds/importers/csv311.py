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
from feeds.importers.records import case_id, case_row
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


class _Batch:
    """One batch of parsed records waiting for unit assignment."""

    def __init__(self) -> None:
        self.fields: list[dict[str, Any]] = []
        self.lons: list[float] = []
        self.lats: list[float] = []
        self.where: list[tuple[int, str]] = []  # (line, external id): skip examples, formatted when needed
        self.unmapped: list[str | None] = []  # the external type of rows put under "unmapped"


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


def _parse_batch(
    records: list[tuple[int, list[str]]], mapping: CsvMapping, index: dict[str, int], report: ImportReport
) -> _Batch:
    """Parse a batch column by column (times vectorised), skipping bad rows with their reason."""
    batch = _Batch()
    report.read += len(records)
    width = max(index.values()) + 1
    full = [(line, rec) for line, rec in records if len(rec) >= width]
    for line, rec in records:
        if len(rec) < width:
            report.skip("short_row", f"line {line}")
    if not full:
        return batch
    lines = [line for line, _ in full]
    columns = list(zip(*(rec[:width] for _, rec in full), strict=True))
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
    subclasses = _lookup(types, {k: v for k, v in mapping.types.types.items()}, UNMAPPED.code)
    lons, lats = col("lon"), col("lat")
    addresses, descriptions = col("address").values, col("description").values
    external_ids = col("id").values
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
        c, d = int(closed[i]), int(due[i])
        subclass = subclasses[i]
        kind, department = mapping.types.kind_and_department(subclass)
        stage = stages[i]
        if not status.present and c != BLANK:
            stage = "closed"
        batch.fields.append(
            {
                "id": cid,
                "subclass": subclass,
                "kind": kind,
                "department": department,
                "source": sources[i],
                "stage": stage,
                "reported_at": rep,
                "closed_at": None if c == BLANK else c,
                "deadline_at": None if d == BLANK else d,
                "address": addresses[i].strip(),
                "description": descriptions[i].strip(),
            }
        )
        batch.lons.append(_float(lons.values[i]) if lons.present else math.nan)
        batch.lats.append(_float(lats.values[i]) if lats.present else math.nan)
        batch.where.append((lines[i], external_ids[i]))
        batch.unmapped.append(types[i].strip() if subclass == UNMAPPED.code else None)
    return batch


def _rows(batch: _Batch, locator: GridLocator, report: ImportReport) -> list[dict[str, Any]]:
    lons = np.asarray(batch.lons, dtype=float)
    lats = np.asarray(batch.lats, dtype=float)
    grids = locator.locate_arrays(lons, lats)
    rows: list[dict[str, Any]] = []
    for i, fields in enumerate(batch.fields):
        grid = grids[i]
        if grid is None:
            reason = "no_coordinates" if math.isnan(lons[i]) or math.isnan(lats[i]) else "outside_units"
            line, external = batch.where[i]
            report.skip(reason, f"line {line} id {external.strip()}")
            continue
        rows.append(case_row(grid=grid, lon=float(lons[i]), lat=float(lats[i]), **fields))
        unmapped_type = batch.unmapped[i]
        if unmapped_type is not None:
            report.unmapped[unmapped_type] += 1
    return rows


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
                yield from _rows(_parse_batch(records, mapping, index, report), locator, report)
                if progress is not None:
                    progress(min(lines.chars, size), size)

        for counts in upsert_cases(engine, rows(), chunk_rows=batch_rows):
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
