"""CAP warnings from files and feeds, published as ``alert.weather`` events.

A feed is a URL answering either one CAP alert or an Atom/RSS index whose entries
link to CAP alerts (the way weather services publish them). Each poll reads the
linked alerts not read before, in the order they were sent, and lifts warnings
whose validity ended. Every import and poll starts from the warnings shown where
the events go (the store's, or the case server's) and the messages recorded by
earlier ones (:class:`~feeds.importers.cap_ledger.CapLedger`: the Update/Cancel
chains, validity, what was shown); the poller's checkpoint keeps the links read.
So neither a later run nor a restart repeats or forgets a warning.
"""

from __future__ import annotations

import hashlib
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from feeds.geo.geojson_io import write_atomic
from feeds.importers.cap import CapError, CapMessage, WarningBook, parse_cap
from feeds.importers.cap_ledger import CapLedger
from feeds.importers.checkpoint import checkpoint_error, read_checkpoint
from feeds.importers.producer import LazyProducer, ProducerError, ProducerSession
from feeds.importers.report import ImportReport
from feeds.protocol import Error, ProtocolError, WeatherWarning
from feeds.store import Store
from feeds.store.snapshot import active_weather

_ATOM = "{http://www.w3.org/2005/Atom}"


class AlertSink(Protocol):
    """Where warning events go."""

    def publish(self, events: Sequence[WeatherWarning], report: ImportReport) -> None:
        """Publish in order; refusals are counted in ``report``."""
        ...

    def shown(self) -> dict[str, WeatherWarning]:
        """The weather warnings active where the events go, by alert id."""
        ...


class StoreAlertSink:
    """Appends the events to the store's event log (walls see them on their next snapshot)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def publish(self, events: Sequence[WeatherWarning], report: ImportReport) -> None:
        """One transaction per event, so one refusal does not lose the rest."""
        for event in events:
            try:
                self.store.append([event])
            except ProtocolError as exc:
                report.skip(f"refused_{exc.code}", f"{event.alert_id}: {exc}")

    def shown(self) -> dict[str, WeatherWarning]:
        """The store's active weather warnings."""
        with self.store.engine.connect() as conn:
            return {w.alert_id: w for w in active_weather(conn)}


class ProducerAlertSink:
    """Publishes the events as a producer (live on every wall)."""

    def __init__(self, connect: Callable[[], ProducerSession]) -> None:
        self._producer = LazyProducer(connect)

    def publish(self, events: Sequence[WeatherWarning], report: ImportReport) -> None:
        """Publish; ``ProducerError`` if the server cannot be reached (the connection is reopened next time)."""
        if not events:
            return
        replies = self._producer.run(lambda session: session.publish(events))
        for event, reply in zip(events, replies, strict=True):
            if isinstance(reply, Error):
                report.skip(f"refused_{reply.code}", f"{event.alert_id}: {reply.message}")

    def shown(self) -> dict[str, WeatherWarning]:
        """The server's active weather warnings; ``ProducerError`` if it cannot be reached."""
        return self._producer.run(lambda session: session.shown_weather())


def feed_links(text: str, base: str) -> list[str] | None:
    """The links of an Atom or RSS index (absolute), or None when ``text`` is not an index."""
    try:
        root = ET.fromstring(text.strip())
    except ET.ParseError:
        return None
    if root.tag == _ATOM + "feed":
        links = []
        for entry in root.findall(_ATOM + "entry"):
            link = entry.find(_ATOM + "link")
            if link is not None and link.get("href"):
                links.append(urllib.parse.urljoin(base, link.get("href", "")))
        return links
    if root.tag == "rss":
        return [urllib.parse.urljoin(base, (i.findtext("link") or "").strip()) for i in root.iter("item")]
    return None


def _fetch(url: str, timeout: float) -> str:
    request = urllib.request.Request(url, headers={"User-Agent": "GridWall-CAP-poller/1"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return str(response.read().decode("utf-8", errors="replace"))
    except urllib.error.HTTPError as exc:
        raise ConnectionError(f"HTTP {exc.code} from {url}") from None
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        raise ConnectionError(f"{url} unreachable: {getattr(exc, 'reason', exc)}") from None


def import_cap_files(
    texts: Sequence[tuple[str, str | bytes]],
    book: WarningBook,
    sink: AlertSink,
    now: float,
    report: ImportReport,
    ledger: CapLedger | None = None,
) -> None:
    """Read ``(where, xml)`` documents (bytes in their declared encoding) in the order they were sent and publish
    the resulting events; then lift the warnings whose validity has ended.

    With a ``ledger`` the book first takes up the warnings the sink shows and the messages recorded by earlier
    runs, and each document's message is recorded once its events are published.
    """
    if ledger is not None:
        book.restore(sink.shown(), ledger.messages())
    ordered = sorted(texts, key=lambda item: _sent_or_zero(item[1]))
    for where, text in ordered:
        sink.publish(book.read(text, where, now, report), report)
        if ledger is not None:
            ledger.record(book.take_messages())
    sink.publish(book.expire(now, report), report)


def _sent_or_zero(text: str | bytes) -> float:
    try:
        return parse_cap(text, {}).sent
    except CapError:
        return 0.0


class CapPoller:
    """Polls a CAP feed (an alert or an Atom/RSS index of alerts) into a sink.

    Args:
        url: The feed.
        sink: Where warning events go.
        checkpoint: JSON file with the links (or, for a single-alert feed, the identifiers) read.
        ledger: Where the messages read are recorded (each poll rebuilds its book from it and the sink).
        district: Outline of the units (alerts whose polygons miss it are skipped).
        clock: Now, in epoch seconds.
    """

    def __init__(
        self,
        url: str,
        sink: AlertSink,
        checkpoint: Path,
        *,
        ledger: CapLedger,
        district: Any | None = None,
        clock: Callable[[], float] = time.time,
        timeout: float = 15.0,
    ) -> None:
        self.url, self.sink, self.checkpoint, self.ledger = url, sink, checkpoint, ledger
        self.district, self.clock, self.timeout = district, clock, timeout
        self.seen: set[str] = set()
        self._load()

    def _load(self) -> None:
        """The links read; the chains and validity an older checkpoint kept go to the ledger."""
        data = read_checkpoint(self.checkpoint, ("seen",))
        if data is None:
            return
        seen, expires_in, chains = data["seen"], data.get("expires", {}), data.get("chains", {})
        if not isinstance(seen, list) or not all(isinstance(link, str) for link in seen):
            raise checkpoint_error(self.checkpoint, "'seen' is not a list of the links read")
        if not isinstance(expires_in, dict) or not isinstance(chains, dict):
            raise checkpoint_error(self.checkpoint, "'expires' and 'chains' must be JSON objects")
        try:
            expires = {str(k): float(v) for k, v in expires_in.items()}
        except (TypeError, ValueError):
            raise checkpoint_error(self.checkpoint, "'expires' holds a value that is not a number") from None
        self.seen = set(seen)
        older = [
            CapMessage(str(identifier), str(alert_id), 0.0, expires.get(str(alert_id)), True)
            for identifier, alert_id in chains.items()
        ]
        self.ledger.record(older)

    def _save(self) -> None:
        write_atomic(self.checkpoint, json.dumps({"seen": sorted(self.seen)}, ensure_ascii=False))

    def poll_once(self) -> ImportReport:
        """Read what is new, lift what expired, save the checkpoint; failures go to ``report.errors``."""
        started = time.perf_counter()
        report = ImportReport(source=self.url)
        now = self.clock()
        try:
            body = _fetch(self.url, self.timeout)
            links = feed_links(body, self.url)
            documents = [(self.url, body)] if links is None else [(u, "") for u in links if u not in self.seen]
            texts = [(u, t or _fetch(u, self.timeout)) for u, t in documents]
            if links is None:
                texts = [(u, t) for u, t in texts if _identifier(t) not in self.seen]
            import_cap_files(texts, WarningBook(self.district), self.sink, now, report, self.ledger)
            for where, text in texts:
                self.seen.add(where if links is not None else _identifier(text))
        except (ConnectionError, ProducerError) as exc:
            report.errors.append(str(exc))
        else:
            self._save()
        report.seconds = time.perf_counter() - started
        return report


def _identifier(text: str) -> str:
    try:
        return parse_cap(text, {}).identifier
    except CapError:
        return "malformed:" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
