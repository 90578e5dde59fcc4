"""The simulated district: its unit grids, how many cases each draws, points and streets inside them.

Cases are not spread evenly: the old commercial and hutong quarters report
more than the office and residential ones, and the surroundings of the crowd
hot spots (西单, 大栅栏, 什刹海 ...) more still. A grid's weight is

    weight = subdistrict factor × (1 + HOTSPOT_GAIN × Σ exp(-d² / 2 HOTSPOT_SIGMA_M²)) × spread

over the hot spots at distance ``d`` from the grid's centroid (the factors
are modelled, see :data:`SUBDISTRICT_BUSYNESS`); ``spread`` is a lognormal
grid factor (:data:`GRID_SPREAD_SIGMA`), zero for the
:data:`QUIET_GRID_SHARE` of grids that report nothing (closed compounds,
water, park interiors), so case counts are heavy-tailed across grids like real
registers. On top of that each grid's share varies from day to day
(:meth:`District.day_factors`, lognormal :data:`DAY_SIGMA`), so a grid's daily
counts are overdispersed (variance above the mean) rather than Poisson.

A case's point is drawn uniformly inside its grid (area-weighted triangles of
the grid polygon, vectorised), and its address is street-like:
``<subdistrict><community><street><number>号``, odd numbers on one side of the
grid's long axis and even on the other, rising along it.
"""

from __future__ import annotations

import math
import random
import zlib
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import shapely

from feeds.geo.units import UnitRegistry, load_hotspots, load_units
from feeds.simulator.model.arrays import F64, I64
from feeds.simulator.model.noise import hash_normals, hash_units
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
"""Interior points per grid kept for patrol waypoints (:meth:`District.point`)."""
GRID_SPREAD_SIGMA = 0.8
"""Log-sd of the per-grid factor: heavy-tailed case counts across grids."""
QUIET_GRID_SHARE = 0.03
"""Share of grids that report no cases at all (closed compounds, water, park interiors)."""
DAY_SIGMA = 0.9
"""Log-sd of a grid's day-to-day factor (overdispersed daily counts)."""
HOUSE_NUMBERS = 60
"""House numbers along a grid's street (odd on one side, even on the other)."""


@dataclass(frozen=True, eq=False)
class District:
    """Grids with their case weights, interior points, streets and addresses.

    Attributes:
        grid_codes: Unit-grid codes, sorted.
        weights: Share of cases per grid (sums to 1).
        lon: Interior points per grid, shape ``(grids, points)``, WGS-84.
        lat: Same shape as ``lon``.
        streets: Street name per grid (for descriptions).
        addresses: ``<subdistrict><community><street>`` per grid (add :meth:`house_numbers`).
        triangles: Area-weighted triangles of every grid, see :class:`GridTriangles`.
        seed: Seed of the day factors.
    """

    grid_codes: tuple[str, ...]
    weights: F64
    lon: F64
    lat: F64
    streets: tuple[str, ...]
    addresses: tuple[str, ...]
    triangles: GridTriangles
    seed: int = 0
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
        """``(lon, lat)`` of a uniformly random point inside a grid."""
        u = np.array([[rng.random(), rng.random(), rng.random()]])
        lon, lat = self.triangles.sample(np.array([self._index[grid_code]]), u)
        return float(lon[0]), float(lat[0])

    def address_at(self, grid_code: str, lon: float, lat: float) -> str:
        """Street-like address of a point inside a grid."""
        i = self._index[grid_code]
        number = self.house_numbers(np.array([i]), np.array([lon]), np.array([lat]))[0]
        return f"{self.addresses[i]}{number}号"

    def house_numbers(self, grid: I64, lon: F64, lat: F64) -> I64:
        """House numbers of points in grids: rising along the grid's long axis, odd/even by side."""
        return self.triangles.house_numbers(grid, lon, lat)

    def day_factors(self, days: I64) -> F64:
        """Each grid's relative case rate on local days ``days``: shape ``(days, grids)``, mean 1.

        Lognormal with log-sd :data:`DAY_SIGMA`, a pure function of
        ``(seed, grid, day)`` so history and live agree on any window.
        """
        z = hash_normals((self.seed, "grid-day"), np.arange(len(self.grid_codes))[None, :], days[:, None])
        factors: F64 = np.exp(DAY_SIGMA * z - DAY_SIGMA**2 / 2)
        return factors


@dataclass(frozen=True, eq=False)
class GridTriangles:
    """Grid polygons as triangles, to draw uniform points inside grids vectorised.

    Attributes:
        a: First corner of every triangle, ``(triangles, 2)`` lon/lat.
        b: Second corner.
        c: Third corner.
        cum: Cumulative area share of each triangle within its grid, plus the
            grid's index (so one ``searchsorted`` finds a triangle for ``grid + u``).
        frame: Per grid: centre lon, centre lat (of its bounding box), long-axis unit
            vector, its length and the grid's base house number, ``(grids, 6)``.
    """

    a: F64
    b: F64
    c: F64
    cum: F64
    frame: F64

    def sample(self, grid: I64, u: F64) -> tuple[F64, F64]:
        """Uniform points inside grids ``grid``, from uniforms ``u`` of shape ``(n, 3)``."""
        tri = np.minimum(np.searchsorted(self.cum, grid + u[:, 0], side="right"), self.cum.size - 1)
        r1, r2 = u[:, 1], u[:, 2]
        flip = r1 + r2 > 1.0
        r1, r2 = np.where(flip, 1.0 - r1, r1), np.where(flip, 1.0 - r2, r2)
        a = self.a[tri]
        p = a + r1[:, None] * (self.b[tri] - a) + r2[:, None] * (self.c[tri] - a)
        return p[:, 0], p[:, 1]

    def house_numbers(self, grid: I64, lon: F64, lat: F64) -> I64:
        """House numbers: ``base + 2 × step along the long axis + side`` (odd/even sides)."""
        f = self.frame[grid]
        dx, dy = lon - f[:, 0], lat - f[:, 1]
        along = np.clip((dx * f[:, 2] + dy * f[:, 3]) / np.maximum(f[:, 4], 1e-12) + 0.5, 0.0, 0.999)
        side = (dx * -f[:, 3] + dy * f[:, 2]) > 0
        numbers: I64 = f[:, 5].astype(np.int64) + 2 * (along * HOUSE_NUMBERS / 2).astype(np.int64) + side
        return numbers


def _triangles(registry: UnitRegistry, codes: tuple[str, ...]) -> GridTriangles:
    """Every grid polygon as triangles (constrained Delaunay, vectorised over all grids)."""
    geoms = np.array([registry.shape(code) for code in codes], dtype=object)
    parts, owner = shapely.get_parts(shapely.constrained_delaunay_triangles(geoms), return_index=True)
    xy = shapely.get_coordinates(parts).reshape(-1, 4, 2)[:, :3]
    u, v = xy[:, 1] - xy[:, 0], xy[:, 2] - xy[:, 0]
    area = np.abs(u[:, 0] * v[:, 1] - u[:, 1] * v[:, 0])
    bare = np.setdiff1d(np.arange(len(codes)), owner[area > 0])
    if bare.size:  # a degenerate grid: all its points at its representative point
        points = shapely.get_coordinates(shapely.point_on_surface(geoms[bare]))
        xy = np.concatenate([xy, np.repeat(points[:, None, :], 3, axis=1)])
        owner, area = np.concatenate([owner, bare]), np.concatenate([area, np.ones(bare.size)])
    order = np.argsort(owner, kind="stable")
    xy, owner, area = xy[order], owner[order], area[order]
    total = np.bincount(owner, weights=area, minlength=len(codes))
    before = np.concatenate([[0.0], np.cumsum(total)[:-1]])
    cum = owner + (np.cumsum(area) - before[owner]) / total[owner]
    bounds = shapely.bounds(geoms)
    wide = (bounds[:, 2] - bounds[:, 0]) * np.cos(np.radians(bounds[:, 1])) >= bounds[:, 3] - bounds[:, 1]
    frame = np.column_stack(
        [
            (bounds[:, 0] + bounds[:, 2]) / 2,
            (bounds[:, 1] + bounds[:, 3]) / 2,
            wide.astype(np.float64),
            (~wide).astype(np.float64),
            np.where(wide, bounds[:, 2] - bounds[:, 0], bounds[:, 3] - bounds[:, 1]),
            [1 + HOUSE_NUMBERS * (zlib.crc32(code.encode()) % 20) for code in codes],
        ]
    )
    return GridTriangles(xy[:, 0], xy[:, 1], xy[:, 2], cum, frame)


def grid_weights(registry: UnitRegistry, grid_codes: Collection[str], seed: int = 0) -> F64:
    """Case share per grid: subdistrict factor × hot-spot bump × spread (see the module docstring)."""
    codes = list(grid_codes)
    centroids = np.array([registry.get(c).centroid for c in codes], dtype=np.float64).reshape(-1, 2)
    factor = np.array([SUBDISTRICT_BUSYNESS.get(c[:9], 1.0) for c in codes], dtype=np.float64)
    bump = np.zeros(len(codes))
    for spot in load_hotspots():
        dx = (centroids[:, 0] - spot.lon) * 111_320.0 * math.cos(math.radians(spot.lat))
        dy = (centroids[:, 1] - spot.lat) * 110_540.0
        bump += np.exp(-(dx * dx + dy * dy) / (2.0 * HOTSPOT_SIGMA_M**2))
    index = np.arange(len(codes))
    spread = np.exp(GRID_SPREAD_SIGMA * hash_normals((seed, "grid-spread"), index) - GRID_SPREAD_SIGMA**2 / 2)
    quiet = hash_units((seed, "grid-quiet"), index) < QUIET_GRID_SHARE
    weights = np.where(quiet, 0.0, factor * (1.0 + HOTSPOT_GAIN * bump) * spread)
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
    triangles = _triangles(registry, codes)
    return District(codes, grid_weights(registry, codes, seed), lon, lat, streets, addresses, triangles, seed)
