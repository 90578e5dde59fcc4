"""CAP warnings across runs: each import and poll continues from what the store (or the server) shows and the
messages recorded before: chains, validity, re-imports, stale updates; old stores and checkpoints."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from open311_server import Open311Server
from sqlalchemy import inspect, select, text

from desktop.cli import main
from feeds.importers.cap import CapMessage, WarningBook
from feeds.importers.cap_feed import AlertSink, CapPoller, ProducerAlertSink, StoreAlertSink, import_cap_files
from feeds.importers.cap_ledger import CapLedger
from feeds.importers.producer import ProducerSession
from feeds.importers.report import ImportReport
from feeds.importers.units import district_outline
from feeds.protocol import WeatherWarning, decode, encode
from feeds.server import ServerThread
from feeds.store import SCHEMA_VERSION, Store, open_store
from feeds.store.schema import alerts, events

BJ = ZoneInfo("Asia/Shanghai")
NOON = datetime(2026, 11, 27, 12, 0, tzinfo=BJ).timestamp()
RAIN_ID = "bj-xc-20261127-rain-001"

CAP = """<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>{ident}</identifier><sender>t@x</sender><sent>2026-12-07T{hour}:00:00+08:00</sent>
  <status>Actual</status><msgType>{kind}</msgType>{refs}
  <info><event>暴雨{colour}预警</event><severity>Moderate</severity><expires>2099-12-07T20:00:00+08:00</expires>
    <headline>西城区气象台发布暴雨{colour}预警</headline><area><areaDesc>西城区</areaDesc></area></info>
</alert>
"""


def _docs(data_dir: Path, *names: str) -> list[tuple[str, str | bytes]]:
    return [(n, (data_dir / "cap" / f"{n}.xml").read_text(encoding="utf-8")) for n in names]


def _weather_log(store: Store) -> list[WeatherWarning]:
    with store.engine.connect() as conn:
        frames = conn.execute(select(events.c.frame).where(events.c.type == "alert.weather").order_by(events.c.seq))
        return [m for m in (decode(f, max_bytes=None) for f in frames.scalars()) if isinstance(m, WeatherWarning)]


def _active(store: Store) -> dict[str, bool]:
    with store.engine.connect() as conn:
        return {r.id: bool(r.active) for r in conn.execute(select(alerts.c.id, alerts.c.active))}


def _run(store: Store, docs: list[tuple[str, str | bytes]], now: float, sink: AlertSink | None = None) -> ImportReport:
    """One run as ``import-cap`` makes it: a new book, taking up what ``store`` recorded and the sink shows."""
    report = ImportReport("cap")
    book = WarningBook(district_outline(store.engine))
    import_cap_files(docs, book, sink or StoreAlertSink(store), now, report, CapLedger(store.engine))
    return report


def _cap_file(folder: Path, ident: str, kind: str, colour: str, hour: int, refs: str = "") -> str:
    """A CAP file for Xicheng valid until 2099, referencing the message ``refs`` (none: an Alert)."""
    path = folder / f"{ident}.xml"
    references = f"<references>t@x,{refs},2026-12-07T00:00:00+08:00</references>" if refs else ""
    path.write_text(CAP.format(ident=ident, kind=kind, colour=colour, hour=f"{hour:02d}", refs=references), "utf-8")
    return str(path)


def test_import_cap_runs_each_continue_the_chain_from_the_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Alert, Update, an Update of the Update, Cancel, each in a run of its own: one warning, changed in place then
    lifted (the Cancel was cancelled_unknown, the second Update a second warning); a file imported again changes
    nothing (it was 'taken 1 new' again); an Update sent before the Cancel, read after it, is stale."""
    db = str(tmp_path / "c.db")
    files = [
        _cap_file(tmp_path, "cap-a", "Alert", "黄色", 2),
        _cap_file(tmp_path, "cap-u", "Update", "橙色", 3, refs="cap-a"),
        _cap_file(tmp_path, "cap-u2", "Update", "红色", 4, refs="cap-u"),
        _cap_file(tmp_path, "cap-c", "Cancel", "红色", 6, refs="cap-u2"),
        str(tmp_path / "cap-a.xml"),
        _cap_file(tmp_path, "cap-u3", "Update", "蓝色", 5, refs="cap-u2"),
    ]
    reports = []
    for path in files:
        assert main(["import-cap", path, "--db", db, "--json"]) == 0
        report = json.loads(capsys.readouterr().out)
        reports.append((report["taken"], report["updated"], report["unchanged"], report["skipped"]))
    assert reports == [
        (1, 0, 0, {}),
        (0, 1, 0, {}),
        (0, 1, 0, {}),
        (0, 1, 0, {}),
        (0, 0, 1, {}),
        (0, 0, 0, {"stale_update": 1}),
    ]
    store = open_store(db)
    try:
        log = [(w.alert_id, w.level, w.active) for w in _weather_log(store)]
        assert log == [
            ("cap-a", "yellow", True),
            ("cap-a", "orange", True),
            ("cap-a", "red", True),
            ("cap-a", "red", False),
        ]
        assert _active(store) == {"cap-a": False}
    finally:
        store.close()


def test_a_warning_shown_by_an_earlier_run_is_lifted_when_its_validity_ends(data_dir: Path, store: Store) -> None:
    """The yellow warning (valid to 20:00) imported at noon is lifted by a later import of another file at 20:00:01,
    at its expiry time (the later run knew neither the warning nor its validity)."""
    assert _run(store, _docs(data_dir, "rainstorm_yellow"), NOON).taken == 1
    later = _run(store, _docs(data_dir, "gale_blue_expired"), datetime(2026, 11, 27, 20, 0, 1, tzinfo=BJ).timestamp())
    assert (later.updated, dict(later.skipped)) == (1, {"expired": 1})
    last = _weather_log(store)[-1]
    assert (last.alert_id, last.active, last.ts) == (RAIN_ID, False, datetime(2026, 11, 27, 20, tzinfo=BJ).timestamp())
    assert _active(store) == {RAIN_ID: False}


def test_runs_through_a_case_server_continue_from_its_warnings_and_the_local_record(
    data_dir: Path, gridwall: ServerThread, store: Store, tmp_path: Path
) -> None:
    """With --server each run (a new connection) takes the shown warnings from the server's snapshot and the chain
    and validity from the --db store: the Update changes the warning in place, a run after 22:00 lifts it."""

    def sink() -> ProducerAlertSink:
        return ProducerAlertSink(lambda: ProducerSession(gridwall.url, "prod-token"))

    assert _run(store, _docs(data_dir, "rainstorm_yellow"), NOON, sink()).taken == 1
    assert _run(store, _docs(data_dir, "rainstorm_orange_update"), NOON, sink()).updated == 1
    assert _run(store, _docs(data_dir, "rainstorm_yellow"), NOON, sink()).unchanged == 1
    late = _run(store, [], datetime(2026, 11, 27, 22, 0, 1, tzinfo=BJ).timestamp(), sink())
    assert late.updated == 1
    server_store = open_store(str(tmp_path / "server.db"))
    try:
        assert [(w.alert_id, w.level, w.active) for w in _weather_log(server_store)] == [
            (RAIN_ID, "yellow", True),
            (RAIN_ID, "orange", True),
            (RAIN_ID, "orange", False),
        ]
    finally:
        server_store.close()
    assert _weather_log(store) == []  # the --db store only keeps the record of the messages


def test_a_poller_continues_a_chain_an_older_checkpoint_kept(data_dir: Path, store: Store, tmp_path: Path) -> None:
    """A checkpoint of the earlier format (links, chains, validity, warnings shown) still loads: its chains go to the
    store's record, so the Cancel of the Update it read lifts the warning."""
    old = [("rainstorm_yellow", "bj-xc-20261127-rain-001"), ("rainstorm_orange_update", "bj-xc-20261127-rain-002")]
    before = ImportReport("before")
    import_cap_files(_docs(data_dir, *(n for n, _ in old)), WarningBook(), StoreAlertSink(store), NOON, before)
    entries = [n for n, _ in old] + ["rainstorm_cancel"]

    def route(params: dict[str, str]) -> tuple[int, str]:
        if params["path"] == "/v2/feed.atom":
            links = "".join(f'<entry><link href="cap/{n}.xml"/></entry>' for n in entries)
            return 200, f'<feed xmlns="http://www.w3.org/2005/Atom">{links}</feed>'
        return 200, (data_dir / "cap" / params["path"].rsplit("/", 1)[-1]).read_text(encoding="utf-8")

    http = Open311Server(route).start()
    try:
        url = http.url
        feed = url + "/feed.atom"
        checkpoint = tmp_path / "cap.json"
        shown = WeatherWarning(RAIN_ID, "rainstorm", "orange", True, "x")
        checkpoint.write_text(
            json.dumps(
                {
                    "seen": [f"{http.url}/cap/{n}.xml" for n, _ in old],
                    "chains": {identifier: RAIN_ID for _, identifier in old},
                    "expires": {RAIN_ID: NOON + 36_000},
                    "active": [encode(shown)],
                }
            ),
            encoding="utf-8",
        )
        poller = CapPoller(feed, StoreAlertSink(store), checkpoint, ledger=CapLedger(store.engine), clock=lambda: NOON)
        report = poller.poll_once()
    finally:
        http.stop()
    assert (report.read, report.updated, dict(report.skipped), report.errors) == (1, 1, {}, [])
    assert _active(store) == {RAIN_ID: False}
    assert json.loads(checkpoint.read_text(encoding="utf-8")) == {"seen": sorted(f"{url}/cap/{n}.xml" for n in entries)}


def test_a_store_of_the_previous_schema_gains_the_record_of_cap_messages(tmp_path: Path) -> None:
    """A store of schema 8 (no cap_messages) opens migrated, and a CAP import into it records its messages."""
    db = tmp_path / "old.db"
    store = open_store(str(db))
    with store.engine.begin() as conn:
        conn.execute(text("DROP TABLE cap_messages"))
        conn.execute(text("UPDATE meta SET value = '8' WHERE key = 'schema_version'"))
    store.close()
    store = open_store(str(db))
    try:
        with store.engine.connect() as conn:
            version = conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar_one()
            assert int(version) == SCHEMA_VERSION and inspect(conn).has_table("cap_messages")
        CapLedger(store.engine).record([])
        assert CapLedger(store.engine).messages() == []
    finally:
        store.close()


def test_the_record_keeps_a_message_once_unless_it_is_now_shown(db_url: str) -> None:
    """On SQLite and PostgreSQL: a message recorded again stays as it was, unless it was not shown and now is."""
    store = open_store(db_url)
    try:
        ledger = CapLedger(store.engine)
        ledger.record([CapMessage("m1", "a1", 100.0, None, False), CapMessage("m2", "a1", 200.0, 300.0, True)])
        ledger.record([CapMessage("m1", "a1", 100.0, 500.0, True), CapMessage("m2", "a1", 200.0, None, False)])
        assert sorted(ledger.messages(), key=lambda m: m.identifier) == [
            CapMessage("m1", "a1", 100.0, 500.0, True),
            CapMessage("m2", "a1", 200.0, 300.0, True),
        ]
    finally:
        store.close()
