"""CAP 1.2 weather warnings: colours, hazards, Update/Cancel chains, expiry, area, malformed; file and feed."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from open311_server import Open311Server
from sqlalchemy import select

from feeds.importers.cap import CapError, WarningBook, parse_cap
from feeds.importers.cap_feed import CapPoller, ProducerAlertSink, StoreAlertSink, import_cap_files
from feeds.importers.cap_ledger import CapLedger
from feeds.importers.producer import ProducerSession
from feeds.importers.report import ImportReport
from feeds.importers.units import district_outline
from feeds.protocol import WeatherWarning, decode
from feeds.server import ServerThread
from feeds.store import Store, open_store
from feeds.store.schema import alerts, events

BJ = ZoneInfo("Asia/Shanghai")
NOON = datetime(2026, 11, 27, 12, 0, tzinfo=BJ).timestamp()
RAIN_ID = "bj-xc-20261127-rain-001"


def _docs(data_dir: Path, *names: str) -> list[tuple[str, str]]:
    return [(n, (data_dir / "cap" / f"{n}.xml").read_text(encoding="utf-8")) for n in names]


def _weather_log(store: Store) -> list[WeatherWarning]:
    with store.engine.connect() as conn:
        frames = conn.execute(select(events.c.frame).where(events.c.type == "alert.weather").order_by(events.c.seq))
        return [m for m in (decode(f, max_bytes=None) for f in frames.scalars()) if isinstance(m, WeatherWarning)]


def test_a_warning_is_issued_upgraded_and_cancelled_in_place(data_dir: Path, store: Store) -> None:
    """Alert → Update → Cancel: one alert id, yellow then orange then lifted; the rest reported, not shown."""
    book = WarningBook(district_outline(store.engine))
    report = ImportReport("cap")
    names = ("malformed", "rainstorm_cancel", "exercise", "rainstorm_yellow", "gale_blue_expired", "heat_red_elsewhere")
    import_cap_files(_docs(data_dir, *names, "rainstorm_orange_update"), book, StoreAlertSink(store), NOON, report)
    log = _weather_log(store)
    assert [(w.alert_id, w.hazard, w.level, w.active) for w in log] == [
        (RAIN_ID, "rainstorm", "yellow", True),
        (RAIN_ID, "rainstorm", "orange", True),
        (RAIN_ID, "rainstorm", "orange", False),
    ]
    assert "西城区" in log[0].text and "至" in log[0].text
    assert log[0].ts == datetime(2026, 11, 27, 8, tzinfo=BJ).timestamp()  # sent time, offset honoured
    assert (report.read, report.taken, report.updated) == (7, 1, 2)
    assert report.skipped == {"malformed": 1, "not_actual": 1, "expired": 1, "outside_area": 1}
    with store.engine.connect() as conn:
        assert conn.execute(select(alerts.c.active).where(alerts.c.id == RAIN_ID)).scalar_one() is False


def test_warnings_are_lifted_when_their_validity_ends(data_dir: Path, store: Store) -> None:
    """An active warning is lifted by expire() once its expires time has passed, not before."""
    book = WarningBook()
    report = ImportReport("cap")
    sink = StoreAlertSink(store)
    import_cap_files(_docs(data_dir, "rainstorm_yellow"), book, sink, NOON, report)
    assert book.expire(NOON + 3600, report) == []
    lifted = book.expire(datetime(2026, 11, 27, 20, 0, 1, tzinfo=BJ).timestamp(), report)
    assert [(w.alert_id, w.active) for w in lifted] == [(RAIN_ID, False)]
    assert lifted[0].ts == datetime(2026, 11, 27, 20, tzinfo=BJ).timestamp()


@pytest.fixture
def new_york_machine(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This process's local time zone is New York's for the test (then back to what it was)."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("new_york_machine")
def test_the_validity_shown_is_in_beijing_time_whatever_the_machines_zone(data_dir: Path) -> None:
    """An expiry of 20:00+08:00 reads 至 11-27 20:00 on a machine in New York (it read 11-27 07:00)."""
    (doc,) = _docs(data_dir, "rainstorm_yellow")
    assert parse_cap(doc[1]).text.endswith("至 11-27 20:00")


@pytest.mark.parametrize(
    ("xml", "match"),
    [
        ("<alert", "not XML"),
        ("<feed/>", "not a CAP alert"),
        ("<alert><identifier>x</identifier><msgType>Alert</msgType></alert>", "sent"),
        ("<alert><identifier>x</identifier><sent>2026-11-27T08:00:00</sent><msgType>Alert</msgType></alert>", "sent"),
        (
            "<alert><identifier>x</identifier><sent>9999-11-27T08:00:00+08:00</sent><msgType>Alert</msgType></alert>",
            "sent",
        ),
    ],
)
def test_malformed_alerts_are_refused_with_a_reason(xml: str, match: str) -> None:
    """Broken XML, another root, a missing, offset-less or out-of-range (not 1970–2099) sent time: CapError
    naming it."""
    with pytest.raises(CapError, match=match):
        parse_cap(xml)


def test_colour_comes_from_the_text_or_else_from_the_severity() -> None:
    """'橙色' in the event wins over severity; without a colour word, Extreme is red."""
    base = (
        "<alert><identifier>{i}</identifier><sent>2026-11-27T08:00:00Z</sent><status>Actual</status>"
        "<msgType>Alert</msgType><info><event>{e}</event><severity>{s}</severity></info></alert>"
    )
    assert parse_cap(base.format(i="a", e="大风橙色预警", s="Minor")).level == "orange"
    assert parse_cap(base.format(i="b", e="Heavy snow warning", s="Extreme")).level == "red"
    assert parse_cap(base.format(i="b", e="Heavy snow warning", s="Extreme")).hazard == "snowstorm"
    assert parse_cap(base.format(i="c", e="Tsunami", s="Extreme")).hazard == ""


def _poller(feed: str, store: Store, checkpoint: Path) -> CapPoller:
    """A poller of ``feed`` into ``store`` (a new one is a restart), at the tests' noon."""
    return CapPoller(feed, StoreAlertSink(store), checkpoint, ledger=CapLedger(store.engine), clock=lambda: NOON)


def test_feed_poller_reads_new_entries_once_and_survives_a_restart(
    data_dir: Path, store: Store, tmp_path: Path
) -> None:
    """An Atom index of CAP links: each alert read once, the chain kept across a restart from the checkpoint."""
    entries = ["rainstorm_yellow"]

    def route(params: dict[str, str]) -> tuple[int, str]:
        path = params["path"]
        if path == "/v2/feed.atom":
            links = "".join(f'<entry><link href="cap/{n}.xml"/></entry>' for n in entries)
            return 200, f'<feed xmlns="http://www.w3.org/2005/Atom">{links}</feed>'
        name = path.rsplit("/", 1)[-1]
        doc = data_dir / "cap" / name
        return (200, doc.read_text(encoding="utf-8")) if doc.is_file() else (404, "")

    http = Open311Server(route).start()
    try:
        feed = http.url + "/feed.atom"
        checkpoint = tmp_path / "cap.json"
        poller = _poller(feed, store, checkpoint)
        assert poller.poll_once().taken == 1
        assert poller.poll_once().read == 0  # nothing new
        entries.append("rainstorm_orange_update")
        restarted = _poller(feed, store, checkpoint)
        assert restarted.poll_once().updated == 1
        entries.append("rainstorm_cancel")
        late = _poller(feed, store, checkpoint)
        report = late.poll_once()
        assert report.updated == 1 and report.errors == []
        assert [(w.level, w.active) for w in _weather_log(store)] == [
            ("yellow", True),
            ("orange", True),
            ("orange", False),
        ]
    finally:
        http.stop()
    gone = _poller(feed, store, checkpoint).poll_once()
    assert gone.errors and "unreachable" in gone.errors[0]


def test_warnings_reach_a_case_server_as_a_producer(data_dir: Path, gridwall: ServerThread, tmp_path: Path) -> None:
    """Through the producer path the server validates and stores the warning (and broadcasts it)."""
    sink = ProducerAlertSink(lambda: ProducerSession(gridwall.url, "prod-token"))
    report = ImportReport("cap")
    import_cap_files(_docs(data_dir, "rainstorm_yellow"), WarningBook(), sink, NOON, report)
    assert report.taken == 1 and report.skipped_total == 0
    server_store = open_store(str(tmp_path / "server.db"))
    try:
        assert [(w.alert_id, w.level, w.active) for w in _weather_log(server_store)] == [(RAIN_ID, "yellow", True)]
    finally:
        server_store.close()
