"""The import and replay sub-commands: argument grammar and handlers (logic in :mod:`feeds.importers`).

Kept apart from :mod:`desktop.cli` so that file stays small; imports nothing heavy at
module level and never Qt.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

Positive = Callable[..., Callable[[str], float | int]]
"""The command line's number check (``desktop.cli._positive``: a kind, then ``high`` and ``low`` bounds)."""


def add_import_parsers(sub: Any, positive: Positive, port: Callable[[str], int]) -> None:
    """Add ``import-csv`` (and the other importers) to the sub-command parser."""
    csv_p = _add(sub, "import-csv", "import a 311-style CSV export into the store (bulk, idempotent)")
    csv_p.add_argument("file", type=Path, help="the CSV file")
    csv_p.add_argument(
        "--mapping", required=True, help="column-mapping file (TOML) or a shipped one: nyc311, boston311"
    )
    csv_p.add_argument("--db", help="SQLAlchemy URL of the store (default: SQLite in the user data folder)")
    csv_p.add_argument(
        "--generate-units",
        action="store_true",
        help="a city with no units loaded: generate square unit grids over the data's extent (new store only; "
        "a store holding a city's units keeps them)",
    )
    _generation_options(csv_p, positive)
    _report_options(csv_p)

    units_p = _add(
        sub, "import-units", "load a foreign city's real area outlines (GeoJSON) as the store's units (grids inside)"
    )
    units_p.add_argument("file", type=Path, help="GeoJSON FeatureCollection of the areas (polygons, multipolygons)")
    units_p.add_argument(
        "--db", help="SQLAlchemy URL of a store without cases (default: SQLite in the user data folder)"
    )
    units_p.add_argument("--city", default="Imported city", help="name of the district (the areas' union)")
    units_p.add_argument("--name-property", required=True, metavar="P", help="feature property holding the area's name")
    units_p.add_argument(
        "--code-property", metavar="C", help="feature property holding the area's own code (orders the areas)"
    )
    units_p.add_argument(
        "--crs", choices=("wgs84", "gcj02"), default="wgs84", help="coordinate system of the file (default wgs84)"
    )
    units_p.add_argument(
        "--cell-m",
        type=_cell_m(positive),
        default=500.0,
        help=_cell_help(500, " inside the areas", "an area needs over 999 blocks"),
    )

    o311 = _add(sub, "import-open311", "import Open311 GeoReport v2 requests documents (JSON or XML)")
    o311.add_argument("files", type=Path, nargs="+", help="requests documents (GET /requests.json or .xml)")
    o311.add_argument("--services", type=Path, help="the endpoint's services document (maps codes by their names)")
    _open311_options(o311)

    poll = _add(sub, "poll-open311", "poll an Open311 GeoReport v2 endpoint for new and updated requests")
    poll.add_argument("endpoint", help="base URL, e.g. https://api.city.gov/dev/v2")
    poll.add_argument("--checkpoint", type=Path, required=True, help="checkpoint file (a restart continues from it)")
    poll.add_argument("--since", help="first poll starts here (ISO date/time; default: 7 days ago)")
    poll.add_argument("--interval", type=positive(float, low=MIN_INTERVAL_S), default=60.0, help=INTERVAL_HELP)
    poll.add_argument("--page-size", type=positive(int), default=100, help="requests per page (default 100)")
    poll.add_argument("--once", action="store_true", help="poll once and exit (1 if it failed)")
    poll.add_argument(
        "--generate-units",
        action="store_true",
        help="a city with no units loaded: generate square unit grids over --extent or the first requests' "
        "extent (new store only; a store holding a city's units keeps them)",
    )
    _generation_options(poll, positive)
    poll.add_argument(
        "--extent", metavar="W,S,E,N", help="box the generated units cover (default: the first requests')"
    )
    _open311_options(poll)

    cap = _add(sub, "import-cap", "import CAP 1.2 weather warning files (Alert, Update, Cancel)")
    cap.add_argument("files", type=Path, nargs="+", help="CAP 1.2 XML files")
    _sink_options(cap, CAP_DB)

    poll_cap = _add(sub, "poll-cap", "poll a CAP feed (one alert or an Atom/RSS index of alerts)")
    poll_cap.add_argument("url", help="feed URL")
    poll_cap.add_argument(
        "--checkpoint", type=Path, required=True, help="checkpoint file (a restart continues from it)"
    )
    poll_cap.add_argument("--interval", type=positive(float, low=MIN_INTERVAL_S), default=60.0, help=INTERVAL_HELP)
    poll_cap.add_argument("--once", action="store_true", help="poll once and exit (1 if it failed)")
    _sink_options(poll_cap, CAP_DB)

    poll_db = _add(sub, "poll-db", "poll another system's case table or view by its updated-at column")
    poll_db.add_argument("url", help="SQLAlchemy URL of the other system, e.g. postgresql://reader@host/cases")
    poll_db.add_argument("--mapping", required=True, help="mapping file (TOML): table, updated_at and columns")
    poll_db.add_argument("--checkpoint", type=Path, required=True, help="checkpoint file (a restart continues from it)")
    poll_db.add_argument("--interval", type=positive(float, low=MIN_INTERVAL_S), default=60.0, help=INTERVAL_HELP)
    poll_db.add_argument("--once", action="store_true", help="poll once and exit (1 if it failed)")
    _sink_options(poll_db, "cases go to")
    add_replay_parser(sub, positive, port)


MIN_INTERVAL_S = 1.0
"""The shortest ``--interval`` of a poller (a smaller one polled the source in a tight loop)."""
INTERVAL_HELP = f"seconds between polls (default 60; at least {MIN_INTERVAL_S:g})"
GENERATION_DEFAULTS = {"cell_m": 1000.0, "city": "Imported city"}
"""``--cell-m`` and ``--city`` when ``--generate-units`` is given without them."""


def _add(sub: Any, name: str, summary: str) -> argparse.ArgumentParser:
    """A sub-command whose one-line ``summary`` is its line in ``gridwall --help`` and heads its own ``--help``."""
    parser: argparse.ArgumentParser = sub.add_parser(
        name, help=summary, description=summary[0].upper() + summary[1:] + "."
    )
    return parser


def _generation_options(p: argparse.ArgumentParser, positive: Positive) -> None:
    """``--cell-m`` and ``--city``, which go with ``--generate-units`` (no default here: alone, they are refused)."""
    p.add_argument("--cell-m", type=_cell_m(positive), help=_cell_help(1000) + "; with --generate-units")
    p.add_argument("--city", help="name of the generated district (default 'Imported city'); with --generate-units")


def _generation(args: argparse.Namespace) -> dict[str, Any]:
    """``cell_m`` and ``city`` for the options; refused (one line) when given without ``--generate-units``."""
    from desktop.startup import UserError

    given = {key: getattr(args, key) for key in GENERATION_DEFAULTS if getattr(args, key) is not None}
    if given and not args.generate_units:
        names = " and ".join("--" + key.replace("_", "-") for key in given)
        raise UserError(f"{names} go{'es' if len(given) == 1 else ''} with --generate-units")
    return {**GENERATION_DEFAULTS, **given}


def _cell_m(positive: Positive) -> Callable[[str], float | int]:
    """``--cell-m``: metres within the bounds of :mod:`feeds.geo.extent_grid`."""
    from feeds.importers import CELL_M_MAX, CELL_M_MIN

    return positive(float, high=CELL_M_MAX, low=CELL_M_MIN)


def _cell_help(default: int, where: str = "", grown: str = "it makes over 999 areas") -> str:
    from feeds.importers import CELL_M_MAX, CELL_M_MIN

    bounds = f"{CELL_M_MIN:g} to {CELL_M_MAX:g} m"
    return f"grid cell size{where} (default {default} m; {bounds}; grown if {grown})"


def add_replay_parser(sub: Any, positive: Positive, port: Callable[[str], int]) -> None:
    """Add ``replay``: ``--speed`` within the range the ``replay`` messages carry (feeds/protocol/replay.py)."""
    from feeds.protocol.replay import REPLAY_SPEED_MAX, REPLAY_SPEED_MIN

    rp = _add(sub, "replay", "replay a stored period to walls at N× (a replay server walls connect to)")
    rp.add_argument("--from", dest="start", required=True, help="start, ISO date/time (Beijing time unless offset)")
    rp.add_argument("--to", dest="end", required=True, help="end, ISO date/time")
    rp.add_argument(
        "--speed",
        type=positive(float, high=REPLAY_SPEED_MAX, low=REPLAY_SPEED_MIN),
        default=60.0,
        help=f"replayed seconds per real second (default 60; {REPLAY_SPEED_MIN:g} to {REPLAY_SPEED_MAX:g})",
    )
    rp.add_argument("--db", help="store to replay from (default: SQLite in the user data folder)")
    rp.add_argument("--host", default="127.0.0.1", help="replay server address (default 127.0.0.1)")
    rp.add_argument("--port", type=port, default=8766, help="replay server port (default 8766; 0: any free port)")
    rp.add_argument(
        "--live",
        default="ws://127.0.0.1:8765",
        help="the live server walls go back to when the replay ends (default ws://127.0.0.1:8765; 'none': stay)",
    )
    rp.add_argument(
        "--hold",
        type=positive(float),
        default=None,
        metavar="SECONDS",
        help="end the replay this long after the period's end is reached (default: hold until ended)",
    )


def _open311_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--mapping", help="Open311 mapping file (TOML); default: the shipped example")
    _sink_options(p, "requests go to")


CAP_DB = "warnings go to; with --server too, it keeps the record of the CAP messages read, for later runs"


def _sink_options(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--db", help=f"store whose units locate the data (and, without --server, {what})")
    p.add_argument("--server", help="publish as a producer to this case server (ws://…) instead of the store")
    p.add_argument("--token", help="producer token for --server")
    p.add_argument("--json", action="store_true", help="print the import report as JSON")


def _report_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print the import report as JSON")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def cmd_import_csv(args: argparse.Namespace) -> int:
    """``gridwall import-csv``."""
    from desktop.startup import UserError
    from feeds.importers.commands import CsvImportOptions, ImportUserError, run_import_csv

    opts = CsvImportOptions(
        file=args.file,
        mapping=args.mapping,
        db=args.db,
        generate_units=args.generate_units,
        **_generation(args),
        json=args.json,
        progress=not args.no_progress,
    )
    try:
        run_import_csv(opts)
    except ImportUserError as exc:
        raise UserError(str(exc)) from None
    return 0


def cmd_import_units(args: argparse.Namespace) -> int:
    """``gridwall import-units``."""
    from desktop.startup import UserError
    from feeds.importers.commands import ImportUserError, UnitsImportOptions, run_import_units

    opts = UnitsImportOptions(
        file=args.file,
        name_property=args.name_property,
        db=args.db,
        city=args.city,
        code_property=args.code_property,
        crs=args.crs,
        cell_m=args.cell_m,
    )
    try:
        run_import_units(opts)
    except ImportUserError as exc:
        raise UserError(str(exc)) from None
    return 0


def _open311(args: argparse.Namespace) -> Any:
    from feeds.importers.commands import Open311Options

    generating = _generation(args) if hasattr(args, "generate_units") else {}
    return Open311Options(
        mapping=getattr(args, "mapping", None),
        db=args.db,
        server=args.server,
        token=args.token,
        json=args.json,
        generate_units=getattr(args, "generate_units", False),
        extent=getattr(args, "extent", None),
        **generating,
    )


def cmd_import_open311(args: argparse.Namespace) -> int:
    """``gridwall import-open311``."""
    from desktop.startup import UserError
    from feeds.importers.commands import ImportUserError, run_import_open311

    try:
        run_import_open311(args.files, _open311(args), services=args.services)
    except ImportUserError as exc:
        raise UserError(str(exc)) from None
    return 0


def cmd_poll_open311(args: argparse.Namespace) -> int:
    """``gridwall poll-open311``."""
    from desktop.startup import UserError
    from feeds.importers.commands import ImportUserError, run_poll_open311

    try:
        return run_poll_open311(
            args.endpoint,
            _open311(args),
            args.checkpoint,
            interval_s=args.interval,
            once=args.once,
            since=args.since,
            page_size=args.page_size,
        )
    except ImportUserError as exc:
        raise UserError(str(exc)) from None


def cmd_import_cap(args: argparse.Namespace) -> int:
    """``gridwall import-cap``."""
    from desktop.startup import UserError
    from feeds.importers.commands import ImportUserError, run_import_cap

    try:
        run_import_cap(args.files, _open311(args))
    except ImportUserError as exc:
        raise UserError(str(exc)) from None
    return 0


def cmd_poll_cap(args: argparse.Namespace) -> int:
    """``gridwall poll-cap``."""
    from desktop.startup import UserError
    from feeds.importers.commands import ImportUserError, run_poll_cap

    try:
        return run_poll_cap(args.url, _open311(args), args.checkpoint, interval_s=args.interval, once=args.once)
    except ImportUserError as exc:
        raise UserError(str(exc)) from None


def cmd_poll_db(args: argparse.Namespace) -> int:
    """``gridwall poll-db``."""
    from desktop.startup import UserError
    from feeds.importers.commands import ImportUserError, run_poll_db

    try:
        return run_poll_db(
            args.url, args.mapping, _open311(args), args.checkpoint, interval_s=args.interval, once=args.once
        )
    except ImportUserError as exc:
        raise UserError(str(exc)) from None


def cmd_replay(args: argparse.Namespace) -> int:
    """``gridwall replay``."""
    from desktop.startup import UserError, require_store
    from feeds.importers.commands import ImportUserError, run_replay
    from feeds.protocol.replay import LIVE_URL
    from feeds.server.tokens import ensure_default_tokens

    require_store(args.db)  # a replay of a store that is not there would create an empty one
    try:
        tokens = ensure_default_tokens()
    except (OSError, ValueError) as exc:
        raise UserError(f"cannot read tokens: {exc}") from None
    try:
        live = None if args.live.strip().lower() in ("", "none") else args.live.strip()
        if live is not None and not LIVE_URL.fullmatch(live):
            raise UserError(f"--live must be a ws:// or wss:// URL (or 'none'), not {live!r}")
        return run_replay(
            args.start,
            args.end,
            args.speed,
            db=args.db,
            host=args.host,
            port=args.port,
            tokens=tokens.book,
            wall_token=tokens.token_for("wall"),
            live=live,
            hold_s=args.hold,
        )
    except ImportUserError as exc:
        raise UserError(str(exc)) from None
    except RuntimeError as exc:  # the replay's case server did not start: as 'gridwall server' says it
        if not isinstance(exc.__cause__, OSError):
            raise
        reason = exc.__cause__.strerror or exc.__cause__
        raise UserError(f"cannot listen on {args.host}:{args.port}: {reason}") from None
