"""GridMap: the live grid map widget (Leaflet in QtWebEngine, fed in batches)."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QVBoxLayout, QWidget

from feeds import startup_trace
from feeds.geo.gcj02 import wgs84_to_gcj02
from widgets.gridmap.blocker import ExternalRequestBlocker
from widgets.gridmap.bridge import MapBridge, MapPage
from widgets.gridmap.config import MapConfig
from widgets.gridmap.freshness import FreshnessBadge
from widgets.gridmap.model import MapModel
from widgets.gridmap.page import cached_page_html
from widgets.gridmap.scheme import PAGE_URL, SCHEME_BYTES, GridwallSchemeHandler, schemes_registered
from widgets.gridmap.tiles import TileArchive

log = logging.getLogger(__name__)

_IN_FLIGHT_TIMEOUT_S = 10.0
_RELOAD_DELAYS_MS = (300, 1000, 3000, 10000, 30000)
_CRASH_WINDOW_S = 120.0


class GridMap(QWidget):
    """Leaflet map of subdistricts, communities and unit grids with live overlays.

    The page is built once; every update goes into a Python-side model and is
    flushed as ONE ``runJavaScript`` batch per tick (``flush_hz``), only once the
    page is ready; nothing queued before that is lost. The page answers a batch as
    it takes it (:attr:`applied_batch`) and applies it on its next 62.5 ms frame
    tick; the full state (first load, restart) it applies at once. A crashed renderer is
    reloaded and handed the full current state. All methods must be called on
    the GUI thread. Coordinates are WGS-84 ``lon``/``lat``.

    Signals:
        sigUnitClicked(str, str): a unit was clicked: code and level
            (``subdistrict``, ``community`` or ``grid``); a drill-down request.
        sigCaseClicked(str): a case marker was clicked: case id.
        sigComponentClicked(str): a component point was clicked: its 16-digit code.
        sigCameraClicked(str): a camera marker was clicked: camera id.
        sigReady(): the page is up and has applied the full current state
            (after the first load and after every renderer restart).
        sigRendererRestarted(): the web renderer died and the map was restored.

    Args:
        config: Basemap configuration (default: no tiles, boundaries on dark).
        scale: Size factor for fonts, strokes, markers (1.0 at 1920×1080).
        language: ``"zh"`` or ``"en"``.
        flush_hz: Batches per second at most (4–10 is sensible); a batch waits for
            the page to finish the previous one, so a slow renderer gets bigger batches.
        show_controls: Show zoom buttons (workstation) or not (wall).
        max_closed: Closed cases kept on the map.
        parent: Qt parent.
    """

    sigUnitClicked = Signal(str, str)
    sigCaseClicked = Signal(str)
    sigComponentClicked = Signal(str)
    sigCameraClicked = Signal(str)
    sigReady = Signal()
    sigRendererRestarted = Signal()

    def __init__(
        self,
        config: MapConfig | None = None,
        *,
        scale: float = 1.0,
        language: str = "zh",
        flush_hz: float = 10.0,
        show_controls: bool = False,
        max_closed: int = 200,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if not schemes_registered():
            raise RuntimeError("call widgets.gridmap.register_schemes() before creating the QApplication")
        self.config = config or MapConfig()
        self._model = MapModel(wgs84_to_gcj02 if self.config.is_gcj02 else (lambda x, y: (x, y)), max_closed)
        self._model.set_language(language)
        self._model.set_scale(scale)
        self._ready = False
        self._restarting = False
        self._in_flight: float | None = None
        self._crashes: list[float] = []
        self.batches_sent = 0
        self.applied_batch = 0
        self.renderer_restarts = 0
        self._snapshot_batch = 0
        self._at_once = 0  # the last batch sent to be drawn as the page takes it
        self._now_pending = False  # the next batch is to be drawn as the page takes it (flush_now)
        self.drawn_batch = 0
        """The last batch known drawn: one the page draws as it takes it (the full state, units, or
        :meth:`flush_now`), once answered. Other batches are answered as taken and drawn on the
        page's next frame tick."""

        # Order matters for teardown: children die in creation order and the
        # page (a child of the view) must go before its profile.
        self._view = QWebEngineView(self)
        self._profile = QWebEngineProfile(self)  # no storage name: off the record, nothing on disk
        self._scheme = GridwallSchemeHandler(self._profile)
        self._profile.installUrlSchemeHandler(SCHEME_BYTES, self._scheme)
        self._blocker = ExternalRequestBlocker(self.config.allowed_host_pattern(), self._profile)
        self._profile.setUrlRequestInterceptor(self._blocker)
        self._tiles: TileArchive | None = None
        if self.config.tiles is None and self.config.local_tiles_dir is not None:
            self._tiles = TileArchive(self.config.local_tiles_dir, tms=self.config.tms)
            self._scheme.set_tile_reader(self._tiles.read)
        html = cached_page_html(self.config, scale=scale, language=language, show_controls=show_controls)
        self._scheme.set_document("page/index.html", html.encode("utf-8"))

        self._page = MapPage(self._profile, self._view)
        self._bridge = MapBridge(self)
        self._channel = QWebChannel(self._page)
        self._channel.registerObject("bridge", self._bridge)
        self._page.setWebChannel(self._channel)
        self._view.setPage(self._page)
        self._view.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._view)
        self.freshness_badge = FreshnessBadge(self, scale)

        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._interval_s = max(0.02, 1.0 / max(flush_hz, 0.1))
        self._last_send = 0.0
        self._flush_timer.timeout.connect(self._flush)
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.timeout.connect(self._load)

        self._bridge.sigPageReady.connect(self._on_page_ready)
        self._bridge.sigUnitClicked.connect(self.sigUnitClicked)
        self._bridge.sigCaseClicked.connect(self.sigCaseClicked)
        self._bridge.sigComponentClicked.connect(self.sigComponentClicked)
        self._bridge.sigCameraClicked.connect(self.sigCameraClicked)
        self._page.loadFinished.connect(self._on_load_finished)
        self._page.renderProcessTerminated.connect(self._on_render_process_terminated)
        self._load()

    # ----- public API -----
    def set_freshness(self, freshness: str, as_of: float | None = None) -> None:
        """Say "no data" (``none``) or "as of 08:20" (``stale``) over the map; nothing while ``live``."""
        self.freshness_badge.set_freshness(freshness, as_of)

    def set_units(
        self, subdistricts: Mapping[str, Any], communities: Mapping[str, Any], grids: Mapping[str, Any]
    ) -> None:
        """Set the unit layers: GeoJSON FeatureCollections with ``code, name_zh, name_en`` properties."""
        self._model.set_units(subdistricts, communities, grids)
        self._schedule()

    def set_grid_values(self, values: Mapping[str, float], mode: str = "density") -> None:
        """Colour grids by ``values`` (grid code → value); ``mode`` is ``density`` or ``overdue``."""
        self._model.set_grid_values(values, mode)
        self._schedule()

    def push_cases(
        self,
        added: Iterable[Mapping[str, Any]] = (),
        updated: Iterable[Mapping[str, Any]] = (),
        removed: Iterable[str] = (),
    ) -> None:
        """Add, update and remove case markers.

        A case is a mapping with ``id, lon, lat, status`` (``new``, ``open``,
        ``due_soon``, ``overdue``, ``closed``) and optionally ``title_zh,
        title_en, description, address, grid, reported_at`` (epoch seconds).
        ``description`` and ``address`` are untrusted and shown as plain text.
        """
        self._model.push_cases(added, updated, removed)
        self._schedule()

    def set_staff(self, positions: Iterable[Mapping[str, Any]]) -> None:
        """Show supervisors: ``id, lon, lat`` and optionally ``grid, on_duty``."""
        self._model.set_staff(positions)
        self._schedule()

    def set_hotspots(self, spots: Iterable[Mapping[str, Any]]) -> None:
        """Show hot spots: ``id, lon, lat, level`` (normal/busy/crowded/critical) and
        optionally ``name_zh, name_en, count, capacity``."""
        self._model.set_hotspots(spots)
        self._schedule()

    def set_sensors(self, sensors: Iterable[Mapping[str, Any]]) -> None:
        """Show sensors: ``id, lon, lat, kind, alarm`` and optionally ``name_zh, name_en, value, unit``."""
        self._model.set_sensors(sensors)
        self._schedule()

    def set_language(self, language: str) -> None:
        """Switch labels, tooltips and legend to ``"zh"`` or ``"en"``."""
        self._model.set_language(language)
        self._schedule()

    @property
    def language(self) -> str:
        """The labels' language (``zh`` or ``en``)."""
        return self._model.language

    @property
    def size_factor(self) -> float:
        """The size factor of fonts, strokes and markers (the screen's height / 1080)."""
        return self._model.scale

    def set_scale(self, scale: float) -> None:
        """Change the size factor of fonts, strokes and markers."""
        self._model.set_scale(scale)
        self._schedule()

    def set_components(self, columns: Mapping[str, Any] | None) -> None:
        """Show the component inventory (columns ``codes, subclass, lon, lat, state``) from street zoom up."""
        self._model.set_components(columns)
        self._schedule()

    def set_cameras(self, cameras: Iterable[Mapping[str, Any]]) -> None:
        """Show cameras: ``id, lon, lat`` and optionally ``name_zh, name_en, url, active``."""
        self._model.set_cameras(cameras)
        self._schedule()

    def set_track(self, track: Mapping[str, Any] | None) -> None:
        """Show a supervisor's track (``at, lon, lat`` columns) and fit the map to it; ``None`` clears."""
        self._model.set_track(track)
        self._schedule()

    def set_track_time(self, t: float) -> None:
        """Move the track's playback head to time ``t`` (epoch seconds)."""
        self._model.set_track_time(t)
        self._schedule()

    def show_place(self, lon: float | None, lat: float | None = None, label: str = "", zoom: int = 17) -> None:
        """Fly to a place and pin it with a label (a look-up's answer); ``None`` clears the pin."""
        self._model.set_pin(lon, lat, label, zoom)
        self._schedule()

    def highlight(self, code: str | None, fly: bool = False) -> None:
        """Outline a unit (None clears); ``fly`` also pans and zooms to it (drill-down screen); None with ``fly``
        flies back to the whole district."""
        self._model.highlight(code, fly)
        self._schedule()

    @property
    def is_ready(self) -> bool:
        """True while the page is loaded and receiving batches."""
        return self._ready

    @property
    def has_queued(self) -> bool:
        """True when updates wait to be sent to the page."""
        return self._model.has_delta()

    @property
    def is_idle(self) -> bool:
        """True when the page is ready and has applied everything queued so far."""
        return self._ready and self._in_flight is None and not self._model.has_delta()

    @property
    def blocked_requests(self) -> int:
        """How many requests the page tried to send off the machine (all blocked)."""
        return self._blocker.blocked_count

    def recent_blocked(self) -> list[str]:
        """The last few blocked URLs, for diagnostics."""
        return self._blocker.recent_blocked()

    def page(self) -> QWebEnginePage:
        """The web page (for tests and diagnostics; do not navigate it)."""
        return self._page

    def run_js(self, script: str, callback: Callable[[Any], None] | None = None) -> None:
        """Run a script in the page (diagnostics and tests; updates go through the batch API)."""
        if callback is None:
            self._page.runJavaScript(script, 0)
        else:
            self._page.runJavaScript(script, 0, callback)

    def flush_now(self) -> None:
        """Send what is queued now, not on the next turn of the event loop, and have the page draw it at once.

        For a large update the wall repaints for next (a snapshot's markers): the renderer draws
        them while the GUI thread paints the panels. While the page is busy with the last batch,
        the next one goes as its answer comes, still drawn at once; while the page is loading,
        the full state it gets once up is drawn at once anyway.
        """
        if not self._ready or not self._model.has_delta():
            return
        self._now_pending = True
        if self._in_flight is None:
            self._flush_timer.stop()
            self._flush()

    # ----- batching -----
    def _schedule(self) -> None:
        """Flush on the next loop turn if the last batch is a tick old, else when the tick is up.

        Pushes made in the same turn of the event loop always share one batch.
        """
        if self._ready and not self._flush_timer.isActive():
            wait = self._interval_s - (time.monotonic() - self._last_send)
            self._flush_timer.start(max(0, int(wait * 1000)))

    def _flush(self) -> None:
        if not self._ready or not self._model.has_delta():
            return
        busy_for = time.monotonic() - self._in_flight if self._in_flight is not None else None
        if busy_for is not None and busy_for < _IN_FLIGHT_TIMEOUT_S:
            # The page is still busy: its callback reschedules and everything merges into one batch.
            # Should the callback never come (hung renderer), send anyway after the timeout.
            self._flush_timer.start(int((_IN_FLIGHT_TIMEOUT_S - busy_for) * 1000) + 1)
            return
        batch = self._model.take_delta()
        if self._now_pending:
            batch["now"] = True
        self._send(batch, at_once=self._now_pending)

    def _send(self, batch: dict[str, Any], at_once: bool = False) -> None:
        self.batches_sent += 1
        self._now_pending = False
        batch["id"] = self.batches_sent
        if at_once or "units" in batch or batch.get("reset"):  # as gridwall.applyBatch decides
            self._at_once = self.batches_sent
        payload = json.dumps(batch, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        script = f"window.gridwall.applyBatch(JSON.parse({json.dumps(payload, ensure_ascii=True)}))"
        self._in_flight = self._last_send = time.monotonic()
        self._page.runJavaScript(script, 0, self._on_batch_applied)

    def _on_batch_applied(self, result: Any) -> None:
        self._in_flight = None
        if isinstance(result, (int, float)):
            self.applied_batch = int(result)
            if self._at_once and self.applied_batch >= self._at_once:
                self.drawn_batch = self._at_once
        if self._snapshot_batch and self.applied_batch >= self._snapshot_batch:
            self._snapshot_batch = 0
            startup_trace.mark("map page ready")
            self.sigReady.emit()
            if self._restarting:
                self._restarting = False
                self.renderer_restarts += 1
                log.warning("map renderer restored (restart #%d)", self.renderer_restarts)
                self.sigRendererRestarted.emit()
        if self._model.has_delta():
            self._flush_timer.stop()  # a flush that found this batch in flight waits for the timeout: not now
            if self._now_pending:
                self._flush()  # asked for now (flush_now): not after the panels' repaint
            else:
                self._schedule()

    # ----- page life cycle -----
    def _load(self) -> None:
        startup_trace.mark("map page load started")
        self._ready = False
        self._page.load(QUrl(PAGE_URL))

    def _on_load_finished(self, ok: bool) -> None:
        startup_trace.mark("map page loaded")
        if not ok:
            log.warning("map page failed to load; retrying")
            self._reload_timer.start(_RELOAD_DELAYS_MS[1])

    def _on_page_ready(self) -> None:
        startup_trace.mark("map page scripts up")
        self._ready = True
        self._in_flight = None
        self._model.clear_delta()
        self._send(self._model.snapshot())
        self._snapshot_batch = self.batches_sent

    def _on_render_process_terminated(self, status: QWebEnginePage.RenderProcessTerminationStatus, code: int) -> None:
        log.warning("map renderer terminated (%s, exit code %s); reloading", status, code)
        self._ready = False
        self._in_flight = None
        self._snapshot_batch = 0
        self._flush_timer.stop()
        self._restarting = True
        now = time.monotonic()
        self._crashes = [t for t in self._crashes if now - t < _CRASH_WINDOW_S] + [now]
        delay = _RELOAD_DELAYS_MS[min(len(self._crashes), len(_RELOAD_DELAYS_MS)) - 1]
        self._reload_timer.start(delay)
