"""A workstation's look-up reaches the walls: ``focus`` through a real server, obeyed by a separate wall."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from waiting import WAIT_MS

from desktop.app import WallOptions
from desktop.cli import main
from desktop.i18n import Translations
from desktop.session import WallSession
from feeds.client import ClientThread
from feeds.protocol import Focus, ProtocolError
from feeds.server import ServerConfig, ServerThread, TokenBook
from feeds.supervision.queries import make_queries
from widgets.gridmap import GridMap

GRID = "110102001004001"


@pytest.fixture
def served(qtbot: Any, tmp_path: Path) -> Iterator[tuple[ServerThread, WallSession]]:
    """A server with the supervision queries and a windowed wall on it (wall token)."""
    tokens = TokenBook()
    tokens.add("wall-token", "wall", "wall")
    tokens.add("op-token", "operator", "duty leader")
    server = ServerThread(
        ServerConfig(
            host="127.0.0.1",
            port=0,
            store_url=str(tmp_path / "s.db"),
            tokens=tokens,
            heartbeat_s=0.5,
            queries=make_queries(),
        )
    ).start()
    wall = WallSession(server.url, "wall-token", WallOptions(windowed=True, size=(1280, 720)), Translations())
    wall.show()
    qtbot.waitUntil(lambda: wall.bridge.status.state == "live", timeout=WAIT_MS)
    yield server, wall
    wall.translations.set_language("en")  # the translator is the application's: leave it as the next test expects
    wall.close()
    server.stop()


def page_state(qtbot: Any, gmap: GridMap) -> dict[str, Any]:
    """The map page's own ``gridwall.state()`` once everything queued has been applied."""
    qtbot.waitUntil(lambda: gmap.is_ready and gmap.is_idle, timeout=WAIT_MS)
    box: list[Any] = []
    gmap.run_js("JSON.stringify(gridwall.state())", box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=WAIT_MS)
    state: dict[str, Any] = json.loads(box[0])
    return state


def test_an_operator_look_up_flies_the_wall_and_a_wall_token_may_not(
    qtbot: Any, served: tuple[ServerThread, WallSession]
) -> None:
    """``look-at`` (operator) outlines and flies to a grid on the wall's map; a case is pinned with its cameras
    asked for; the same from a wall token is refused and the wall stays where it was."""
    server, wall = served
    gmap = wall.supervision.maps[0]
    seen: list[Focus] = []
    wall.bridge.sigFocus.connect(seen.append)
    assert main(["look-at", GRID, "--server", server.url, "--token", "op-token"]) == 0
    qtbot.waitUntil(lambda: wall.supervision.focused is not None, timeout=WAIT_MS)
    focused = wall.supervision.focused
    assert focused is not None and (focused.kind, focused.target) == ("grid", GRID)
    qtbot.waitUntil(lambda: page_state(qtbot, gmap)["highlight"] == GRID, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: page_state(qtbot, gmap)["zoom"] >= 15, timeout=WAIT_MS)  # flown in from the district

    operator = ClientThread(server.url, "op-token", client_name="test-operator").start()
    qtbot.waitUntil(lambda: operator.status.state == "live", timeout=WAIT_MS)
    operator.publish(Focus("case", "XC20261204000123", 116.3612, 39.9123, 18, "案件"))
    qtbot.waitUntil(lambda: (page_state(qtbot, gmap)["pin"] or [0, 0])[0] == pytest.approx(39.9123), timeout=WAIT_MS)
    assert page_state(qtbot, gmap)["pin"][1] == pytest.approx(116.3612)

    intruder = ClientThread(server.url, "wall-token", client_name="test-wall").start()
    qtbot.waitUntil(lambda: intruder.status.state == "live", timeout=WAIT_MS)
    with pytest.raises(ProtocolError) as refused:
        intruder.publish(Focus("grid", "110102001004002", 116.37, 39.92))
    assert refused.value.code == "forbidden"
    intruder.stop()
    assert main(["look-at", GRID, "--server", server.url, "--token", "wall-token"]) == 1
    assert main(["look-at", "no such thing", "--server", server.url, "--token", "op-token"]) == 1
    marker = Focus("camera", "CAM-MARK", 116.35, 39.9)
    operator.publish(marker)  # sent after the refusals: once it is seen, anything refused would have been too
    qtbot.waitUntil(lambda: bool(seen) and seen[-1].target == "CAM-MARK", timeout=WAIT_MS)
    assert [f.target for f in seen] == [GRID, "XC20261204000123", "CAM-MARK"]
    operator.stop()


def test_a_workstation_ignores_focus_and_its_docks_switch_language(
    qtbot: Any, served: tuple[ServerThread, WallSession]
) -> None:
    """The operator's own workstation does not obey ``focus`` (it went there itself); after F2 its *Video*
    and *Supervisors* docks show titles, supervisor and camera names in the new language."""
    server, wall = served
    options = WallOptions(workstation=True, language="zh", size=(1366, 768))
    desk = WallSession(server.url, "op-token", options, wall.translations)  # one translator per application
    desk.show()
    try:
        qtbot.waitUntil(lambda: desk.bridge.status.state == "live", timeout=WAIT_MS)
        board, video = desk.supervision.panels[-1], desk.supervision.cameras[-1]
        board.show_ranking([{"staff_id": "S007", "name_zh": "王建国", "name_en": "Wang Jianguo", "reports": 3}])
        video.offer([{"id": "C1", "name_zh": "西单路口", "name_en": "Xidan Crossing", "url": ""}], "XC1")
        workstation = desk.workstation
        assert workstation is not None and workstation.supervisors_dock.windowTitle() == "监督员"
        assert "王建国" in board.table.item(0, 0).text() and "西单路口" in video.list.item(0).text()
        desk.toggle_language()  # F2
        assert "Wang Jianguo" in board.table.item(0, 0).text()
        assert video.list.item(0).text().startswith("Xidan Crossing") and "no stream" in video.list.item(0).text()
        qtbot.waitUntil(lambda: workstation.supervisors_dock.windowTitle() == "Supervisors", timeout=WAIT_MS)
        assert workstation.video_dock.windowTitle() == "Video" and board.title_label.text() == "Supervisors"

        assert main(["look-at", GRID, "--server", server.url, "--token", "op-token"]) == 0
        qtbot.waitUntil(lambda: wall.supervision.focused is not None, timeout=WAIT_MS)  # the wall obeyed
        assert desk.supervision.focused is None  # the desk was sent it too, and ignored it
    finally:
        desk.close()
