"""The Open311 poller against a real HTTP server on 127.0.0.1, publishing to a real case server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from open311_server import Open311Server, paged
from test_import_open311 import req

from feeds.importers.open311 import load_open311_mapping
from feeds.importers.poll311 import Checkpoint, Open311Poller
from feeds.importers.producer import ProducerError, ProducerSession
from feeds.importers.sinks import ProducerSink
from feeds.importers.units import store_locator
from feeds.server import ServerThread
from feeds.store import Store, open_store

NOW = 1_795_744_398.0  # 2026-11-27 09:53:18 Beijing: a fixed clock


def _poller(endpoint: str, gridwall: ServerThread, checkpoint: Path, store: Store, page_size: int = 2) -> Open311Poller:
    sink = ProducerSink(lambda: ProducerSession(gridwall.url, "prod-token", timeout=10))
    return Open311Poller(
        endpoint,
        load_open311_mapping(),
        sink,
        store_locator(store.engine),
        Checkpoint.load(checkpoint),
        first_since=NOW - 86_400,
        page_size=page_size,
        clock=lambda: NOW,
    )


def _stages(gridwall: ServerThread, ids: list[str]) -> dict[str, str]:
    with ProducerSession(gridwall.url, "prod-token") as session:
        return session.current_stages(ids)


@pytest.fixture
def reference(tmp_path: Path) -> Iterator[Store]:
    """A store with the same units as the server's (for unit assignment)."""
    store = open_store(str(tmp_path / "units.db"))
    yield store
    store.close()


ITEMS = [req("1"), req("2", "closed", "2026-11-27T09:30:00+08:00"), req("3"), req("4", service_code="42"), req("5")]


def test_poll_reads_every_page_and_publishes_valid_transitions(
    gridwall: ServerThread, reference: Store, tmp_path: Path
) -> None:
    """Five requests in pages of two: all published; the closed one reaches closed; a second poll changes nothing."""
    http = Open311Server(paged(ITEMS)).start()
    try:
        poller = _poller(http.url, gridwall, tmp_path / "cp.json", reference)
        report = poller.poll_once()
        assert report.errors == []
        assert (report.read, report.taken) == (5, 5)
        assert report.unmapped == {"Cans left out 24x7": 1}  # code 42 is not mapped, nor is that name
        pages = [r for r in http.requests if r["path"] == "/v2/requests.json"]
        assert [r["page"] for r in pages] == ["1", "2", "3"]
        assert pages[0]["start_date"] == "2026-11-26T01:53:18Z" and pages[0]["end_date"] == "2026-11-27T01:53:18Z"
        stages = _stages(gridwall, [f"O311-{i}" for i in range(1, 6)])
        assert stages == {
            "O311-1": "filed",
            "O311-2": "closed",
            "O311-3": "filed",
            "O311-4": "filed",
            "O311-5": "filed",
        }
        assert json.loads((tmp_path / "cp.json").read_text()) == {"done_until": NOW}
        again = poller.poll_once()
        assert (again.taken, again.updated, again.unchanged) == (0, 0, 5)
    finally:
        http.stop()


def test_updates_move_cases_forward_and_stale_ones_are_skipped(
    gridwall: ServerThread, reference: Store, tmp_path: Path
) -> None:
    """A later poll closing a case publishes the steps; an older update served after it is skipped."""
    served = [req("9", "open", "2026-11-27T09:00:00+08:00")]
    http = Open311Server(paged(served)).start()
    try:
        poller = _poller(http.url, gridwall, tmp_path / "cp.json", reference)
        assert poller.poll_once().taken == 1
        served[0] = req("9", "closed", "2026-11-27T09:40:00+08:00")
        assert poller.poll_once().updated == 1
        served[0] = req("9", "in_progress", "2026-11-27T09:20:00+08:00")  # reordered: older than the close
        assert poller.poll_once().skipped == {"stale_update": 1}
        assert _stages(gridwall, ["O311-9"]) == {"O311-9": "closed"}
    finally:
        http.stop()


def test_http_errors_are_reported_and_the_checkpoint_stays(
    gridwall: ServerThread, reference: Store, tmp_path: Path
) -> None:
    """A 500 with a GeoReport error body: reported in one line, nothing published, checkpoint not advanced."""
    body = json.dumps([{"code": 500, "description": "database unavailable"}])
    http = Open311Server(lambda params: (500, body)).start()
    try:
        report = _poller(http.url, gridwall, tmp_path / "cp.json", reference).poll_once()
        assert len(report.errors) == 1 and "HTTP 500" in report.errors[0] and "database unavailable" in report.errors[0]
        assert not (tmp_path / "cp.json").exists()
    finally:
        http.stop()


def test_restart_after_the_endpoint_went_away_loses_nothing(
    gridwall: ServerThread, reference: Store, tmp_path: Path
) -> None:
    """The endpoint drops page 2, then is gone; a new poller from the checkpoint gets everything, once."""
    pages = paged(ITEMS)
    flaky = Open311Server(lambda params: (0, "") if params.get("page") == "2" else pages(params)).start()
    poller = _poller(flaky.url, gridwall, tmp_path / "cp.json", reference)
    dropped = poller.poll_once()
    assert dropped.errors and "unreachable" in dropped.errors[0]
    flaky.stop()
    gone = poller.poll_once()
    assert gone.errors and "unreachable" in gone.errors[0]
    assert not (tmp_path / "cp.json").exists()
    back = Open311Server(pages).start()
    try:
        restarted = _poller(back.url, gridwall, tmp_path / "cp.json", reference)
        report = restarted.poll_once()
        assert report.errors == [] and report.taken == 5
        assert len(_stages(gridwall, [f"O311-{i}" for i in range(1, 6)])) == 5
        assert restarted.poll_once().unchanged == 5  # nothing twice
    finally:
        back.stop()


def test_a_gridwall_server_that_goes_away_is_reported(reference: Store, tmp_path: Path) -> None:
    """No case server: the poll reports it and keeps its checkpoint; the producer session says why."""
    http = Open311Server(paged(ITEMS)).start()
    try:
        sink = ProducerSink(lambda: ProducerSession("ws://127.0.0.1:9", "prod-token", timeout=5))
        poller = Open311Poller(
            http.url,
            load_open311_mapping(),
            sink,
            store_locator(reference.engine),
            Checkpoint.load(tmp_path / "cp.json"),
            first_since=NOW - 3600,
            clock=lambda: NOW,
        )
        report = poller.poll_once()
        assert report.errors and "cannot connect" in report.errors[0]
        assert not (tmp_path / "cp.json").exists()
        with pytest.raises(ProducerError):
            ProducerSession("ws://127.0.0.1:9", "prod-token", timeout=5)
    finally:
        http.stop()
