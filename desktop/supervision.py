"""The supervision view wired into a running wall or workstation (docs/supervision.md).

:class:`SupervisionController` asks the case server (through the drill-down's
:class:`~desktop.queries.QueryRunner`) for the component inventory and the cameras once the
connection is live and puts them on every map; opens a case's nearest cameras in every
camera panel when a case is opened (drill-down or the workstation's case list); shows a
clicked component with its case history, a supervisor's figures and track, and the
ranking; and runs the workstation's look-up: Enter in the case search box first asks the
``lookup`` resolver, and a code, id or name it knows goes straight to its place on the map
(pin, outline, drill-down, camera or supervisor), while the case list's own text search
runs as before; the same target goes to every wall of the server as a ``focus`` message,
and a wall receiving one flies its map there and highlights it (:meth:`focus`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QObject

from desktop.drill import DrillController
from desktop.queries import QueryRunner
from feeds.protocol import Focus
from feeds.protocol.focus import focus_zoom
from widgets.drilldown.path import Crumb
from widgets.drilldown.requests import next_request_id
from widgets.gridmap import GridMap
from widgets.gridmap.playback import TrackPlayback
from widgets.supervision import SupervisionPanel
from widgets.video import CameraPanel

log = logging.getLogger(__name__)


def each(targets: Sequence[Any], method: str) -> Callable[..., None]:
    """A callable that calls ``method`` on every target with the arguments it gets."""

    def call(*args: Any) -> None:
        for target in targets:
            getattr(target, method)(*args)

    return call


TRACK_HOURS = 12
"""Track playback shows the last 12 hours of the chosen supervisor."""
UNITS = frozenset({"district", "subdistrict", "community", "grid"})
"""Units are outlined and flown to, a supervisor's track is fitted; anything else is pinned at street zoom."""


class SupervisionController(QObject):
    """Feeds the supervision layers and panels from queries; one per wall session.

    Args:
        runner: Answers queries.
        maps: The map widgets.
        cameras: Camera panels (wall panels or the workstation's dock).
        panels: Supervision panels.
        drill: The drill-down controller (case openings; look-up opens units and cases there).
        clock: Epoch seconds (track periods).
    """

    def __init__(
        self,
        runner: QueryRunner,
        maps: Sequence[GridMap],
        cameras: Sequence[CameraPanel],
        panels: Sequence[SupervisionPanel],
        drill: DrillController | None = None,
        *,
        clock: Callable[[], float] = time.time,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner, self.maps, self.cameras, self.panels, self.drill = (
            runner,
            list(maps),
            list(cameras),
            list(panels),
            drill,
        )
        self.clock = clock
        self.loaded = False
        self.camera_list: list[dict[str, Any]] = []
        self.last_lookup: list[dict[str, Any]] = []
        self.focused: Focus | None = None
        self.send_focus: Callable[[Focus], object] | None = None
        """Set on a workstation: each look-up is also sent to the walls as a ``focus`` message."""
        self._pending: dict[int, Callable[[Any], None]] = {}
        self.playback = [TrackPlayback(m, parent=self) for m in self.maps]
        runner.sigResult.connect(self._on_result)
        runner.sigError.connect(self._on_error)
        self._components_due = False
        self._maps_shown: set[int] = set()
        for gmap in self.maps:
            gmap.sigComponentClicked.connect(self.show_component)
            gmap.sigCameraClicked.connect(self.play_camera)
            gmap.sigReady.connect(lambda gmap=gmap: self._map_shown(gmap))
        for panel in self.panels:
            panel.sigSupervisorWanted.connect(self.show_supervisor)
            panel.sigRankingWanted.connect(self.load_ranking)
            panel.sigTrackWanted.connect(self.play_track)
            panel.sigPlay.connect(each(self.playback, "play"))
            panel.sigPause.connect(each(self.playback, "pause"))
        for playback in self.playback[:1]:
            playback.sigPosition.connect(each(self.panels, "track_position"))
            playback.sigFinished.connect(each(self.panels, "track_finished"))
        if drill is not None:
            drill.view.sigNavigated.connect(self._on_navigated)

    # ------------------------------------------------------------------ queries
    def _ask(self, name: str, params: dict[str, Any], then: Callable[[Any], None]) -> int:
        request_id = next_request_id()
        self._pending[request_id] = then
        self.runner.submit(request_id, name, params)
        return request_id

    def _on_result(self, request_id: int, data: object) -> None:
        then = self._pending.pop(request_id, None)
        if then is not None and isinstance(data, Mapping):
            then(data)

    def _on_error(self, request_id: int, message: str) -> None:
        if self._pending.pop(request_id, None) is not None:
            log.info("supervision query failed: %s", message)
            if request_id == self._inventory_request:
                self.loaded = False  # tried again on the next live status

    _inventory_request = -1

    def on_status(self, status: Any) -> None:
        """Connection status: the first time it is live, load the inventory, cameras and ranking."""
        if getattr(status, "state", status) != "live" or self.loaded:
            return
        self.loaded = True
        self._ask("cameras", {}, self._show_cameras)
        if self.panels:
            self.load_ranking(self.panels[0].rank_key())
        self._components_due = True
        self._load_components()

    def _map_shown(self, gmap: GridMap) -> None:
        self._maps_shown.add(id(gmap))
        self._load_components()

    def _load_components(self) -> None:
        """The component inventory, once the connection is live and every map shows its first state.

        Components are drawn from zoom 14 up, never on the district view a wall starts with: the
        ~50,000 points (query, decode, projection, page) wait until the map's first state is on
        screen instead of delaying it.
        """
        if not self._components_due or any(id(gmap) not in self._maps_shown for gmap in self.maps):
            return
        self._components_due = False
        self._inventory_request = self._ask("components", {}, each(self.maps, "set_components"))

    def _show_cameras(self, data: Mapping[str, Any]) -> None:
        self.camera_list = list(data.get("cameras", []))
        for gmap in self.maps:
            gmap.set_cameras(self.camera_list)

    # ------------------------------------------------------------------ things
    def offer_cameras(self, case_id: str = "", grid: str = "") -> None:
        """Offer the cameras nearest a case (or a grid) in every camera panel."""
        if not self.cameras:
            return
        params = {"case_id": case_id} if case_id else {"grid": grid}
        offer = each(self.cameras, "offer")
        self._ask("nearest_cameras", params, lambda d: offer(d.get("cameras", []), case_id or grid))

    def play_camera(self, camera_id: str) -> None:
        """Play one camera (a map click or a look-up) in every camera panel."""
        camera = next((c for c in self.camera_list if c.get("id") == camera_id), None)
        if camera is not None:
            for panel in self.cameras:
                panel.offer([camera], camera.get("name_zh", camera_id))

    def show_component(self, code: str) -> None:
        """A component's card and case history."""
        self._ask("component", {"code": code}, each(self.panels, "show_component"))

    def show_supervisor(self, staff_id: str) -> None:
        """A supervisor's figures today."""
        self._ask("supervisor", {"staff_id": staff_id}, each(self.panels, "show_supervisor"))

    def load_ranking(self, by: str) -> None:
        """The ranking of every supervisor today by ``by``."""
        show = each(self.panels, "show_ranking")
        self._ask("supervisors", {"by": by}, lambda d: show(d.get("rows", [])))

    last_track = ""
    """The supervisor whose track was asked for last."""

    def play_track(self, staff_id: str) -> None:
        """Load the supervisor's track of the last hours on the maps and play it."""
        self.last_track = staff_id
        end = self.clock()
        params = {"staff_id": staff_id, "start": int(end - TRACK_HOURS * 3600), "end": int(end) + 1}
        self._ask("track", params, self._show_track)

    def _show_track(self, track: Mapping[str, Any]) -> None:
        points = len(track.get("at", []))
        for panel in self.panels:
            panel.track_shown(points, float(track.get("start_s", 0)), float(track.get("end_s", 0)))
        for playback in self.playback:
            if playback.load(track):
                playback.play()
        if not points and self.last_lookup and self.last_lookup[0].get("kind") == "supervisor":
            where = self.last_lookup[0]  # no track: show where the supervisor was last seen
            for gmap in self.maps:
                gmap.show_place(float(where["lon"]), float(where["lat"]), str(where["id"]), 16)

    def _on_navigated(self, crumb: Crumb) -> None:
        if crumb.kind == "case":
            self.offer_cameras(case_id=crumb.key)
            self._ask("component", {"case_id": crumb.key}, self._maybe_component)
        elif crumb.kind == "unit" and len(crumb.key) == 15:
            self.offer_cameras(grid=crumb.key)
        elif crumb.kind == "supervisor" and self.last_track != crumb.key:
            self.play_track(crumb.key)  # the drill-down's supervisor page plays their track on the map

    def _maybe_component(self, data: Mapping[str, Any]) -> None:
        if data.get("component"):
            for panel in self.panels:
                panel.show_component(data)

    # ------------------------------------------------------------------ look-up
    def look_up(self, text: str) -> None:
        """Resolve ``text`` and go to the first thing it names (nothing happens when it names nothing)."""
        if text.strip():
            self._ask("lookup", {"text": text.strip()}, self._go)

    def _go(self, data: Mapping[str, Any]) -> None:
        self.last_lookup = list(data.get("matches", []))
        if not self.last_lookup:
            return
        match = self.last_lookup[0]
        kind, ident = str(match["kind"]), str(match["id"])
        target = Focus(
            kind,
            ident,
            float(match["lon"]),
            float(match["lat"]),
            focus_zoom(kind),
            str(match.get("label_zh", ""))[:100],
        )
        self._show(target)
        if kind in UNITS and self.drill is not None:
            self.drill.drill("unit", ident)
        elif kind == "case" and self.drill is not None:
            self.drill.drill("case", ident)
        elif kind == "supervisor" and self.drill is not None:
            self.drill.drill("supervisor", ident)  # their figures and beat in the drill-down
        if self.send_focus is not None:  # and every wall of the server goes there too
            self.send_focus(target)

    def focus(self, target: Focus) -> None:
        """An operator's look-up reached this wall (a ``focus`` message): fly there and highlight it,
        leaving the drill-down closed (the wall stays the wall); a case also offers its nearest cameras."""
        self.last_lookup = [{"kind": target.kind, "id": target.target, "lon": target.lon, "lat": target.lat}]
        self.focused = target
        self._show(target)
        if target.kind == "case":
            self.offer_cameras(case_id=target.target)

    def _show(self, target: Focus) -> None:
        """Map and panels for one target: units outlined and flown to, a supervisor's track fitted and
        played, anything else pinned at the target's zoom (its card, camera or figures alongside)."""
        kind, ident = target.kind, target.target
        pin = kind not in UNITS and kind != "supervisor"
        for gmap in self.maps:
            gmap.show_place(target.lon if pin else None, target.lat, ident, max(target.zoom, 16) if pin else 18)
            if kind in UNITS:
                gmap.highlight(ident, True)  # and fly to it
        if kind == "component":
            self.show_component(ident)
        elif kind == "supervisor":
            self.show_supervisor(ident)
            self.play_track(ident)
        elif kind == "camera":
            self.play_camera(ident)

    def set_language(self, language: str) -> None:
        """Names in the camera and supervisor panels (the workstation's docks are not layout panels)."""
        for panel in [*self.cameras, *self.panels]:
            panel.set_language(language)

    def shutdown(self) -> None:
        """Stop playback and every stream."""
        for playback in self.playback:
            playback.pause()
        for panel in self.cameras:
            panel.stop()


def install_supervision(
    parent: QObject, drill: DrillController, panels: Sequence[Any], workstation: Any = None
) -> SupervisionController:
    """Wire the supervision view into a session: its map layers, the layout's ``video`` and ``supervisors``
    panels and, on a workstation, a *Video* and a *Supervisors* dock plus the look-up in the case search box."""
    from desktop.panels import widgets_of
    from widgets.theme import Scale

    maps = widgets_of(panels, GridMap)
    cameras = widgets_of(panels, CameraPanel)
    boards = widgets_of(panels, SupervisionPanel)
    browser = drill.extra.get("browser")
    if workstation is not None:
        scale = Scale(max(720.0, float(workstation.height()) * 0.8))
        video, board = CameraPanel(scale), SupervisionPanel(scale)
        workstation.add_supervision_views(video, board)
        cameras.append(video)
        boards.append(board)
    controller = SupervisionController(drill.runner, maps, cameras, boards, drill, parent=parent)
    if browser is not None:
        bar = browser.case_list.filter_bar
        if bar is not None:  # the look-up runs first; the list's own text search goes on as before
            bar.search.returnPressed.connect(lambda: controller.look_up(bar.search.text()))
        browser.case_list.sigCaseActivated.connect(lambda case_id: controller.offer_cameras(case_id=case_id))
    return controller
