"""GridWall package data (maps, icons, reference tables).

This package imports nothing from the rest of the project; other layers
locate files through :func:`resource_path`.
"""

from __future__ import annotations

from pathlib import Path

_ROOT = Path(__file__).resolve().parent


def resource_path(*parts: str) -> Path:
    """Return the absolute path of a packaged resource.

    Args:
        *parts: Path components below the ``resources`` package,
            e.g. ``resource_path("geo", "hotspots.csv")``.

    Returns:
        The resolved path; existence is not checked.
    """
    return _ROOT.joinpath(*parts)
