"""The ``import-parts``, ``import-cameras`` and ``look-at`` sub-commands (logic in :mod:`feeds.supervision`).

Never imports Qt.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def add_supervision_parsers(sub: Any, server_url: Any = str, default_server: str = "") -> None:
    """Add ``import-parts``, ``import-cameras`` and ``look-at``."""
    comp = _add(sub, "import-parts", "replace the component (部件) inventory with a CSV or GeoJSON file")
    comp.add_argument("file", type=Path, help="CSV (code,lon,lat[,state,department,name]) or GeoJSON points")
    comp.add_argument("--db", help="SQLAlchemy URL of the store (default: SQLite in the user data folder)")
    comp.add_argument("--add", action="store_true", help="add to (or update) the inventory instead of replacing it")
    cam = _add(sub, "import-cameras", "replace the video cameras with a CSV or GeoJSON file")
    cam.add_argument("file", type=Path, help="CSV (id,name_zh,lon,lat,url[,name_en]) or GeoJSON points")
    cam.add_argument("--db", help="SQLAlchemy URL of the store (default: SQLite in the user data folder)")
    look = _add(
        sub,
        "look-at",
        "look up a grid/unit code, case id, component code, supervisor or camera and fly every wall there",
    )
    look.add_argument("text", help="what to look up (as typed in the workstation's search box)")
    look.add_argument(
        "--server", type=server_url, default=default_server, help=f"server URL (default {default_server})"
    )
    look.add_argument("--token", required=True, help="operator token (required)")


def _add(sub: Any, name: str, summary: str) -> argparse.ArgumentParser:
    """A sub-command whose one-line ``summary`` is its line in ``gridwall --help`` and heads its own ``--help``."""
    parser: argparse.ArgumentParser = sub.add_parser(
        name, help=summary, description=summary[0].upper() + summary[1:] + "."
    )
    return parser


def _refuse_in_memory(db: str | None) -> None:
    """An import into a store in memory would be gone when the command ends: refused in one line."""
    from desktop.startup import UserError
    from feeds.store.engine import in_memory_problem

    problem = in_memory_problem(db)
    if problem is not None:
        raise UserError(problem)


def cmd_import_parts(args: argparse.Namespace) -> int:
    """``gridwall import-parts``: check the whole file, then write it (nothing is written on any error)."""
    from desktop.startup import UserError
    from feeds.geo.locate import GridLocator
    from feeds.geo.units import load_units
    from feeds.store import StoreError, open_store
    from feeds.supervision.component_files import read_component_file
    from feeds.supervision.components import write_components
    from feeds.taxonomy import load_taxonomy

    _refuse_in_memory(args.db)
    locator = GridLocator((u.code, u.geometry) for u in load_units().grids)
    read = read_component_file(args.file, load_taxonomy(), locator.locate_arrays)
    if not read.ok:
        shown = "\n  ".join(read.errors[:20])
        more = f"\n  … and {len(read.errors) - 20} more" if len(read.errors) > 20 else ""
        raise UserError(f"{len(read.errors)} problem(s), nothing written:\n  {shown}{more}")
    try:
        store = open_store(args.db)
    except StoreError as exc:
        raise UserError(str(exc)) from None
    try:
        n = write_components(store.engine, read.rows, replace=not args.add)
    finally:
        store.close()
    sys.stdout.write(f"{n:,} components {'added' if args.add else 'stored'} from {args.file}\n")
    return 0


def cmd_import_cameras(args: argparse.Namespace) -> int:
    """``gridwall import-cameras``."""
    from desktop.startup import UserError
    from feeds.store import StoreError, open_store
    from feeds.supervision.cameras import CameraFileError, read_camera_file, write_cameras

    _refuse_in_memory(args.db)
    try:
        rows = read_camera_file(args.file)
        store = open_store(args.db)
    except (CameraFileError, StoreError) as exc:
        raise UserError(str(exc)) from None
    try:
        n = write_cameras(store.engine, rows)
    finally:
        store.close()
    sys.stdout.write(f"{n:,} cameras stored from {args.file}\n")
    return 0


@contextlib.contextmanager
def operator_client(server: str, token: str, name: str) -> Iterator[Any]:
    """A connected :class:`~feeds.client.ClientThread` for a one-shot command (stopped on leaving);
    refusals, timeouts and a lost connection become :class:`~desktop.startup.UserError`."""
    import time

    from desktop.startup import UserError
    from feeds.client import ClientThread, NotConnectedError
    from feeds.protocol import ProtocolError

    client = ClientThread(server, token, client_name=name, stop_when_refused=True).start()
    try:
        deadline = time.monotonic() + 15
        while (
            client.status.state not in ("live", "refused", "stopped")
            and client.client.refused is None  # "refused" lasts a moment: the client stops at once
            and time.monotonic() < deadline
        ):
            time.sleep(0.05)
        if client.status.state != "live":
            if client.client.refused is not None:  # a wrong or revoked token: not a network problem
                raise UserError(f"{server} refused the token: {client.client.refused}")
            detail = client.status.detail or client.status.state
            raise UserError(detail if detail.startswith("cannot reach ") else f"cannot reach {server}: {detail}")
        yield client
    except (ProtocolError, NotConnectedError, TimeoutError) as exc:
        raise UserError(str(exc)) from None
    finally:
        client.stop()


def cmd_look_at(args: argparse.Namespace) -> int:
    """``gridwall look-at TEXT``: resolve ``TEXT`` with the server's ``lookup`` and send the first match
    to every wall of the server as a ``focus`` message (what a workstation's look-up does)."""
    from desktop.startup import UserError
    from feeds.protocol import Focus
    from feeds.protocol.focus import focus_zoom

    with operator_client(args.server, args.token, "gridwall-look-at") as client:
        matches = client.query("lookup", {"text": args.text}).get("matches", [])
        if not matches:
            raise UserError(f"nothing is called {args.text!r}")
        m = matches[0]
        kind, label = str(m["kind"]), str(m.get("label_zh", ""))[:100]
        client.publish(Focus(kind, str(m["id"]), float(m["lon"]), float(m["lat"]), focus_zoom(kind), label))
    sys.stdout.write(f"the walls of {args.server} fly to {kind} {m['id']} ({label})\n")
    return 0
