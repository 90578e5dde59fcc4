"""The panel registry: every layout name builds its widget, and a panel follows the state it names."""

from __future__ import annotations

import itertools
import time
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from waiting import WAIT_MS

from desktop.controller import WallController
from desktop.layout import LayoutError, parse_layout
from desktop.panels import PANELS, Follow, PanelContext, PanelKind, Placed, build_panel
from feeds.client.status import ClientStatus
from feeds.live import Changes, LiveState, load_names
from feeds.live.replay_clock import ReplayClock
from feeds.protocol import Kpis, Snapshot
from widgets.theme import Scale


class FakeBridge(QObject):
    """What the controller takes from a :class:`~desktop.bridge.LiveBridge`."""

    sigChanged = Signal(object)
    sigStatus = Signal(object)
    sigSecond = Signal(float)
    sigReplay = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.state = LiveState(load_names())
        self.clock = ReplayClock()
        self.status = ClientStatus("connecting", None, 0, "", 0.0)
        self.latency_ms: float | None = None


def test_every_registered_panel_builds(qtbot: QtBot) -> None:
    """Each name in the registry builds a widget under that name (the map is left to the map tests)."""
    context = PanelContext(Scale(1080.0), "en")
    for name in sorted(set(PANELS) - {"map"}):
        panel = build_panel(name, context)
        qtbot.addWidget(panel.widget)
        assert panel.kind is PANELS[name] and panel.kind.name == name


def test_layout_accepts_only_registered_names() -> None:
    """A layout naming a panel outside the registry is refused with the registry's names."""
    doc: dict[str, Any] = {"screen": [{"columns": 2, "rows": 1, "panels": [{"name": "gauges", "row": 0, "col": 0}]}]}
    try:
        parse_layout(doc, "test.toml")
    except LayoutError as exc:
        assert "gauges" in str(exc) and "ranking" in str(exc)
    else:
        raise AssertionError("an unknown panel name was accepted")
    doc["screen"][0]["panels"][0]["name"] = "kpi"
    assert parse_layout(doc, "test.toml").panel_names() == {"kpi"}


def test_a_new_panel_is_one_entry_and_reads_once_per_batch(qtbot: QtBot) -> None:
    """A kind defined only by its entry follows KPI changes; two of them share one read of the state."""
    reads: list[int] = []

    def read(state: LiveState) -> float:
        reads.append(1)
        return state.kpi().filed

    kind = PanelKind[QLabel](
        "reported",
        lambda ctx: QLabel(),
        follows=(Follow(lambda ch: ch.kpi, read, lambda label, n, _now: label.setText(f"{n:.0f}")),),
    )
    labels = [kind.build(PanelContext(Scale(), "en")) for _ in range(2)]
    for label in labels:
        qtbot.addWidget(label)
    bridge = FakeBridge()
    controller = WallController(bridge, [Placed(kind, label) for label in labels])  # type: ignore[arg-type]
    bridge.state.apply(
        [Snapshot(1, "s", ()), Kpis({"filed": 812.0}, {"cases": 1})], now=0.0
    )  # data only after a snapshot
    bridge.sigChanged.emit(Changes(kpi=True))
    assert [label.text() for label in labels] == ["812", "812"] and len(reads) == 1
    bridge.sigChanged.emit(Changes(weather=True))
    assert len(reads) == 1 and controller.placed[0].widget is labels[0]


def test_a_paced_follow_shows_at_most_once_per_pace_then_the_latest_state(qtbot: QtBot) -> None:
    """Under a flood a paced part (the charts) is shown once per pace, an unpaced one every batch.

    The last change is not lost: it is shown when its pace is over."""
    pace = 0.3
    shown: dict[str, list[tuple[float, str]]] = {"paced": [], "every": []}

    def kind(name: str, pace_s: float) -> PanelKind[QLabel]:
        def show(label: QLabel, n: float, _now: float) -> None:
            label.setText(f"{n:.0f}")
            shown[name].append((time.monotonic(), label.text()))

        follow = Follow(lambda ch: ch.kpi, LiveState.kpi, lambda w, k, now: show(w, k.filed, now), pace_s=pace_s)
        return PanelKind[QLabel](name, lambda ctx: QLabel(), follows=(follow,))

    kinds = [kind("paced", pace), kind("every", 0.0)]
    labels = [k.build(PanelContext(Scale(), "en")) for k in kinds]
    for label in labels:
        qtbot.addWidget(label)
    bridge = FakeBridge()
    controller = WallController(bridge, [Placed(k, w) for k, w in zip(kinds, labels, strict=True)])  # type: ignore[arg-type]
    bridge.state.apply([Snapshot(1, "s", ())], now=0.0)
    bridge.sigChanged.emit(Changes(reset=True))  # a snapshot: shown at once, paced or not
    began = time.monotonic()
    batches = 40
    for n in range(1, batches + 1):
        bridge.state.apply([Kpis({"filed": float(n)}, {"cases": 1})], now=0.0)
        bridge.sigChanged.emit(Changes(kpi=True))
        qtbot.wait(20)
    took = time.monotonic() - began
    assert [text for _, text in shown["every"][-batches:]] == [str(n) for n in range(1, batches + 1)]
    qtbot.waitUntil(lambda: labels[0].text() == str(batches), timeout=WAIT_MS)  # the last change, after its pace
    paced = [t for t, _ in shown["paced"]]
    assert all(b - a >= pace - 0.002 for a, b in itertools.pairwise(paced[1:])), paced  # after the snapshot
    assert len(paced) - 1 <= took / pace + 2 < batches and controller.placed[0].widget is labels[0]
