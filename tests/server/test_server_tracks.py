"""Supervisors' tracks through a real case server: thinned on the way in, played back for any stored period."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from server_helpers import Wire

from feeds.protocol import Query, Result, StaffPosition, StaffPositions
from feeds.server import ServerThread
from feeds.supervision.queries import make_queries

T0 = 1_790_000_040.0
GRID_A, GRID_B = "110102001004001", "110102001004002"


class Clock:
    """A settable clock for the server."""

    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def _query(wire: Wire, name: str, params: dict[str, Any]) -> Any:
    wire.send(Query(name, params, id="q"))
    answer = wire.until(lambda m: m.TYPE in ("result", "error"))[-1]
    assert isinstance(answer, Result), answer
    return answer.data


def test_track_playback_returns_the_stored_points_of_a_past_period(start_server: Callable[..., ServerThread]) -> None:
    """Positions sent through the server are kept once a minute (and on a new grid); a period plays back just those."""
    clock = Clock(T0)
    server = start_server(clock=clock, queries=make_queries(clock))
    producer = Wire(server.url, "prod-token")
    producer.hello()
    sent = [  # (seconds after T0, lon, grid): 10 s and 30 s are thinned away, 45 s is a new grid
        (0, 116.3680, GRID_A),
        (10, 116.3681, GRID_A),
        (30, 116.3682, GRID_A),
        (45, 116.3690, GRID_B),
        (110, 116.3700, GRID_B),
        (170, 116.3710, GRID_B),
        (240, 116.3720, GRID_B),
    ]
    for dt, lon, grid in sent:
        clock.t = T0 + dt
        positions = (StaffPosition("S007", grid, lon, 39.92, True), StaffPosition("S008", GRID_A, 116.36, 39.91, True))
        producer.send(StaffPositions(positions, id=f"p{dt}"))
        producer.until(lambda m: m.TYPE == "ack")
    wall = Wire(server.url, "wall-token")
    wall.hello()
    track = _query(wall, "track", {"staff_id": "S007", "start": T0, "end": T0 + 200})
    assert [t - T0 for t in track["at"]] == [0, 45, 110, 170]
    assert track["lon"] == [116.368, 116.369, 116.37, 116.371]
    assert track["grid"] == [GRID_A, GRID_B, GRID_B, GRID_B]
    assert 250 < track["distance_m"] < 300  # 0.003° of longitude at 39.92° N ≈ 256 m
    later = _query(wall, "track", {"staff_id": "S007", "start": T0 + 200, "end": T0 + 3600})
    assert [t - T0 for t in later["at"]] == [240]
    assert _query(wall, "track", {"staff_id": "S999", "start": T0, "end": T0 + 3600})["at"] == []
    wall.send(Query("track", {"staff_id": "S007", "start": T0, "end": T0 + 40 * 86400}, id="long"))
    error = wall.until(lambda m: m.TYPE in ("result", "error"))[-1]
    assert error.TYPE == "error" and error.field == "params.end"  # type: ignore[attr-defined]
    producer.close()
    wall.close()
