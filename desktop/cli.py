"""The ``gridwall`` command line.

Back-end commands (``server``, ``seed``, ``simulate``, ``tail``, ``import-geo``,
``tokens``) never import Qt, so they run on machines without a display.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

DEFAULT_PORT = 8765
EPILOG = "Run 'gridwall COMMAND --help' for the options of one command."


class _Parser(argparse.ArgumentParser):
    """Argument parser whose errors are one clear line (no usage dump, no traceback)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: error: {message} (see '{self.prog} --help')\n")
        raise SystemExit(2)


def _positive(kind: type[float] | type[int]) -> Callable[[str], float | int]:
    def parse(text: str) -> float | int:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"{text!r} must be greater than 0")
        return value

    return parse


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
        "--after", type=_positive(float), default=8.0, metavar="SECONDS", help="screenshot delay (default 8)"
    )


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

    demo = sub.add_parser("demo", help="everything on one machine: server, history, live simulator and the wall")
    demo.add_argument("--db", help="SQLAlchemy URL of the store (default: SQLite in the user data folder)")
    demo.add_argument("--port", type=int, default=0, help="server port (default: any free port)")
    demo.add_argument(
        "--history-days",
        type=_positive(int),
        default=3650,
        help="days of history to seed into an empty store (default 3650: ten years, ~3.2M cases, ~1.5 GB, ~1.5 min)",
    )
    demo.add_argument(
        "--speed",
        type=_positive(float),
        default=1.0,
        help="catch up N× faster from the newest case in the store, never past real time (default 1)",
    )
    demo.add_argument("--seed", type=int, default=None, help="random seed for the simulator")
    _wall_options(demo)

    wall = sub.add_parser("wall", help="open a wall (or workstation) on an existing case server")
    wall.add_argument("--server", required=True, help="server URL, e.g. ws://127.0.0.1:8765")
    wall.add_argument("--token", required=True, help="access token (role wall or operator)")
    _wall_options(wall)

    server = sub.add_parser("server", help="run the websocket case server")
    server.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    server.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    server.add_argument("--db", help="SQLAlchemy URL of the store (default: SQLite in the user data folder)")
    server.add_argument("--tokens", type=Path, help="tokens file (JSON); default: created in the user config folder")
    server.add_argument("--tls-cert", type=Path, help="certificate (PEM) to serve wss://")
    server.add_argument("--tls-key", type=Path, help="private key (PEM) for --tls-cert")

    sim = sub.add_parser("simulate", help="publish realistic live cases, alerts and patrols to a server")
    sim.add_argument("--server", default=f"ws://127.0.0.1:{DEFAULT_PORT}", help="server URL")
    sim.add_argument("--token", required=True, help="producer token")
    sim.add_argument(
        "--speed",
        type=_positive(float),
        default=1.0,
        help="catch up N× faster from the newest case in the store, never past real time (default 1)",
    )
    sim.add_argument("--seed", type=int, default=None, help="random seed")
    sim.add_argument("--duration", type=_positive(float), help="stop after this many real seconds")

    seed = sub.add_parser("seed", help="fill the store with simulated history (up to ten years / 3.22M cases)")
    seed.add_argument("--db", help="SQLAlchemy URL of the store (default: SQLite in the user data folder)")
    span = seed.add_mutually_exclusive_group()
    span.add_argument("--days", type=_positive(int), help="days of history ending now")
    span.add_argument("--years", type=_positive(float), help="years of history ending now (default 10 ≈ 3.22M cases)")
    seed.add_argument("--seed", type=int, default=None, help="random seed")
    seed.add_argument(
        "--replace", action="store_true", help="start the store over: drop all its data first (new store id)"
    )

    report = sub.add_parser("report", help="write the daily (weekly, monthly) briefing as a PDF")
    report.add_argument("--db", help="SQLAlchemy URL of the store (default: SQLite in the user data folder)")
    report.add_argument(
        "--date", type=date.fromisoformat, help="the day reported (YYYY-MM-DD; default yesterday, Beijing time)"
    )
    report.add_argument("--period", choices=("day", "week", "month"), default="day", help="日报, 周报 or 月报")
    report.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the briefing (default zh)")
    report.add_argument("--out", type=Path, help="PDF file (default gridwall-<period>-<date>-<lang>.pdf)")

    tail = sub.add_parser("tail", help="print live events from a server, one line each")
    tail.add_argument("--server", default=f"ws://127.0.0.1:{DEFAULT_PORT}", help="server URL")
    tail.add_argument("--token", required=True, help="access token (any role)")

    geo = sub.add_parser("import-geo", help="replace generated grids/communities/subdistricts with real GeoJSON")
    geo.add_argument("file", type=Path, help="GeoJSON FeatureCollection (WGS-84 unless --crs gcj02)")
    geo.add_argument("--level", required=True, choices=("subdistrict", "community", "grid"))
    geo.add_argument("--code-property", default="code", help="feature property holding the unit code")
    geo.add_argument("--crs", choices=("wgs84", "gcj02"), default="wgs84", help="coordinate system of the file")

    from desktop.selftest import add_arguments as self_test_arguments

    self_test_arguments(sub.add_parser("self-test", help="offscreen wall on a temporary store: checks, screenshot"))

    tokens = sub.add_parser("tokens", help="show (creating if needed) the access tokens file")
    tokens.add_argument("--tokens", type=Path, help="tokens file (default: in the user config folder)")
    return parser


LOGGED_COMMANDS = frozenset({"server", "wall", "demo", "simulate"})
"""Commands that also log to a rotating JSON-lines file in the data folder (``feeds.logfile``)."""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``gridwall`` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    # websockets logs every reconnect attempt at INFO; the client reports its own state
    logging.getLogger("websockets").setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    if args.self_test and args.command is None:
        args = parser.parse_args(["self-test"])
    if args.command is None:
        parser.print_help()
        return 0
    if args.command in LOGGED_COMMANDS:  # the long-running ones; one-shot commands print to the console
        from feeds.logfile import add_rotating_log
        from feeds.paths import data_dir

        add_rotating_log(data_dir() / "logs" / f"gridwall-{args.command}.jsonl")  # structured, 10 MB × 5
    from desktop import commands
    from desktop.startup import UserError

    handler: Callable[[argparse.Namespace], int] = getattr(commands, "cmd_" + args.command.replace("-", "_"))
    try:
        return handler(args)
    except KeyboardInterrupt:
        return 130
    except UserError as exc:
        sys.stderr.write(f"gridwall {args.command}: {exc}\n")
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
