"""Render every wall panel with realistic fake data and save a PNG: ``python -m widgets.panels_demo out.png``.

The data goes through :class:`feeds.live.LiveState` (a snapshot, a KPI message
with the ``charts`` object, live events) exactly as on the wall. Options:
``--size 5760x3240`` (sizes scale with the height), ``--lang en``, ``--show``
(open a window instead of rendering offscreen).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from datetime import datetime

from feeds.geo.units import load_hotspots, load_units
from feeds.live import LiveState, WorkflowStep, load_names
from feeds.live.today import beijing_hour
from feeds.protocol import (
    BEIJING,
    CaseCreated,
    CaseInfo,
    CaseStageChanged,
    CaseUrged,
    CrowdFlow,
    Kpis,
    Message,
    SensorReading,
    Snapshot,
    WeatherWarning,
)
from feeds.taxonomy import load_taxonomy

NOW = datetime(2026, 8, 10, 15, 42, 20, tzinfo=BEIJING).timestamp()
DIURNAL = [1, 1, 1, 1, 1, 2, 4, 7, 9, 10, 10, 9, 7, 8, 9, 9, 8, 7, 5, 4, 3, 2, 1, 1]
DESCRIPTIONS = ["路边堆放生活垃圾，影响通行", "电线杆上张贴小广告多处", "<b>楼道</b>口乱停机动车", "沿街晾晒衣物", ""]
SENSORS = [("天宁寺桥下穿水位", 31.5, True), ("菜户营桥下凹水位", 18.2, False), ("白纸坊桥下凹水位", 9.4, False),
           ("西便门雨量站", 12.0, False)]  # fmt: skip


def demo_messages(rng: random.Random) -> list[Message]:
    """A snapshot, KPIs with charts, alerts and a burst of live events at :data:`NOW`."""
    tax, units = load_taxonomy(), load_units()
    subs = list(tax.subclasses)
    weights = [s.weight * s.season[7] for s in subs]
    grids = [g.code for g in units.grids]
    sources = [s.code for s in tax.sources]
    shares = [s.share for s in tax.sources]

    def case(i: int, reported: float, stage: str) -> CaseInfo:
        sub = rng.choices(subs, weights)[0]
        grid = rng.choice(grids)
        hours = sub.deadlines_h.handling
        return CaseInfo(
            f"XC{i:07d}", sub.kind, sub.code, rng.choices(sources, shares)[0], grid, 116.36 + rng.random() * 0.04,
            39.89 + rng.random() * 0.05, stage, reported, sub.department, rng.choice(DESCRIPTIONS),
            deadline=NOW + rng.uniform(-0.05, 1.0) * hours * 3600,
        )  # fmt: skip

    now_h = beijing_hour(NOW)
    hourly = [0] * 24
    today: list[CaseInfo] = []  # like a real snapshot: every case reported today, open or closed
    day0 = NOW - (NOW + 8 * 3600) % 86400
    i = 0
    for h in range(now_h + 1):
        hourly[h] = int(DIURNAL[h] * rng.uniform(9, 12) * (0.7 if h == now_h else 1))
        for _ in range(hourly[h]):
            i += 1
            t = day0 + h * 3600 + rng.random() * (3600 if h < now_h else NOW - day0 - h * 3600 - 1)
            open_now = rng.random() < 0.35 or h >= now_h - 1
            today.append(
                case(i, t, rng.choice(("filed", "dispatched", "handling", "verifying")) if open_now else "closed")
            )
    today.sort(key=lambda c: c.reported_at)
    live, snap = today[-14:], today[:-14]
    total = sum(hourly)
    charts = {
        "day": datetime.fromtimestamp(NOW, BEIJING).date().isoformat(),
        "hourly_last_week": [round(d * 10.5 * rng.uniform(0.85, 1.15)) for d in DIURNAL],
    }
    figures = {"filed": total * 0.97, "dispatched": total * 0.95, "closed": total * 0.71,
               "closure_rate": 0.9642, "on_time_rate": 0.9815, "rate_window_s": 86400}  # fmt: skip
    totals = {"cases": 3_220_000, "closed": 3_208_086, "closure_rate": 0.9963, "since": "2016-01-01", "charts": charts}
    hot = load_hotspots()[:10]
    crowd = []
    for k, spot in enumerate(hot):
        cap = rng.choice((8000, 12000, 20000, 30000))
        base = cap * rng.uniform(0.3, 1.05 if k < 2 else 0.8)
        history = [int(base * (1 + 0.02 * j * (1 if k % 3 else -1)) * rng.uniform(0.97, 1.03)) for j in range(20)]
        level = "critical" if history[-1] > cap else "crowded" if history[-1] > 0.85 * cap else "normal"
        crowd += [CrowdFlow(spot.id, n, cap, level, ts=NOW - 60 * (20 - j)) for j, n in enumerate(history)]
    sensors: list[Message] = []
    for k, (name, peak, alarm) in enumerate(SENSORS):
        for j in range(16):
            value = peak * (0.55 + 0.45 * j / 15) * rng.uniform(0.95, 1.05)
            sensors.append(SensorReading(f"s{k}", "water_level", value, "cm", 25.0, alarm and j == 15,
                                         116.35, 39.88, name, ts=NOW - 60 * (16 - j)))  # fmt: skip
    text = (
        "西城区气象台15时20分发布暴雨橙色预警信号：预计未来3小时西城区大部地区将出现50毫米以上降雨，"
        "请注意防范城市内涝和下凹式立交桥积水。"
    )
    warning = WeatherWarning("w1", "rainstorm", "orange", text=text)
    msgs: list[Message] = [Snapshot(1000, "demo", tuple(snap), (warning,), kpi=Kpis(figures, totals))]
    msgs += crowd + sensors
    seq = 1001
    for c in live:
        msgs.append(CaseCreated(c, seq=seq))
        seq += 1
    for c in live[:4]:
        msgs.append(CaseUrged(c.id, "duty", seq=seq))
        seq += 1
    msgs.append(CaseStageChanged(live[-3].id, "verifying", seq=seq, ts=NOW - 30))
    return msgs


def demo_steps() -> list[WorkflowStep]:
    """A case that was urged, failed verification once and is being handled again."""
    t = NOW - 9 * 3600
    return [
        WorkflowStep(t, "reported", actor="监督员 张伟"),
        WorkflowStep(t + 420, "filed", deadline=t + 3600),
        WorkflowStep(t + 900, "dispatched", deadline=t + 4500, actor="指挥中心"),
        WorkflowStep(t + 1500, "handling", deadline=t + 1500 + 4 * 3600, actor="区城管执法局"),
        WorkflowStep(t + 5 * 3600, "urge", actor="值班长", note="请尽快处置"),
        WorkflowStep(t + 6 * 3600, "closure_requested"),
        WorkflowStep(t + 6.5 * 3600, "verifying", deadline=t + 8 * 3600),
        WorkflowStep(t + 7.2 * 3600, "handling", deadline=NOW + 25 * 60, note="核查未通过：仍有<b>垃圾</b>"),
    ]


def _wall_class() -> type:
    """The demo window class (defined lazily so importing this module needs no Qt platform)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QWidget

    from widgets.alerts import CrowdPanel, SensorPanel, WeatherPanel
    from widgets.case_feed import CaseFeed
    from widgets.charts import HourlyTrendChart, SourceMixChart, SubdistrictRankingChart, TopTypesChart
    from widgets.kpi import KpiTiles
    from widgets.overdue import OverdueCounter
    from widgets.panel import Panel, clock
    from widgets.theme import ACCENT, TEXT_BRIGHT, TEXT_DIM, Scale
    from widgets.timeline import WorkflowTimeline

    class DemoWall(QWidget):
        """The default single-screen layout (resources/layouts/single.toml); the map slot is a placeholder."""

        def __init__(self, scale: Scale, lang: str) -> None:
            super().__init__()
            self.setObjectName("Wall")
            self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
            grid = QGridLayout(self)
            grid.setContentsMargins(scale.gap, scale.gap, scale.gap, scale.gap)
            grid.setSpacing(scale.gap)
            for r in range(14):
                grid.setRowStretch(r, 1)
            for c in range(24):
                grid.setColumnStretch(c, 1)
            title = QHBoxLayout()
            self.title = QLabel("西城区城市管理监督指挥中心 · 网格化城市管理" if lang == "zh" else
                                "Xicheng City Management Supervision and Command Centre")  # fmt: skip
            self.title.setFont(scale.font(1.45, bold=True))
            self.title.setStyleSheet(f"color: {TEXT_BRIGHT};")
            self.clock = QLabel()
            self.clock.setFont(scale.font(1.3, bold=True, numeric=True))
            self.clock.setStyleSheet(f"color: {ACCENT};")
            self.status = QLabel("● 实时 · 延迟 42 ms" if lang == "zh" else "● live · 42 ms")
            self.status.setFont(scale.font(0.8))
            self.status.setStyleSheet(f"color: {TEXT_DIM};")
            title.addWidget(self.title)
            title.addStretch(1)
            title.addWidget(self.status)
            title.addSpacing(scale.pad)
            title.addWidget(self.clock)
            grid.addLayout(title, 0, 0, 1, 24)
            self.kpi, self.weather, self.crowd = KpiTiles(scale), WeatherPanel(scale), CrowdPanel(scale)
            self.overdue, self.feed = OverdueCounter(scale), CaseFeed(scale)
            self.trend, self.types = HourlyTrendChart(scale=scale), TopTypesChart(scale=scale)
            self.sources, self.ranking = SourceMixChart(scale=scale), SubdistrictRankingChart(scale=scale)
            self.map = Panel(scale)
            self.map.title_label.setText(
                "网格地图（widgets.gridmap，此处为占位）" if lang == "zh" else "Grid map (placeholder)"
            )
            self.timeline, self.sensors = WorkflowTimeline(scale), SensorPanel(scale)
            places = [
                (self.kpi, 1, 0, 4, 6), (self.weather, 5, 0, 2, 6), (self.crowd, 7, 0, 3, 6), (self.map, 1, 6, 5, 12),
                (self.timeline, 6, 6, 4, 7), (self.sensors, 6, 13, 4, 5), (self.overdue, 1, 18, 4, 6),
                (self.feed, 5, 18, 5, 6), (self.trend, 10, 0, 4, 6), (self.types, 10, 6, 4, 6),
                (self.sources, 10, 12, 4, 6), (self.ranking, 10, 18, 4, 6),
            ]  # fmt: skip
            for w, r, c, rs, cs in places:
                grid.addWidget(w, r, c, rs, cs)
                w.set_language(lang)
            self.kpi.set_animated(False)

        def fill(self, state: LiveState, steps: list[WorkflowStep], now: float) -> None:
            self.clock.setText(clock(now, seconds=True))
            self.kpi.update_kpi(state.kpi())
            self.weather.update_weather(state.weather())
            self.crowd.update_crowd(state.crowd())
            self.sensors.update_sensors(state.sensors())
            self.overdue.update_overdue(state.overdue())
            self.overdue.tick(now)
            self.feed.update_cases(state.feed(), now)
            self.feed.stop_animations()
            self.feed.view.verticalScrollBar().setValue(0)
            charts = state.charts()
            for chart in (self.trend, self.types, self.sources, self.ranking):
                chart.update_charts(charts)
            self.timeline.set_steps(steps, now)

    return DemoWall


def main(argv: list[str] | None = None) -> int:
    """Build the panels, fill them, grab the window and save it."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", help="PNG file to write")
    parser.add_argument("--size", default="1920x1080", help="window size WxH (default 1920x1080)")
    parser.add_argument("--lang", default="zh", choices=("zh", "en"))
    parser.add_argument("--show", action="store_true", help="show a window instead of rendering offscreen")
    args = parser.parse_args(argv)
    if not args.show:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    width, height = (int(v) for v in args.size.lower().split("x"))

    from PySide6.QtWidgets import QApplication

    from widgets.theme import Scale, apply_theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    scale = Scale(height)
    apply_theme(app, scale)  # type: ignore[arg-type]
    state = LiveState(load_names())
    state.apply(demo_messages(random.Random(20260810)), now=NOW)
    wall = _wall_class()(scale, args.lang)
    wall.resize(width, height)
    wall.fill(state, demo_steps(), NOW)
    wall.show()
    if args.show:
        return app.exec()
    for _ in range(3):
        app.processEvents()
    wall.fill(state, demo_steps(), NOW)  # again, now that sizes are final
    app.processEvents()
    ok = wall.grab().save(args.out)
    print(f"wrote {args.out} ({width}×{height})" if ok else f"could not write {args.out}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
