"""The look-up resolver and the cameras: each kind of text goes to its thing, and the nearest cameras are offered."""

from __future__ import annotations

from pathlib import Path

import pytest
from server_helpers import make_case

from feeds.protocol import CaseCreated
from feeds.store import Store
from feeds.supervision import cameras, components, roster
from feeds.supervision.cameras import CameraFileError, read_camera_file
from feeds.supervision.queries import make_queries

NOW = 1_790_000_000.0


@pytest.fixture
def filled(store: Store, tmp_path: Path) -> Store:
    """A store with the generated components, the roster, two cameras from a CSV file and one case."""
    components.write_components(store.engine, components.generate_inventory(seed=0, total=2_000))
    roster.write_supervisors(store.engine, roster.supervisor_rows(roster.roster()))
    path = tmp_path / "cams.csv"
    path.write_text(
        "id,name_zh,lon,lat,url\nCAM-1,西单路口东,116.3740,39.9075,rtsp://127.0.0.1:8554/a\n"
        "CAM-2,金融街南口,116.3600,39.9150,http://127.0.0.1:8080/b.m3u8\n",
        encoding="utf-8",
    )
    cameras.write_cameras(store.engine, read_camera_file(path))
    store.append([CaseCreated(make_case("XC20261204-000042", lon=116.3735, lat=39.9080, reported_at=NOW))], now=NOW)
    return store


def test_every_kind_of_text_resolves_to_its_thing(filled: Store) -> None:
    """A grid, subdistrict, component code, case id, supervisor number or name and a camera name each find it."""
    lookup = make_queries(lambda: NOW)["lookup"]

    def kinds(text: str) -> list[tuple[str, str]]:
        return [(m["kind"], m["id"]) for m in lookup(filled, {"text": text})["matches"]]

    assert kinds("110102001004001") == [("grid", "110102001004001")]
    assert kinds("110102013") == [("subdistrict", "110102013")]
    code = components.inventory_columns(filled.engine)["codes"][5]
    assert kinds(code) == [("component", code)]
    assert kinds(" XC20261204-000042 ") == [("case", "XC20261204-000042")]
    assert kinds("s007") == [("supervisor", "S007")]
    name = roster.supervisor_rows(roster.roster())[6]["name_zh"]
    assert ("supervisor", "S007") in kinds(name)
    assert kinds("金融街南") == [("camera", "CAM-2")]
    assert kinds("CAM-1") == [("camera", "CAM-1")]
    assert kinds("110102999999999") == [] and kinds("1101020119999999") == [] and kinds("no such thing") == []
    for match in lookup(filled, {"text": "S007"})["matches"]:
        assert 116.2 < match["lon"] < 116.5 and 39.8 < match["lat"] < 40.0


def test_the_nearest_cameras_of_a_case_come_nearest_first(filled: Store) -> None:
    """A case at 西单 is offered the 西单 camera first, with its distance and stream URL."""
    nearest = make_queries(lambda: NOW)["nearest_cameras"](filled, {"case_id": "XC20261204-000042", "limit": 2})
    assert [c["id"] for c in nearest["cameras"]] == ["CAM-1", "CAM-2"]
    assert nearest["cameras"][0]["distance_m"] < 100 < nearest["cameras"][1]["distance_m"]
    assert nearest["cameras"][0]["url"] == "rtsp://127.0.0.1:8554/a"


def test_a_bad_camera_file_is_refused_whole(tmp_path: Path) -> None:
    """A bad id, a missing place and an unknown URL scheme are all named; nothing is returned."""
    path = tmp_path / "bad.csv"
    path.write_text(
        "id,name_zh,lon,lat,url\nbad id,甲,116.3,39.9,\nC2,乙,,39.9,\nC3,丙,116.3,39.9,ftp://x\n", encoding="utf-8"
    )
    with pytest.raises(CameraFileError) as err:
        read_camera_file(path)
    assert "line 2" in str(err.value) and "line 3" in str(err.value) and "line 4: camera C3: url" in str(err.value)
    assert len(cameras.modelled_cameras()) > 300
