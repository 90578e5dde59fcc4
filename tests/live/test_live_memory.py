"""Memory stays flat: 100k events leave every structure bounded (folding speed: bench/unit_speed.py)."""

from __future__ import annotations

import random

from live_factories import SUB_A, T0, created, fake_names, snapshot

from feeds.live import CaseView, LiveState
from feeds.protocol import CaseClosed, CaseInfo, CaseStageChanged, CaseUrged, CrowdFlow, Message, SensorReading


def _stream(n: int, rng: random.Random) -> list[Message]:
    """About n events: cases created, moved, urged and closed (~1,500 open at any time), plus readings."""
    msgs: list[Message] = []
    seq = 1
    open_ids: list[str] = []
    case_no = 0
    while seq <= n:
        r = rng.random()
        if r < 0.25 or len(open_ids) < 1500:
            case_no += 1
            cid = f"c{case_no}"
            grid = f"{SUB_A}{rng.randint(1, 20):03d}{rng.randint(1, 9):03d}"
            msgs.append(created(seq, cid, grid=grid, deadline=T0 + rng.uniform(-3600, 86400)))
            open_ids.append(cid)
        elif r < 0.5:
            msgs.append(CaseStageChanged(rng.choice(open_ids), "handling", deadline=T0 + rng.uniform(0, 9e4), seq=seq))
        elif r < 0.55:
            msgs.append(CaseUrged(rng.choice(open_ids), "op", seq=seq))
        elif r < 0.8:
            cid = open_ids.pop(rng.randrange(len(open_ids)))
            msgs.append(CaseClosed(cid, seq=seq))
        elif r < 0.9:
            msgs.append(CrowdFlow(f"spot{rng.randint(1, 16)}", rng.randint(0, 5000), 5000, "normal", seq=seq))
        else:
            msgs.append(SensorReading(f"s{rng.randint(1, 40)}", "water_level", 3.0, "cm", 25, False, 116.3, 39.9,
                                      seq=seq))  # fmt: skip
        seq += 1
    return msgs


def test_memory_bounded_after_100k_events() -> None:
    """After 100k events (batches of 500, ticking), sizes track the open set, not the history."""
    rng = random.Random(7)
    st = LiveState(fake_names())
    st.apply([snapshot(0)], now=T0)
    msgs = _stream(100_000, rng)
    for i in range(0, len(msgs), 500):
        now = T0 + i * 0.5
        st.apply(msgs[i : i + 500], now=now)
        st.tick(now)
    sizes = st.sizes()
    assert st.last_seq == 100_000 and st.ignored == 0
    assert sizes["feed"] == 200
    assert sizes["open"] == sizes["deadlines"] <= 3000
    assert sizes["deadline_heap"] <= 4 * sizes["deadlines"] + 1024
    assert sizes["grids"] <= 180 and sizes["crowd"] <= 16 and sizes["sensors"] <= 40
    assert all(len(c.history) <= 30 for c in st.crowd())
    view = st.overdue()
    assert view.open == sizes["open"] and view.overdue + view.due_soon <= view.open
    assert sum(v.open for v in st.grid_values()) == sizes["open"]


def test_counts_match_a_full_recount() -> None:
    """Incremental overdue/due-soon counts equal a from-scratch evaluation at the same ``now``."""
    rng = random.Random(3)
    st = LiveState(fake_names())
    msgs = _stream(20_000, rng)
    st.apply(msgs, now=T0)
    st.tick(T0 + 7200)
    fresh = LiveState(fake_names())
    fresh.apply([snapshot(st.last_seq, tuple(_as_info(v) for v in st.open_cases()))], now=T0 + 7200)
    a, b = st.overdue(), fresh.overdue()
    assert (a.overdue, a.open) == (b.overdue, b.open)
    assert {v.grid: v.overdue for v in st.grid_values()} == {v.grid: v.overdue for v in fresh.grid_values()}
    # the map's per-grid counts: the running counters equal the records, and a fresh recount
    for mode, field in (("density", "open"), ("overdue", "overdue")):
        counted = {v.grid: getattr(v, field) for v in st.grid_values() if getattr(v, field)}
        assert st.grid_counts(mode) == counted == fresh.grid_counts(mode)
        assert counted


def _as_info(v: CaseView) -> CaseInfo:
    return CaseInfo(v.id, v.kind, v.subclass, v.source, v.grid, v.lon, v.lat, v.stage, v.reported_at,
                    v.department_code, deadline=v.deadline, handle_deadline=v.handle_deadline)  # fmt: skip
