"""The map's web page and the QWebChannel object the page calls back into.

JS → Python goes through QWebChannel (``qwebchannel.js`` is served from Qt's
own resources at ``gridwall://lib/qwebchannel/qwebchannel.js``): the page
calls ``bridge.pageReady()``, ``bridge.unitClicked(code, level)`` and
``bridge.caseClicked(id)``. Python → JS is ``runJavaScript`` with JSON batches.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QUrl, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile, QWebEngineSettings

from widgets.gridmap.scheme import PAGE_URL

log = logging.getLogger(__name__)

BACKGROUND = "#0b1220"
"""Page background before the first paint: dark, so loading never flashes white."""

_LEVELS = frozenset({"subdistrict", "community", "grid"})
_MAX_ID = 64


class MapBridge(QObject):
    """Receives calls from ``gridmap.js``; every argument is checked before use.

    Signals:
        sigPageReady(): the page has Leaflet, our layers and a live channel.
        sigUnitClicked(str, str): unit code and level (subdistrict/community/grid).
        sigCaseClicked(str): case id.
        sigComponentClicked(str): 16-digit component code.
        sigCameraClicked(str): camera id.
    """

    sigPageReady = Signal()
    sigUnitClicked = Signal(str, str)
    sigCaseClicked = Signal(str)
    sigComponentClicked = Signal(str)
    sigCameraClicked = Signal(str)

    @Slot()
    def pageReady(self) -> None:
        """The page finished ``gridwall.init`` and connected the channel."""
        self.sigPageReady.emit()

    @Slot(str, str)
    def unitClicked(self, code: str, level: str) -> None:
        """A unit was clicked (or ``gridwall.clickUnit`` fired the same handler)."""
        if level in _LEVELS and code.isdigit() and len(code) <= 15:
            self.sigUnitClicked.emit(code, level)
        else:
            log.warning("map page sent a malformed unit click (%r, %r)", code[:_MAX_ID], level[:_MAX_ID])

    @Slot(str)
    def caseClicked(self, case_id: str) -> None:
        """A case marker was clicked."""
        if 0 < len(case_id) <= _MAX_ID:
            self.sigCaseClicked.emit(case_id)

    @Slot(str)
    def componentClicked(self, code: str) -> None:
        """A component point was clicked."""
        if len(code) == 16 and code.isdigit():
            self.sigComponentClicked.emit(code)

    @Slot(str)
    def cameraClicked(self, camera_id: str) -> None:
        """A camera marker was clicked."""
        if 0 < len(camera_id) <= _MAX_ID:
            self.sigCameraClicked.emit(camera_id)


class MapPage(QWebEnginePage):
    """A page that stays on the map: no navigation away, no pop-ups, no error page, JS console to logging."""

    def __init__(self, profile: QWebEngineProfile, parent: QObject | None = None) -> None:
        super().__init__(profile, parent)
        self.console_errors = 0
        self.setBackgroundColor(QColor(BACKGROUND))
        attr = QWebEngineSettings.WebAttribute
        settings = self.settings()
        for name in (
            attr.LocalContentCanAccessRemoteUrls,
            attr.JavascriptCanOpenWindows,
            attr.PluginsEnabled,
            attr.PdfViewerEnabled,
            attr.ErrorPageEnabled,
            attr.ShowScrollBars,
            attr.FocusOnNavigationEnabled,
            attr.NavigateOnDropEnabled,
            attr.AutoLoadIconsForPage,
            attr.JavascriptCanAccessClipboard,
        ):
            settings.setAttribute(name, False)

    def acceptNavigationRequest(
        self, url: QUrl | str, kind: QWebEnginePage.NavigationType, is_main_frame: bool
    ) -> bool:
        """Allow only our own page; links (e.g. in an attribution) never replace the map."""
        text = url.toString() if isinstance(url, QUrl) else str(url)
        return text == PAGE_URL

    def javaScriptConsoleMessage(
        self, level: QWebEnginePage.JavaScriptConsoleMessageLevel, message: str, line: int, source: str
    ) -> None:
        """Forward the page's console to Python logging (errors are counted)."""
        if level == QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel:
            self.console_errors += 1
            log.warning("map page: %s (%s:%d)", message[:500], source, line)
        else:
            log.debug("map page: %s (%s:%d)", message[:500], source, line)
