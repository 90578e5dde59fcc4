"""Where GridWall keeps its files on this machine."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

TOKENS_FILE_NAME = "tokens.json"
DB_FILE_NAME = "gridwall.db"


def data_dir(create: bool = True) -> Path:
    """The user data folder (``$GRIDWALL_DATA_DIR`` overrides); created if missing unless ``create`` is False."""
    folder = Path(os.environ.get("GRIDWALL_DATA_DIR") or platformdirs.user_data_dir("gridwall"))
    if create:
        folder.mkdir(parents=True, exist_ok=True)
    return folder


def default_store_file(create_dir: bool = True) -> Path:
    """The embedded SQLite store, ``gridwall.db`` in :func:`data_dir`."""
    return data_dir(create_dir) / DB_FILE_NAME


def geo_override_dir(create: bool = True) -> Path:
    """Where ``gridwall import-geo`` puts a centre's real GeoJSON (read by :func:`feeds.geo.units.load_units`)."""
    return data_dir(create) / "geo"


def default_tokens_path() -> Path:
    """``tokens.json`` in the user config folder (``$GRIDWALL_CONFIG_DIR`` overrides)."""
    folder = os.environ.get("GRIDWALL_CONFIG_DIR") or platformdirs.user_config_dir("gridwall")
    return Path(folder) / TOKENS_FILE_NAME
