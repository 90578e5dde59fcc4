"""Polling an existing case database: a table or view read by its updated-at column, with a checkpoint.

The other system is reached through any SQLAlchemy URL and described by a mapping
file: the CSV mapping format (``docs/importing.md``) plus ``table`` and an
``updated_at`` column. Rows are read in ``(updated_at, id)`` order after the
checkpoint (keyset paging: rows sharing one ``updated_at`` are not missed at a
page boundary), turned into case states and handed to a sink that only moves
cases forward. The checkpoint, written after each page went through, is the last
``(updated_at, id)`` taken: a restart continues there and misses nothing.
"""

from __future__ import annotations

import json
import math
import time
import tomllib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, Table, and_, create_engine, or_, select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import NoSuchTableError, SQLAlchemyError

from feeds.geo.geojson_io import write_atomic
from feeds.geo.locate import GridLocator
from feeds.importers.cases import CaseState
from feeds.importers.checkpoint import checkpoint_error, read_checkpoint
from feeds.importers.mapping import CsvMapping, load_csv_mapping, resolve_mapping_path
from feeds.importers.producer import ProducerError
from feeds.importers.records import MappingError, case_id
from feeds.importers.report import ImportReport
from feeds.importers.sinks import CaseSink, locate
from feeds.importers.times import epoch_of, in_range
from feeds.protocol import ProtocolError
from feeds.store.engine import resolve_url
from feeds.taxonomy import UNMAPPED

PAGE_ROWS = 5_000


def _text(value: Any) -> str:
    """A column value as text: ``None`` is blank, but ``0`` (an integer id or code) stays ``"0"``."""
    return "" if value is None else str(value)


class DbSourceError(ValueError):
    """A source database that cannot be read: no driver installed for its URL, or a SQLite file that is not there."""


DRIVER_HINTS = {
    "mysql": "`pip install mysqlclient` (or PyMySQL and a mysql+pymysql:// URL)",
    "mariadb": "`pip install mariadb` (or PyMySQL and a mysql+pymysql:// URL)",
    "postgresql": "the libpq library (Debian: apt-get install libpq5) or `pip install 'gridwall[postgres]'`",
    "mssql": "`pip install pyodbc` and an ODBC driver",
    "oracle": "`pip install oracledb` and an oracle+oracledb:// URL",
}
"""What to install for a dialect whose default driver is missing (the words ``open_store`` uses for PostgreSQL)."""


def _read_only_sqlite(url: URL, shown: str) -> URL:
    """A SQLite file URL opened read-only (``file:…?mode=ro``): a file that is not there is refused, never made."""
    database = url.database or ""
    if not database or database == ":memory:" or database.startswith("file:") or url.query.get("uri"):
        return url  # in memory, or a URI the user wrote: left as given
    path = Path(database).expanduser()
    if not path.is_file():
        raise DbSourceError(f"{shown}: no SQLite database {path} (poll-db reads an existing one and creates nothing)")
    return url.set(database=path.resolve().as_uri(), query={**url.query, "mode": "ro", "uri": "true"})


def source_engine(url: str) -> Engine:
    """The engine of another system's database, read-only where the URL allows it (SQLite files).

    Raises:
        DbSourceError: A SQLite file that does not exist, or no driver installed for the URL (naming what
            to install).
        sqlalchemy.exc.ArgumentError, NoSuchModuleError: Not a URL, or an unknown dialect.
    """
    resolved = make_url(resolve_url(url))  # postgresql:// goes through psycopg 3, as the store
    shown = resolved.render_as_string(hide_password=True)
    if resolved.get_backend_name() == "sqlite":
        resolved = _read_only_sqlite(resolved, shown)
    try:
        return create_engine(resolved)
    except ImportError as exc:
        backend = resolved.get_backend_name()
        hint = DRIVER_HINTS.get(backend, f"the Python driver of {backend} (see SQLAlchemy's dialect documentation)")
        raise DbSourceError(f"{shown}: no database driver ({exc}); install {hint}") from None


@dataclass(frozen=True)
class DbMapping:
    """A CSV-style mapping plus the table and its updated-at column."""

    table: str
    updated_at: str
    columns: CsvMapping


def load_db_mapping(path: str) -> DbMapping:
    """Read a database mapping file (``MappingError`` naming the problem)."""
    columns = load_csv_mapping(path)
    try:
        data = tomllib.loads(resolve_mapping_path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise MappingError(f"{path}: {exc}") from None
    table, updated = data.get("table"), data.get("updated_at")
    if not isinstance(table, str) or not table:
        raise MappingError(f'{path}: needs table = "<table or view>"')
    if not isinstance(updated, str) or not updated:
        raise MappingError(f'{path}: needs updated_at = "<column>"')
    return DbMapping(table, updated, columns)


@dataclass
class DbCheckpoint:
    """The last ``(updated_at, id)`` taken, as the database returned them (JSON-able)."""

    path: Path
    updated_at: Any = None
    row_id: Any = None

    @classmethod
    def load(cls, path: Path) -> DbCheckpoint:
        """Read the file (missing: from the start; an unusable one: ``ValueError``)."""
        data = read_checkpoint(path, ("updated_at", "id"))
        if data is None:
            return cls(path)
        value = data["updated_at"]
        if data.get("updated_at_type") == "datetime":
            try:
                value = datetime.fromisoformat(value)
            except (TypeError, ValueError):
                raise checkpoint_error(path, f"'updated_at' is {value!r}, not an ISO date/time") from None
        return cls(path, value, data["id"])

    def save(self) -> None:
        """Write atomically."""
        value, kind = self.updated_at, "plain"
        if isinstance(value, datetime):
            value, kind = value.isoformat(), "datetime"
        write_atomic(self.path, json.dumps({"updated_at": value, "updated_at_type": kind, "id": self.row_id}))


class DbPoller:
    """Reads new and changed rows of another system's case table into a sink.

    Args:
        url: SQLAlchemy URL of the other system (read only; a SQLite file is opened read-only and must exist).
        mapping: Table, columns, types, statuses.
        sink: Where located states go.
        locator: Unit grids for the points.
        checkpoint: Where the last poll stopped.
        page_rows: Rows per page (one sink call and one checkpoint write each).
    """

    def __init__(
        self,
        url: str,
        mapping: DbMapping,
        sink: CaseSink,
        locator: GridLocator,
        checkpoint: DbCheckpoint,
        *,
        page_rows: int = PAGE_ROWS,
        engine: Engine | None = None,
    ) -> None:
        self.url, self.mapping, self.sink, self.locator = url, mapping, sink, locator
        self.checkpoint, self.page_rows = checkpoint, page_rows
        self._own_engine = engine is None
        self._display = make_url(resolve_url(url)).render_as_string(hide_password=True) if engine is None else None
        self.engine = engine or source_engine(url)
        self._table: Table | None = None
        self._parse = mapping.columns.time_parser()

    def close(self) -> None:
        """Close the connections to the other system (an engine passed in is left to its owner)."""
        if self._own_engine:
            self.engine.dispose()

    def _reflect(self) -> Table:
        if self._table is None:
            try:
                table = Table(self.mapping.table, MetaData(), autoload_with=self.engine)
            except NoSuchTableError:
                raise MappingError(f"no table or view {self.mapping.table!r} in {self._shown()}") from None
            wanted = {self.mapping.updated_at, *self.mapping.columns.columns.values()}
            missing = sorted(wanted - set(table.c.keys()))
            if missing:
                raise MappingError(f"{self.mapping.table!r} has no column(s) {', '.join(missing)}")
            self._table = table
        return self._table

    def _shown(self) -> str:
        return self._display or self.engine.url.render_as_string(hide_password=True)  # the URL as given

    def _epoch(self, value: Any) -> float | None:
        if value is None or value == "":
            return None
        if isinstance(value, datetime):  # ValueError outside 1970–2099, as for text
            return epoch_of(value if value.tzinfo else value.replace(tzinfo=self.mapping.columns.tz))
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if not in_range(value):  # NaN too
                raise ValueError(f"time {value!r} is not between 1970 and 2099")
            return float(value)
        parsed = self._parse(str(value))
        return float(parsed) if parsed is not None else None

    def _state(self, row: Any, report: ImportReport) -> CaseState | None:
        m = self.mapping.columns
        col = m.columns
        get = row._mapping.get
        external = _text(get(col["id"]))
        where = f"row id {external}"
        cid = case_id(m.id_prefix, external)
        if cid is None:
            report.skip("missing_id", where)
            return None
        try:
            reported = self._epoch(get(col["reported_at"]))
            closed = self._epoch(get(col["closed_at"])) if "closed_at" in col else None
            deadline = self._epoch(get(col["deadline"])) if "deadline" in col else None
            updated = self._epoch(get(self.mapping.updated_at))
        except ValueError:
            report.skip("bad_time", where)
            return None
        if reported is None:
            report.skip("missing_reported_at", where)
            return None
        try:
            lon = float(get(col.get("lon", ""), math.nan))
            lat = float(get(col.get("lat", ""), math.nan))
        except (TypeError, ValueError):
            lon = lat = math.nan
        if not (math.isfinite(lon) and math.isfinite(lat)):
            report.skip("no_coordinates", where)
            return None
        external_type = _text(get(col["type"])).strip()
        subclass = m.types.subclass(external_type)
        kind, department = m.types.kind_and_department(subclass or UNMAPPED.code)
        status = _text(get(col["status"])) if "status" in col else ""
        stage = m.statuses.get(status.strip().casefold(), m.default_stage)
        if "status" not in col and closed is not None:
            stage = "closed"
        channel = _text(get(col["source"])).strip().casefold() if "source" in col else ""
        return CaseState(
            id=cid,
            subclass=subclass or UNMAPPED.code,
            kind=kind,
            department=department,
            source=m.sources.get(channel, m.default_source),
            stage=stage,
            reported_at=reported,
            updated_at=max(updated or closed or reported, reported),
            deadline=deadline,
            lon=lon,
            lat=lat,
            address=_text(get(col["address"]))[:200] if "address" in col else "",
            description=_text(get(col["description"]))[:1000] if "description" in col else "",
            where=where,
            unmapped_type=external_type if subclass is None else None,
        )

    def _page(self) -> list[Any]:
        table = self._reflect()
        upd, rid = table.c[self.mapping.updated_at], table.c[self.mapping.columns.columns["id"]]
        query = select(table).order_by(upd, rid).limit(self.page_rows)
        cp = self.checkpoint
        if cp.updated_at is not None:
            query = query.where(or_(upd > cp.updated_at, and_(upd == cp.updated_at, rid > cp.row_id)))
        with self.engine.connect() as conn:
            return list(conn.execute(query))

    def poll_once(self) -> ImportReport:
        """Read every row changed since the checkpoint, page by page; failures go to ``report.errors``."""
        started = time.perf_counter()
        report = ImportReport(source=f"{self._shown()} {self.mapping.table}")
        try:
            while rows := self._page():
                report.read += len(rows)
                states = [s for s in (self._state(r, report) for r in rows) if s is not None]
                states.sort(key=lambda s: s.updated_at)
                self.sink.put(locate(states, self.locator, report), report)
                last = rows[-1]._mapping
                self.checkpoint.updated_at = last[self.mapping.updated_at]
                self.checkpoint.row_id = last[self.mapping.columns.columns["id"]]
                self.checkpoint.save()
                if len(rows) < self.page_rows:
                    break
        except (SQLAlchemyError, ProducerError, ProtocolError, ConnectionError) as exc:
            report.errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
        report.seconds = time.perf_counter() - started
        return report
