"""A foreign city's real area outlines (import-units) and its 311 export fill a working wall with the areas' names."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from waiting import WAIT_MS

from desktop.app import WallOptions
from desktop.i18n import Translations
from desktop.session import WallSession
from desktop.startup import adopt_server_units
from feeds.client import ClientThread
from feeds.client.status import backoff
from feeds.geo.units import adopt_units, load_units
from feeds.importers.commands import CsvImportOptions, UnitsImportOptions, run_import_csv, run_import_units
from feeds.importers.replay import timeline
from feeds.importers.replay_server import ReplayServer
from feeds.server import TokenBook
from feeds.store import Store, open_store
from widgets.gridmap import GridMap

DATA = Path(__file__).resolve().parents[1] / "importers" / "data"
DAY = datetime(2022, 1, 3, tzinfo=ZoneInfo("America/New_York")).timestamp()  # the Boston sample's busiest day
AREAS = {"North Side", "South Side", "West End and Isle"}


@pytest.fixture
def boston(tmp_path: Path) -> Iterator[Store]:
    """A fresh store: the made-up areas over Boston as its units, then the Boston sample."""
    db = str(tmp_path / "bos.db")
    areas = DATA / "madeup_areas_boston.geojson"
    run_import_units(UnitsImportOptions(areas, "AREA_NAME", db=db, city="Boston (made-up areas)"), out=io.StringIO())
    run_import_csv(
        CsvImportOptions(DATA / "boston311_100.csv", "boston311", db=db, progress=False),
        out=io.StringIO(),
        err=io.StringIO(),
    )
    store = open_store(db)
    yield store
    store.close()


def test_a_wall_on_outlined_areas_draws_their_grids_and_names_them_in_the_feed(qtbot: Any, boston: Store) -> None:
    """The wall adopts the outline units: the map draws their grids, feed cards name the file's areas, drill works."""
    book = TokenBook()
    book.add("wall-token", "wall", "wall")
    replay = ReplayServer(timeline(boston.engine, DAY, DAY + 86_400), boston.engine, DAY, DAY + 86_400, 1.0, book)
    replay.start()
    replay.pause()
    replay.seek(DAY + 86_000)
    client = ClientThread(
        replay.url, "wall-token", client_name="test", reconnect_delays=backoff(initial=0.1, maximum=0.3)
    ).start()
    wall: WallSession | None = None
    try:
        assert adopt_server_units(client)
        registry = load_units()
        assert registry.district.name_en == "Boston (made-up areas)"
        assert {u.name_en for u in registry.subdistricts} == AREAS
        grids = {u.code for u in registry.grids}
        wall = WallSession(
            replay.url,
            "wall-token",
            WallOptions(language="en", windowed=True, size=(1600, 900)),
            Translations(),
            client=client,
        )
        wall.show()
        qtbot.waitUntil(lambda: len(wall.state.feed()) > 10, timeout=WAIT_MS)  # type: ignore[union-attr]
        gmap = wall.controller.map_feeds[0].gmap
        assert isinstance(gmap, GridMap)
        assert {f["properties"]["code"] for f in gmap._model.units["grid"]["features"]} == grids
        rows = wall.state.feed()
        assert all(r.grid in grids for r in rows)
        assert {r.subdistrict.en for r in rows} <= AREAS and len({r.subdistrict.en for r in rows}) >= 2
        area = registry.get(rows[0].grid[:9])  # the area of a case in the feed
        day = {"range": "custom", "start": int(DAY), "end": int(DAY) + 86_400}
        assert client.query("drill", {"unit": area.code, **day})["unit"]["name_en"] == area.name_en in AREAS
        # the replay publishes the day in batches and the server's indicators sync from the store every 5 s
        qtbot.waitUntil(
            lambda: client.query("drill", {"unit": area.code, **day})["indicators"]["reported"] >= 1, timeout=WAIT_MS
        )
    finally:
        if wall is not None:
            wall.close()
        else:
            client.stop()
        adopt_units(None)
        replay.stop()
