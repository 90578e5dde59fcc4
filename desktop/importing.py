"""The import and replay sub-commands: argument grammar and handlers (logic in :mod:`feeds.importers`).

Kept apart from :mod:`desktop.cli` so that file stays small; imports nothing heavy at
module level and never Qt.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any


def add_import_parsers(sub: Any, positive: Callable[[type[float] | type[int]], Callable[[str], float | int]]) -> None:
    """Add ``import-csv`` (and the other importers) to the sub-command parser."""
    csv_p = sub.add_parser("import-csv", help="import a 311-style CSV export into the store (bulk, idempotent)")
    csv_p.add_argument("file", type=Path, help="the CSV file")
    csv_p.add_argument(
        "--mapping", required=True, help="column-mapping file (TOML) or a shipped one: nyc311, boston311"
    )
    csv_p.add_argument("--db", help="SQLAlchemy URL of the store (default: SQLite in the user data folder)")
    csv_p.add_argument(
        "--generate-units",
        action="store_true",
        help="a city with no units loaded: generate square unit grids over the data's extent (new store only)",
    )
    csv_p.add_argument(
        "--cell-m", type=positive(float), default=1000.0, help="generated grid cell size (default 1000 m)"
    )
    csv_p.add_argument("--city", default="Imported city", help="name of the generated district")
    _report_options(csv_p)


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
        cell_m=args.cell_m,
        city=args.city,
        json=args.json,
        progress=not args.no_progress,
    )
    try:
        run_import_csv(opts)
    except ImportUserError as exc:
        raise UserError(str(exc)) from None
    return 0
