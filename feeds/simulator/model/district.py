"""The simulated district: its unit grids, how many cases each draws, points and streets inside them.

Cases are not spread evenly: the old commercial and hutong quarters report
more than the office and residential ones, and the surroundings of the crowd
hot spots (西单, 大栅栏, 什刹海 ...) more still. A grid's weight is

    weight = subdistrict factor × (1 + HOTSPOT_GAIN × Σ exp(-d² / 2 HOTSPOT_SIGMA_M²))

over the hot spots at distance ``d`` from the grid's centroid (the factors
are modelled, see :data:`SUBDISTRICT_BUSYNESS`). Points inside grids come from
a per-grid table of uniformly drawn interior points, so placing millions of
seeded cases is one numpy index.
"""

from __future__ import annotations

import math
import random
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import shapely

from feeds.geo.units import UnitRegistry, load_hotspots, load_units
from feeds.simulator.model.arrays import F64
from feeds.simulator.model.streets import street_of_grid

SUBDISTRICT_BUSYNESS: dict[str, float] = {
    "110102001": 1.25,  # 西长安街: 西单, government quarter
    "110102003": 1.10,  # 新街口
    "110102007": 0.90,  # 月坛: ministries, residential
    "110102009": 1.00,  # 展览路
    "110102010": 0.95,  # 德胜
    "110102011": 0.90,  # 金融街: offices, well kept
    "110102012": 1.20,  # 什刹海: hutongs, tourists, bars
    "110102013": 1.40,  # 大栅栏: dense hutongs, street trade
    "110102014": 1.15,  # 天桥
    "110102015": 1.15,  # 椿树
    "110102016": 0.95,  # 陶然亭
    "110102017": 1.05,  # 广安门内
    "110102018": 1.15,  # 牛街
    "110102019": 1.00,  # 白纸坊
    "110102020": 0.90,  # 广安门外: newer residential
}
"""Modelled relative case density per subdistrict (per grid, before the hot-spot bump)."""
HOTSPOT_GAIN = 2.0
"""Extra weight of a grid right at a hot spot (3× in total)."""
HOTSPOT_SIGMA_M = 350.0
"""Spatial scale of the hot-spot bump (Gaussian standard deviation, metres)."""
POINTS_PER_GRID = 32


@dataclass(frozen=True, eq=False)
class District:
    """Grids with their case weights, interior points, streets and addresses.

    Attributes:
        grid_codes: Unit-grid codes, sorted.
        weights: Share of cases per grid (sums to 1).
        lon: Interior points per grid, shape ``(grids, points)``, WGS-84.
        lat: Same shape as ``lon``.
        streets: Street name per grid (for descriptions).
        addresses: ``<subdistrict><community><street>`` per grid.
    """

    grid_codes: tuple[str, ...]
    weights: F64
    lon: F64
    lat: F64
    streets: tuple[str, ...]
    addresses: tuple[str, ...]
    _index: dict[str, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._index.update((code, i) for i, code in enumerate(self.grid_codes))

    def index(self, grid_code: str) -> int:
        """Position of a grid code (KeyError if unknown)."""
        return self._index[grid_code]

    def street_of(self, grid_code: str) -> str:
        """Street name of a grid (see :func:`feeds.simulator.model.streets.street_of_grid`)."""
        i = self._index.get(grid_code)
        return self.streets[i] if i is not None else street_of_grid(grid_code)

    def point(self, grid_code: str, u: float, v: float) -> tuple[float, float]:
        """``(lat, lon)`` of an interior point picked by ``u`` in [0, 1) (``v`` is unused); for patrols."""
        i = self._index[grid_code]
        k = min(int(u * self.lon.shape[1]), self.lon.shape[1] - 1)
        return float(self.lat[i, k]), float(self.lon[i, k])

    def random_point(self, grid_code: str, rng: random.Random) -> tuple[float, float]:
        """``(lon, lat)`` of a random interior point of a grid."""
        i = self._index[grid_code]
        k = rng.randrange(self.lon.shape[1])
        return float(self.lon[i, k]), float(self.lat[i, k])


def grid_weights(registry: UnitRegistry, grid_codes: Collection[str]) -> F64:
    """Case share per grid: subdistrict factor × hot-spot bump (see the module docstring)."""
    codes = list(grid_codes)
    centroids = np.array([registry.get(c).centroid for c in codes], dtype=np.float64).reshape(-1, 2)
    factor = np.array([SUBDISTRICT_BUSYNESS.get(c[:9], 1.0) for c in codes], dtype=np.float64)
    bump = np.zeros(len(codes))
    for spot in load_hotspots():
        dx = (centroids[:, 0] - spot.lon) * 111_320.0 * math.cos(math.radians(spot.lat))
        dy = (centroids[:, 1] - spot.lat) * 110_540.0
        bump += np.exp(-(dx * dx + dy * dy) / (2.0 * HOTSPOT_SIGMA_M**2))
    weights = factor * (1.0 + HOTSPOT_GAIN * bump)
    return np.asarray(weights / weights.sum(), dtype=np.float64)


def _interior_points(registry: UnitRegistry, code: str, count: int, rng: np.random.Generator) -> tuple[F64, F64]:
    """``count`` uniform points inside a grid (rejection in its bounding box, vectorised)."""
    geom = registry.shape(code)
    minx, miny, maxx, maxy = geom.bounds
    lon: list[float] = []
    lat: list[float] = []
    for _ in range(20):
        xs = rng.uniform(minx, maxx, 4 * count)
        ys = rng.uniform(miny, maxy, 4 * count)
        inside = shapely.contains_xy(geom, xs, ys)
        lon.extend(xs[inside].tolist())
        lat.extend(ys[inside].tolist())
        if len(lon) >= count:
            return np.array(lon[:count]), np.array(lat[:count])
    p = geom.representative_point()
    lon += [float(p.x)] * count
    lat += [float(p.y)] * count
    return np.array(lon[:count]), np.array(lat[:count])


@lru_cache(maxsize=4)
def load_district(seed: int = 0, grid_codes: frozenset[str] | None = None) -> District:
    """Build the district from the packaged (or imported) geodata; cached.

    Args:
        seed: Seed of the interior point tables.
        grid_codes: Restrict to these grids (e.g. the store's known grids); all if ``None``.
    """
    registry = load_units()
    codes = tuple(sorted(u.code for u in registry.grids if grid_codes is None or u.code in grid_codes))
    if not codes:
        raise ValueError("no unit grids to simulate on")
    rng = np.random.default_rng([seed, 7])
    lon = np.empty((len(codes), POINTS_PER_GRID))
    lat = np.empty_like(lon)
    for i, code in enumerate(codes):
        lon[i], lat[i] = _interior_points(registry, code, POINTS_PER_GRID, rng)
    subdistricts = {u.code: u.name_zh for u in registry.subdistricts}
    communities = {u.code: u.name_zh for u in registry.communities}
    streets = tuple(street_of_grid(c) for c in codes)
    addresses = tuple(
        f"{subdistricts.get(c[:9], '')}{communities.get(c[:12], '')}{s}" for c, s in zip(codes, streets, strict=True)
    )
    return District(codes, grid_weights(registry, codes), lon, lat, streets, addresses)
