"""Streaming import of 311-style CSV exports into the store's bulk path.

Rows are read with the ``csv`` module in batches; each batch is parsed (ids,
times in the mapping's zone, types through the mapping, statuses to stages),
located on the unit grids in one vectorised query, and upserted by id in one
transaction, so a re-import updates and never duplicates.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import math
import time
from collections.abc import Callable, Iterator, Sequence
from itertools import chain, islice
from operator import itemgetter
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine, func, select

from feeds.csvfile import csv_errors_named
from feeds.geo.locate import GridLocator
from feeds.importers.mapping import CsvMapping
from feeds.importers.records import ID_MAX, case_id
from feeds.importers.report import ImportReport
from feeds.importers.times import BLANK, TimeParser
from feeds.protocol.vocab import COMPONENT_CODE, PLAIN_ID
from feeds.store.bulk import upsert_columns
from feeds.store.schema import cases
from feeds.taxonomy import UNMAPPED

BATCH_ROWS = 50_000
Progress = Callable[[int, int], None]
"""Called with ``(bytes read, file size)`` after each batch."""


class CsvLayoutError(ValueError):
    """The file's header lacks a column the mapping names."""


def _float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        return math.nan
    return value if math.isfinite(value) else math.nan


class _Memo:
    """Values computed once per distinct key; :meth:`each` maps a whole column in C (a plain dict's lookups)."""

    def __init__(self, compute: Callable[[str], Any]) -> None:
        self._compute = compute
        self._known: dict[str, Any] = {}

    def each(self, values: Sequence[str]) -> list[Any]:
        """The value of every item of ``values``."""
        known = self._known
        for key in set(values).difference(known):
            known[key] = self._compute(key)
        return list(map(known.__getitem__, values))


def _table_memo(table: dict[str, str], default: str) -> _Memo:
    """Maps raw values through ``table`` (keys case-folded and trimmed), each distinct value looked up once."""
    return _Memo(lambda v: table.get(v.strip().casefold(), default))


Array = np.ndarray[Any, Any]


def _times(parser: TimeParser, values: Sequence[str] | None, n: int) -> tuple[Array, Array]:
    if values is None:
        return np.full(n, BLANK, dtype=np.int64), np.zeros(n, dtype=bool)
    return parser.parse_many(values)


def _floats(values: Sequence[str] | None, n: int) -> np.ndarray[Any, Any]:
    """A coordinate column as floats (NaN where blank, unreadable or infinite)."""
    if values is None:
        return np.full(n, math.nan)
    try:
        out = np.asarray([v or "nan" for v in values], dtype=float)
    except ValueError:
        out = np.asarray([_float(v) for v in values], dtype=float)
    out[~np.isfinite(out)] = math.nan
    return out


def _ids(prefix: str, external: Sequence[str]) -> list[str | None]:
    """:func:`case_id` of every external id; plain ASCII letters and digits of a safe length in one go."""
    joined = "".join(external)
    if (
        joined.isascii()
        and joined.isalnum()
        and min(map(len, external), default=1) > 0
        and len(prefix) + max(map(len, external), default=0) <= ID_MAX
    ):
        return list(map(prefix.__add__, external))
    return [case_id(prefix, x) for x in external]


def _clip(values: Sequence[str], limit: int) -> list[str]:
    """Values trimmed of surrounding blanks and cut to ``limit`` characters; a NUL becomes U+FFFD
    (the bulk path skips the protocol's validation, which refuses NUL: no store text may hold one)."""
    out = list(map(str.strip, values))
    if max(map(len, out), default=0) > limit:
        out = [v[:limit] for v in out]
    if "\x00" in "".join(out):
        out = [v.replace("\x00", "\ufffd") for v in out]
    return out


def _take(values: Sequence[Any], rows: list[int] | None) -> list[Any]:
    """``values`` at ``rows`` (all of them for ``None``), as a list."""
    if rows is None:
        return list(values)
    return [values[i] for i in rows]


def _line_numbers(first: int, records: Sequence[list[str]]) -> list[int]:
    """The line each record starts on, counting the line breaks inside quoted fields."""
    lines, line = [], first
    for rec in records:
        lines.append(line)
        line += 1 + sum(f.count("\n") + f.count("\r") - f.count("\r\n") for f in rec)
    return lines


_PAST_FILED = frozenset({"dispatched", "handling", "closure_requested", "verifying", "closed"})


def _optional(values: np.ndarray[Any, Any], known: np.ndarray[Any, Any]) -> list[int | None]:
    """Epoch seconds as Python ints where ``known``, else ``None``."""
    out = np.full(values.size, None, dtype=object)
    out[known] = values[known]
    result: list[int | None] = out.tolist()
    return result


class _BatchParser:
    """Turns batches of CSV records into ``cases`` columns, column by column (no object per row).

    The lookups (types, statuses, sources, the grid's community and subdistrict, a
    subclass's kind and department) are memoised for the whole import.
    """

    def __init__(self, mapping: CsvMapping, index: dict[str, int], locator: GridLocator, report: ImportReport) -> None:
        self.mapping, self.index, self.locator, self.report = mapping, index, locator, report
        self.width = max(index.values()) + 1
        self.positions = sorted(set(index.values()))  # transpose only the mapped columns, not all 41 of NYC's
        self.pick = itemgetter(*self.positions, self.positions[0])  # always a tuple, even for one column
        self.parser = mapping.time_parser()
        self.stages = _table_memo(mapping.statuses, mapping.default_stage)
        self.subclasses = _table_memo(dict(mapping.types.types), UNMAPPED.code)
        self.sources = _table_memo(mapping.sources, mapping.default_source)
        kinds = mapping.types.kinds
        self.kind = _Memo(lambda s: kinds[s][0])
        self.department = _Memo(lambda s: kinds[s][1])
        self.community = _Memo(lambda g: g[:12])
        self.subdistrict = _Memo(lambda g: g[:9])

    def parse(self, first_line: int, last_line: int, records: list[list[str]]) -> dict[str, list[Any]] | None:
        """``cases`` columns of the records read from ``first_line`` to ``last_line`` (``None``: none kept).

        Rows that cannot be stored are skipped with their reason. The rows follow
        :func:`feeds.importers.records.case_row` (filed/dispatched at the report time for
        later stages, on time when closed by the deadline) and carry every column, so the
        bulk path takes them as they are.
        """
        report, mapping = self.report, self.mapping
        report.read += len(records)
        line_of: list[int] | None = None
        if last_line - first_line + 1 != len(records):  # quoted line breaks: count them (rare)
            line_of = _line_numbers(first_line, records)
        if min(map(len, records)) < self.width:
            short = [i for i, rec in enumerate(records) if len(rec) < self.width]
            for i in short:
                report.skip("short_row", f"line {line_of[i] if line_of else first_line + i}")
            gone = set(short)
            kept = [i for i in range(len(records)) if i not in gone]
            records = [records[i] for i in kept]
            line_of = [line_of[i] if line_of else first_line + i for i in kept]
            if not records:
                return None
        n = len(records)
        columns = dict(zip(self.positions, zip(*map(self.pick, records), strict=False), strict=False))

        def col(name: str) -> Sequence[str] | None:
            position = self.index.get(name)
            return columns[position] if position is not None else None

        reported, bad_rep = _times(self.parser, col("reported_at"), n)
        closed, bad_closed = _times(self.parser, col("closed_at"), n)
        due, bad_due = _times(self.parser, col("deadline"), n)
        status = col("status")
        stages = np.array(self.stages.each(status) if status is not None else [mapping.default_stage] * n, dtype=object)
        if status is None:
            stages[closed != BLANK] = "closed"
        types = col("type") or ("",) * n
        subclasses = self.subclasses.each(types)
        lons, lats = _floats(col("lon"), n), _floats(col("lat"), n)
        grids = self.locator.locate_arrays(lons, lats)
        external_ids = col("id") or ("",) * n
        ids = _ids(mapping.id_prefix, external_ids)
        no_id = np.asarray(ids, dtype=object) == None if None in ids else np.zeros(n, dtype=bool)  # noqa: E711
        no_grid = ~grids.astype(bool)  # None (outside every grid) is false, a grid code true
        keep: np.ndarray[Any, Any] = ~(no_id | bad_rep | bad_closed | bad_due | (reported == BLANK) | no_grid)
        bad_time = (bad_rep | bad_closed | bad_due) & ~no_id
        no_report = (reported == BLANK) & ~(no_id | bad_time)
        unplaced = no_grid & ~(no_id | bad_time | no_report)
        no_point = unplaced & (np.isnan(lons) | np.isnan(lats))

        def where(hits: Array) -> Iterator[str]:  # only the first few are made
            for i in hits.tolist():
                line, external = line_of[i] if line_of else first_line + i, external_ids[i].strip()
                yield f"line {line} id {external}" if external else f"line {line}"

        for reason, mask in (
            ("missing_id", no_id),
            ("bad_time", bad_time),
            ("missing_reported_at", no_report),
            ("no_coordinates", no_point),
            ("outside_units", unplaced & ~no_point),
        ):
            hits = np.flatnonzero(mask)
            report.skip_many(reason, len(hits), where(hits))
        if not keep.any():
            return None
        rows: list[int] | None = None if keep.all() else np.flatnonzero(keep).tolist()
        picked = slice(None) if rows is None else rows
        subclass = _take(subclasses, rows)
        unmapped = UNMAPPED.code
        if unmapped in subclass:
            for i, s in enumerate(subclass):
                if s == unmapped:
                    report.unmapped[types[i if rows is None else rows[i]].strip()] += 1
        stage, rep, c, d = stages[picked], reported[picked], closed[picked], due[picked]
        is_closed, is_cancelled = stage == "closed", stage == "cancelled"
        finished = np.where(c == BLANK, rep, c)
        has_due = d != BLANK
        final = is_closed | is_cancelled
        filed = (stage != "reported") & ~is_cancelled
        past_filed = np.isin(stage, tuple(_PAST_FILED))
        on_time = np.full(len(stage), None, dtype=object)
        judged = is_closed & (finished != 0)
        on_time[judged] = (~has_due[judged] | (finished[judged] <= d[judged])).tolist()
        grid: list[str] = grids[picked].tolist()
        n_kept = len(grid)
        kinds = self.kind.each(subclass)
        codes = col("component")
        sources = _take(self.sources.each(col("source") or ("",) * n), rows)
        reporters = col("reporter")
        return {
            "id": _take(ids, rows),
            "kind": kinds,
            "subclass": subclass,
            "source": sources,
            "grid": grid,
            "community": self.community.each(grid),
            "subdistrict": self.subdistrict.each(grid),
            "department": self.department.each(subclass),
            "lon": lons[picked].tolist(),
            "lat": lats[picked].tolist(),
            "address": _clip(_take(col("address") or ("",) * n, rows), 200),
            "description": _clip(_take(col("description") or ("",) * n, rows), 1000),
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
            "component": [None] * n_kept if codes is None else self._codes(_take(codes, rows), kinds, subclass),
            "reporter": [None] * n_kept
            if reporters is None
            else [_reporter(v, s, self.report) for v, s in zip(_take(reporters, rows), sources, strict=True)],
        }

    def _codes(self, values: Sequence[str], kinds: Sequence[str], subclass: Sequence[str]) -> list[str | None]:
        """The ``component`` column: a row's code when it names a component of its own subclass."""
        return [_component_code(v, k, s, self.report) for v, k, s in zip(values, kinds, subclass, strict=True)]


def _component_code(value: str, kind: str, subclass: str, report: ImportReport) -> str | None:
    """A row's component code when it names one of its own subclass (else none, counted: the case is kept and
    links to its component by place)."""
    code = value.strip()
    if not code:
        return None
    if kind == "component" and COMPONENT_CODE.fullmatch(code) and code[6:10] == subclass:
        return code
    report.dropped["component_code"] += 1
    return None


def _reporter(value: str, source: str, report: ImportReport) -> str | None:
    """A patrol row's reporter (a supervisor's staff id); on a row of another source, or not an id of
    letters, digits and ``_.:-`` (at most 64), none, counted: the case is kept and credited by beat."""
    staff_id = value.strip()
    if not staff_id:
        return None
    if source == "patrol" and PLAIN_ID.fullmatch(staff_id):
        return staff_id
    report.dropped["reporter"] += 1
    return None


def header_index(header: list[str], mapping: CsvMapping) -> dict[str, int]:
    """GridWall field → column position (``CsvLayoutError`` naming missing headers, or a mapped header that
    appears twice: which of the two columns was meant cannot be told)."""
    positions: dict[str, list[int]] = {}
    for i, name in enumerate(header):
        positions.setdefault(name.strip(), []).append(i)
    missing = [column for column in mapping.columns.values() if column not in positions]
    if missing:
        raise CsvLayoutError(f"the file has no column(s) {', '.join(repr(m) for m in missing)} named by the mapping")
    twice = [column for column in dict.fromkeys(mapping.columns.values()) if len(positions[column]) > 1]
    if twice:
        listed = "; ".join(
            f"{column!r} is column {' and '.join(str(i + 1) for i in positions[column])}" for column in twice
        )
        raise CsvLayoutError(f"the header names a mapped column more than once ({listed}): rename or remove one")
    return {fld: positions[column][0] for fld, column in mapping.columns.items()}


def decode_error_line(path: Path, encoding: str) -> tuple[int, int] | None:
    """``(line, byte offset)`` of the first bytes of ``path`` that ``encoding`` cannot decode, or None.

    Read again line by line after a :class:`UnicodeDecodeError` (whose position is within a buffer, not the
    file); only for encodings that write a line break as the byte ``\\n`` (UTF-8, GBK…), else None.
    """
    if encoding.replace("_", "-").lower() == "utf-8-sig":
        encoding = "utf-8"  # a byte-order mark is UTF-8 too; the mark would make the check below fail
    if "\n".encode(encoding) != b"\n":
        return None
    offset = 0
    with path.open("rb") as f:
        for number, raw in enumerate(f, start=1):
            try:
                raw.decode(encoding)
            except UnicodeDecodeError as exc:
                return number, offset + exc.start
            except LookupError:
                return None
            offset += len(raw)
    return None


DEFER_SHARE = 0.25
"""A file estimated to hold at least this share of the store's cases is loaded with the indexes
dropped and rebuilt after (rebuilding is cheaper than keeping them in step row by row)."""


DEFER_MIN_ROWS = 10_000
"""Smaller files never drop the indexes of a store that holds cases (no need to count them)."""


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off while millions of short-lived lists are made (they hold no cycles)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _defer_indexes(engine: Engine, estimated_rows: float) -> bool:
    """Whether to drop the indexes for this load: the store is empty or small next to the file."""
    with engine.connect() as conn:
        if conn.execute(select(cases.c.id).limit(1)).first() is None:
            return True
        if estimated_rows < DEFER_MIN_ROWS:
            return False
        stored = conn.execute(select(func.count()).select_from(cases)).scalar_one()
    return estimated_rows >= DEFER_SHARE * stored


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

    Batches of ``batch_rows`` records go through :class:`_BatchParser` into
    :func:`feeds.store.bulk.upsert_columns`, one transaction each. The store's
    indexes are dropped for the load and rebuilt after when the store is empty or
    the file holds at least :data:`DEFER_SHARE` of its cases (estimated from the
    first batch). The garbage collector is paused during the import.

    Raises:
        CsvLayoutError: If the header lacks a mapped column.
        CsvReadError: If the ``csv`` module cannot read a line (a field over its limit: an unclosed quote?);
            the batches before it are stored.
        OSError, UnicodeDecodeError: If the file cannot be read.
    """
    report = ImportReport(source=str(path))
    start = time.perf_counter()
    size = path.stat().st_size
    with (
        path.open("rb") as raw,
        io.TextIOWrapper(raw, encoding=mapping.encoding, newline="") as f,
        _gc_paused(),
        csv_errors_named(reader := csv.reader(f, delimiter=mapping.delimiter)),
    ):
        header = next(reader, None)
        if header is None:
            raise CsvLayoutError(f"{path} is empty")
        parser = _BatchParser(mapping, header_index(header, mapping), locator, report)

        def batches() -> Iterator[tuple[int, int, list[list[str]]]]:
            while True:
                first = reader.line_num + 1
                records = list(islice(reader, batch_rows))
                if not records:
                    return
                yield first, reader.line_num, records

        def chunks(read: Iterator[tuple[int, int, list[list[str]]]]) -> Iterator[dict[str, list[Any]]]:
            for first, last, records in read:
                parsed = parser.parse(first, last, records)
                if parsed is not None:
                    yield parsed
                if progress is not None:
                    progress(min(raw.tell(), size), size)

        read = batches()
        head = next(read, None)
        if head is not None:
            per_row = max(raw.tell(), 1) / len(head[2])
            defer = _defer_indexes(engine, size / per_row)
            for counts in upsert_columns(engine, chunks(chain([head], read)), defer_indexes=defer):
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
    with (
        path.open(encoding=mapping.encoding, newline="") as f,
        csv_errors_named(reader := csv.reader(f, delimiter=mapping.delimiter)),
    ):
        header = next(reader, None) or []
        index = header_index(header, mapping)
        i_lon, i_lat = index["lon"], index["lat"]
        width = max(i_lon, i_lat) + 1
        for rec in reader:
            if len(rec) >= width:
                lons.append(_float(rec[i_lon]))
                lats.append(_float(rec[i_lat]))
    return np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
