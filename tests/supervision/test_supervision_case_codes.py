"""Component cases carry their component's code: protocol, store (schema 7), simulator, importer, link by code."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from server_helpers import make_case
from sqlalchemy import create_engine, select, text

from feeds.importers.csv311 import import_csv
from feeds.importers.mapping import load_csv_mapping
from feeds.importers.units import store_locator
from feeds.protocol import CaseCreated, ProtocolError, decode, encode
from feeds.simulator.history.seed import seed_history
from feeds.simulator.live.script import LiveScript
from feeds.simulator.model.calendar import epoch
from feeds.simulator.model.components import ComponentIndex, model_inventory
from feeds.simulator.model.district import load_district
from feeds.store import Store, open_store
from feeds.store.schema import SCHEMA_VERSION, cases
from feeds.supervision import components
from feeds.supervision.queries import make_queries
from feeds.taxonomy import load_taxonomy

NOW = 1_790_000_000.0
LIGHT = "1101020119000001"


def _light(code: str, lon: float, lat: float) -> dict[str, object]:
    return {"code": code, "subclass": "0119", "grid": "110102001004001", "lon": lon, "lat": lat, "state": "ok",
            "department": "D04", "name": "", "generated": False}  # fmt: skip


def test_a_case_carries_an_optional_component_code_checked_against_its_subclass(store: Store) -> None:
    """``case.component`` goes over the wire and into the store; a code of another subclass is refused."""
    case = make_case("C1", kind="component", subclass="0119", department="D04", component=LIGHT, reported_at=NOW)
    assert decode(encode(CaseCreated(case))) == CaseCreated(case)
    assert "component" not in CaseCreated(make_case("E1")).to_wire()["case"]
    bad = CaseCreated(make_case("C1", component="12")).to_wire()
    with pytest.raises(ProtocolError) as err:
        decode(encode(CaseCreated(case)).replace(LIGHT, "12"))
    assert err.value.field == "case.component" and bad
    store.append([CaseCreated(case)], now=NOW)
    with store.engine.connect() as conn:
        assert conn.execute(select(cases.c.component).where(cases.c.id == "C1")).scalar_one() == LIGHT
    wrong = make_case("C2", kind="component", subclass="0304", department="D03", component=LIGHT, reported_at=NOW)
    with pytest.raises(ProtocolError) as err:
        store.append([CaseCreated(wrong)], now=NOW)
    assert err.value.field == "case.component"
    assert store.case("C1")[0].component == LIGHT  # type: ignore[index]


def test_cases_link_by_code_and_only_code_less_cases_by_place(store: Store) -> None:
    """A coded case links to its component wherever it stands; a case without a code falls back to the
    nearest component of its subclass within 200 m; a coded case never joins another's history by place."""
    far = "1101020119000002"
    components.write_components(store.engine, [_light(LIGHT, 116.3680, 39.9200), _light(far, 116.3700, 39.9200)])
    store.append(
        [
            CaseCreated(
                make_case(
                    "CODED",
                    kind="component",
                    subclass="0119",
                    department="D04",
                    component=far,
                    lon=116.36801,
                    lat=39.92001,
                    reported_at=NOW - 600,
                )
            ),
            CaseCreated(
                make_case(
                    "PLACE",
                    kind="component",
                    subclass="0119",
                    department="D04",
                    lon=116.36802,
                    lat=39.92,
                    reported_at=NOW - 300,
                )
            ),
        ],
        now=NOW,
    )
    q = make_queries(lambda: NOW)
    coded = q["component"](store, {"case_id": "CODED"})
    assert coded["component"]["code"] == far and coded["link"] == "code"  # by code, though nearer to LIGHT
    assert [h["id"] for h in coded["history"]] == ["CODED"]
    placed = q["component"](store, {"case_id": "PLACE"})
    assert placed["component"]["code"] == LIGHT and placed["link"] == "place"
    assert [h["id"] for h in placed["history"]] == ["PLACE"]  # CODED stands beside LIGHT but names another


def test_simulated_component_cases_name_a_component_of_their_subclass_and_grid() -> None:
    """Live: every component case stands at a component of its subclass (mostly in its planned grid) and carries
    the code the stored inventory has, in that component's grid; event cases carry none."""
    district, taxonomy = load_district(0), load_taxonomy()
    inventory = model_inventory(district, taxonomy)
    stored = {r["code"]: r for r in components.generate_inventory()}
    assert len(stored) == len(inventory) and inventory.code(0) in stored
    script = LiveScript(start=epoch(2026, 6, 3, 9, 0), seed=3, district=district)
    created = [m.case for m in script.advance(epoch(2026, 6, 3, 21, 0)) if isinstance(m, CaseCreated)]
    parts = [c for c in created if c.kind == "component"]
    coded = [c for c in parts if c.component]
    assert len(parts) > 20 and coded == parts
    for case in coded:
        comp = stored[case.component]  # type: ignore[index]
        assert comp["subclass"] == case.subclass and comp["grid"] == case.grid
        assert (comp["lon"], comp["lat"]) == pytest.approx((case.lon, case.lat), abs=1e-6)
    assert not any(c.component for c in created if c.kind == "event")


def test_an_index_picks_in_the_grid_else_as_near_as_the_units_go() -> None:
    """``ComponentIndex.pick``: a row of the same subclass in the same grid where it has one, else in the same
    community (then subdistrict, district); -1 for an event subclass."""
    district, taxonomy = load_district(0), load_taxonomy()
    inventory = model_inventory(district, taxonomy)
    codes = [s.code for s in taxonomy.subclasses]
    index = ComponentIndex(inventory, codes, list(district.grid_codes))
    sub = np.array([codes.index(str(inventory.subclass[i])) for i in range(0, len(inventory), 500)])
    grid = inventory.grid[::500]
    rows = index.pick(sub, grid, np.linspace(0, 0.999, sub.size))
    assert (rows >= 0).all()
    assert [str(inventory.subclass[r]) for r in rows] == [codes[s] for s in sub]
    assert (inventory.grid[rows] == grid).all()
    event = codes.index(next(s.code for s in taxonomy.subclasses if s.kind == "event"))
    assert index.pick(np.array([event]), np.array([0]), np.array([0.5]))[0] == -1
    sub0 = codes.index(str(inventory.subclass[0]))
    empty = next(
        g
        for g in range(len(district.grid_codes))
        if g not in set(inventory.grid[inventory.subclass == inventory.subclass[0]].tolist())
    )
    row = index.pick(np.array([sub0]), np.array([empty]), np.array([0.5]))[0]
    assert row >= 0 and inventory.subclass[row] == inventory.subclass[0]
    same_community = [
        g for g in range(len(district.grid_codes)) if district.grid_codes[g][:12] == district.grid_codes[empty][:12]
    ]
    if int(inventory.grid[row]) not in same_community:  # then the community has none of the subclass
        assert not set(same_community) & set(inventory.grid[inventory.subclass == inventory.subclass[0]].tolist())


def test_seeded_history_carries_codes_of_the_inventory(tmp_path: Path) -> None:
    """Every seeded component case carries the code of a stored component of its subclass, in its grid."""
    store = open_store(str(tmp_path / "h.db"))
    try:
        seed_history(store, NOW - 3 * 86_400, NOW, seed=2, requests=False)
        stored = {r["code"]: r for r in components.generate_inventory()}
        with store.engine.connect() as conn:
            rows = conn.execute(select(cases.c.kind, cases.c.subclass, cases.c.grid, cases.c.component)).all()
        parts = [r for r in rows if r.kind == "component"]
        coded = [r for r in parts if r.component]
        assert len(parts) > 50 and coded == parts
        assert all((stored[r.component]["subclass"], stored[r.component]["grid"]) == (r.subclass, r.grid)
                   for r in coded)  # fmt: skip
        assert not any(r.component for r in rows if r.kind == "event")
    finally:
        store.close()


def test_a_schema_6_store_gains_the_component_column(tmp_path: Path) -> None:
    """Opening a store of schema 6 adds ``cases.component`` (existing cases without a code) and its index."""
    path = tmp_path / "old.db"
    store = open_store(str(path))
    store.append([CaseCreated(make_case("OLD", reported_at=NOW))], now=NOW)
    store.close()
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_cases_component"))
        conn.execute(text("ALTER TABLE cases DROP COLUMN component"))
        conn.execute(text("UPDATE meta SET value = '6' WHERE key = 'schema_version'"))
    engine.dispose()
    store = open_store(str(path))
    try:
        with store.engine.connect() as conn:
            assert conn.execute(select(cases.c.component).where(cases.c.id == "OLD")).scalar_one() is None
            version = conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar_one()
            indexes = {r[1] for r in conn.execute(text("PRAGMA index_list('cases')"))}
        assert int(version) == SCHEMA_VERSION and "ix_cases_component" in indexes
    finally:
        store.close()


def test_a_csv_import_may_map_the_component_code(tmp_path: Path, store: Store) -> None:
    """A mapped ``component`` column is stored for component rows of its subclass; a code of another subclass
    (or on an event row) is dropped and counted, the row kept (it links by place)."""
    path = tmp_path / "parts.csv"
    path.write_text(
        "no,at,type,lat,lon,part\n"
        f"1,2026-12-01 08:00:00,路灯,39.913,116.365,{LIGHT}\n"
        "2,2026-12-01 08:05:00,路灯,39.913,116.365,1101020304000007\n"
        f"3,2026-12-01 08:10:00,乱停车,39.913,116.365,{LIGHT}\n"
        "4,2026-12-01 08:15:00,路灯,39.913,116.365,\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        'id_prefix = "P"\ntimezone = "Asia/Shanghai"\n[columns]\nid = "no"\nreported_at = "at"\ntype = "type"\n'
        'lat = "lat"\nlon = "lon"\ncomponent = "part"\n[types]\n"路灯" = "0119"\n"乱停车" = "1505"\n',
        encoding="utf-8",
    )
    report = import_csv(path, load_csv_mapping(str(mapping)), store.engine, store_locator(store.engine))
    assert report.taken == 4 and report.dropped == {"component_code": 2}
    assert "dropped 2 component_code" in report.summary()
    with store.engine.connect() as conn:
        stored = dict(conn.execute(select(cases.c.id, cases.c.component)).all())
    assert stored == {"P1": LIGHT, "P2": None, "P3": None, "P4": None}
