"""Where GridWall keeps its files on this machine."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def data_dir() -> Path:
    """The user data folder (``$GRIDWALL_DATA_DIR`` overrides); created if missing."""
    folder = Path(os.environ.get("GRIDWALL_DATA_DIR") or platformdirs.user_data_dir("gridwall"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def geo_override_dir() -> Path:
    """Where ``gridwall import-geo`` puts a centre's real GeoJSON (read by :func:`feeds.geo.units.load_units`)."""
    return data_dir() / "geo"
