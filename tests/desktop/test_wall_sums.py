"""One moment, one state: the wall's tiles and charts show the same number of today's reports."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtWidgets import QWidget
from waiting import WAIT_MS

from desktop.bridge import LiveBridge
from desktop.controller import WallController
from desktop.panels import PanelContext, Placed, build_panel
from feeds.client import ClientStatus, ClientThread
from feeds.geo.units import load_units
from feeds.live import LiveState, load_names
from feeds.protocol import CaseCreated, CaseInfo, Kpis, Snapshot
from feeds.taxonomy import load_taxonomy
from widgets.charts import HourlyTrendChart, SourceMixChart, TopTypesChart
from widgets.kpi import KpiTiles
from widgets.theme import Scale

SOURCES = ("patrol", "hotline_12345", "app", "mailbox")


def _case(n: int, reported_at: float) -> CaseInfo:
    grid = load_units().grids[n * 37 % 2000]
    sub = load_taxonomy().subclasses[n % 23]
    return CaseInfo(
        id=f"XCSUM{n:06d}", kind=sub.kind, subclass=sub.code, source=SOURCES[n % len(SOURCES)], grid=grid.code,
        lon=grid.centroid[0], lat=grid.centroid[1], stage="reported", reported_at=reported_at,
        department=sub.department,
    )  # fmt: skip


def test_tiles_and_charts_agree_after_live_cases(qtbot: Any) -> None:
    """上报 tile = hourly chart = types chart = sources chart, with a KPI message from another moment in between."""
    now = time.time()
    state = LiveState(load_names())
    client = ClientThread("ws://127.0.0.1:9", "unused")  # never started: the test feeds the state itself
    bridge = LiveBridge(client, state)
    names = ("kpi", "trend", "types", "sources", "ranking")
    panels: list[Placed[QWidget]] = [build_panel(n, PanelContext(Scale(1080), "en")) for n in names]
    for p in panels:
        qtbot.addWidget(p.widget)
        p.widget.resize(480, 300)
    controller = WallController(bridge, panels)  # keep it: it owns the routing
    kpi, trend, types, sources = (p.widget for p in panels[:4])
    assert isinstance(kpi, KpiTiles) and isinstance(trend, HourlyTrendChart)
    assert isinstance(types, TopTypesChart) and isinstance(sources, SourceMixChart)
    kpi.set_animated(False)

    bridge.status = ClientStatus("live", now, 0, "", now)
    bridge.sigStatus.emit(bridge.status)
    early = tuple(_case(i, now - 5 * i) for i in range(17))
    bridge.sigChanged.emit(state.apply([Snapshot(17, "sums", early)], now=now))
    # the server read its figures at another moment: 20 reported, its cube's hourly chart only 17
    stale = {"hourly_today": [17] + [0] * 23, "types_today": {early[0].subclass: 17}}
    bridge.sigChanged.emit(state.apply([Kpis({"reported": 20.0, "filed": 12.0}, {"charts": stale})], now=now))
    live = [CaseCreated(_case(100 + i, now + i), seq=18 + i) for i in range(3)]
    bridge.sigChanged.emit(state.apply(live, now=now + 3))

    def shown() -> dict[str, int]:
        return {
            "tile": int(kpi.tiles["reported"].number.text().replace(",", "")),
            "hourly bars": int(trend.today.sum()),
            "hourly note": int(trend.note_label.text().split()[0]),
            "types": types._total,
            "sources": sum(i.count for i in sources.all_items),
        }

    # the tile follows every batch; the charts redraw at most once per CHART_PACE_S, so they may
    # lag the tile by up to that, then show the state as it is
    assert shown()["tile"] == 20
    qtbot.waitUntil(lambda: set(shown().values()) == {20}, timeout=WAIT_MS)
    assert set(shown().values()) == {20}, shown()
    assert kpi.tiles["filed"].number.text() == "12" and controller.state is state
