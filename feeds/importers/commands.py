"""The importers' command-line flows (no Qt): open the store, run a source, print the report.

``desktop`` only parses the arguments and turns :class:`ImportUserError` into a
one-line error; everything else is here so it can be tested without Qt.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import TextIO, TypeVar

from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from feeds.csvfile import CsvReadError
from feeds.geo.errors import GeoDataError
from feeds.geo.extent_grid import Extent, grid_cell_m, grid_units, robust_extent
from feeds.geo.locate import GridLocator, PointLocator
from feeds.geo.outline_units import OutlineReport, outline_units, read_outlines
from feeds.importers import CELL_M_MAX, CELL_M_MIN
from feeds.importers.cap import WarningBook
from feeds.importers.cap_feed import AlertSink, CapPoller, ProducerAlertSink, StoreAlertSink, import_cap_files
from feeds.importers.cap_ledger import CapLedger
from feeds.importers.csv311 import CsvLayoutError, decode_error_line, import_csv, read_coordinates
from feeds.importers.dbpoll import DbCheckpoint, DbPoller, DbSourceError, load_db_mapping
from feeds.importers.mapping import CsvMapping, load_csv_mapping
from feeds.importers.open311 import (
    Open311Error,
    Open311Mapping,
    load_open311_mapping,
    parse_document,
    read_services,
    request_states,
)
from feeds.importers.poll311 import Checkpoint, Open311Poller
from feeds.importers.producer import ProducerError, ProducerSession
from feeds.importers.records import MappingError
from feeds.importers.replay import timeline
from feeds.importers.replay_server import ReplayServer
from feeds.importers.report import ImportReport
from feeds.importers.sinks import CaseSink, ProducerSink, StoreSink, locate
from feeds.importers.times import command_line_time
from feeds.importers.units import (
    GeneratingLocator,
    city_units,
    district_outline,
    kept_units_line,
    replace_units,
    store_locator,
)
from feeds.server import TokenBook
from feeds.simulator.history.progress import ProgressBar
from feeds.store import Store, open_store
from feeds.store.engine import in_memory_problem
from feeds.store.new_file import new_sqlite_file, remove_if_unused, remove_new_file
from feeds.store.store import StoreError

BEIJING = timezone(timedelta(hours=8))
T = TypeVar("T")


class ImportUserError(Exception):
    """Bad input the user can fix (a missing file, a bad mapping): shown as one line."""


@dataclass(frozen=True)
class CsvImportOptions:
    """What ``gridwall import-csv`` was asked to do."""

    file: Path
    mapping: str
    db: str | None = None
    generate_units: bool = False
    cell_m: float = 1000.0
    city: str = "Imported city"
    json: bool = False
    progress: bool = True


def _open(db: str | None, created: Path | None = None) -> Store:
    """Open the store; when that fails, ``created`` (the SQLite file opening it was to create) is removed."""
    try:
        return open_store(db)
    except (StoreError, OSError) as exc:
        remove_new_file(created)
        raise ImportUserError(f"cannot open the store: {exc}") from None


def _writable_store(db: str | None) -> None:
    """Refuse a store in memory: what an import or a poll writes there is gone when the command ends."""
    problem = in_memory_problem(db)
    if problem is not None:
        raise ImportUserError(problem)


@contextlib.contextmanager
def _import_store(db: str | None, err: TextIO | None = None, *, poll: bool = False) -> Iterator[Store]:
    """The store an import writes to, closed after it; a SQLite file this command created is removed
    again when it stored nothing in it (``feeds.store.new_file``): when it failed or was refused, and,
    for an import, when it went through but every record was skipped (or there was none), so no empty
    store is left for a later command to take as the store; the latter is said on ``err`` (stderr).

    A poll (``poll=True``) that ran keeps its store, which waits for the later polls.
    """
    created = new_sqlite_file(db)
    store = _open(db, created)
    try:
        yield store
    except BaseException:
        remove_if_unused(store, created)
        raise
    if poll:
        store.close()
    elif remove_if_unused(store, created):
        (err or sys.stderr).write(f"nothing was stored: removed the new store {created} this import created\n")


def _poll_store(db: str | None) -> contextlib.AbstractContextManager[Store]:
    """The store a poll locates its points with (and, without ``--server``, writes to): see :func:`_import_store`
    (a table the mapping names missing, a store that cannot take generated units: the new store goes)."""
    return _import_store(db, poll=True)


def _need_file(path: Path) -> None:
    """Refuse, in one line, an input that is not a file (missing, or a folder)."""
    if path.is_dir():
        raise ImportUserError(f"{path} is a folder, not a file")
    if not path.is_file():
        raise ImportUserError(f"file not found: {path}")


def _cell_m(cell_m: float) -> float:
    """``--cell-m`` within :data:`~feeds.importers.CELL_M_MIN`–``CELL_M_MAX`` (the command line checks it too)."""
    if not CELL_M_MIN <= cell_m <= CELL_M_MAX:
        raise ImportUserError(f"--cell-m must be from {CELL_M_MIN:,.0f} to {CELL_M_MAX:,.0f} metres, not {cell_m:g}")
    return cell_m


def _decode_problem(path: Path, mapping: CsvMapping, exc: UnicodeDecodeError) -> str:
    """A file the mapping's encoding cannot read, in one line: where, and which ``encoding`` to set."""
    at = decode_error_line(path, mapping.encoding)
    where = f"line {at[0]:,} (byte {at[1]:,} of the file)" if at is not None else "a line"
    shown = "utf-8" if mapping.encoding == "utf-8-sig" else mapping.encoding
    hint = 'encoding = "gbk"' if shown == "utf-8" else 'encoding = "utf-8"'
    return (
        f"{path}: {where} is not {shown} text (0x{exc.object[exc.start]:02x}: {exc.reason}); "
        f"name the file's encoding in the mapping, e.g. {hint}"
    )


def print_report(report: ImportReport, as_json: bool, out: TextIO | None = None) -> None:
    """The report as a human summary or JSON (default: on stdout)."""
    out = out or sys.stdout
    out.write((report.to_json() if as_json else report.summary()) + "\n")


def _generated_locator(store: Store, opts: CsvImportOptions, mapping: CsvMapping, err: TextIO) -> GridLocator:
    """Units generated over the file's extent, or the store's own when it already holds a city's units
    (generated, or real outlines from ``import-units``): those are kept, and that is said on ``err``."""
    kept = city_units(store.engine)
    if kept is not None:
        err.write(kept_units_line(kept) + "\n")
        return store_locator(store.engine)
    lons, lats = read_coordinates(opts.file, mapping)
    extent = robust_extent(lons, lats)
    if extent is None:
        raise ImportUserError(f"{opts.file}: no usable coordinates to generate units from")
    cell_m = grid_cell_m(extent, opts.cell_m)
    rows = grid_units(extent, cell_m, opts.city)
    try:
        replace_units(store.engine, rows)
    except ValueError as exc:
        raise ImportUserError(str(exc)) from None
    grids = sum(1 for r in rows if r["level"] == "grid")
    err.write(f"generated {grids:,} unit grids of {cell_m:,.0f} m over the data's extent (marked generated)\n")
    return GridLocator((r["code"], r["geometry"]) for r in rows if r["level"] == "grid")


def run_import_csv(opts: CsvImportOptions, out: TextIO | None = None, err: TextIO | None = None) -> ImportReport:
    """``gridwall import-csv``: import a 311-style CSV export into the store's bulk path.

    Raises:
        ImportUserError: For a missing file, a bad mapping, a header that lacks a mapped column, a line the
            ``csv`` module cannot read (a field over its limit).
    """
    _writable_store(opts.db)
    _need_file(opts.file)
    if opts.generate_units:
        _cell_m(opts.cell_m)
    try:
        mapping = load_csv_mapping(opts.mapping)
    except MappingError as exc:
        raise ImportUserError(str(exc)) from None
    bar = ProgressBar(err or sys.stderr, label="importing", unit="bytes") if opts.progress else None
    with _import_store(opts.db, err) as store:
        try:
            locator = (
                _generated_locator(store, opts, mapping, err or sys.stderr)
                if opts.generate_units
                else store_locator(store.engine)
            )
            report = import_csv(opts.file, mapping, store.engine, locator, progress=bar.update if bar else None)
        except (CsvLayoutError, CsvReadError, UnicodeDecodeError) as exc:
            if bar:
                bar.abort()
            if isinstance(exc, UnicodeDecodeError):
                raise ImportUserError(_decode_problem(opts.file, mapping, exc)) from None
            raise ImportUserError(f"{opts.file}: {exc}") from None
        if bar:
            bar.finish(bar.done)
    print_report(report, opts.json, out)
    return report


@dataclass(frozen=True)
class Open311Options:
    """What ``gridwall import-open311`` / ``poll-open311`` were asked to do."""

    mapping: str | None = None
    db: str | None = None
    server: str | None = None
    token: str | None = None
    json: bool = False
    generate_units: bool = False
    cell_m: float = 1000.0
    city: str = "Imported city"
    extent: str | None = None


def _extent(text: str) -> Extent:
    """``W,S,E,N`` in degrees (WGS-84)."""
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError:
        raise ImportUserError(f"--extent must be W,S,E,N in degrees, not {text!r}") from None
    if not (-180 <= west < east <= 180 and -85 <= south < north <= 85):
        raise ImportUserError(f"--extent {text!r}: west < east and south < north, within ±180 and ±85 degrees")
    return Extent(west, south, east, north)


def _generation(opts: Open311Options) -> Extent | None:
    """Check ``--generate-units`` and the options that go with it before any store is opened; the ``--extent``."""
    if not opts.generate_units:
        if opts.extent is not None:
            raise ImportUserError("--extent goes with --generate-units")
        return None
    if opts.server is not None:
        raise ImportUserError(
            "--generate-units writes the units into the store (--db): poll into the store, then serve it"
        )
    _cell_m(opts.cell_m)
    return _extent(opts.extent) if opts.extent is not None else None


def _poll_locator(opts: Open311Options, extent: Extent | None, store: Store, err: TextIO | None) -> PointLocator:
    """The store's grids, or with ``--generate-units`` grids generated over ``extent`` or the first requests."""
    if not opts.generate_units:
        return store_locator(store.engine)
    stream = err or sys.stderr

    def told(grids: int, cell_m: float) -> None:
        where = "--extent" if extent is not None else "the first requests' extent"
        stream.write(f"generated {grids:,} unit grids of {cell_m:,.0f} m over {where} (marked generated)\n")

    try:
        locator = GeneratingLocator(store.engine, opts.cell_m, opts.city, extent, on_generate=told)
    except ValueError as exc:
        raise ImportUserError(str(exc)) from None
    if locator.kept is not None:
        stream.write(kept_units_line(locator.kept) + "\n")
    return locator


def _open311_mapping(opts: Open311Options) -> Open311Mapping:
    try:
        return load_open311_mapping(opts.mapping)
    except MappingError as exc:
        raise ImportUserError(str(exc)) from None


def _producer(opts: Open311Options) -> tuple[str, str] | None:
    """``--server`` and ``--token`` when publishing to a case server (checked before any store is opened)."""
    if opts.server is None:
        return None
    if not opts.server.startswith(("ws://", "wss://")):
        raise ImportUserError(f"--server must be a ws:// or wss:// URL, not {opts.server!r}")
    if not opts.token:
        raise ImportUserError("--server needs --token (a producer token)")
    return opts.server, opts.token


def _sink(opts: Open311Options, store: Store) -> CaseSink:
    target = _producer(opts)
    if target is None:
        return StoreSink(store.engine)
    url, token = target
    return ProducerSink(lambda: ProducerSession(url, token))


def _read_text(path: Path) -> str:
    if path.is_dir():
        raise ImportUserError(f"{path} is a folder, not a file")
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportUserError(f"cannot read {path}: {exc}") from None


def run_import_open311(
    files: list[Path], opts: Open311Options, services: Path | None = None, out: TextIO | None = None
) -> ImportReport:
    """``gridwall import-open311``: GeoReport v2 ``requests`` documents (JSON or XML) into the store or a server.

    Raises:
        ImportUserError: For a missing or unreadable file, an error document, a document that is not requests
            (a services list, an object, another XML root), a bad mapping; nothing is stored then.
    """
    _writable_store(opts.db)
    mapping = _open311_mapping(opts)
    if services is not None:
        try:
            mapping = replace(mapping, services=read_services(parse_document(_read_text(services), "services")))
        except Open311Error as exc:
            raise ImportUserError(f"{services}: {exc}") from None
    started = time.perf_counter()
    report = ImportReport(source=", ".join(str(f) for f in files))
    documents = []
    for path in files:  # every file is read before any is stored: a refused one leaves nothing half-written
        try:
            documents.append(parse_document(_read_text(path)))
        except Open311Error as exc:
            raise ImportUserError(f"{path}: {exc}") from None
    with _import_store(opts.db) as store:
        sink = _sink(opts, store)
        locator = store_locator(store.engine)
        for done, items in enumerate(documents):
            states = request_states(items, mapping, report)
            try:
                sink.put(locate(states, locator, report), report)
            except ProducerError as exc:
                if done:  # the documents before this one went through: say what they stored, then the error
                    report.source = ", ".join(str(f) for f in files[:done])
                    _finish(report, started, opts.json, out)
                raise ImportUserError(str(exc)) from None
    return _finish(report, started, opts.json, out)


def _finish(report: ImportReport, started: float, as_json: bool, out: TextIO | None) -> ImportReport:
    """Stamp the duration and print the report."""
    report.seconds = time.perf_counter() - started
    print_report(report, as_json, out)
    return report


def run_poll_open311(
    endpoint: str,
    opts: Open311Options,
    checkpoint: Path,
    *,
    interval_s: float,
    once: bool,
    since: str | None = None,
    page_size: int = 100,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """``gridwall poll-open311``: poll an endpoint until interrupted (or once); returns the exit code.

    With ``generate_units`` (a foreign city, a new store) the unit grids are generated over
    ``extent`` or over the first requests read (:class:`~feeds.importers.units.GeneratingLocator`).
    """
    _writable_store(opts.db)
    if not endpoint.startswith(("http://", "https://")):
        raise ImportUserError(f"the endpoint must be an http:// or https:// URL, not {endpoint!r}")
    mapping = _open311_mapping(opts)
    first_since = _command_line_time(since, "since", UTC) if since is not None else None
    _producer(opts)
    extent = _generation(opts)
    point = _checkpoint(Checkpoint.load, checkpoint)
    with _poll_store(opts.db) as store:
        poller = Open311Poller(
            endpoint,
            mapping,
            _sink(opts, store),
            _poll_locator(opts, extent, store, err),
            point,
            first_since=first_since,
            page_size=page_size,
        )
        _checkpoint_folder(checkpoint)
    return poll_loop(poller.poll_once, interval_s=interval_s, once=once, as_json=opts.json, out=out)


def _checkpoint(load: Callable[[Path], T], path: Path) -> T:
    """A poller's checkpoint read from ``path`` (a missing file: from the start), or its problem in one line."""
    try:
        return load(path)
    except ValueError as exc:
        raise ImportUserError(str(exc)) from None


def _checkpoint_folder(path: Path) -> None:
    """Make the checkpoint's folder if missing, before the first poll stores anything: a checkpoint
    that cannot be written after a poll went through would stop the command with the poll stored."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ImportUserError(
            f"--checkpoint {path}: cannot create its folder {folder}: {exc.strerror or exc}"
        ) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ImportUserError(f"--checkpoint {path}: its folder {folder} is not writable")


def poll_loop(
    poll: Callable[[], ImportReport], *, interval_s: float, once: bool, as_json: bool, out: TextIO | None = None
) -> int:
    """Poll and print each report, every ``interval_s`` (after a failure sooner: backoff of 2 s, doubling) until Ctrl-C.

    Returns 0, or with ``once`` 1 if that poll failed.
    """
    delay = 1.0
    try:
        while True:
            report = poll()
            print_report(report, as_json, out)
            (out or sys.stdout).flush()
            if once:
                return 1 if report.errors else 0
            delay = min(delay * 2, interval_s) if report.errors else 1.0
            time.sleep(delay if report.errors else interval_s)
    except KeyboardInterrupt:
        return 0


def _alert_sink(opts: Open311Options, store: Store) -> AlertSink:
    target = _producer(opts)
    if target is None:
        return StoreAlertSink(store)
    url, token = target
    return ProducerAlertSink(lambda: ProducerSession(url, token))


def _read_cap(path: Path) -> bytes:
    """A CAP file's bytes: the XML parser decodes them as the file's declaration says (a GBK file is valid XML)."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ImportUserError(f"cannot read {path}: {exc}") from None


def run_import_cap(
    files: list[Path], opts: Open311Options, out: TextIO | None = None, clock: Callable[[], float] = time.time
) -> ImportReport:
    """``gridwall import-cap``: CAP 1.2 warning files (read in the order they were sent) to the store or a server.

    It continues from earlier runs: the warnings shown (the store's, or the server's) and the messages recorded
    in the store's ``cap_messages`` (with ``--server`` too: the ``--db`` store keeps them).
    """
    _writable_store(opts.db)
    texts: list[tuple[str, str | bytes]] = [(str(path), _read_cap(path)) for path in files]
    started = time.perf_counter()
    report = ImportReport(source=", ".join(str(f) for f in files))
    with _import_store(opts.db) as store:
        book = WarningBook(district_outline(store.engine))
        try:
            import_cap_files(texts, book, _alert_sink(opts, store), clock(), report, CapLedger(store.engine))
        except ProducerError as exc:
            raise ImportUserError(str(exc)) from None
    return _finish(report, started, opts.json, out)


def run_poll_cap(
    url: str, opts: Open311Options, checkpoint: Path, *, interval_s: float, once: bool, out: TextIO | None = None
) -> int:
    """``gridwall poll-cap``: poll a CAP feed until interrupted (or once); returns the exit code."""
    _writable_store(opts.db)
    if not url.startswith(("http://", "https://")):
        raise ImportUserError(f"the feed must be an http:// or https:// URL, not {url!r}")
    _producer(opts)
    with _poll_store(opts.db) as store:
        sink, ledger = _alert_sink(opts, store), CapLedger(store.engine)
        poller = _checkpoint(
            lambda path: CapPoller(url, sink, path, ledger=ledger, district=district_outline(store.engine)), checkpoint
        )
        _checkpoint_folder(checkpoint)
        return poll_loop(poller.poll_once, interval_s=interval_s, once=once, as_json=opts.json, out=out)


def run_poll_db(
    url: str, mapping_file: str, opts: Open311Options, checkpoint: Path, *, interval_s: float, once: bool
) -> int:
    """``gridwall poll-db``: poll another system's case table until interrupted (or once); returns the exit code."""
    _writable_store(opts.db)
    try:
        mapping = load_db_mapping(mapping_file)
    except MappingError as exc:
        raise ImportUserError(str(exc)) from None
    point = _checkpoint(DbCheckpoint.load, checkpoint)
    _producer(opts)
    with _poll_store(opts.db) as store:
        try:
            poller = DbPoller(url, mapping, _sink(opts, store), store_locator(store.engine), point)
        except (ArgumentError, NoSuchModuleError) as exc:
            raise ImportUserError(f"bad database URL {url!r}: {exc}") from None
        except DbSourceError as exc:
            raise ImportUserError(str(exc)) from None

        def poll() -> ImportReport:
            try:
                return poller.poll_once()
            except MappingError as exc:
                raise ImportUserError(str(exc)) from None

        try:
            _checkpoint_folder(checkpoint)
            return poll_loop(poll, interval_s=interval_s, once=once, as_json=opts.json)
        finally:
            poller.close()


REPLAY_HELP = "keys: p pause/resume · + faster · - slower · s HH:MM seek (back or forward) · q end (back to live)"


def _command_line_time(text: str, what: str, tz: tzinfo) -> float:
    """``--from``, ``--to`` or ``--since`` as epoch seconds, or its problem in one line."""
    try:
        return command_line_time(text, tz)
    except ValueError as exc:
        problem = str(exc)
        if problem.startswith("not an ISO"):
            zone = "Beijing time" if tz is BEIJING else "UTC"
            problem += f"; e.g. 2026-11-20 or 2026-11-20T08:00 ({zone} unless it has an offset)"
        raise ImportUserError(f"--{what} {text!r}: {problem}") from None


def _replay_command(replay: ReplayServer, line: str) -> bool:
    """Apply one console command; False to end the replay."""
    cmd = line.strip()
    if cmd in ("q", "quit", "live"):
        return False
    if cmd == "p":
        if replay.paused:
            replay.resume()
        else:
            replay.pause()
    elif cmd in ("+", "-"):
        replay.set_speed(replay.status().speed * (2 if cmd == "+" else 0.5))
    elif cmd.startswith("s "):
        day = datetime.fromtimestamp(replay.now(), BEIJING)
        try:
            hour, minute = (int(x) for x in cmd[2:].strip().split(":"))
            replay.seek(day.replace(hour=hour, minute=minute, second=0).timestamp())
        except ValueError:
            print(f"not a time: {cmd[2:]!r} ({REPLAY_HELP})")
    else:
        print(REPLAY_HELP)
    return True


def run_replay(
    start_text: str,
    end_text: str,
    speed: float,
    *,
    db: str | None,
    host: str,
    port: int,
    tokens: TokenBook,
    wall_token: str | None = None,
    live: str | None = None,
    hold_s: float | None = None,
) -> int:
    """``gridwall replay``: a replay server playing a stored period at ``speed``× to any wall that connects.

    ``live`` is told to the walls (they go back there when the replay ends); ``hold_s``
    ends the replay that long after the period's end was reached; ``wall_token`` is
    printed in the hint on how to open a wall (the book holds only hashes).
    """
    start, end = _command_line_time(start_text, "from", BEIJING), _command_line_time(end_text, "to", BEIJING)
    if end <= start:
        raise ImportUserError("--to must be after --from")
    if not any(grant.role == "wall" for _, grant in tokens):
        raise ImportUserError("the tokens file lacks a wall token; see 'gridwall tokens'")
    source = _open(db)
    try:
        events = timeline(source.engine, start, end)
        if not events:
            raise ImportUserError(f"no cases or alerts between {start_text} and {end_text} in the store")
        replay = ReplayServer(
            events, source.engine, start, end, speed, tokens, host=host, port=port, live=live, hold_s=hold_s
        )
    finally:
        source.close()
    with _terminate_as_interrupt():  # SIGTERM stops it as Ctrl+C does: its store removed, the stop logged
        try:
            replay.start()
        except BaseException:  # cannot listen (a port in use): remove its store folder too
            replay.stop()
            raise
        try:
            print(f"回放 / REPLAY {start_text} → {end_text}: {len(events):,} events at {speed:g}× on {replay.url}")
            print(f"open a wall: gridwall wall --server {replay.url} --token {wall_token or '<wall-token>'}")
            print(REPLAY_HELP)
            if live:
                print(f"when it ends, walls go back to the live server {live}")
            sys.stdout.flush()

            def console() -> None:  # on a thread of its own, so an end after --hold is not stuck in readline
                while not replay.ended.is_set():
                    line = sys.stdin.readline()
                    if not line or not _replay_command(replay, line):
                        replay.stop()
                        return

            if sys.stdin.isatty():
                threading.Thread(target=console, name="gridwall-replay-console", daemon=True).start()
            while not replay.ended.wait(1.0):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            replay.stop()
    print("replay ended", flush=True)
    return 0


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """Within, SIGTERM raises ``KeyboardInterrupt`` in the main thread (once: a second one ends the process)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@dataclass(frozen=True)
class UnitsImportOptions:
    """What ``gridwall import-units`` was asked to do."""

    file: Path
    name_property: str
    db: str | None = None
    city: str = "Imported city"
    code_property: str | None = None
    crs: str = "wgs84"
    cell_m: float = 500.0


def run_import_units(opts: UnitsImportOptions, out: TextIO | None = None) -> OutlineReport:
    """``gridwall import-units``: a foreign city's real area outlines as the store's units, grids generated inside.

    Raises:
        ImportUserError: For a missing or unusable file, or a store that already holds cases.
    """
    _writable_store(opts.db)
    _need_file(opts.file)
    _cell_m(opts.cell_m)
    try:
        areas, report = read_outlines(opts.file, opts.name_property, opts.code_property, opts.crs)
    except GeoDataError as exc:
        raise ImportUserError(str(exc)) from None
    rows = outline_units(areas, opts.cell_m, opts.city, report)
    store = _open(opts.db)
    try:
        replace_units(store.engine, rows)
    except ValueError as exc:
        raise ImportUserError(str(exc)) from None
    finally:
        store.close()
    (out or sys.stdout).write(report.summary() + "\n")
    return report
