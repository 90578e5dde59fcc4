"""The case store: durable event log plus the state tables it keeps up to date.

:class:`Store` is synchronous and thread-safe (SQLAlchemy pools one connection
per thread in use); the server calls it from worker threads. Appends are
serialised by a process lock plus a row lock on ``meta`` taken as the first
statement of the transaction, so several processes (or server instances on
PostgreSQL) can share one store without ever assigning a ``seq`` twice.

On PostgreSQL the row lock is held until COMMIT, so ``seq`` is gap-free and
increasing in commit order across every server (the next writer reads
``max(seq)`` only once the previous commit is visible), and each commit sends
``NOTIFY <channel>, '<last seq>'`` (delivered only if it commits) so other
servers learn of it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import secrets
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, inspect, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import DBAPIError, OperationalError

from feeds.protocol import CaseInfo, Kpis, Message, ProtocolError, Snapshot, StaffPosition, encode
from feeds.store import bulk, search
from feeds.store.apply import EventApplier
from feeds.store.counters import KpiDeltas, read_kpis
from feeds.store.driver_sql import executemany
from feeds.store.engine import BUSY_TIMEOUT_MS, make_engine, resolve_url
from feeds.store.migrations import OLDEST_MIGRATABLE, migrate
from feeds.store.reference import Reference, load_reference
from feeds.store.schema import (
    SCHEMA_VERSION,
    case_history,
    cases,
    events,
    meta,
    metadata,
    staff_positions,
    staff_tracks,
)
from feeds.store.snapshot import case_columns, case_info, read_snapshot, staff_rows
from feeds.store.tracks import TrackThinner, prune_tracks

_log = logging.getLogger(__name__)

SCHEMA_LOCK_KEY = 0x6772_6964_7761_6C6C  # "gridwall": PostgreSQL advisory lock held while opening a store


class StoreError(RuntimeError):
    """The store cannot be opened or used as asked."""


class StoreBusyError(StoreError):
    """Another writer holds the store and the caller asked not to wait."""


class SchemaTooNewError(StoreError):
    """The store was written by a newer GridWall (its schema_version is above ours)."""


class EventRefused(ProtocolError):
    """One event of an append was refused (nothing of the append was written).

    Attributes:
        index: The refused event's position among the events passed to :meth:`Store.append`.
    """

    def __init__(self, refusal: ProtocolError, index: int) -> None:
        super().__init__(refusal.code, str(refusal), refusal.field)
        self.index = index


_TAKE_WRITE_LOCK = update(meta).where(meta.c.key == "store_id").values(value=meta.c.value)
_HEAD = select(func.coalesce(func.max(events.c.seq), 0))
_INSERT_EVENTS = insert(events)


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event as committed: its ``seq``, the message (with ``seq``/``ts``) and its wire frame."""

    seq: int
    message: Message
    frame: str


class Store:
    """Durable event log and case state (use :func:`open_store` to get one).

    Args:
        engine: Engine with the schema in place.
        store_id: Random id of this store (changes when the store is recreated).
        created_at: Epoch seconds the store was created.
        reference: Known grid and subclass codes.
    """

    def __init__(self, engine: Engine, store_id: str, created_at: float, reference: Reference) -> None:
        self.engine = engine
        self.store_id = store_id
        self.created_at = created_at
        self.reference = reference
        self._write_lock = threading.Lock()
        self._repeatable = engine.dialect.name == "postgresql"
        self._sqlite = engine.dialect.name == "sqlite"
        self._tracks = TrackThinner()
        self._tracks_lock = threading.Lock()
        self.channel = f"gridwall_{store_id}" if self._repeatable else None
        """PostgreSQL ``LISTEN`` channel on which every commit announces its last ``seq`` (else ``None``)."""

    # -- writing -------------------------------------------------------------

    def append(self, msgs: Sequence[Message], *, now: float | None = None, wait: bool = True) -> list[StoredEvent]:
        """Validate, number and apply events in ONE transaction; all or nothing.

        Each event gets the next ``seq`` (gap-free) and ``ts`` (kept if the
        producer set it, else now); its frame (with ``seq``) goes to ``events``.

        Args:
            msgs: Events without ``seq``.
            now: Time for events without ``ts`` (default: now).
            wait: If False, raise :class:`StoreBusyError` at once instead of
                waiting when another writer holds the store (SQLite).

        Raises:
            EventRefused: naming the field and the event's index, if any event is not acceptable;
                nothing is written.
            StoreBusyError: ``wait=False`` and the store is locked by another writer.
        """
        if not msgs:
            return []
        for msg in msgs:
            if not msg.IS_EVENT:
                raise ProtocolError("unknown_type", f"'{msg.TYPE}' is not an event", "type")
        stamp = time.time() if now is None else now
        if not self._write_lock.acquire(blocking=wait):
            raise StoreBusyError("another append is in progress")
        try:
            with self.engine.connect() as conn, self._busy_timeout(conn, wait), conn.begin():
                self._take_write_lock(conn, wait)
                return self._append_in(conn, msgs, stamp)
        finally:
            self._write_lock.release()

    def _take_write_lock(self, conn: Connection, wait: bool) -> None:
        """First statement: takes SQLite's write lock / the ``meta`` row lock on PostgreSQL."""
        try:
            conn.execute(_TAKE_WRITE_LOCK)
        except OperationalError as exc:
            if not wait and self._sqlite:
                raise StoreBusyError(f"store is locked by another writer: {exc.orig}") from exc
            raise

    @contextlib.contextmanager
    def _busy_timeout(self, conn: Connection, wait: bool) -> Iterator[None]:
        """On SQLite with ``wait=False``: fail at once instead of waiting for the write lock."""
        if wait or not self._sqlite:
            yield
            return
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.execute("PRAGMA busy_timeout=0")
        try:
            yield
        finally:
            raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")

    def _append_in(self, conn: Connection, msgs: Sequence[Message], stamp: float) -> list[StoredEvent]:
        head = int(conn.execute(_HEAD).scalar_one())
        deltas = KpiDeltas()
        applier = EventApplier(conn, self.reference, deltas)
        applier.prefetch(msgs)
        stored: list[StoredEvent] = []
        rows: list[dict[str, Any]] = []
        for i, msg in enumerate(msgs):
            seq = head + i + 1
            ts = msg.ts if msg.ts is not None else stamp
            numbered = dataclasses.replace(msg, seq=seq, ts=ts)
            frame = encode(numbered)
            try:
                applier.apply(numbered, seq, ts, frame)
            except ProtocolError as exc:
                raise EventRefused(exc, i) from exc
            stored.append(StoredEvent(seq, numbered, frame))
            rows.append({"seq": seq, "type": msg.TYPE, "ts": int(ts), "frame": frame})
        applier.flush()
        executemany(conn, _INSERT_EVENTS, rows)
        deltas.flush(conn)
        if self.channel is not None:  # sent on COMMIT, in commit order, to every listening server
            conn.execute(select(func.pg_notify(self.channel, str(stored[-1].seq))))
        return stored

    def append_events(self, msgs: Sequence[Message]) -> list[Message]:
        """Like :meth:`append`, returning the committed messages (with ``seq`` and ``ts``)."""
        return [e.message for e in self.append(msgs)]

    def update_staff(self, positions: Iterable[StaffPosition], now: float | None = None) -> None:
        """Record the latest position of each supervisor (volatile: not in the event log) and their tracks.

        A supervisor's track gets one point a minute at most (``feeds.store.tracks``).
        """
        stamp = time.time() if now is None else now
        positions = list(positions)
        rows = list({r["staff_id"]: r for r in staff_rows(positions, stamp)}.values())
        if not rows:
            return
        with self._tracks_lock:
            track_rows = self._tracks.rows(positions, stamp)
            prune = self._tracks.prune_due(stamp)
        with self.engine.connect() as conn, conn.begin():
            if track_rows:
                conn.execute(insert(staff_tracks), track_rows)
            if prune:
                prune_tracks(conn, stamp)
            if self._repeatable:  # PostgreSQL: concurrent updates of one supervisor must not collide on the key
                stmt = pg_insert(staff_positions)
                columns = [c.name for c in staff_positions.columns if c.name != "staff_id"]
                stmt = stmt.on_conflict_do_update(
                    index_elements=[staff_positions.c.staff_id], set_={c: stmt.excluded[c] for c in columns}
                )
                conn.execute(stmt, rows)
                return
            conn.execute(delete(staff_positions).where(staff_positions.c.staff_id.in_([r["staff_id"] for r in rows])))
            conn.execute(insert(staff_positions), rows)

    def bulk_insert_cases(
        self,
        rows: Iterable[dict[str, Any]],
        history_rows: Iterable[dict[str, Any]] = (),
        *,
        chunk_rows: int = bulk.CHUNK_ROWS,
        defer_indexes: bool | None = None,
    ) -> int:
        """Seed historical cases fast; returns cases inserted (see :func:`feeds.store.bulk.bulk_insert_cases`)."""
        return bulk.bulk_insert_cases(
            self.engine, rows, history_rows, chunk_rows=chunk_rows, defer_indexes=defer_indexes
        )

    def bulk_insert_columns(
        self,
        chunks: Iterable[bulk.Columns],
        history: Iterable[bulk.Columns] = (),
        *,
        defer_indexes: bool | None = None,
    ) -> int:
        """Seed cases given as column chunks; returns cases inserted (:func:`feeds.store.bulk.bulk_insert_columns`)."""
        return bulk.bulk_insert_columns(self.engine, chunks, history, defer_indexes=defer_indexes)

    def prune_events(self, keep: int) -> int:
        """Drop all but the last ``keep`` events from the log; returns rows deleted.

        Clients whose ``last_seq`` falls before the oldest kept event get a snapshot.
        """
        with self._write_lock, self.engine.connect() as conn, conn.begin():
            head = int(conn.execute(select(func.coalesce(func.max(events.c.seq), 0))).scalar_one())
            result = conn.execute(delete(events).where(events.c.seq <= head - keep))
            return int(result.rowcount or 0)

    # -- reading -------------------------------------------------------------

    def _read(self) -> Connection:
        conn = self.engine.connect()
        if self._repeatable:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        return conn

    def head(self) -> int:
        """The last committed ``seq`` (0 for an empty log)."""
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.coalesce(func.max(events.c.seq), 0))).scalar_one())

    def log_range(self) -> tuple[int, int]:
        """``(first, head)``: the oldest ``seq`` still in the log (``head + 1`` if empty) and the last one."""
        with self.engine.connect() as conn:
            row = conn.execute(select(func.min(events.c.seq), func.max(events.c.seq))).one()
            head = int(row[1] or 0)
            return (int(row[0]) if row[0] is not None else head + 1), head

    def events_since(self, seq: int, limit: int = 1000) -> list[str]:
        """Encoded frames of the events after ``seq``, oldest first, at most ``limit``."""
        return [frame for _, frame in self.events_page(seq, limit)]

    def events_page(self, seq: int, limit: int = 1000) -> list[tuple[int, str]]:
        """``(seq, frame)`` of the events after ``seq``, oldest first, at most ``limit``."""
        with self.engine.connect() as conn:
            query = select(events.c.seq, events.c.frame).where(events.c.seq > seq).order_by(events.c.seq).limit(limit)
            return [(int(s), f) for s, f in conn.execute(query)]

    def snapshot(self, now: float | None = None) -> Snapshot:
        """The current state together with the ``head`` it reflects (one consistent read)."""
        stamp = time.time() if now is None else now
        with self._read() as conn, conn.begin():
            head = int(conn.execute(select(func.coalesce(func.max(events.c.seq), 0))).scalar_one())
            kpi = read_kpis(conn, stamp)
            return read_snapshot(conn, head=head, store_id=self.store_id, now=stamp, kpi=kpi)

    def kpis(self, now: float | None = None) -> Kpis:
        """Today's figures and the all-time totals (reads the ``kpi_daily`` counters)."""
        with self.engine.connect() as conn:
            return read_kpis(conn, time.time() if now is None else now)

    def case(self, case_id: str) -> tuple[CaseInfo, list[dict[str, Any]]] | None:
        """One case and its history (oldest first), or ``None`` if unknown."""
        with self._read() as conn, conn.begin():
            row = conn.execute(select(*case_columns()).where(cases.c.id == case_id)).mappings().first()
            if row is None:
                return None
            hist = conn.execute(
                select(
                    case_history.c.at,
                    case_history.c.action,
                    case_history.c.deadline_at,
                    case_history.c.actor,
                    case_history.c.note,
                    case_history.c.seq,
                )
                .where(case_history.c.case_id == case_id)
                .order_by(case_history.c.at, case_history.c.id)
            ).mappings()
            return case_info(row), [dict(h) for h in hist]

    def close(self) -> None:
        """Release all connections."""
        self.engine.dispose()


def _read_meta(conn: Connection) -> dict[str, str]:
    return {row.key: row.value for row in conn.execute(select(meta.c.key, meta.c.value))}


def _check_version(found: dict[str, str], url: str) -> None:
    text = found.get("schema_version", "0")
    if not text.isdigit():
        raise StoreError(f"store {url}: its schema_version {text[:20]!r} is not a number (a damaged store?)")
    version = int(text)
    if version > SCHEMA_VERSION:
        raise SchemaTooNewError(
            f"store {url} has schema version {version}, newer than this GridWall's {SCHEMA_VERSION}: "
            "upgrade GridWall or use another store"
        )
    if version < OLDEST_MIGRATABLE:
        raise StoreError(
            f"store {url} has schema version {version}, older than {OLDEST_MIGRATABLE}, the oldest this GridWall "
            "can migrate: move it away and seed a new store"
        )


def _migrate(conn: Connection, found: dict[str, str], url: str) -> None:
    """Bring an older store to SCHEMA_VERSION in the opening transaction (all steps or none)."""
    version = int(found["schema_version"])
    try:
        migrate(conn, version, SCHEMA_VERSION)
    except Exception as exc:
        raise StoreError(
            f"store {url}: migrating schema version {version} to {SCHEMA_VERSION} failed, store left unchanged: {exc}"
        ) from exc
    conn.execute(update(meta).where(meta.c.key == "schema_version").values(value=str(SCHEMA_VERSION)))
    _log.info("store: %s migrated from schema version %d to %d", url, version, SCHEMA_VERSION)


def _refuse_a_foreign_file(conn: Connection, shown: str) -> None:
    """A SQLite file without GridWall's ``meta`` that holds other tables is another program's database:
    opening it would add GridWall's tables to it, so it is refused (a PostgreSQL database may be shared)."""
    own = set(metadata.tables)
    names = sorted(set(inspect(conn).get_table_names()) - own)
    foreign = [name for name in names if not name.startswith(("sqlite_", search.FTS_TABLE))]  # + its shadow tables
    if foreign:
        listed = ", ".join(foreign[:5]) + (", …" if len(foreign) > 5 else "")
        raise StoreError(f"store {shown}: not a GridWall store (it holds other tables: {listed}); give a new file")


def _driver_message(exc: DBAPIError) -> str:
    """The driver's own message of ``exc`` on one line (SQLAlchemy's adds the statement and a link)."""
    return " ".join(str(exc.orig or exc).split())[:300]


def open_store(url: str | None = None, *, load_reference_data: bool = True) -> Store:
    """Open (and on first use create) the case store.

    Args:
        url: ``None`` for ``gridwall.db`` in the user data folder (or
            ``$GRIDWALL_DATA_DIR``), a SQLite file path, or any SQLAlchemy URL
            (``postgresql://user@host/db`` uses psycopg).
        load_reference_data: Load units and taxonomy into empty tables.

    Raises:
        SchemaTooNewError: If the store's schema_version is newer than this code's.
        StoreError: If it is older than ``OLDEST_MIGRATABLE`` or a migration step fails
            (the store is then left as it was); if it cannot be opened at all (no such folder
            and none can be made, not a database, no server, no access), with the driver's reason.
    """
    resolved = resolve_url(url)
    try:
        engine = make_engine(resolved)
    except ImportError as exc:  # the bundle carries no libpq: PostgreSQL uses the system's
        raise StoreError(
            f"store {resolve_url(url).split('@')[-1]}: no database driver ({exc}); for PostgreSQL install "
            "the libpq library (Debian: apt-get install libpq5) or `pip install 'gridwall[postgres]'`"
        ) from exc
    except OSError as exc:  # the SQLite file's folder cannot be made
        where = f"store {url or resolved}: cannot create its folder {exc.filename or ''}"
        raise StoreError(f"{where}: {exc.strerror or exc}") from exc
    sqlite = engine.dialect.name == "sqlite"
    shown = (engine.url.database or ":memory:") if sqlite else engine.url.render_as_string(hide_password=True)
    try:
        with engine.connect() as conn, conn.begin():
            if engine.dialect.name == "postgresql":  # servers starting together create the schema once
                conn.execute(select(func.pg_advisory_xact_lock(SCHEMA_LOCK_KEY)))
            found: dict[str, str] = {}
            if inspect(conn).has_table(meta.name):
                found = _read_meta(conn)
                if found:
                    _check_version(found, shown)
            if sqlite and not found:
                _refuse_a_foreign_file(conn, shown)
            metadata.create_all(conn)
            if found and int(found["schema_version"]) < SCHEMA_VERSION:
                _migrate(conn, found, shown)
            for table in metadata.sorted_tables:  # indexes a bulk load dropped and did not rebuild
                for index in table.indexes:
                    index.create(conn, checkfirst=True)
            search.install(conn)  # and the text index with its triggers
            found = _read_meta(conn)
            if not found:
                found = {
                    "schema_version": str(SCHEMA_VERSION),
                    "store_id": secrets.token_hex(8),
                    "created_at": str(int(time.time())),
                }
                conn.execute(insert(meta), [{"key": k, "value": v} for k, v in found.items()])
                _log.info("store: created %s (store_id %s)", shown, found["store_id"])
            if load_reference_data:
                load_reference(conn)
            reference = Reference.read(conn)
    except DBAPIError as exc:  # cannot connect, not a database, no access: one line, not the driver's traceback
        engine.dispose()
        raise StoreError(f"store {shown}: cannot open it: {_driver_message(exc)}") from exc
    except Exception:
        engine.dispose()
        raise
    return Store(engine, found["store_id"], float(found["created_at"]), reference)
