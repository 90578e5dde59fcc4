"""Errors raised by the geodata layer."""

from __future__ import annotations


class GeoDataError(ValueError):
    """A geodata file is unusable; the message names file, feature and field."""
