"""Geodata layer: Xicheng's units (district → subdistricts → communities → grids).

Real: OSM subdistrict boundaries and NBS community codes. Generated: community
and unit-grid polygons (:mod:`feeds.geo.generate`). Centres replace them with
their real GeoJSON through :func:`feeds.geo.importer.import_geojson`. All
geometry is WGS-84 lon/lat; GCJ-02 conversion lives in :mod:`feeds.geo.gcj02`.
"""

from __future__ import annotations

from feeds.geo.errors import GeoDataError
from feeds.geo.hotspots import Hotspot, load_hotspots
from feeds.geo.importer import ImportReport, import_geojson
from feeds.geo.units import Unit, UnitRegistry, load_units

__all__ = [
    "GeoDataError",
    "Hotspot",
    "ImportReport",
    "Unit",
    "UnitRegistry",
    "import_geojson",
    "load_hotspots",
    "load_units",
]
