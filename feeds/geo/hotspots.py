"""Crowd hot spots of Xicheng (西单, 金融街, 什刹海 …), from the packaged csv."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from feeds.geo.reference import HOTSPOTS_CSV


@dataclass(frozen=True)
class Hotspot:
    """A crowd hot spot (hand-compiled position, about ±300 m).

    Attributes:
        id: Slug of the English name, e.g. ``financial-street``.
        name_zh: Chinese name.
        name_en: English name.
        lon: WGS-84 longitude.
        lat: WGS-84 latitude.
        subdistrict: Subdistrict name as given in the source (may say it is outside).
        note: Free-text note from the source.
    """

    id: str
    name_zh: str
    name_en: str
    lon: float
    lat: float
    subdistrict: str
    note: str = ""


def slugify(text: str) -> str:
    """Return a lowercase ASCII slug: ``"Prince Gong's Mansion"`` -> ``prince-gongs-mansion``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("'", "")).strip("-")


@lru_cache(maxsize=4)
def _read(path: Path) -> tuple[Hotspot, ...]:
    """Parse the hot-spot csv (WGS-84 columns only)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(
            Hotspot(
                id=slugify(row["name_en"]),
                name_zh=row["name_zh"].strip(),
                name_en=row["name_en"].strip(),
                lon=float(row["lon_wgs84"]),
                lat=float(row["lat_wgs84"]),
                subdistrict=row["osm_subdistrict"].strip(),
                note=(row.get("note") or "").strip(),
            )
            for row in csv.DictReader(handle)
        )


def load_hotspots(path: Path = HOTSPOTS_CSV) -> list[Hotspot]:
    """Return the hot spots in file order.

    Args:
        path: CSV with ``name_zh,name_en,lat_wgs84,lon_wgs84,…,osm_subdistrict,note``.

    Returns:
        A new list of :class:`Hotspot` (the parse is cached).
    """
    return list(_read(path))
