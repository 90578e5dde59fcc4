"""KPI messages: the enricher's figures reach walls, also walls that connect later."""

from __future__ import annotations

from collections.abc import Callable

from server_helpers import Wire
from waiting import wait_until

from feeds.protocol import Heartbeat, Kpis, Snapshot
from feeds.server import ServerThread
from feeds.store import Store


def _enrich(store: Store, kpis: Kpis) -> Kpis:
    today = dict(kpis.today or {})
    today["closure_rate"] = 0.4242
    return Kpis(today, {**(kpis.totals or {}), "charts": {"hourly_today": [1] * 24}}, ts=kpis.ts)


def test_late_wall_gets_the_enriched_kpi_in_its_snapshot(start_server: Callable[..., ServerThread]) -> None:
    """KPIs are broadcast only when they change; a wall that connects afterwards still sees them at once."""
    server = start_server(kpi_enricher=_enrich, kpi_interval_s=0.2)
    assert wait_until(lambda: server.server.hub.latest_kpi is not None)  # the KPI loop has broadcast to nobody
    late = Wire(server.url, "wall-token")
    try:
        snap = next(m for m in late.hello() if isinstance(m, Snapshot))
        assert snap.kpi is not None and snap.kpi.today is not None
        assert snap.kpi.today["closure_rate"] == 0.4242
        assert snap.kpi.totals is not None and snap.kpi.totals["charts"]["hourly_today"] == [1] * 24
    finally:
        late.close()


def test_a_failing_enricher_falls_back_to_the_store(start_server: Callable[..., ServerThread]) -> None:
    """If enrichment raises, the store's own figures go out and the server keeps serving."""

    def broken(store: Store, kpis: Kpis) -> Kpis:
        raise RuntimeError("cube exploded")

    server = start_server(kpi_enricher=broken, kpi_interval_s=0.2)
    assert wait_until(lambda: server.server.hub.latest_kpi is not None)
    wall = Wire(server.url, "wall-token")
    try:
        snap = next(m for m in wall.hello() if isinstance(m, Snapshot))
        assert snap.kpi is not None and snap.kpi.today is not None and "reported" in snap.kpi.today
        assert snap.kpi.totals is not None and "charts" not in snap.kpi.totals
        assert wall.until(lambda m: isinstance(m, Heartbeat))
    finally:
        wall.close()
