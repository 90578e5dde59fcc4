"""Supervisors' tracks: thinned on the way in, played back for any stored period, and the patrol figures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from server_helpers import Wire, make_case

from feeds.protocol import CaseCreated, CaseStageChanged, Query, Result, StaffPosition, StaffPositions
from feeds.server import ServerThread
from feeds.store import Store
from feeds.supervision import roster
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


def test_seeded_patrols_play_back_and_give_each_supervisor_figures(store: Store) -> None:
    """Seeded tracks of the roster are stored per minute; figures count beat reports, valid ones and verifications."""
    team = roster.roster(seed=1)
    assert len(team.supervisors) >= 400
    roster.write_supervisors(store.engine, roster.supervisor_rows(team))
    start = 1_790_028_000.0  # a weekday 06:40 Beijing time
    written = roster.seed_tracks(store.engine, team, start, start + 4 * 3600, step_s=60)
    assert written > 100 * 60  # over a hundred supervisors on the early shift, one point a minute
    q = make_queries(lambda: start + 4 * 3600)
    on_duty = team.positions_at(start + 3 * 3600)[0].staff_id
    track = q["track"](store, {"staff_id": on_duty, "start": start, "end": start + 4 * 3600})
    assert len(track["at"]) >= 60 and track["at"] == sorted(track["at"])
    assert all(track["at"][i + 1] - track["at"][i] == 60 for i in range(len(track["at"]) - 1))
    assert track["distance_m"] > 500
    beat = next(s for s in team.supervisors if s.staff_id == on_duty).grid_codes
    t = start + 600
    store.append(
        [
            CaseCreated(make_case("P1", grid=beat[0], reported_at=t)),
            CaseCreated(make_case("P2", grid=beat[0], reported_at=t + 5)),
            CaseCreated(make_case("H1", grid=beat[0], reported_at=t + 6, source="hotline_12345")),
            CaseStageChanged("P1", "filed", ts=t + 60),
            CaseStageChanged("P2", "cancelled", ts=t + 60),
        ],
        now=t,
    )
    span = {"range": "custom", "start": start, "end": start + 4 * 3600}
    one = q["supervisor"](store, {"staff_id": on_duty, **span})
    figures = one["figures"]
    assert (figures["reports"], figures["valid"], figures["valid_rate"]) == (2, 1, 0.5)
    assert figures["distance_m"] == pytest.approx(track["distance_m"], abs=0.2)
    assert 1 <= figures["grids_covered"] <= figures["beat_grids"] == len(beat)
    ranking = q["supervisors"](store, {**span, "by": "reports"})
    assert len(ranking["rows"]) == len(team.supervisors)
    assert ranking["rows"][0]["staff_id"] == on_duty
    by_distance = q["supervisors"](store, {**span, "by": "distance_m"})["rows"]
    assert [r["distance_m"] for r in by_distance] == sorted((r["distance_m"] for r in by_distance), reverse=True)
