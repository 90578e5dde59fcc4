"""Patrol cases name their reporter: protocol, store (schema 8), simulator, importer, and the figures built on it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from server_helpers import make_case
from sqlalchemy import inspect, select, text

from feeds.importers.csv311 import import_csv
from feeds.importers.mapping import load_csv_mapping
from feeds.importers.units import store_locator
from feeds.protocol import CaseCreated, CaseStageChanged, ProtocolError, decode, encode
from feeds.simulator.environment.patrol import COVER_REACH, PatrolRoster
from feeds.simulator.history.seed import seed_history
from feeds.simulator.live.script import LiveScript
from feeds.simulator.model.calendar import epoch
from feeds.simulator.model.district import load_district
from feeds.store import Store, open_store
from feeds.store.schema import SCHEMA_VERSION, cases
from feeds.supervision import roster
from feeds.supervision.queries import make_queries

NOW = 1_790_000_000.0


def test_a_patrol_case_carries_an_optional_reporter(store: Store) -> None:
    """``case.reporter`` goes over the wire and into the store; a malformed id, or a reporter on a case that is
    not a patrol case, is refused."""
    case = make_case("P1", reporter="S007", reported_at=NOW)
    assert decode(encode(CaseCreated(case))) == CaseCreated(case)
    assert "reporter" not in CaseCreated(make_case("E1")).to_wire()["case"]
    with pytest.raises(ProtocolError) as err:
        decode(encode(CaseCreated(case)).replace("S007", "S 7"))
    assert err.value.field == "case.reporter"
    store.append([CaseCreated(case)], now=NOW)
    with store.engine.connect() as conn:
        assert conn.execute(select(cases.c.reporter).where(cases.c.id == "P1")).scalar_one() == "S007"
    assert store.case("P1")[0].reporter == "S007"  # type: ignore[index]
    hotline = make_case("H1", source="hotline_12345", reporter="S007", reported_at=NOW)
    with pytest.raises(ProtocolError) as err:
        store.append([CaseCreated(hotline)], now=NOW)
    assert err.value.field == "case.reporter"


def _roster_of_three(store: Store) -> tuple[list[str], list[str]]:
    """Three supervisors of the real roster stored; returns the staff ids and the first one's beat."""
    team = roster.roster()
    rows = roster.supervisor_rows(team)[:3]
    roster.write_supervisors(store.engine, rows)
    return [r["staff_id"] for r in rows], list(rows[0]["grids"])


def test_figures_credit_the_reporter_and_the_beat_only_for_cases_without_one(store: Store) -> None:
    """A patrol case naming B in A's beat counts for B, not A (reports, valid, verifications); a patrol case
    naming nobody counts for the beat's supervisor (the fallback, counted in ``reports_by_beat``); a case naming
    someone outside the roster counts for nobody."""
    (a, b, c), beat_a = _roster_of_three(store)
    t = NOW - 3600
    store.append(
        [
            CaseCreated(make_case("BY_B", grid=beat_a[0], reporter=b, reported_at=t)),
            CaseCreated(make_case("BY_B2", grid=beat_a[0], reporter=b, reported_at=t + 1)),
            CaseCreated(make_case("NOBODY", grid=beat_a[0], reported_at=t + 2)),
            CaseCreated(make_case("STRANGER", grid=beat_a[0], reporter="X999", reported_at=t + 3)),
            CaseStageChanged("BY_B", "filed", ts=t + 60),
            CaseStageChanged("BY_B2", "cancelled", ts=t + 60),
            CaseStageChanged("NOBODY", "filed", ts=t + 60),
            CaseStageChanged("BY_B", "dispatched", ts=t + 120),
            CaseStageChanged("BY_B", "handling", ts=t + 180),
            CaseStageChanged("BY_B", "closure_requested", ts=t + 240),
            CaseStageChanged("BY_B", "verifying", ts=t + 270),
            CaseStageChanged("BY_B", "closed", ts=t + 300),
        ],
        now=t,
    )
    q = make_queries(lambda: NOW)
    span = {"range": "custom", "start": NOW - 7200, "end": NOW}
    fig_a = q["supervisor"](store, {"staff_id": a, **span})["figures"]
    fig_b = q["supervisor"](store, {"staff_id": b, **span})["figures"]
    fig_c = q["supervisor"](store, {"staff_id": c, **span})["figures"]
    assert (fig_a["reports"], fig_a["reports_by_beat"], fig_a["valid"], fig_a["verified"]) == (1, 1, 1, 0)
    assert (fig_b["reports"], fig_b["reports_by_beat"], fig_b["valid"], fig_b["verified"]) == (2, 0, 1, 1)
    assert fig_b["valid_rate"] == 0.5 and fig_b["verified_on_time"] == 1
    assert (fig_c["reports"], fig_c["verified"]) == (0, 0)
    ranked = {r["staff_id"]: r for r in q["supervisors"](store, {**span, "by": "reports"})["rows"]}
    for staff_id, one in ((a, fig_a), (b, fig_b), (c, fig_c)):  # the ranking counts as the single query does
        assert {k: ranked[staff_id][k] for k in ("reports", "reports_by_beat", "valid", "verified")} == {
            k: one[k] for k in ("reports", "reports_by_beat", "valid", "verified")
        }
    assert q["supervisors"](store, {**span, "by": "reports"})["rows"][0]["staff_id"] == b


def test_on_duty_is_shift_start_vectorised() -> None:
    """``PatrolRoster.on_duty`` agrees with ``shift_start`` for every supervisor over two days with a holiday."""
    district = load_district(0)
    team = PatrolRoster(district.grid_codes, district.point, 60)
    rng = np.random.default_rng(4)
    index = rng.integers(0, 60, 3000)
    t = epoch(2026, 9, 30, 0, 0) + rng.random(3000) * 2 * 86_400  # 30 September and National Day
    want = [team.shift_start(int(i), float(x)) is not None for i, x in zip(index, t, strict=True)]
    assert team.on_duty(index, t).tolist() == want
    assert 0 < sum(want) < len(want)


def test_live_patrol_cases_name_an_on_shift_supervisor_of_the_beat_or_a_neighbouring_one() -> None:
    """Live: every patrol case names a supervisor on shift when it was reported (so their track has a point
    then): the beat's own supervisor whenever they are on shift, else one at most COVER_REACH beats away; only
    when none of those is on shift (the small hours) does a patrol case name nobody; other sources name nobody."""
    district = load_district(0)
    script = LiveScript(start=epoch(2026, 6, 3, 6, 0), seed=3, district=district)
    team = script.staff.roster
    index = {s.staff_id: i for i, s in enumerate(team.supervisors)}
    created = [m.case for m in script.advance(epoch(2026, 6, 4, 6, 0)) if isinstance(m, CaseCreated)]
    patrol = [c for c in created if c.source == "patrol"]
    named = [c for c in patrol if c.reporter]
    assert len(patrol) > 100 and len(named) > 0.9 * len(patrol)
    for case in patrol:
        if not case.reporter:
            owner = team.owner(case.grid)
            assert owner is not None
            near = np.arange(max(0, owner - COVER_REACH), min(len(team.supervisors), owner + COVER_REACH + 1))
            assert not team.on_duty(near, np.full(near.size, case.reported_at)).any()
    own = 0
    for case in named:
        who, owner = index[case.reporter], team.owner(case.grid)  # type: ignore[index]
        assert owner is not None and team.shift_start(who, case.reported_at) is not None
        if team.shift_start(owner, case.reported_at) is not None:
            assert who == owner
            own += 1
        else:
            assert 0 < abs(who - owner) <= COVER_REACH
        positions = {p.staff_id for p in team.positions_at(case.reported_at)}
        assert case.reporter in positions  # on the live feed (and so on the track) at that moment
    assert own > len(named) / 3  # a beat is walked by its own supervisor a third of the day, 5 days a week
    assert not any(c.reporter for c in created if c.source != "patrol")


def test_seeded_patrol_cases_name_their_reporter(tmp_path: Path) -> None:
    """Seeded history: patrol cases name a supervisor of the stored roster on shift at the report time (most
    of them the beat's own), as the live ones do."""
    store = open_store(str(tmp_path / "h.db"))
    try:
        seed_history(store, NOW - 2 * 86_400, NOW, seed=2, requests=False)
        team = roster.roster()
        index = {s.staff_id: i for i, s in enumerate(team.supervisors)}
        with store.engine.connect() as conn:
            rows = conn.execute(select(cases.c.source, cases.c.grid, cases.c.reported_at, cases.c.reporter)).all()
        patrol = [r for r in rows if r.source == "patrol"]
        named = [r for r in patrol if r.reporter]
        assert len(patrol) > 100 and len(named) > 0.8 * len(patrol)
        assert all(team.shift_start(index[r.reporter], float(r.reported_at)) is not None for r in named)
        assert sum(index[r.reporter] == team.owner(r.grid) for r in named) > len(named) / 3
        assert not any(r.reporter for r in rows if r.source != "patrol")
    finally:
        store.close()


def test_a_schema_7_store_gains_the_reporter_column(store: Store, db_url: str) -> None:
    """Opening a store of schema 7 adds ``cases.reporter`` (existing cases name nobody) and its index; the figures
    then credit those cases by beat."""
    _, beat = _roster_of_three(store)
    store.append([CaseCreated(make_case("OLD", grid=beat[0], reported_at=NOW - 60))], now=NOW)
    with store.engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_cases_reporter"))
        conn.execute(text("ALTER TABLE cases DROP COLUMN reporter"))
        conn.execute(text("UPDATE meta SET value = '7' WHERE key = 'schema_version'"))
        assert "reporter" not in {c["name"] for c in inspect(conn).get_columns("cases")}
    store.close()
    reopened = open_store(db_url)
    try:
        with reopened.engine.connect() as conn:
            assert conn.execute(select(cases.c.reporter).where(cases.c.id == "OLD")).scalar_one() is None
            version = conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar_one()
            indexes = {i["name"] for i in inspect(conn).get_indexes("cases")}
        assert int(version) == SCHEMA_VERSION and "ix_cases_reporter" in indexes
        figures = make_queries(lambda: NOW)["supervisor"](
            reopened, {"staff_id": "S001", "range": "custom", "start": NOW - 3600, "end": NOW}
        )["figures"]
        assert (figures["reports"], figures["reports_by_beat"]) == (1, 1)
        reopened.append([CaseCreated(make_case("NEW", reporter="S002", reported_at=NOW))], now=NOW)
        assert reopened.case("NEW")[0].reporter == "S002"  # type: ignore[index]
    finally:
        reopened.close()


def test_a_csv_import_may_map_the_reporter(tmp_path: Path, store: Store) -> None:
    """A mapped ``reporter`` column is stored for patrol rows; on a row of another source, or malformed, it is
    dropped and counted, the row kept."""
    path = tmp_path / "patrol.csv"
    path.write_text(
        "no,at,type,lat,lon,src,who\n"
        "1,2026-12-01 08:00:00,乱停车,39.913,116.365,巡查,S012\n"
        "2,2026-12-01 08:05:00,乱停车,39.913,116.365,热线,S012\n"
        "3,2026-12-01 08:10:00,乱停车,39.913,116.365,巡查,S 12\n"
        "4,2026-12-01 08:15:00,乱停车,39.913,116.365,巡查,\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        'id_prefix = "P"\ntimezone = "Asia/Shanghai"\n[columns]\nid = "no"\nreported_at = "at"\ntype = "type"\n'
        'lat = "lat"\nlon = "lon"\nsource = "src"\nreporter = "who"\n[types]\n"乱停车" = "1505"\n'
        '[sources]\n"巡查" = "patrol"\n"热线" = "hotline_12345"\n',
        encoding="utf-8",
    )
    report = import_csv(path, load_csv_mapping(str(mapping)), store.engine, store_locator(store.engine))
    assert report.taken == 4 and report.dropped == {"reporter": 2}
    with store.engine.connect() as conn:
        stored = dict(conn.execute(select(cases.c.id, cases.c.reporter)).all())
    assert stored == {"P1": "S012", "P2": None, "P3": None, "P4": None}
