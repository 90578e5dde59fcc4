"""Live grid map: Leaflet (from PyPI, served offline) in QtWebEngine, fed in batches.

Call :func:`register_schemes` before the QApplication exists, then use :class:`GridMap`.
"""

from __future__ import annotations

from widgets.gridmap.config import MapConfig
from widgets.gridmap.scheme import register_schemes
from widgets.gridmap.widget import GridMap

__all__ = ["GridMap", "MapConfig", "register_schemes"]
