"""Open311 GeoReport v2: the spec's (invalid) examples, JSON and XML, stages, zones, duplicates, reordering."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from feeds.importers.open311 import (
    Open311Error,
    load_open311_mapping,
    parse_document,
    read_services,
    request_states,
)
from feeds.importers.report import ImportReport
from feeds.importers.sinks import StoreSink, locate
from feeds.importers.units import store_locator
from feeds.store import Store
from feeds.store.schema import cases
from feeds.taxonomy import UNMAPPED

GRID_POINT = (116.368, 39.92)  # inside Xicheng


def req(rid: str, status: str = "open", updated: str = "2026-11-27T09:00:00+08:00", **kw: object) -> dict[str, object]:
    """A GeoReport v2 request in Xicheng."""
    item: dict[str, object] = {
        "service_request_id": rid,
        "status": status,
        "service_code": "001",
        "service_name": "Cans left out 24x7",
        "requested_datetime": "2026-11-27T08:00:00+08:00",
        "updated_datetime": updated,
        "expected_datetime": "2026-11-28T08:00:00+08:00",
        "address": "西长安街12号",
        "lat": GRID_POINT[1],
        "long": GRID_POINT[0],
    }
    item.update(kw)
    return item


def test_spec_examples_with_invalid_json_are_read(data_dir: Path) -> None:
    """`"service_code":001` is not JSON, yet the services and requests examples are read, codes kept as text."""
    services = read_services(parse_document((data_dir / "open311" / "json-service-list.json").read_text(), "services"))
    assert services == {
        "001": "Cans left out 24x7",
        "002": "Construction plate shifted",
        "003": "Curb or curb ramp defect",
    }
    items = parse_document((data_dir / "open311" / "json-service-requests.json").read_text())
    assert [i["service_code"] for i in items] == ["006", "006"]


def test_xml_and_json_examples_give_the_same_states(data_dir: Path) -> None:
    """The spec's XML and JSON request examples map to identical case states, times with their -08:00 offset."""
    mapping = load_open311_mapping()
    from_json = request_states(
        parse_document((data_dir / "open311" / "json-service-requests.json").read_text()), mapping, ImportReport("j")
    )
    from_xml = request_states(
        parse_document((data_dir / "open311" / "xml-service-requests.xml").read_text()), mapping, ImportReport("x")
    )
    assert from_json == from_xml
    closed, opened = from_json
    assert (closed.stage, opened.stage) == ("closed", "filed")
    assert closed.reported_at == datetime(2010, 4, 14, 14, 37, 38, tzinfo=ZoneInfo("UTC")).timestamp()
    assert closed.deadline == closed.reported_at + 86_400  # expected_datetime → deadline
    assert closed.subclass == "1125"  # by service_name "Sidewalk and Curb Issues"
    xml_services = read_services(
        parse_document((data_dir / "open311" / "xml-service-list.xml").read_text(), "services")
    )
    assert xml_services["002"] == "Construction plate shifted"


def test_error_documents_raise_with_the_servers_message(data_dir: Path) -> None:
    """The spec's error example (with its HTTP status line) is an error, not an empty list."""
    with pytest.raises(Open311Error, match="Invalid api_key"):
        parse_document((data_dir / "open311" / "json-errors.json").read_text())
    with pytest.raises(Open311Error, match="not JSON"):
        parse_document('[{"service_request_id": 1,')
    with pytest.raises(Open311Error, match="jurisdiction"):
        parse_document(
            "<errors><error><code>404</code><description>jurisdiction not found</description></error></errors>"
        )


@pytest.mark.parametrize(
    ("name", "text", "expect", "says"),
    [
        ("json-service-list.json", None, "requests", "a services list, not requests"),
        ("xml-service-list.xml", None, "requests", "a services list, not requests"),
        ("json-service-requests.json", None, "services", "a requests list, not services"),
        ("xml-service-requests.xml", None, "services", "a requests list, not services"),
        ("", '{"foo": 1}', "requests", "a JSON object with keys foo, not a list of requests"),
        ("", '[{"foo": 1}, {"bar": 2}]', "requests", "a list of objects with keys bar, foo, not requests"),
        ("", "<foo/>", "requests", "an XML <foo> document, not requests"),
    ],
)
def test_a_document_of_another_shape_is_refused_saying_what_it_looks_like(
    name: str, text: str | None, expect: str, says: str, data_dir: Path
) -> None:
    """A services list read as requests gave 'skipped 3 missing_id', {"foo":1} a missing_id, <foo/> 'read 0'."""
    body = text if text is not None else (data_dir / "open311" / name).read_text()
    with pytest.raises(Open311Error) as refused:
        parse_document(body, expect)
    assert str(refused.value) == says


def test_a_field_holding_a_list_or_an_object_skips_its_request_as_bad_value() -> None:
    """A service_name of ["x"] was stored as the text "['x']"; nested XML elements are no text either."""
    nested = parse_document(
        "<service_requests><request><service_request_id>9</service_request_id>"
        "<lat><deg>39.92</deg></lat></request></service_requests>"
    )
    report = ImportReport("t")
    states = request_states(
        [req("1", service_name=["x"]), req("2", service_request_id={"id": 2}), req("3"), *nested],
        load_open311_mapping(),
        report,
    )
    assert [s.id for s in states] == ["O311-3"]
    assert report.skipped == {"bad_value": 3}
    assert report.examples["bad_value"] == [
        "request 1 id 1: service_name is a list",
        "request 2: service_request_id is an object",
        "request 4 id 9: lat is an object",
    ]


def test_missing_coordinates_and_unknown_services_are_reported() -> None:
    """No lat/long: skipped with its reason; an unknown service: stored as unmapped and counted."""
    report = ImportReport("t")
    states = request_states(
        [
            req("1"),
            req("2", lat=None, long=None),
            req("3", service_code="999", service_name="Noisy pigeons"),
            req("", lat=1),
            req("5", requested_datetime="yesterday"),
            req("6", requested_datetime="9999-12-31T23:59:59+14:00"),  # outside the wire's 1970–2099
            req("7", requested_datetime="0001-01-01T00:00:00+08:00"),
        ],
        load_open311_mapping(),
        report,
    )
    assert [s.id for s in states] == ["O311-1", "O311-3"]
    assert report.skipped == {"no_coordinates": 1, "missing_id": 1, "bad_time": 3}
    assert states[1].subclass == UNMAPPED.code and states[1].unmapped_type == "Noisy pigeons"


def test_store_sink_takes_duplicates_and_reordered_updates_forward_only(store: Store) -> None:
    """A closed update wins over the open duplicate; an older update arriving later is skipped as stale."""
    mapping = load_open311_mapping()
    locator = store_locator(store.engine)
    sink = StoreSink(store.engine)
    first = ImportReport("first")
    docs = [req("7", "open", "2026-11-27T09:00:00+08:00"), req("7", "closed", "2026-11-27T10:00:00+08:00"), req("8")]
    sink.put(locate(request_states(docs, mapping, first), locator, first), first)
    assert (first.taken, first.updated) == (2, 0)
    late = ImportReport("late")
    sink.put(
        locate(request_states([req("7", "open", "2026-11-27T09:30:00+08:00")], mapping, late), locator, late), late
    )
    assert late.skipped == {"stale_update": 1}
    again = ImportReport("again")
    sink.put(locate(request_states(docs, mapping, again), locator, again), again)
    assert (again.taken, again.updated, again.unchanged) == (0, 0, 2)
    with store.engine.connect() as conn:
        rows = {r.id: r.stage for r in conn.execute(select(cases.c.id, cases.c.stage))}
    assert rows == {"O311-7": "closed", "O311-8": "filed"}
