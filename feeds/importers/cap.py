"""Weather warnings in CAP 1.2 (Common Alerting Protocol) → ``alert.weather`` events.

A CAP ``alert`` carries ``msgType`` (Alert, Update, Cancel), ``status`` (only
``Actual`` is shown) and ``info`` blocks with ``event``, ``severity``,
``expires`` and ``area``. The colour comes from the text when it names one
(蓝色/黄色/橙色/红色, blue/yellow/orange/red) and otherwise from the severity
(Minor → blue, Moderate → yellow, Severe → orange, Extreme → red, as in China's
CAP profile); the hazard from the event name. An Update replaces, and a Cancel
lifts, the warning it references: the ``alert_id`` is the identifier of the
first alert of the chain, so the wall changes one warning in place. Expired,
cancelled, test and malformed warnings are reported and never shown.
"""

from __future__ import annotations

import codecs
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import shapely

from feeds.importers.report import ImportReport
from feeds.importers.times import parse_w3
from feeds.protocol import BEIJING, WeatherWarning

NS = "{urn:oasis:names:tc:emergency:cap:1.2}"
SEVERITY_LEVEL = {"minor": "blue", "moderate": "yellow", "severe": "orange", "extreme": "red"}
COLOUR_WORDS = (
    ("red", ("红色", "red")),
    ("orange", ("橙色", "orange")),
    ("yellow", ("黄色", "yellow")),
    ("blue", ("蓝色", "blue")),
)
HAZARD_WORDS = (
    ("road_icing", ("道路结冰", "road icing", "icy road")),
    ("sandstorm", ("沙尘暴", "sandstorm", "dust storm")),
    ("cold_wave", ("寒潮", "cold wave")),
    ("rainstorm", ("暴雨", "rainstorm", "heavy rain")),
    ("snowstorm", ("暴雪", "snowstorm", "blizzard", "heavy snow")),
    ("thunder", ("雷电", "雷暴", "thunder")),
    ("gale", ("大风", "gale", "wind")),
    ("haze", ("霾", "haze", "smog")),
    ("heat", ("高温", "heat")),
    ("fog", ("大雾", "fog")),
)
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_.:-]+")
_DECLARED = re.compile(rb"""<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]*)["']""")


class CapError(ValueError):
    """Not a CAP 1.2 alert."""


@dataclass(frozen=True, slots=True)
class CapWarning:
    """One CAP alert, read.

    Attributes:
        alert_id: GridWall id of the warning (the first identifier of its Update/Cancel chain).
        identifier: This message's own identifier.
        msg_type: ``Alert``, ``Update`` or ``Cancel``.
        hazard: GridWall hazard, or "" when the event names none GridWall knows.
        level: ``blue`` … ``red``, or "" when neither text nor severity gives one.
        sent: When it was sent (epoch seconds).
        expires: When it stops applying (epoch seconds), None if open-ended.
        text: Headline, area and validity as shown on the wall.
        polygons: Area polygons (lon/lat), empty when the alert gives only names or codes.
    """

    alert_id: str
    identifier: str
    msg_type: str
    hazard: str
    level: str
    sent: float
    expires: float | None
    text: str
    polygons: list[Any] = field(default_factory=list)


def _find(el: ET.Element, name: str) -> str:
    found = el.find(NS + name)
    if found is None:
        found = el.find(name)
    return (found.text or "").strip() if found is not None and found.text else ""


def _all(el: ET.Element, name: str) -> list[ET.Element]:
    return el.findall(NS + name) or el.findall(name)


def xml_text(data: str | bytes) -> str:
    """A document as text: bytes are decoded as their byte-order mark or XML declaration says (else UTF-8).

    The parser is then given text, so any encoding Python knows works (expat itself reads no
    multi-byte encoding but UTF-8 and UTF-16, and would refuse a valid ``encoding="GBK"`` file).

    Raises:
        CapError: An encoding Python does not know, or bytes that are not text in it.
    """
    if isinstance(data, str):
        return data
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        declared = _DECLARED.match(data.lstrip())
        encoding = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        return data.decode(encoding)
    except LookupError:
        raise CapError(f"unknown encoding {encoding!r}") from None
    except UnicodeDecodeError as exc:
        raise CapError(f"not {encoding} text: {exc.reason} at byte {exc.start}") from None


def _time(text: str) -> float | None:
    return parse_w3(text, None)  # CAP requires an offset


def _safe_id(text: str) -> str:
    return _ID_UNSAFE.sub("-", text)[-64:] or "cap"


def _referenced(references: str) -> list[str]:
    """Identifiers in a ``references`` element (``sender,identifier,sent`` triples, space separated)."""
    out = []
    for triple in references.split():
        parts = triple.split(",")
        if len(parts) >= 2 and parts[1]:
            out.append(parts[1])
    return out


def _polygon(text: str) -> Any:
    """A CAP polygon (``lat,lon lat,lon …``, closed) as a shapely polygon in lon/lat.

    Raises:
        CapError: Not at least four ``lat,lon`` pairs of finite degrees within ±90, ±180 (the area cannot
            be told, so neither can whether the warning concerns the district).
    """
    shown = " ".join(text.split())
    shown = shown if len(shown) <= 60 else shown[:57] + "…"
    try:
        pairs = [tuple(float(v) for v in point.split(",")) for point in text.split()]
    except ValueError:
        raise CapError(f"area polygon {shown!r}: not lat,lon numbers") from None
    if len(pairs) < 4 or any(len(p) != 2 for p in pairs):
        raise CapError(f"area polygon {shown!r}: not at least four lat,lon pairs")
    if not all(math.isfinite(lat) and math.isfinite(lon) and abs(lat) <= 90 and abs(lon) <= 180 for lat, lon in pairs):
        raise CapError(f"area polygon {shown!r}: coordinates are not finite lat,lon degrees")
    try:
        return shapely.Polygon([(lon, lat) for lat, lon in pairs])
    except (ValueError, shapely.errors.GEOSException) as exc:
        raise CapError(f"area polygon {shown!r}: {exc}") from None


def _words(text: str, table: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    low = text.casefold()
    for value, words in table:
        if any(w in low for w in words):
            return value
    return ""


def _when(t: float | None) -> str:
    """``MM-DD HH:MM`` in Beijing time (the wall's clock), whatever zone this machine is in."""
    if t is None:
        return ""
    return datetime.fromtimestamp(t, BEIJING).strftime("%m-%d %H:%M")


def parse_cap(text: str | bytes, chains: dict[str, str] | None = None) -> CapWarning:
    """Read one CAP 1.2 alert.

    Args:
        text: The XML document (bytes: in the encoding its declaration names, see :func:`xml_text`).
        chains: identifier → alert_id of warnings seen before (Update/Cancel chains); updated here.

    Raises:
        CapError: Not text in its encoding, not XML, not a CAP alert, or lacking identifier/sent/msgType/info.
    """
    try:
        root = ET.fromstring(xml_text(text).lstrip("\ufeff").strip())
    except ET.ParseError as exc:
        raise CapError(f"not XML: {exc}") from None
    if root.tag not in (NS + "alert", "alert"):
        raise CapError(f"not a CAP alert (root element {root.tag!r})")
    identifier, msg_type, status = _find(root, "identifier"), _find(root, "msgType"), _find(root, "status")
    sent = _time(_find(root, "sent"))
    if not identifier or sent is None or msg_type not in ("Alert", "Update", "Cancel", "Ack", "Error"):
        raise CapError("missing or bad identifier, sent or msgType")
    chains = chains if chains is not None else {}
    refs = _referenced(_find(root, "references"))
    alert_id = next((chains[r] for r in refs if r in chains), None) or (_safe_id(refs[0]) if refs else None)
    alert_id = alert_id or _safe_id(identifier)
    chains[identifier] = alert_id
    infos = _all(root, "info")
    if not infos and msg_type in ("Alert", "Update"):
        raise CapError("no info block")
    info = next((i for i in infos if _find(i, "language").lower().startswith("zh")), infos[0] if infos else None)
    if status and status != "Actual":
        msg_type = f"{msg_type}:{status}"
    if info is None:
        return CapWarning(alert_id, identifier, msg_type, "", "", sent, None, "")
    event, headline = _find(info, "event"), _find(info, "headline")
    words = f"{event} {headline}"
    level = _words(words, COLOUR_WORDS) or SEVERITY_LEVEL.get(_find(info, "severity").casefold(), "")
    expires = _time(_find(info, "expires"))
    areas = _all(info, "area")
    names = "、".join(d for d in (_find(a, "areaDesc") for a in areas) if d)
    try:
        polygons = [_polygon(e.text or "") for a in areas for e in _all(a, "polygon")]
    except CapError:
        if msg_type.split(":")[0] in ("Alert", "Update"):  # its area decides whether it is shown
            raise
        polygons = []
    parts = [headline or event, names, f"至 {_when(expires)}" if expires else ""]
    text_out = " · ".join(p for p in parts if p)[:500]
    return CapWarning(
        alert_id, identifier, msg_type, _words(words, HAZARD_WORDS), level, sent, expires, text_out, polygons
    )


@dataclass(frozen=True, slots=True)
class CapMessage:
    """What is kept of a CAP message read, so that a later run continues where this one ended.

    Attributes:
        identifier: The message's own identifier.
        alert_id: Its warning (the first identifier of its Update/Cancel chain).
        sent: When it was sent (epoch seconds).
        expires: The validity an Alert/Update gave, None if open-ended (and for a Cancel).
        shown: Whether it changed the warning shown (read again, it changes nothing).
    """

    identifier: str
    alert_id: str
    sent: float
    expires: float | None
    shown: bool


class WarningBook:
    """Turns CAP alerts into ``alert.weather`` events, keeping the chains and the active warnings.

    A book starts empty; :meth:`restore` gives it what earlier runs showed and read, and
    :meth:`take_messages` hands over the messages read since, to be kept for the next run.

    Args:
        district: The units' outline (lon/lat, shapely); alerts whose polygons all miss it are skipped.
    """

    def __init__(self, district: Any | None = None) -> None:
        self.district = district
        self.chains: dict[str, str] = {}
        self.active: dict[str, WeatherWarning] = {}  # alert_id -> last shown warning
        self.expires: dict[str, float] = {}
        self.shown_ids: set[str] = set()  # identifiers of the messages that changed what is shown
        self.last_sent: dict[str, float] = {}  # alert_id -> when its latest shown message was sent
        self._read: list[CapMessage] = []

    def restore(self, shown: Mapping[str, WeatherWarning], messages: Iterable[CapMessage]) -> None:
        """Take up the warnings active where the events go (``shown``, by alert id) and the messages read before.

        The chains are the messages' own; a shown warning's validity is the one its latest shown message gave.
        """
        self.active = {alert_id: w for alert_id, w in shown.items() if w.active}
        latest: dict[str, CapMessage] = {}
        for message in sorted(messages, key=lambda m: (m.sent, m.identifier)):
            self.chains[message.identifier] = message.alert_id
            if message.shown:
                self.shown_ids.add(message.identifier)
                latest[message.alert_id] = message
        self.last_sent = {alert_id: m.sent for alert_id, m in latest.items()}
        self.expires = {
            alert_id: m.expires for alert_id, m in latest.items() if alert_id in self.active and m.expires is not None
        }

    def take_messages(self) -> list[CapMessage]:
        """The messages read since the last call (malformed ones aside)."""
        taken, self._read = self._read, []
        return taken

    def read(self, text: str | bytes, where: str, now: float, report: ImportReport) -> list[WeatherWarning]:
        """The events one CAP document leads to (none when it is skipped, or was shown before: ``unchanged``)."""
        report.read += 1
        try:
            cap = parse_cap(text, self.chains)
        except CapError as exc:
            report.skip("malformed", f"{where}: {exc}")
            return []
        if cap.identifier in self.shown_ids:
            report.unchanged += 1  # a file imported again, an alert the feed still lists
            return []
        events = self._events(cap, where, now, report)
        if events:
            self.shown_ids.add(cap.identifier)
            self.last_sent[cap.alert_id] = max(cap.sent, self.last_sent.get(cap.alert_id, cap.sent))
        gave = cap.expires if cap.msg_type in ("Alert", "Update") else None
        self._read.append(CapMessage(cap.identifier, cap.alert_id, cap.sent, gave, bool(events)))
        return events

    def _events(self, cap: CapWarning, where: str, now: float, report: ImportReport) -> list[WeatherWarning]:
        if ":" in cap.msg_type:
            report.skip("not_actual", f"{where} ({cap.msg_type.split(':')[1]})")
            return []
        if cap.sent < self.last_sent.get(cap.alert_id, cap.sent):
            report.skip("stale_update", where)  # sent before what its warning shows (read in a later run)
            return []
        if cap.msg_type == "Cancel":
            return self._lift(cap.alert_id, cap.sent, f"{where}", "cancelled", report)
        if cap.msg_type not in ("Alert", "Update"):
            report.skip("not_a_warning", f"{where} ({cap.msg_type})")
            return []
        if cap.expires is not None and cap.expires <= now:
            if cap.alert_id in self.active:
                return self._lift(cap.alert_id, cap.expires, where, "expired", report)
            report.skip("expired", where)
            return []
        if not cap.hazard:
            report.skip("unknown_hazard", where)
            return []
        if not cap.level:
            report.skip("no_level", where)
            return []
        if self.district is not None and cap.polygons and not any(p.intersects(self.district) for p in cap.polygons):
            report.skip("outside_area", where)
            return []
        warning = WeatherWarning(cap.alert_id, cap.hazard, cap.level, True, cap.text, ts=cap.sent)
        known = cap.alert_id in self.active
        self.active[cap.alert_id] = warning
        if cap.expires is not None:
            self.expires[cap.alert_id] = cap.expires
        else:  # an Update without expires leaves the warning open-ended
            self.expires.pop(cap.alert_id, None)
        if known:
            report.updated += 1
        else:
            report.taken += 1
        return [warning]

    def _lift(self, alert_id: str, at: float, where: str, why: str, report: ImportReport) -> list[WeatherWarning]:
        shown = self.active.pop(alert_id, None)
        self.expires.pop(alert_id, None)
        if shown is None:
            report.skip(f"{why}_unknown", where)  # lifts a warning never shown here
            return []
        report.updated += 1
        return [WeatherWarning(alert_id, shown.hazard, shown.level, False, f"{shown.text} ({why})"[:500], ts=at)]

    def expire(self, now: float, report: ImportReport) -> list[WeatherWarning]:
        """Lift every active warning whose validity has ended."""
        out: list[WeatherWarning] = []
        for alert_id, until in list(self.expires.items()):
            if until <= now:
                out.extend(self._lift(alert_id, until, alert_id, "expired", report))
        return out
