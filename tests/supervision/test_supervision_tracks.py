"""Seeded patrols of the roster: tracks played back from the store and the per-supervisor figures."""

from __future__ import annotations

import pytest
from server_helpers import make_case

from feeds.protocol import CaseCreated, CaseStageChanged
from feeds.store import Store
from feeds.supervision import roster
from feeds.supervision.queries import make_queries


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
