"""The workstation's look-up goes to what it names: pin on the map, drill-down, component card, camera, track."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from pytestqt.qtbot import QtBot

from desktop.supervision import SupervisionController
from feeds.protocol import Focus


class FakeRunner(QObject):
    """Answers queries from a table, at once (the real runner answers on the GUI thread too)."""

    sigResult = Signal(int, object)
    sigError = Signal(int, str)

    def __init__(self, answers: dict[str, Any]) -> None:
        super().__init__()
        self.answers = answers
        self.asked: list[tuple[str, dict[str, Any]]] = []

    def submit(self, request_id: int, name: str, params: dict[str, Any]) -> None:
        self.asked.append((name, params))
        answer = self.answers.get(name)
        if callable(answer):
            answer = answer(params)
        self.sigResult.emit(request_id, answer)


class FakeMap(QObject):
    """Records what the controller shows."""

    sigComponentClicked = Signal(str)
    sigCameraClicked = Signal(str)
    sigReady = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[Any, ...]] = []

    def __getattr__(self, name: str) -> Any:
        if name.startswith(("set_", "show_", "highlight")):
            return lambda *args: self.calls.append((name, *args))
        raise AttributeError(name)


class FakeDrill:
    """The drill-down's ``drill(kind, key)`` and a view that never navigates."""

    def __init__(self) -> None:
        self.opened: list[tuple[str, str]] = []
        self.view = type("V", (QObject,), {"sigNavigated": Signal(object)})()

    def drill(self, kind: str, key: str) -> None:
        self.opened.append((kind, key))


def matches(kind: str, ident: str) -> dict[str, Any]:
    return {"matches": [{"kind": kind, "id": ident, "lon": 116.36, "lat": 39.91, "label_zh": ident, "label_en": ident}]}


def test_each_kind_goes_to_its_place(qtbot: QtBot) -> None:
    """A grid outlines and drills, a case opens, a component shows its card, a supervisor plays a track."""
    lookups = {
        "110102001004001": matches("grid", "110102001004001"),
        "XC1": matches("case", "XC1"),
        "1101020119000001": matches("component", "1101020119000001"),
        "S007": matches("supervisor", "S007"),
        "nothing": {"matches": []},
    }
    runner = FakeRunner(
        {
            "lookup": lambda p: lookups[p["text"]],
            "component": {"component": {"code": "1101020119000001"}, "history": []},
            "supervisor": {"figures": {"staff_id": "S007"}},
            "track": {"at": [], "lon": [], "lat": []},
        }
    )
    gmap, drill = FakeMap(), FakeDrill()
    controller = SupervisionController(runner, [gmap], [], [], drill, clock=lambda: 1_790_000_000.0)  # type: ignore[arg-type]
    sent: list[Focus] = []
    controller.send_focus = sent.append  # a workstation sends each look-up to the walls
    controller.look_up("110102001004001")
    assert sent == [Focus("grid", "110102001004001", 116.36, 39.91, 17, "110102001004001")]
    assert ("show_place", None, 39.91, "110102001004001", 18) in gmap.calls  # outlined, not pinned
    assert ("highlight", "110102001004001", True) in gmap.calls
    assert drill.opened == [("unit", "110102001004001")]
    controller.look_up("XC1")
    assert drill.opened[-1] == ("case", "XC1")
    assert ("show_place", 116.36, 39.91, "XC1", 18) in gmap.calls
    controller.look_up("1101020119000001")
    assert runner.asked[-1] == ("component", {"code": "1101020119000001"})
    assert sent[-1].kind == "component" and sent[-1].zoom == 18
    controller.look_up("S007")
    assert ("show_place", None, 39.91, "S007", 18) in gmap.calls  # no pin: the track is fitted instead
    assert ("supervisor", {"staff_id": "S007"}) in runner.asked
    assert drill.opened[-1] == ("supervisor", "S007")  # the drill-down's supervisor page
    assert runner.asked[-1] == ("track", {"staff_id": "S007", "start": 1_790_000_000 - 12 * 3600, "end": 1_790_000_001})
    before = len(gmap.calls)
    controller.look_up("nothing")
    assert len(gmap.calls) == before and controller.last_lookup == [] and len(sent) == 4


def test_a_wall_obeys_a_focus_without_opening_the_drill_down(qtbot: QtBot) -> None:
    """A ``focus`` on a wall: a grid outlined and flown to, a case pinned with its nearest cameras asked,
    a component's card asked; the drill-down stays closed."""
    runner = FakeRunner({"component": {"component": None, "history": []}, "nearest_cameras": {"cameras": []}})
    gmap, drill = FakeMap(), FakeDrill()
    camera_panel = type("P", (), {"offer": lambda self, *a: None})()
    controller = SupervisionController(runner, [gmap], [camera_panel], [], drill)  # type: ignore[arg-type, list-item]
    controller.focus(Focus("grid", "110102001004001", 116.36, 39.91, 17))
    assert ("highlight", "110102001004001", True) in gmap.calls
    controller.focus(Focus("case", "XC1", 116.361, 39.912, 18))
    assert ("show_place", 116.361, 39.912, "XC1", 18) in gmap.calls
    assert runner.asked[-1] == ("nearest_cameras", {"case_id": "XC1"})
    controller.focus(Focus("component", "1101020119000001", 116.362, 39.913, 18))
    assert runner.asked[-1] == ("component", {"code": "1101020119000001"})
    assert drill.opened == [] and controller.focused is not None and controller.focused.target == "1101020119000001"


def test_the_component_inventory_waits_for_the_maps_first_state(qtbot: QtBot) -> None:
    """Live: cameras and ranking at once; the ~50,000 components only once every map showed its first state."""
    runner = FakeRunner({"cameras": {"cameras": []}, "components": {"codes": []}})
    first, second = FakeMap(), FakeMap()
    controller = SupervisionController(runner, [first, second], [], [], None)  # type: ignore[list-item]
    controller.on_status("live")
    assert [name for name, _ in runner.asked] == ["cameras"]
    first.sigReady.emit()
    assert "components" not in [name for name, _ in runner.asked]
    second.sigReady.emit()
    first.sigReady.emit()  # a renderer restart later: the inventory is not asked again
    assert [name for name, _ in runner.asked] == ["cameras", "components"]
    assert ("set_components", {"codes": []}) in first.calls and ("set_components", {"codes": []}) in second.calls
