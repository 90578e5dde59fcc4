"""Replay of a stored period: events in time order, at the requested speed, with pause, seek and speed changes."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from websockets.sync.client import connect

from feeds.importers.producer import ProducerSession
from feeds.importers.replay import Replayer, timeline
from feeds.protocol import CaseClosed, CaseCreated, CaseStageChanged, Hello, Message, decode, encode
from feeds.server import ServerThread
from feeds.simulator.history.seed import seed_history
from feeds.store import EventRefused, Store, open_store
from feeds.store.bulk import upsert_cases
from feeds.store.schema import cases

T0 = 1_795_744_000.0  # 2026-11-27 ~09:46 Beijing
GRID = "110102001004001"


def _case(cid: str, reported: float, **times: float | None) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": cid,
        "kind": "event",
        "subclass": "1201",
        "source": "patrol",
        "grid": GRID,
        "department": "D01",
        "lon": 116.368,
        "lat": 39.92,
        "stage": "closed" if times.get("closed_at") else "dispatched" if times.get("dispatched_at") else "reported",
        "reported_at": int(reported),
    }
    row.update({k: int(v) for k, v in times.items() if v is not None})
    if times.get("closed_at"):
        row["on_time"] = True
    return row


def _seed(store: Store) -> None:
    rows = [
        _case("A", T0, filed_at=T0 + 60, dispatched_at=T0 + 120, handled_at=T0 + 600, closed_at=T0 + 900),
        _case("B", T0 + 30, filed_at=T0 + 90, dispatched_at=T0 + 150),
        _case("C", T0 + 300),
        _case("OUT", T0 + 7200),  # after the period
    ]
    for _ in upsert_cases(store.engine, rows):
        pass


def test_timeline_reenacts_each_case_step_by_step_in_time_order(store: Store) -> None:
    """Created at the report time, then every workflow step; nothing after the period's end; sorted by time."""
    _seed(store)
    events = timeline(store.engine, T0, T0 + 3600)
    assert [m.ts for m in events] == sorted(m.ts or 0 for m in events)
    steps = [(type(m).__name__, getattr(m, "case_id", None) or m.case.id, getattr(m, "stage", "")) for m in events]  # type: ignore[attr-defined]
    a = [s for s in steps if s[1] == "A"]
    assert [s[2] for s in a] == ["", "filed", "dispatched", "handling", "closure_requested", "verifying", ""]
    assert a[0][0] == "CaseCreated" and a[-1][0] == "CaseClosed"
    assert [s[2] for s in steps if s[1] == "B"] == ["", "filed", "dispatched", "handling"]
    assert "OUT" not in {s[1] for s in steps}
    short = timeline(store.engine, T0, T0 + 130)  # A's later steps fall after the end
    assert [getattr(m, "stage", "created") for m in short if not isinstance(m, CaseCreated) and m.case_id == "A"] == [  # type: ignore[attr-defined]
        "filed",
        "dispatched",
        "handling",
    ]


class FakeTime:
    """A clock that moves only when the replayer waits."""

    def __init__(self) -> None:
        self.t = 100.0

    def clock(self) -> float:
        return self.t

    def wait(self, seconds: float) -> None:
        self.t += seconds


def _events(n: int, gap: float) -> list[Message]:
    return [CaseClosed(f"c{i}", ts=T0 + i * gap) for i in range(n)]


def test_events_come_at_the_requested_speed_never_early() -> None:
    """At 60× an event 600 s after the first is published 10 s (real) after the start."""
    fake = FakeTime()
    seen: list[tuple[float, float]] = []
    player = Replayer(
        _events(6, 120.0),
        lambda batch: seen.extend((fake.t, m.ts or 0) for m in batch),
        60.0,
        clock=fake.clock,
        wait=fake.wait,
    )
    player.run()
    assert player.done and len(seen) == 6
    start_real, start_replay = seen[0]
    for real, replayed in seen:
        assert real - start_real >= (replayed - start_replay) / 60.0 - 1e-9  # never early
        assert real - start_real <= (replayed - start_replay) / 60.0 + 0.25  # and at most one wait late
    assert seen[-1][0] - start_real == pytest.approx(10.0, abs=0.3)


def test_pause_seek_and_speed_change() -> None:
    """Paused: the replayed time stands still; a seek publishes the skipped events at once; speed applies from then."""
    fake = FakeTime()
    seen: list[float] = []
    player = Replayer(
        _events(10, 60.0), lambda batch: seen.extend(m.ts or 0 for m in batch), 10.0, clock=fake.clock, wait=fake.wait
    )
    player.step()
    assert seen == [T0]
    player.pause()
    fake.t += 1000
    player.step()
    assert seen == [T0] and player.now() == T0
    player.resume()
    player.seek(T0 + 300)
    player.step()
    assert seen == [T0 + i * 60 for i in range(6)]
    player.set_speed(60.0)
    fake.t += 1.0  # one real second at 60× is 60 replayed seconds
    player.step()
    assert seen[-1] == T0 + 360


def test_a_wall_receives_the_replayed_cases_in_time_order(gridwall: ServerThread, store: Store) -> None:
    """Through a real server: every case arrives, in time order, never faster than the requested speed."""
    _seed(store)
    events = timeline(store.engine, T0, T0 + 3600)
    received: list[tuple[float, Message]] = []
    ready = threading.Event()

    def wall() -> None:
        with connect(gridwall.url, max_size=None, proxy=None, open_timeout=10) as ws:
            ws.send(encode(Hello("wall-token")))
            while True:
                msg = decode(ws.recv(timeout=30), max_bytes=None)
                if msg.TYPE == "caught_up":
                    ready.set()
                if isinstance(msg, (CaseCreated, CaseStageChanged, CaseClosed)):
                    received.append((time.monotonic(), msg))
                    if len(received) == len(events):
                        return

    reader = threading.Thread(target=wall, daemon=True)
    reader.start()
    assert ready.wait(30)
    speed = 900.0  # the period's 15 minutes in about one second
    with ProducerSession(gridwall.url, "prod-token") as session:
        Replayer(events, session.publish, speed).run()
    reader.join(30)
    assert len(received) == len(events)
    times = [m.ts or 0 for _, m in received]
    assert times == sorted(times)
    first_real, first = received[0][0], received[0][1].ts or 0
    last_real, last = received[-1][0], received[-1][1].ts or 0
    assert (last_real - first_real) >= (last - first) / speed * 0.9  # loose: never much faster than asked
    assert json.dumps([m.TYPE for _, m in received]).count("case.created") == 3


def test_a_seeded_period_of_both_platforms_replays_into_a_store_without_a_refusal(tmp_path: Path) -> None:
    """Every event of a simulated day (city cases and 全响应 requests) is accepted by a fresh store:
    requests keep their platform, their response deadline and their return visits (回访), requests
    answered on the line close without a dispatch, component and reporter codes come along."""
    source = open_store(str(tmp_path / "source.db"))
    target = open_store(str(tmp_path / "target.db"))
    try:
        end = T0
        seed_history(source, end - 2 * 86_400, end, seed=3, build_cube=False)
        events = timeline(source.engine, end - 86_400, end)
        refused = 0
        for i in range(0, len(events), 500):
            batch = events[i : i + 500]
            try:
                target.append(batch)
            except EventRefused:  # say which one, then count the rest one by one
                for m in batch:
                    try:
                        target.append([m])
                    except EventRefused:
                        refused += 1
        assert refused == 0
        with source.engine.connect() as conn, target.engine.connect() as out:
            period = (cases.c.reported_at >= int(end - 86_400)) & (cases.c.reported_at < int(end))
            columns = (
                cases.c.id,
                cases.c.platform,
                cases.c.stage,
                cases.c.satisfaction,
                cases.c.component,
                cases.c.reporter,
            )
            before = {r.id: r for r in conn.execute(select(*columns).where(period))}
            after = {r.id: r for r in out.execute(select(*columns, cases.c.response_deadline_at))}
        assert set(after) == set(before)
        requests = [cid for cid, r in before.items() if r.platform == "response"]
        assert len(requests) > 50
        assert all(after[cid].platform == "response" for cid in requests)
        assert all(after[cid].stage == r.stage for cid, r in before.items() if r.stage in ("closed", "cancelled"))
        evaluated = [cid for cid in requests if before[cid].satisfaction and after[cid].stage == "closed"]
        assert evaluated and all(after[cid].satisfaction == before[cid].satisfaction for cid in evaluated)
        assert any(after[cid].response_deadline_at for cid in requests)
        for name in ("component", "reporter"):
            carried = [cid for cid, r in before.items() if getattr(r, name)]
            assert carried and all(getattr(after[cid], name) == getattr(before[cid], name) for cid in carried)
    finally:
        source.close()
        target.close()


def test_a_response_request_replays_on_its_platform_and_is_evaluated(gridwall: ServerThread, store: Store) -> None:
    """A 全响应 request is created as one (the server refuses a six-digit type on the city platform), handled from
    its response, evaluated by its return visit and closed: every event accepted, the stage reached."""
    request = {
        **_case("R", T0, filed_at=T0 + 60, dispatched_at=T0 + 120, handled_at=T0 + 1800, closed_at=T0 + 3000),
        "subclass": "110101",
        "department": "D03",
        "source": "hotline_12345",
        "platform": "response",
        "response_deadline_at": int(T0 + 7200),
        "responded_at": int(T0 + 600),
        "evaluated_at": int(T0 + 2400),
        "resolved": True,
        "satisfaction": "satisfied",
    }
    for _ in upsert_cases(store.engine, [request]):
        pass
    events = timeline(store.engine, T0, T0 + 3600)
    created = next(m for m in events if isinstance(m, CaseCreated))
    assert created.case.platform == "response"
    dispatched = next(m for m in events if isinstance(m, CaseStageChanged) and m.stage == "dispatched")
    assert dispatched.response_deadline == T0 + 7200  # given at dispatch, as the live simulator does
    kinds = [m.TYPE if not isinstance(m, CaseStageChanged) else m.stage for m in events]
    assert kinds == [
        "case.created", "filed", "dispatched", "handling", "closure_requested", "verifying", "case.evaluated",
        "case.closed",
    ]  # fmt: skip
    handling = next(m for m in events if isinstance(m, CaseStageChanged) and m.stage == "handling")
    assert handling.ts == T0 + 600  # from the response to the caller
    with ProducerSession(gridwall.url, "prod-token") as session:
        answers = session.publish(events)
        assert [a.TYPE for a in answers] == ["ack"] * len(events), answers
        assert session.current_stages(["R"]) == {"R": "closed"}
