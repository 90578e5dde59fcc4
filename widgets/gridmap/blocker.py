"""Request interceptor that keeps the map page fully offline."""

from __future__ import annotations

import logging
import re
import threading
from collections import deque

from PySide6.QtCore import QObject
from PySide6.QtWebEngineCore import QWebEngineUrlRequestInfo, QWebEngineUrlRequestInterceptor

from widgets.gridmap.scheme import SCHEME

log = logging.getLogger(__name__)

LOCAL_SCHEMES = frozenset({SCHEME, "data", "blob", "about"})
"""Schemes that never leave the process."""

_RECENT = 20


class ExternalRequestBlocker(QWebEngineUrlRequestInterceptor):
    """Blocks every request that would leave the machine, and counts them.

    Let through: ``gridwall:``, ``data:``, ``blob:``, ``about:`` and, only when
    the user configured a remote tile template, http(s) requests to that
    template's host.

    Args:
        tile_host: Regex of the configured tile host, or None (no remote tiles).
        parent: Qt parent.
    """

    def __init__(self, tile_host: re.Pattern[str] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tile_host = tile_host
        self._lock = threading.Lock()
        self._blocked = 0
        self._recent: deque[str] = deque(maxlen=_RECENT)

    @property
    def blocked_count(self) -> int:
        """Number of requests blocked so far."""
        with self._lock:
            return self._blocked

    def recent_blocked(self) -> list[str]:
        """The last few blocked URLs (for diagnostics), oldest first."""
        with self._lock:
            return list(self._recent)

    def allows(self, scheme: str, host: str) -> bool:
        """Whether a request with this URL scheme and host may proceed."""
        scheme = scheme.lower()
        if scheme in LOCAL_SCHEMES:
            return True
        if scheme in ("http", "https") and self._tile_host is not None:
            return bool(self._tile_host.match(host.lower()))
        return False

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        """Block the request unless :meth:`allows` says otherwise."""
        url = info.requestUrl()
        if self.allows(url.scheme(), url.host()):
            return
        info.block(True)
        text = url.toString()[:200]
        with self._lock:
            self._blocked += 1
            first = self._blocked <= 3
            self._recent.append(text)
        if first:
            log.info("map page: blocked external request %s", text)
