"""Open311 GeoReport v2 documents: ``services`` and ``requests`` in JSON or XML, read tolerantly.

The specification's own JSON examples are not valid JSON (``"service_code":001``,
an ``HTTP/1.1 403`` status line before the body); real feeds have missing
coordinates, duplicates and updates out of order. :func:`parse_document` reads
what can be read; :func:`request_states` turns requests into
:class:`~feeds.importers.cases.CaseState` records, counting in the report what it
skipped and why.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path
from typing import Any

from feeds.config_keys import unknown_keys
from feeds.importers.cases import CaseState
from feeds.importers.records import MappingError, TypeMapping, case_id, check_prefix, check_statuses
from feeds.importers.report import ImportReport
from feeds.importers.times import TimeFormatError, parse_w3, zone
from feeds.protocol import SOURCES
from feeds.taxonomy import UNMAPPED, Taxonomy, load_taxonomy
from resources import resource_path

SHIPPED = resource_path("importers", "open311.toml")

# a bare number with a leading zero after a key (``"service_code":001``) is not JSON: quote it
_LEADING_ZERO = re.compile(r"(:\s*)(-?0\d+(?:\.\d+)?)(\s*[,}\]])")

MAPPING_KEYS = ("id_prefix", "timezone", "source", "service_codes", "service_names", "statuses")
"""The keys and tables of an Open311 mapping file; any other key is refused (a misspelt one would be ignored)."""


class Open311Error(ValueError):
    """A document that is not GeoReport v2 (or an error document from the server)."""


@dataclass(frozen=True)
class Open311Mapping:
    """How an endpoint's services map to the taxonomy (``resources/importers/open311.toml`` is an example).

    Attributes:
        id_prefix: Put before ``service_request_id``.
        tz: Zone of times without an offset (the spec requires offsets; some feeds omit them).
        by_code: ``service_code`` → subclass (checked first).
        by_name: ``service_name`` → subclass.
        statuses: Open311 status (case-folded) → stage.
        source: GridWall source of every request.
    """

    id_prefix: str
    tz: tzinfo
    by_code: TypeMapping
    by_name: TypeMapping
    statuses: dict[str, str]
    source: str = "app"
    services: dict[str, str] = field(default_factory=dict)  # service_code -> service_name (from a services doc)

    def subclass(self, code: str, name: str) -> str | None:
        """The subclass of a service (by code, then by name, then by the name a services document gave the code)."""
        return (
            self.by_code.subclass(code)
            or self.by_name.subclass(name)
            or self.by_name.subclass(self.services.get(code.strip(), ""))
        )


def load_open311_mapping(path: str | None = None, taxonomy: Taxonomy | None = None) -> Open311Mapping:
    """Read an Open311 mapping file (default: the shipped example). ``MappingError`` names the problem."""
    where = str(path or SHIPPED)
    try:
        data = tomllib.loads(Path(where).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise MappingError(f"{where}: {exc}") from None
    if (problem := unknown_keys(data, MAPPING_KEYS)) is not None:
        raise MappingError(f"{where}: {problem}")
    tax = taxonomy or load_taxonomy()

    def table(key: str) -> dict[str, str]:
        raw = data.get(key, {})
        if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
            raise MappingError(f"{where}: [{key}] must be a table of strings")
        return {str(k): v for k, v in raw.items()}

    source = str(data.get("source", "app"))
    if source not in SOURCES:
        raise MappingError(f"{where}: unknown source {source!r}")
    statuses = table("statuses") or {"open": "filed", "closed": "closed"}
    prefix = check_prefix(data.get("id_prefix", ""), where)
    try:
        return Open311Mapping(
            id_prefix=prefix,
            tz=zone(str(data.get("timezone", "UTC"))),
            by_code=TypeMapping.build(table("service_codes"), tax),
            by_name=TypeMapping.build(table("service_names"), tax),
            statuses=check_statuses(statuses, where),
            source=source,
        )
    except (TimeFormatError, MappingError) as exc:
        message = str(exc)  # check_statuses and table() name the file themselves
        raise MappingError(message if message.startswith(f"{where}: ") else f"{where}: {message}") from None


def _strip_preamble(text: str) -> str:
    """Drop anything before the first ``[``, ``{`` or ``<`` (an HTTP status line pasted into a file)."""
    starts = [i for i in (text.find("["), text.find("{"), text.find("<")) if i >= 0]
    return text[min(starts) :] if starts else text


def _text(value: Any) -> str:
    """A scalar field as text ("" for none; a list or object is no text: see :func:`_bad_field`)."""
    if value is None or isinstance(value, (list, dict)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


REQUEST_FIELDS = (
    "service_request_id",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "status",
    "service_code",
    "service_name",
    "lat",
    "long",
    "address",
    "description",
)
"""The fields of a request that are read: each a text or a number."""

_REQUEST_ONLY = (frozenset(REQUEST_FIELDS) - {"service_code", "service_name", "description"}) | {
    "status_notes",
    "address_id",
    "zipcode",
    "media_url",
    "agency_responsible",
    "service_notice",
    "token",
}
"""Keys of a request that a service never has (a list holding one is a requests list)."""
_SERVICE_ONLY = frozenset({"metadata", "type", "keywords", "group"})
_KINDS = {"requests": "service_requests", "services": "services"}  # expected kind -> XML root element


def _bad_field(item: dict[str, Any]) -> str | None:
    """The first read field of a request holding a list or an object (nested XML), if any."""
    return next((name for name in REQUEST_FIELDS if isinstance(item.get(name), (list, dict))), None)


def _keys(keys: Any) -> str:
    names = sorted(str(k) for k in keys)
    return ", ".join(names[:5]) + (", …" if len(names) > 5 else "") if names else "none"


def _list_kind(keys: set[str]) -> str:
    """``requests``, ``services`` or "" (neither) by the keys of a list's objects."""
    if keys & _REQUEST_ONLY:
        return "requests"
    if "service_code" in keys or keys & _SERVICE_ONLY:
        return "services"
    return ""


def _xml_items(root: ET.Element, expect: str) -> list[dict[str, Any]]:
    if root.tag == "errors":
        raise Open311Error(_xml_error(root))
    if root.tag != _KINDS[expect]:
        other = next((kind for kind, tag in _KINDS.items() if tag == root.tag), None)
        raise Open311Error(f"a {other} list, not {expect}" if other else f"an XML <{root.tag}> document, not {expect}")
    # an element holding elements is no text: kept as an object, so the request is skipped as bad_value
    return [
        {child.tag: {g.tag: g.text for g in child} if len(child) else (child.text or "").strip() for child in item}
        for item in root
    ]


def error_message(text: str) -> str | None:
    """The server's text when ``text`` is a GeoReport v2 error document, else None (an HTTP error's body)."""
    body = _strip_preamble(text.lstrip("\ufeff")).strip()
    try:
        if body.startswith("<"):
            root = ET.fromstring(body)
            return _xml_error(root) if root.tag == "errors" else None
        data = json.loads(body)
    except (ET.ParseError, json.JSONDecodeError):
        return None
    return _json_error(data)


def _xml_error(root: ET.Element) -> str:
    """The text of an ``<errors>`` document."""
    return "; ".join(_text(e.findtext("description")) for e in root) or "error document"


def _json_error(data: Any) -> str | None:
    """The text of a JSON error document (``[{"code":403,"description":…}]``), else None."""
    errors = isinstance(data, list) and data and all(isinstance(x, dict) for x in data)
    if not errors or not all(set(x) <= {"code", "description"} and "code" in x for x in data):
        return None
    return "; ".join(f"{x.get('code')}: {x.get('description')}" for x in data)


def parse_document(text: str, expect: str = "requests") -> list[dict[str, Any]]:
    """The items of a GeoReport v2 list document of the kind ``expect`` (``requests`` or ``services``), JSON or XML.

    Raises:
        Open311Error: For an error document (``[{"code":403,...}]`` / ``<errors>``), unreadable text, or a document
            of another shape (a services list where requests are read, an object, another XML root), saying
            what it looks like.
    """
    body = _strip_preamble(text.lstrip("\ufeff")).strip()
    if body.startswith("<"):
        try:
            root = ET.fromstring(body)
        except ET.ParseError as exc:
            raise Open311Error(f"not XML: {exc}") from None
        return _xml_items(root, expect)
    try:
        data = json.loads(body)
    except json.JSONDecodeError:
        try:
            data = json.loads(_LEADING_ZERO.sub(r'\1"\2"\3', body))
        except json.JSONDecodeError as exc:
            raise Open311Error(f"not JSON: {exc}") from None
    if isinstance(data, dict):
        wrapped = next((data[k] for k in ("service_requests", "requests", "services") if k in data), None)
        if wrapped is None and "service_request_id" not in data:
            raise Open311Error(f"a JSON object with keys {_keys(data)}, not a list of {expect}")
        data = [data] if wrapped is None else wrapped
    if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
        raise Open311Error("not a GeoReport v2 list")
    error = _json_error(data)
    if error is not None:
        raise Open311Error(error)
    keys: set[str] = set().union(*data)
    kind = _list_kind(keys)
    if data and kind != expect:
        raise Open311Error(
            f"a {kind} list, not {expect}" if kind else f"a list of objects with keys {_keys(keys)}, not {expect}"
        )
    return list(data)


def read_services(items: list[dict[str, Any]]) -> dict[str, str]:
    """``service_code`` → ``service_name`` of a services document (a code that is no text or number is left out)."""
    codes = ((_text(s.get("service_code")), _text(s.get("service_name"))) for s in items)
    return {code: name for code, name in codes if code}


def parse_time(text: str, tz: tzinfo) -> float | None:
    """A w3 datetime (``2010-04-14T06:37:38-08:00``, ``…Z``) to epoch seconds; None if blank or unreadable."""
    return parse_w3(text, tz)


def _coordinate(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number if math.isfinite(number) else math.nan


def request_states(items: list[dict[str, Any]], mapping: Open311Mapping, report: ImportReport) -> list[CaseState]:
    """Requests as case states, oldest update first (duplicates and reordered updates are left to the sink).

    Skipped, with reasons: ``bad_value`` (a read field holding a list or an object), ``missing_id``,
    ``bad_time`` (no readable ``requested_datetime``), ``no_coordinates``. Unknown services are stored
    under the unmapped type and counted.
    """
    states: list[CaseState] = []
    for n, item in enumerate(items, start=1):
        report.read += 1
        external = _text(item.get("service_request_id"))
        where = f"request {n}" + (f" id {external}" if external else "")
        bad = _bad_field(item)
        if bad is not None:
            report.skip("bad_value", f"{where}: {bad} is {'a list' if isinstance(item[bad], list) else 'an object'}")
            continue
        cid = case_id(mapping.id_prefix, external)
        if cid is None:
            report.skip("missing_id", where)
            continue
        requested = parse_time(_text(item.get("requested_datetime")), mapping.tz)
        if requested is None:
            report.skip("bad_time", where)
            continue
        updated = parse_time(_text(item.get("updated_datetime")), mapping.tz) or requested
        lon, lat = _coordinate(item.get("long")), _coordinate(item.get("lat"))
        if math.isnan(lon) or math.isnan(lat) or not (-180 <= lon <= 180 and -90 <= lat <= 90):
            report.skip("no_coordinates", where)
            continue
        code, name = _text(item.get("service_code")), _text(item.get("service_name"))
        subclass = mapping.subclass(code, name)
        unmapped = subclass is None
        if subclass is None:
            subclass = UNMAPPED.code
        kind, department = mapping.by_code.kind_and_department(subclass)
        status = _text(item.get("status")).casefold()
        states.append(
            CaseState(
                id=cid,
                subclass=subclass,
                kind=kind,
                department=department,
                source=mapping.source,
                stage=mapping.statuses.get(status, "filed"),
                reported_at=requested,
                updated_at=max(updated, requested),
                deadline=parse_time(_text(item.get("expected_datetime")), mapping.tz),
                lon=lon,
                lat=lat,
                address=_text(item.get("address"))[:200],
                description=_text(item.get("description"))[:1000],
                where=where,
                unmapped_type=(name or code) if unmapped else None,
            )
        )
    states.sort(key=lambda s: s.updated_at)
    return states
