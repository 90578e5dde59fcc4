"""Reading CSV files: a file the ``csv`` module cannot parse is refused naming the line.

The ``csv`` module raises :class:`csv.Error` for a field over its limit (128 KiB: in a
case export, nearly always an unclosed quote that swallows the rest of the file) or a NUL
byte; every CSV reader of GridWall turns it into :class:`CsvReadError` with the line, so
each command refuses the file in one line instead of printing a traceback.
"""

from __future__ import annotations

import contextlib
import csv
from collections.abc import Iterator
from typing import Any


class CsvReadError(ValueError):
    """A CSV file the ``csv`` module cannot read; the message names the line."""


@contextlib.contextmanager
def csv_errors_named(reader: Any) -> Iterator[None]:
    """Turn a :class:`csv.Error` raised while reading ``reader`` (a ``csv.reader`` or ``DictReader``) into
    :class:`CsvReadError` naming its line; nothing is done per row."""
    try:
        yield
    except csv.Error as exc:
        line = getattr(reader, "reader", reader).line_num  # a DictReader counts only the rows it gave
        if "field limit" in str(exc):
            raise CsvReadError(
                f"line {line}: a field is longer than {csv.field_size_limit():,} characters (an unclosed quote?)"
            ) from None
        raise CsvReadError(f"line {line}: {exc}") from None
