"""Unit and UnitRegistry: the loaded hierarchy with lookups by code, tree and position."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

import numpy as np
import shapely

Level = Literal["district", "subdistrict", "community", "grid"]


@dataclass(frozen=True)
class Unit:
    """One management unit.

    Attributes:
        code: 6/9/12/15-digit code (district/subdistrict/community/grid).
        level: Level name.
        name_zh: Chinese name.
        name_en: English name.
        parent: Parent unit code, None for the district.
        geometry: GeoJSON geometry (WGS-84 lon/lat), Polygon or MultiPolygon.
        centroid: ``(lon, lat)`` of the polygon centroid.
        area_m2: Area in square metres.
        generated: True for generated placeholder polygons.
    """

    code: str
    level: Level
    name_zh: str
    name_en: str
    parent: str | None
    geometry: dict[str, Any] = field(compare=False, repr=False)
    centroid: tuple[float, float]
    area_m2: float
    generated: bool


class UnitRegistry:
    """All units of the district with lookups by code, hierarchy and position.

    Args:
        levels: Units per level (any order), excluding the district.
        shapes: Shapely geometry per unit code, including the district.
        district: The district unit.
        sources: The file each level was read from.
    """

    def __init__(
        self, levels: dict[str, list[Unit]], shapes: dict[str, Any], district: Unit, sources: dict[str, Path]
    ) -> None:
        self._levels = {name: sorted(units, key=lambda u: u.code) for name, units in levels.items()}
        self._shapes = shapes
        self._district = district
        self.sources: dict[str, Path] = dict(sources)
        self._by_code: dict[str, Unit] = {district.code: district}
        self._children: dict[str, list[Unit]] = {}
        for name in ("subdistrict", "community", "grid"):
            for unit in self._levels.get(name, []):
                self._by_code[unit.code] = unit
                self._children.setdefault(cast(str, unit.parent), []).append(unit)
        self._grid_tree: Any = None
        self._grid_codes: list[str] = []

    @property
    def district(self) -> Unit:
        """The district (110102, 西城区)."""
        return self._district

    @property
    def subdistricts(self) -> list[Unit]:
        """Subdistricts sorted by code."""
        return list(self._levels.get("subdistrict", []))

    @property
    def communities(self) -> list[Unit]:
        """Communities sorted by code."""
        return list(self._levels.get("community", []))

    @property
    def grids(self) -> list[Unit]:
        """Unit grids sorted by code."""
        return list(self._levels.get("grid", []))

    def __contains__(self, code: object) -> bool:
        """Return True if ``code`` names a unit."""
        return code in self._by_code

    def get(self, code: str) -> Unit:
        """Return the unit with ``code``.

        Raises:
            KeyError: If no unit has that code.
        """
        try:
            return self._by_code[code]
        except KeyError:
            raise KeyError(f"no unit with code {code!r} (expected a 6/9/12/15-digit Xicheng code)") from None

    def children(self, code: str) -> list[Unit]:
        """Return the direct children of ``code`` sorted by code (empty for grids)."""
        self.get(code)
        return list(self._children.get(code, []))

    def ancestors(self, code: str) -> list[Unit]:
        """Return the parents of ``code``, nearest first (grid → community → subdistrict → district)."""
        chain: list[Unit] = []
        parent = self.get(code).parent
        while parent is not None:
            unit = self.get(parent)
            chain.append(unit)
            parent = unit.parent
        return chain

    def shape(self, code: str) -> Any:
        """Return the shapely geometry of ``code`` (WGS-84 lon/lat)."""
        self.get(code)
        return self._shapes[code]

    def grid_at(self, lon: float, lat: float) -> Unit | None:
        """Return the grid covering a WGS-84 point, or None outside all grids."""
        if self._grid_tree is None:
            self._grid_codes = [u.code for u in self._levels.get("grid", [])]
            self._grid_tree = shapely.STRtree([self._shapes[c] for c in self._grid_codes])
        hits = self._grid_tree.query(shapely.Point(lon, lat), predicate="intersects")
        if len(hits) == 0:
            return None
        return self._by_code[self._grid_codes[int(np.min(hits))]]

    def random_point_in(self, code: str, rng: random.Random) -> tuple[float, float]:
        """Return a uniformly random ``(lon, lat)`` inside unit ``code``.

        Args:
            code: Unit code.
            rng: Random source (for reproducible simulations).
        """
        geom = self.shape(code)
        minx, miny, maxx, maxy = geom.bounds
        for _ in range(1000):
            lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if shapely.contains_xy(geom, lon, lat):
                return lon, lat
        point = geom.representative_point()
        return float(point.x), float(point.y)
