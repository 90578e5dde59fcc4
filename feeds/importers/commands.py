"""The importers' command-line flows (no Qt): open the store, run a source, print the report.

``desktop`` only parses the arguments and turns :class:`ImportUserError` into a
one-line error; everything else is here so it can be tested without Qt.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from feeds.geo.extent_grid import grid_units, robust_extent
from feeds.geo.locate import GridLocator
from feeds.importers.csv311 import CsvLayoutError, import_csv, read_coordinates
from feeds.importers.mapping import load_csv_mapping
from feeds.importers.records import MappingError
from feeds.importers.report import ImportReport
from feeds.importers.units import replace_units, store_locator
from feeds.simulator.progress import ProgressBar
from feeds.store import Store, open_store
from feeds.store.store import StoreError


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


def _open(db: str | None) -> Store:
    try:
        return open_store(db)
    except (StoreError, OSError) as exc:
        raise ImportUserError(f"cannot open the store: {exc}") from None


def print_report(report: ImportReport, as_json: bool, out: TextIO) -> None:
    """The report as a human summary or JSON."""
    out.write((report.to_json() if as_json else report.summary()) + "\n")


def _generated_locator(store: Store, opts: CsvImportOptions, mapping_file: str, err: TextIO) -> GridLocator:
    mapping = load_csv_mapping(mapping_file)
    lons, lats = read_coordinates(opts.file, mapping)
    extent = robust_extent(lons, lats)
    if extent is None:
        raise ImportUserError(f"{opts.file}: no usable coordinates to generate units from")
    rows = grid_units(extent, opts.cell_m, opts.city)
    try:
        replace_units(store.engine, rows)
    except ValueError as exc:
        raise ImportUserError(str(exc)) from None
    grids = sum(1 for r in rows if r["level"] == "grid")
    err.write(f"generated {grids:,} unit grids of {opts.cell_m:,.0f} m over the data's extent (marked generated)\n")
    return GridLocator((r["code"], r["geometry"]) for r in rows if r["level"] == "grid")


def run_import_csv(opts: CsvImportOptions, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> ImportReport:
    """``gridwall import-csv``: import a 311-style CSV export into the store's bulk path.

    Raises:
        ImportUserError: For a missing file, a bad mapping, a header that lacks a mapped column.
    """
    if not opts.file.is_file():
        raise ImportUserError(f"file not found: {opts.file}")
    try:
        mapping = load_csv_mapping(opts.mapping)
    except MappingError as exc:
        raise ImportUserError(str(exc)) from None
    store = _open(opts.db)
    bar = ProgressBar(err, label="importing", unit="bytes") if opts.progress else None
    try:
        locator = (
            _generated_locator(store, opts, opts.mapping, err) if opts.generate_units else store_locator(store.engine)
        )
        report = import_csv(opts.file, mapping, store.engine, locator, progress=bar.update if bar else None)
    except (CsvLayoutError, UnicodeDecodeError) as exc:
        if bar:
            bar.abort()
        raise ImportUserError(f"{opts.file}: {exc}") from None
    finally:
        store.close()
    if bar:
        bar.finish(bar.done)
    print_report(report, opts.json, out)
    return report
