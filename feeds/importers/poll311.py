"""Polling an Open311 GeoReport v2 endpoint for new and updated requests, with a checkpoint.

Each poll asks ``GET {endpoint}/requests.json`` for the requests made since the
checkpoint minus a look-back (updates to recent requests show up through their
``updated_datetime``), in windows of at most 90 days (the spec's limit) and pages
(``page``/``page_size``, a common extension; a server that ignores them is read
once). The states go to a sink that only moves cases forward, so reading a
request again is harmless. The checkpoint advances only after a whole poll went
through: a restart (or a server that went away) repeats the poll and loses
nothing.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from feeds.geo.geojson_io import write_atomic
from feeds.geo.locate import PointLocator
from feeds.importers.checkpoint import checkpoint_error, read_checkpoint
from feeds.importers.open311 import Open311Error, Open311Mapping, error_message, parse_document, request_states
from feeds.importers.producer import ProducerError
from feeds.importers.report import ImportReport
from feeds.importers.sinks import CaseSink, locate
from feeds.importers.times import in_range
from feeds.protocol import ProtocolError

WINDOW_S = 90 * 86_400
USER_AGENT = "GridWall-Open311-poller/1"


@dataclass
class Checkpoint:
    """Where the poller stands: the end of the last poll that went through (epoch seconds)."""

    path: Path
    done_until: float | None = None

    @classmethod
    def load(cls, path: Path) -> Checkpoint:
        """Read a checkpoint file (a missing file: start from scratch; an unusable one: ``ValueError``)."""
        data = read_checkpoint(path, ("done_until",))
        if data is None:
            return cls(path)
        done = data["done_until"]
        if done is None:
            return cls(path)
        if isinstance(done, bool) or not isinstance(done, (int, float)) or not in_range(float(done)):
            raise checkpoint_error(path, f"'done_until' is {done!r}, not a time from 1970 to 2099 (epoch seconds)")
        return cls(path, float(done))

    def save(self) -> None:
        """Write atomically (a crash leaves the old or the new checkpoint, never half of one)."""
        write_atomic(self.path, json.dumps({"done_until": self.done_until}))


def w3(t: float) -> str:
    """Epoch seconds as the spec's w3 format in UTC (``2010-01-01T00:00:00Z``)."""
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Open311Poller:
    """Polls one endpoint into a sink.

    Args:
        endpoint: Base URL, e.g. ``https://api.city.gov/dev/v2`` (``/requests.json`` is appended).
        mapping: Service and status mapping.
        sink: Where located states go.
        locator: Unit grids for the points.
        checkpoint: Loaded checkpoint (saved after each successful poll).
        first_since: Where a poll without a checkpoint starts (epoch seconds; default now − look-back).
        lookback_s: How far before the checkpoint each poll looks again for updated requests.
        page_size: Requests per page asked for.
        max_pages: Pages read at most per window.
        jurisdiction: ``jurisdiction_id`` when the endpoint serves several.
        clock: Now, in epoch seconds (tests inject one).
        timeout: Seconds per HTTP request.
    """

    def __init__(
        self,
        endpoint: str,
        mapping: Open311Mapping,
        sink: CaseSink,
        locator: PointLocator,
        checkpoint: Checkpoint,
        *,
        first_since: float | None = None,
        lookback_s: float = 7 * 86_400,
        page_size: int = 100,
        max_pages: int = 1000,
        jurisdiction: str | None = None,
        clock: Callable[[], float] = time.time,
        timeout: float = 15.0,
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.mapping, self.sink, self.locator, self.checkpoint = mapping, sink, locator, checkpoint
        self.first_since, self.lookback_s = first_since, lookback_s
        self.page_size, self.max_pages, self.jurisdiction = page_size, max_pages, jurisdiction
        self.clock, self.timeout = clock, timeout

    def _get(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        url = f"{self.endpoint}/requests.json?{urllib.parse.urlencode(params)}"
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read().decode("utf-8", errors="replace")
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", errors="replace")
            message = error_message(detail) or exc.reason
            raise Open311Error(f"HTTP {exc.code} from {self.endpoint}: {message}") from None
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ConnectionError(f"{self.endpoint} unreachable: {reason}") from None
        return parse_document(body)

    def fetch(self, start: float, end: float) -> list[dict[str, Any]]:
        """Every request made between ``start`` and ``end``, page after page."""
        items: list[dict[str, Any]] = []
        previous_first: Any = object()
        for page in range(1, self.max_pages + 1):
            params: dict[str, Any] = {"start_date": w3(start), "end_date": w3(end)}
            params.update(page=page, page_size=self.page_size)
            if self.jurisdiction:
                params["jurisdiction_id"] = self.jurisdiction
            batch = self._get(params)
            if not batch:
                break
            first = batch[0].get("service_request_id")
            if first == previous_first:  # the server ignores paging: this page is the first one again
                break
            previous_first = first
            items.extend(batch)
            if len(batch) < self.page_size:
                break
        return items

    def poll_once(self) -> ImportReport:
        """One poll; failures of the endpoint or the GridWall server go to ``report.errors``."""
        started = time.perf_counter()
        now = self.clock()
        report = ImportReport(source=self.endpoint)
        done = self.checkpoint.done_until
        if done is not None:
            start = done - self.lookback_s
        else:
            start = self.first_since if self.first_since is not None else now - self.lookback_s
        try:
            while start < now:
                end = min(start + WINDOW_S, now)
                states = request_states(self.fetch(start, end), self.mapping, report)
                self.sink.put(locate(states, self.locator, report), report)
                start = end
        except (Open311Error, ConnectionError, ProducerError, ProtocolError) as exc:
            report.errors.append(str(exc))
        else:
            self.checkpoint.done_until = now
            self.checkpoint.save()
        report.seconds = time.perf_counter() - started
        return report
