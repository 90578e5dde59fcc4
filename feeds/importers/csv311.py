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
from operator import itemgetter
from pathlib import Path
from typing import Any, TextIO

import numpy as np
from sqlalchemy import Engine

from feeds.geo.locate import GridLocator
from feeds.importers.mapping import CsvMapping
from feeds.importers.records import case_id
from feeds.importers.report import ImportReport
from feeds.importers.times import BLANK, TimeParser
from feeds.store.bulk import upsert_columns
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

    def __init__(self, columns: dict[int, tuple[str, ...]], index: dict[str, int], name: str, n: int) -> None:
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


def _optional(values: np.ndarray[Any, Any], known: np.ndarray[Any, Any]) -> list[int | None]:
    """Epoch seconds as Python ints where ``known``, else ``None``."""
    out = np.full(values.size, None, dtype=object)
    out[known] = values[known]
    result: list[int | None] = out.tolist()
    return result


def _parse_batch(
    records: list[tuple[int, list[str]]],
    mapping: CsvMapping,
    index: dict[str, int],
    locator: GridLocator,
    report: ImportReport,
) -> dict[str, list[Any]] | None:
    """``cases`` columns of a batch, parsed column by column (times, units and stages vectorised).

    Rows that cannot be stored are skipped with their reason. The rows follow
    :func:`feeds.importers.records.case_row` (filed/dispatched at the report time for
    later stages, on time when closed by the deadline) and carry every column, so the
    bulk path takes them as they are. ``None`` when no row of the batch is kept.
    """
    report.read += len(records)
    width = max(index.values()) + 1
    full = [(line, rec) for line, rec in records if len(rec) >= width]
    for line, rec in records:
        if len(rec) < width:
            report.skip("short_row", f"line {line}")
    if not full:
        return None
    lines = [line for line, _ in full]
    positions = sorted(set(index.values()))  # transpose only the mapped columns, not all 41 of NYC's
    pick = itemgetter(*positions, positions[0])  # always a tuple, even for one column
    columns = dict(zip(positions, zip(*(pick(rec) for _, rec in full), strict=False), strict=False))
    n = len(full)

    def col(name: str) -> _Column:
        return _Column(columns, index, name, n)

    parser = mapping.time_parser()
    reported, bad_rep = _times(parser, col("reported_at"))
    closed, bad_closed = _times(parser, col("closed_at"))
    due, bad_due = _times(parser, col("deadline"))
    status = col("status")
    stages = np.array(_lookup(status.values, mapping.statuses, mapping.default_stage), dtype=object)
    if not status.present:
        stages[closed != BLANK] = "closed"
    types = col("type").values
    subclasses = _lookup(types, dict(mapping.types.types), UNMAPPED.code)
    lons, lats = _floats(col("lon")), _floats(col("lat"))
    grids = locator.locate_arrays(lons, lats)
    external_ids = col("id").values
    prefix = mapping.id_prefix
    ids = [case_id(prefix, x) for x in external_ids]
    keep = _keep(ids, bad_rep | bad_closed | bad_due, reported, grids, lons, lats, lines, external_ids, report)
    for i in np.flatnonzero(keep).tolist():
        if subclasses[i] == UNMAPPED.code:
            report.unmapped[types[i].strip()] += 1
    if not keep.any():
        return None
    rows = np.flatnonzero(keep).tolist()
    stage, rep, c, d = stages[rows], reported[rows], closed[rows], due[rows]
    is_closed, is_cancelled = stage == "closed", stage == "cancelled"
    finished = np.where(c == BLANK, rep, c)
    has_due = d != BLANK
    final = is_closed | is_cancelled
    filed = (stage != "reported") & ~is_cancelled
    past_filed = np.isin(stage, tuple(_PAST_FILED))
    on_time = np.full(len(rows), None, dtype=object)
    judged = is_closed & (finished != 0)
    on_time[judged] = (~has_due[judged] | (finished[judged] <= d[judged])).tolist()
    kinds = mapping.types.kinds
    sources = _lookup(col("source").values, mapping.sources, mapping.default_source)
    subclass = [subclasses[i] for i in rows]
    kind_department = [kinds[s] for s in subclass]
    grid = grids[rows].tolist()
    addresses, descriptions = col("address").values, col("description").values
    n_kept = len(rows)
    return {
        "id": [ids[i] for i in rows],
        "kind": [k for k, _ in kind_department],
        "subclass": subclass,
        "source": [sources[i] for i in rows],
        "grid": grid,
        "community": [g[:12] for g in grid],
        "subdistrict": [g[:9] for g in grid],
        "department": [dep for _, dep in kind_department],
        "lon": lons[rows].tolist(),
        "lat": lats[rows].tolist(),
        "address": [addresses[i].strip()[:200] for i in rows],
        "description": [descriptions[i].strip()[:1000] for i in rows],
        "stage": stage.tolist(),
        "reported_at": rep.tolist(),
        "filed_at": _optional(rep, filed),
        "dispatched_at": _optional(rep, past_filed),
        "handled_at": [None] * n_kept,
        "closed_at": _optional(finished, is_closed),
        "cancelled_at": _optional(finished, is_cancelled),
        "deadline_at": _optional(d, has_due & ~final),
        "handle_deadline_at": _optional(d, has_due),
        "on_time": on_time.tolist(),
        "difficult": [False] * n_kept,
        "urges": [0] * n_kept,
        "reworks": [0] * n_kept,
        "updated_seq": [0] * n_kept,
    }


def _keep(
    ids: list[str | None],
    bad_time: np.ndarray[Any, Any],
    reported: np.ndarray[Any, Any],
    grids: np.ndarray[Any, Any],
    lons: np.ndarray[Any, Any],
    lats: np.ndarray[Any, Any],
    lines: list[int],
    external_ids: Sequence[str],
    report: ImportReport,
) -> np.ndarray[Any, Any]:
    """Which rows can be stored; the others are counted in ``report`` with their first reason."""
    no_id = np.fromiter((i is None for i in ids), dtype=bool, count=len(ids))
    no_grid = np.fromiter((g is None for g in grids), dtype=bool, count=len(ids))
    keep: np.ndarray[Any, Any] = ~(no_id | bad_time | (reported == BLANK) | no_grid)
    for i in np.flatnonzero(~keep).tolist():
        if no_id[i]:
            report.skip("missing_id", f"line {lines[i]}")
        elif bad_time[i]:
            report.skip("bad_time", f"line {lines[i]}")
        elif reported[i] == BLANK:
            report.skip("missing_reported_at", f"line {lines[i]}")
        else:
            reason = "no_coordinates" if math.isnan(lons[i]) or math.isnan(lats[i]) else "outside_units"
            report.skip(reason, f"line {lines[i]} id {external_ids[i].strip()}")
    return keep


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

        def chunks() -> Iterator[dict[str, list[Any]]]:
            while records := list(islice(numbered, batch_rows)):
                parsed = _parse_batch(records, mapping, index, locator, report)
                if parsed is not None:
                    yield parsed
                if progress is not None:
                    progress(min(lines.chars, size), size)

        for counts in upsert_columns(engine, chunks()):
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
