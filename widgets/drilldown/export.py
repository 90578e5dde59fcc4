"""CSV of a case list: UTF-8 with a BOM (Excel reads Chinese right), citizen text kept as data.

A cell starting with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage return)
would be run as a formula by a spreadsheet: it gets a leading apostrophe.
Numbers stay numbers. Writing the file is the caller's job; this module
only makes the bytes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication

from feeds.live import NameLookup
from feeds.protocol.answers import CaseRow
from widgets.drilldown.text import format_time
from widgets.panel import stage_name

translate = QCoreApplication.translate

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def safe_cell(value: Any) -> Any:
    """A value fit for a CSV cell: text that a spreadsheet would evaluate is quoted with ``'``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float)):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV text (``\\r\\n`` line ends, every cell through :func:`safe_cell`), without the BOM."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """The file's bytes: BOM + :func:`csv_text`, UTF-8."""
    return (BOM + csv_text(header, rows)).encode("utf-8")


def case_header() -> list[str]:
    """Column titles of the export (translated)."""
    return [
        translate("CaseExport", "Case ID"),
        translate("CaseExport", "Reported at"),
        translate("CaseExport", "Type code"),
        translate("CaseExport", "Type"),
        translate("CaseExport", "Source"),
        translate("CaseExport", "Subdistrict"),
        translate("CaseExport", "Community"),
        translate("CaseExport", "Unit grid"),
        translate("CaseExport", "Department"),
        translate("CaseExport", "Stage"),
        translate("CaseExport", "Handling deadline"),
        translate("CaseExport", "Overdue"),
        translate("CaseExport", "Difficult"),
        translate("CaseExport", "Urges"),
        translate("CaseExport", "Reworks"),
        translate("CaseExport", "Address"),
        translate("CaseExport", "Description"),
    ]


def case_cells(row: CaseRow, lang: str, names: NameLookup) -> list[Any]:
    """One ``cases`` row as export cells, names in ``lang``."""
    grid = row.grid
    yes, no = translate("CaseExport", "yes"), translate("CaseExport", "no")
    return [
        row.id,
        format_time(row.reported_at, year=True),
        row.subclass,
        row.subclass_name.name(lang) or names.case_type(row.subclass).get(lang),
        names.source(row.source).get(lang),
        names.unit(grid[:9]).get(lang) if grid else "",
        names.unit(grid[:12]).get(lang) if grid else "",
        grid,
        names.department(row.department).get(lang),
        stage_name(row.stage),
        format_time(row.handle_deadline_at, year=True) if row.handle_deadline_at else "",
        yes if row.overdue else no,
        yes if row.difficult else no,
        row.urges,
        row.reworks,
        row.address,
        row.description,
    ]
