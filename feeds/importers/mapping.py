"""Column-mapping files (TOML) that describe a 311-style CSV export; see ``docs/importing.md``."""

from __future__ import annotations

import codecs
import tomllib
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path
from typing import Any

from feeds.config_keys import unknown_keys
from feeds.importers.records import MappingError, TypeMapping, check_prefix, check_statuses
from feeds.importers.times import TimeFormatError, TimeParser, zone
from feeds.protocol import SOURCES
from feeds.taxonomy import Taxonomy, load_taxonomy
from resources import resource_path

#: Mappings shipped with GridWall (``--mapping nyc311`` finds ``nyc311.toml`` here).
SHIPPED_DIR = resource_path("importers")
REQUIRED_COLUMNS = ("id", "reported_at", "type")
OPTIONAL_COLUMNS = (
    "closed_at",
    "deadline",
    "status",
    "lat",
    "lon",
    "address",
    "description",
    "source",
    "component",
    "reporter",
)
KEYS = (
    "name",
    "id_prefix",
    "timezone",
    "time_format",
    "source",
    "default_stage",
    "delimiter",
    "encoding",
    "columns",
    "statuses",
    "sources",
    "types",
)
"""The keys and tables of a CSV mapping file; any other key is refused (a misspelt one would be ignored)."""
DB_KEYS = ("table", "updated_at")
"""The two keys a ``poll-db`` mapping adds (accepted, unused, in a mapping given to ``import-csv``)."""


@dataclass(frozen=True)
class CsvMapping:
    """A parsed mapping file.

    Attributes:
        name: Human name of the layout.
        id_prefix: Put in front of every external id (keeps cities apart in one store).
        columns: GridWall field → CSV column header.
        tz: Zone of times without an offset.
        time_format: ``strptime`` format or ``"iso"``.
        types: External type → subclass.
        statuses: External status (case-folded) → stage.
        default_stage: Stage of a status the table does not list.
        sources: External channel (case-folded) → GridWall source code.
        default_source: Source of rows without a known channel.
        delimiter: CSV field separator.
        encoding: File encoding.
    """

    name: str
    id_prefix: str
    columns: dict[str, str]
    tz: tzinfo
    time_format: str
    types: TypeMapping
    statuses: dict[str, str]
    default_stage: str
    sources: dict[str, str] = field(default_factory=dict)
    default_source: str = "hotline_12345"
    delimiter: str = ","
    encoding: str = "utf-8-sig"

    def time_parser(self) -> TimeParser:
        """A parser for this layout's timestamps."""
        return TimeParser(self.time_format, self.tz)


def resolve_mapping_path(name_or_path: str) -> Path:
    """A mapping file path, or a shipped mapping's name (``nyc311``, ``boston311``)."""
    path = Path(name_or_path)
    if path.is_file():
        return path
    shipped = SHIPPED_DIR / f"{name_or_path}.toml"
    if shipped.is_file():
        return shipped
    names = ", ".join(sorted(p.stem for p in SHIPPED_DIR.glob("*.toml") if p.stem != "open311"))
    raise MappingError(f"mapping file not found: {name_or_path} (shipped mappings: {names})")


def _str_table(data: dict[str, Any], key: str, where: str) -> dict[str, str]:
    table = data.get(key, {})
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise MappingError(f"{where}: [{key}] must be a table of strings")
    return {str(k): v for k, v in table.items()}


def _delimiter(data: dict[str, Any], where: str) -> str:
    """``delimiter``: one character, not a quote or a line break (what the ``csv`` module takes)."""
    value = data.get("delimiter", ",")
    if not isinstance(value, str) or len(value) != 1 or value in '"\r\n':
        raise MappingError(f"{where}: delimiter must be one character (not a quote or a line break), not {value!r}")
    return value


def _encoding(data: dict[str, Any], where: str) -> str:
    """``encoding``: a text codec Python knows (``gbk``, ``utf-8``…); UTF-8 in any spelling is read as
    ``utf-8-sig``, so a byte-order mark at the start of the file is dropped, not made part of the first header."""
    value = data.get("encoding", "utf-8-sig")
    try:
        if not isinstance(value, str):
            raise LookupError
        name = codecs.lookup(value).name
        "".encode(value)  # a codec that does not work on text (base64, zlib…) is no file encoding
    except LookupError:
        known = "e.g. utf-8, gbk"
        raise MappingError(f"{where}: encoding {value!r} is not a text encoding Python knows ({known})") from None
    return "utf-8-sig" if name == "utf-8" else value


def check_keys(data: dict[str, Any], known: tuple[str, ...], where: str, table: str = "") -> None:
    """Refuse a key of ``data`` (the file, or its ``[table]``) that is not in ``known``, in one line with a
    did-you-mean (``feeds.config_keys``)."""
    problem = unknown_keys(data, known)
    if problem is not None:
        raise MappingError(f"{where}: {f'[{table}] ' if table else ''}{problem}")


def load_csv_mapping(name_or_path: str, taxonomy: Taxonomy | None = None) -> CsvMapping:
    """Read and check a CSV mapping file.

    Raises:
        MappingError: naming the file and the problem (one line).
    """
    path = resolve_mapping_path(name_or_path)
    where = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise MappingError(f"{where}: {exc}") from None
    check_keys(data, KEYS + DB_KEYS, where)
    columns = _str_table(data, "columns", where)
    check_keys(columns, REQUIRED_COLUMNS + OPTIONAL_COLUMNS, where, "columns")
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise MappingError(f"{where}: [columns] lacks {', '.join(missing)}")
    sources = {k.strip().casefold(): v for k, v in _str_table(data, "sources", where).items()}
    default_source = str(data.get("source", "hotline_12345"))
    bad_sources = sorted({default_source, *sources.values()} - set(SOURCES))
    if bad_sources:
        raise MappingError(f"{where}: unknown source(s) {', '.join(bad_sources)} (known: {', '.join(SOURCES)})")
    delimiter, encoding = _delimiter(data, where), _encoding(data, where)
    try:
        tz = zone(str(data.get("timezone", "UTC")))
        mapping = CsvMapping(
            name=str(data.get("name", path.stem)),
            id_prefix=check_prefix(data.get("id_prefix", ""), where),
            columns=columns,
            tz=tz,
            time_format=str(data.get("time_format", "iso")),
            types=TypeMapping.build(_str_table(data, "types", where), taxonomy or load_taxonomy()),
            statuses=check_statuses(_str_table(data, "statuses", where), where),
            default_stage=check_statuses({"": str(data.get("default_stage", "reported"))}, where)[""],
            sources=sources,
            default_source=default_source,
            delimiter=delimiter,
            encoding=encoding,
        )
        mapping.time_parser()
    except (TimeFormatError, MappingError) as exc:
        message = str(exc)  # check_statuses names the file itself
        raise MappingError(message if message.startswith(f"{where}: ") else f"{where}: {message}") from None
    return mapping
