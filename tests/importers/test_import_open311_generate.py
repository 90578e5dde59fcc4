"""``poll-open311 --generate-units``: a foreign city's endpoint polled into a new store gets units generated."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from open311_server import Open311Server, paged
from sqlalchemy import select
from test_import_open311 import req

from feeds.geo.extent_grid import GENERATED_DISTRICT
from feeds.importers.commands import ImportUserError, Open311Options, run_poll_open311
from feeds.store import open_store
from feeds.store.schema import cases, units

# New York points (lon, lat): a 4 × 3 km spread; the far one comes later, 50 km away
POINTS = [(-73.99, 40.73), (-73.96, 40.75), (-73.97, 40.72), (-73.95, 40.74), (-73.98, 40.755)]
FAR = (-73.40, 40.90)


def _items(points: list[tuple[float, float]], first: int = 1) -> list[dict[str, object]]:
    return [req(f"NY{first + i}", lat=lat, long=lon) for i, (lon, lat) in enumerate(points)]


def _poll(endpoint: str, opts: Open311Options, checkpoint: Path) -> tuple[dict[str, object], str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_poll_open311(
        endpoint, opts, checkpoint, interval_s=60.0, once=True, since="2026-11-26T00:00:00+08:00", out=out, err=err
    )
    assert code == 0, out.getvalue()
    return json.loads(out.getvalue()), err.getvalue()


def test_units_are_generated_over_the_first_requests_and_kept_after_a_restart(tmp_path: Path) -> None:
    """Every request lands on a generated grid (none outside_units); a restart keeps the units; a far point is
    outside them."""
    db = str(tmp_path / "nyc.db")
    opts = Open311Options(db=db, json=True, generate_units=True, city="Test City")
    http = Open311Server(paged(_items(POINTS))).start()
    try:
        report, told = _poll(http.url, opts, tmp_path / "cp.json")
    finally:
        http.stop()
    assert "generated" in told and "unit grids of 1,000 m over the first requests' extent" in told
    assert report["taken"] == len(POINTS) and report["skipped_total"] == 0
    store = open_store(db)
    try:
        with store.engine.connect() as conn:
            district = conn.execute(select(units.c.name_en).where(units.c.code == GENERATED_DISTRICT)).scalar()
            grids = set(conn.execute(select(units.c.code).where(units.c.level == "grid")).scalars())
            placed = set(conn.execute(select(cases.c.grid)).scalars())
    finally:
        store.close()
    assert district == "Test City" and placed <= grids and len(placed) > 1
    http = Open311Server(paged(_items([*POINTS, FAR], first=1))).start()
    try:
        again, told = _poll(http.url, opts, tmp_path / "cp.json")
    finally:
        http.stop()
    assert "generated" not in told  # the store's generated units are used as they are
    assert again["taken"] == 0 and again["skipped"] == {"outside_units": 1}


def test_an_extent_given_and_the_refusals(tmp_path: Path) -> None:
    """--extent sizes the units before any request; no units are generated with --server or into a store with
    cases, and a bad extent is refused."""
    db = str(tmp_path / "box.db")
    opts = Open311Options(db=db, json=True, generate_units=True, extent="-74.05,40.68,-73.90,40.80")
    http = Open311Server(paged(_items([*POINTS, FAR]))).start()
    try:
        report, told = _poll(http.url, opts, tmp_path / "cp.json")
        assert "over --extent" in told
        assert report["taken"] == len(POINTS) and report["skipped"] == {"outside_units": 1}
        with pytest.raises(ImportUserError, match="poll into the store"):
            run_poll_open311(
                http.url, Open311Options(db=db, generate_units=True, server="ws://127.0.0.1:1", token="t"),
                tmp_path / "cp2.json", interval_s=60.0, once=True,
            )  # fmt: skip
        with pytest.raises(ImportUserError, match="W,S,E,N"):
            run_poll_open311(
                http.url, Open311Options(db=db, generate_units=True, extent="east,of,here"),
                tmp_path / "cp3.json", interval_s=60.0, once=True,
            )  # fmt: skip
    finally:
        http.stop()
    xicheng = str(tmp_path / "xicheng.db")
    other = Open311Options(db=xicheng, json=True)
    http = Open311Server(paged([req("X1")])).start()  # a Xicheng request into the default units: a case stored
    try:
        assert _poll(http.url, other, tmp_path / "x.json")[0]["taken"] == 1
        with pytest.raises(ImportUserError, match="already holds cases"):
            run_poll_open311(
                http.url, Open311Options(db=xicheng, generate_units=True), tmp_path / "x2.json",
                interval_s=60.0, once=True,
            )  # fmt: skip
    finally:
        http.stop()
