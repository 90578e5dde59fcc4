"""The ``gridwall`` command line.

Back-end commands (``server``, ``seed``, ``simulate``, ``stats``, ``tail``, ``import-geo``,
``import-*``, ``tokens``) never import Qt, so they run on machines without a display.
"""

from __future__ import annotations

import argparse
import gc
import logging
import math
import re
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from feeds.paths import default_store_file, default_tokens_path, geo_override_dir

DEFAULT_PORT = 8765
DEFAULT_SERVER = f"ws://127.0.0.1:{DEFAULT_PORT}"
MAX_AFTER_S = 86400.0
"""The longest ``--after`` (a day): the screenshot's timer counts milliseconds in 32 bits (under 25 days)."""
MAX_HISTORY_YEARS = 50
"""The longest simulated history (``seed --years/--days``, ``demo --history-days``): it starts after 1970,
where the store's times begin; a billion days was killed for memory."""
MAX_HISTORY_DAYS = round(MAX_HISTORY_YEARS * 365.25)
EPILOG = "Run 'gridwall COMMAND --help' for the options of one command."


class _Parser(argparse.ArgumentParser):
    """Argument parser whose errors are one clear line (no usage dump, no traceback)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: error: {message} (see '{self.prog} --help')\n")
        raise SystemExit(2)


def _positive(
    kind: type[float] | type[int], high: float | None = None, low: float | None = None
) -> Callable[[str], float | int]:
    """A finite number greater than 0; also at most ``high`` and at least ``low`` when given."""

    def parse(text: str) -> float | int:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} {_not_a(kind, text)}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{text!r} must be a finite number")
        if value <= 0:
            raise argparse.ArgumentTypeError(f"{text!r} must be greater than 0")
        if low is not None and value < low:
            raise argparse.ArgumentTypeError(f"{text!r} must be at least {low:g}")
        if high is not None and value > high:
            raise argparse.ArgumentTypeError(f"{text!r} must be at most {high:g}")
        return value

    return parse


def _not_a(kind: type[float] | type[int], text: str) -> str:
    """What ``text`` is not, for a number of ``kind``: a number, or (``1.5`` for an int) a whole number."""
    if kind is int:
        try:
            float(text)
        except ValueError:
            pass
        else:
            return "must be a whole number (digits only)"
    return "is not a number"


def _whole(what: str, high: int, note: str = "") -> Callable[[str], int]:
    """A whole number from 0 to ``high``, named ``what`` in the one-line error."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a {what} number") from None
        if not 0 <= value <= high:
            raise argparse.ArgumentTypeError(f"{what} {value} is out of range (0 to {high}{note})")
        return value

    return parse


_port = _whole("port", 65535, "; 0: any free port")
_seed = _whole("seed", 2**32 - 1)


def _day(text: str) -> date:
    """A day written YYYY-MM-DD that exists (``2026-02-29`` does not)."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: give YYYY-MM-DD, e.g. 2026-12-03")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} does not exist ({exc})") from None


def _server_url(text: str) -> str:
    """A case server URL: ws:// or wss:// with a host."""
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a valid URL: {exc}") from None
    if parts.scheme not in ("ws", "wss") or not parts.hostname:
        raise argparse.ArgumentTypeError(f"must be a ws:// or wss:// URL such as {DEFAULT_SERVER}, not {text!r}")
    return text


def _store_url(text: str) -> str:
    """A store: a SQLite file path or a SQLAlchemy URL whose database driver is installed."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    from feeds.store.engine import resolve_url

    try:
        make_url(resolve_url(text)).get_dialect().import_dbapi()
    except (ArgumentError, NoSuchModuleError, ValueError):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a store: give a SQLite file path, sqlite:///PATH or postgresql://USER@HOST/DB"
        ) from None
    except ImportError as exc:
        hint = " (pip install 'gridwall[postgres]')" if text.startswith("postgres") else ""
        raise argparse.ArgumentTypeError(
            f"the database driver for {text!r} is not installed: {exc.name}{hint}"
        ) from None
    return text


ROLES_ORDER = ("wall", "operator", "producer")


def _command(sub: argparse._SubParsersAction[_Parser], name: str, summary: str, more: str = "") -> _Parser:
    """A sub-command whose one-line ``summary`` is both its line in ``gridwall --help`` and its own description."""
    return sub.add_parser(name, help=summary, description=summary[0].upper() + summary[1:] + "." + more)


def _db_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db",
        type=_store_url,
        metavar="URL",
        help=f"store: SQLite file or SQLAlchemy URL (default: {default_store_file(create_dir=False)})",
    )


def _wall_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("display")
    g.add_argument("--lang", choices=("zh", "en"), help="interface language (default: from the layout, zh)")
    g.add_argument("--layout", type=Path, help="wall layout file (TOML); default: one 16:9 screen")
    g.add_argument(
        "--screens", help="screens to use, e.g. '0' or '0,1,2' (one window spanning them); default: from the layout"
    )
    g.add_argument("--workstation", action="store_true", help="operator's resizable window instead of the kiosk wall")
    g.add_argument("--windowed", action="store_true", help="wall layout in a normal window (not full screen)")
    g.add_argument("--size", default="1920x1080", help="window size for --windowed/--screenshot (default 1920x1080)")
    g.add_argument("--screenshot", type=Path, metavar="PNG", help="render headless, save a PNG and exit")
    g.add_argument(
        "--after",
        type=_positive(float, high=MAX_AFTER_S),
        default=8.0,
        metavar="SECONDS",
        help=f"screenshot delay (default 8; at most {MAX_AFTER_S:.0f})",
    )
    g.add_argument("--tour", action="store_true", help="start the self-running tour (the layout's [tour] scenes)")


def build_parser() -> argparse.ArgumentParser:
    """The full command-line grammar."""
    parser = _Parser(
        prog="gridwall",
        description="GridWall: command-centre wall for grid-based city management (网格化城市管理).",
        epilog=EPILOG,
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    parser.add_argument(
        "--self-test", action="store_true", help="check that the wall runs on this machine (see 'self-test --help')"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    demo = _command(sub, "demo", "all on one machine: server, history, simulator and the wall")
    _db_option(demo)
    demo.add_argument("--port", type=_port, default=0, help="server port (default: 0, any free port)")
    demo.add_argument(
        "--history-days",
        type=_positive(int, MAX_HISTORY_DAYS),
        default=3650,
        metavar="DAYS",
        help="days of history to seed into an empty store (default 3650: ten years, ~3.2M cases, "
        "~1.5 GB, a few minutes once)",
    )
    demo.add_argument(
        "--speed",
        type=_positive(float),
        default=1.0,
        help="catch up N× faster from the newest case in the store, never past real time (default 1)",
    )
    demo.add_argument("--seed", type=_seed, default=None, help="seed of the simulator (default: random)")
    _wall_options(demo)

    wall = _command(sub, "wall", "open a wall or workstation on a running case server")
    wall.add_argument("--server", type=_server_url, required=True, help=f"server URL (required), e.g. {DEFAULT_SERVER}")
    wall.add_argument("--token", required=True, help="access token, role wall or operator (required)")
    wall.add_argument(
        "--db",
        type=_store_url,
        metavar="URL",
        help="the server's store, readable from this machine: this wall or workstation then replays its periods "
        "itself (the tour's replay scene, the workstation's 'Replay this period'); default: none, only steer "
        "a 'gridwall replay' server",
    )
    _wall_options(wall)

    server = _command(sub, "server", "run the websocket case server")
    server.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    server.add_argument(
        "--port", type=_port, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT}; 0: any free port)"
    )
    _db_option(server)
    server.add_argument(
        "--tokens", type=Path, metavar="FILE", help=f"tokens file, JSON (default: {default_tokens_path()}, created)"
    )
    server.add_argument(
        "--tls-cert", type=Path, metavar="PEM", help="certificate to serve wss:// (default: none, ws://)"
    )
    server.add_argument("--tls-key", type=Path, metavar="PEM", help="private key for --tls-cert (default: none)")
    server.add_argument(
        "--alarms", type=Path, metavar="TOML", help="alarm settings (default: resources/alarms/alarms.toml)"
    )
    server.add_argument(
        "--plans", type=Path, metavar="TOML", help="linkage plans (default: resources/alarms/linkage_plans.toml)"
    )

    sim = _command(sub, "simulate", "publish live simulated cases, alerts and patrols to a server")
    sim.add_argument(
        "--server", type=_server_url, default=DEFAULT_SERVER, help=f"server URL (default {DEFAULT_SERVER})"
    )
    sim.add_argument("--token", required=True, help="producer token (required; see 'gridwall tokens')")
    sim.add_argument(
        "--speed",
        type=_positive(float),
        default=1.0,
        help="catch up N× faster from the newest case in the store, never past real time (default 1)",
    )
    sim.add_argument("--seed", type=_seed, default=None, help="random seed (default: random)")
    sim.add_argument(
        "--duration",
        type=_positive(float),
        metavar="SECONDS",
        help="stop after publishing for this many real seconds (default: never)",
    )

    seed = _command(sub, "seed", "seed the store with simulated history (default ten years)")
    _db_option(seed)
    span = seed.add_mutually_exclusive_group()
    span.add_argument(
        "--days",
        type=_positive(int, MAX_HISTORY_DAYS),
        help=f"days of history ending now (at most {MAX_HISTORY_DAYS:,})",
    )
    span.add_argument(
        "--years",
        type=_positive(float, MAX_HISTORY_YEARS),
        help=f"years of history ending now (default 10 ≈ 3.22M cases; at most {MAX_HISTORY_YEARS})",
    )
    seed.add_argument("--seed", type=_seed, default=None, help="random seed (default: random)")
    seed.add_argument(
        "--replace", action="store_true", help="start the store over: drop all its data first (new store id)"
    )

    report = _command(sub, "report", "write the daily (weekly, monthly) briefing as a PDF")
    _db_option(report)
    report.add_argument(
        "--date",
        type=_day,
        help="the day reported (YYYY-MM-DD, from 1970-01-02 to today; default yesterday, Beijing time)",
    )
    report.add_argument(
        "--period", choices=("day", "week", "month"), default="day", help="日报, 周报 or 月报 (default day)"
    )
    report.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the briefing (default zh)")
    report.add_argument("--out", type=Path, help="PDF file (default gridwall-<period>-<date>-<lang>.pdf)")

    stats = _command(
        sub,
        "stats",
        "compare a store's cases with the source document's facts",
        " Exit code 0 when every fact is within its tolerance, 1 otherwise (docs/simulation.md).",
    )
    _db_option(stats)
    stats.add_argument("--lang", choices=("zh", "en"), default="en", help="language of the table (default en)")
    stats.add_argument("--markdown", action="store_true", help="print a Markdown table (as in docs/simulation.md)")

    tail = _command(sub, "tail", "print a server's live events, one line each")
    tail.add_argument(
        "--server", type=_server_url, default=DEFAULT_SERVER, help=f"server URL (default {DEFAULT_SERVER})"
    )
    tail.add_argument("--token", required=True, help="access token of any role (required)")

    geo = _command(
        sub,
        "import-geo",
        "load real subdistrict, community or grid outlines (GeoJSON)",
        " They replace the generated ones of that level. The file is checked and written to "
        f"{geo_override_dir(create=False)}, where every later start reads it.",
    )
    geo.add_argument("file", type=Path, help="GeoJSON FeatureCollection (WGS-84 unless --crs gcj02)")
    geo.add_argument(
        "--level",
        required=True,
        choices=("subdistrict", "community", "grid"),
        help="which level the file holds (required)",
    )
    geo.add_argument(
        "--code-property", default="code", metavar="NAME", help="feature property holding the unit code (default code)"
    )
    geo.add_argument(
        "--crs", choices=("wgs84", "gcj02"), default="wgs84", help="coordinate system of the file (default wgs84)"
    )
    geo.add_argument(
        "--match-names",
        metavar="PROPERTY",
        help="the file has its own codes: match units to official codes by this name property",
    )

    from desktop.selftest import add_arguments as self_test_arguments

    self_test = _command(sub, "self-test", "offscreen wall on a temporary store: checks, screenshot")
    self_test_arguments(self_test, _positive)

    from desktop.importing import add_import_parsers

    add_import_parsers(sub, _positive, _port)

    tour = _command(sub, "tour", "start or stop the visitors' tour on every wall of a server")
    tour.add_argument("action", choices=("start", "stop"))
    tour.add_argument(
        "--server", type=_server_url, default=DEFAULT_SERVER, help=f"server URL (default {DEFAULT_SERVER})"
    )
    tour.add_argument("--token", required=True, help="operator token (required)")

    from desktop.supervision_cli import add_supervision_parsers

    add_supervision_parsers(sub, _server_url, DEFAULT_SERVER)

    tokens = _command(
        sub,
        "tokens",
        "show the access tokens, creating the file if needed",
        " A server's tokens file holds SHA-256 hashes of the tokens; the demo's plain tokens (one per role,"
        " for its own clients) are in client-tokens.json beside it. A --tokens file that does not exist is"
        " created with one token per role, printed once. --issue adds a new token to the file as"
        " its hash and prints the token once; --hash rewrites a file's plain tokens as hashes and prints"
        " them once.",
    )
    tokens.add_argument("--tokens", type=Path, metavar="FILE", help=f"tokens file (default: {default_tokens_path()})")
    what = tokens.add_mutually_exclusive_group()
    what.add_argument(
        "--issue", choices=ROLES_ORDER, metavar="ROLE", help="add a new token for ROLE (wall, operator or producer)"
    )
    what.add_argument("--hash", action="store_true", help="rewrite the file's plain tokens as sha256: hashes")
    tokens.add_argument("--name", help="with --issue: the client's name (default: the role)")
    return parser


QT_COMMANDS = frozenset({"wall", "demo", "self-test"})
"""Commands that open windows: PySide6 is loaded first, without its per-import source scan
(desktop/pyside_import.py), and the collector stays off until the GUI thread's takes over."""

LOGGED_COMMANDS = frozenset({"server", "wall", "demo", "simulate"})
"""Commands that also log to a rotating JSON-lines file in the data folder (``feeds.logfile``)."""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``gridwall`` command."""
    collecting = gc.isenabled()
    gc.disable()  # reading the command line imports much; full collections walked it all (~0.1 s of a wall's start)
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
    except BaseException:
        if collecting:
            gc.enable()
        raise
    if collecting and (args.command not in QT_COMMANDS and not args.self_test):
        gc.enable()  # a window's collector runs on its GUI thread once the application is made (desktop/gc_policy.py)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    # websockets logs every reconnect attempt at INFO; the client reports its own state
    logging.getLogger("websockets").setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    if args.self_test and args.command is None:
        args = parser.parse_args(["self-test"])
    if args.command in QT_COMMANDS:
        from desktop.pyside_import import skip_feature_scan

        skip_feature_scan()  # before the wall's ~500 imports (0.1 s)
    if args.command is None:
        parser.print_help()
        return 0
    if args.command in LOGGED_COMMANDS:  # the long-running ones; one-shot commands print to the console
        from feeds.logfile import add_rotating_log
        from feeds.paths import data_dir

        add_rotating_log(data_dir() / "logs" / f"gridwall-{args.command}.jsonl")  # structured, 10 MB × 5
    from desktop import commands
    from desktop.startup import UserError
    from feeds.startup_trace import mark

    mark("command line read")

    handler: Callable[[argparse.Namespace], int] = getattr(commands, "cmd_" + args.command.replace("-", "_"))
    try:
        return handler(args)
    except KeyboardInterrupt:
        return 130
    except UserError as exc:
        sys.stderr.write(f"gridwall {args.command}: {exc}\n")
        return 1
    except Exception as exc:
        from feeds.geo.errors import GeoDataError
        from feeds.store import StoreError  # here, not at the top: the wall's start does not import the store

        if not isinstance(exc, (StoreError, GeoDataError)):
            raise
        # a store that cannot be opened, geodata that cannot be read (an imported city's files): one line
        sys.stderr.write(f"gridwall {args.command}: {exc}\n")
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
