"""The modelled component (部件) inventory of Xicheng, and which component a simulated case is about.

No public component census of Xicheng exists, so the inventory is modelled here (said so in
``resources/components/README.md`` and on the map): every component subclass of the taxonomy
gets a count that grows with how often its cases occur, spread over the unit grids (busier
grids get more), each at an interior point of its grid, with a state index. ``feeds.supervision``
stores it (:func:`feeds.supervision.components.generate_inventory`); the simulator reports its
component cases against it (:class:`ComponentIndex`), so the two always agree.

A simulated component case is reported **at a component** of its subclass (one in its grid,
else in its community, subdistrict or anywhere in the district; chosen by the case's own
randomness), placed at that component, in its grid, and carrying its code.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from feeds.simulator.model.arrays import F64
from feeds.simulator.model.district import District
from feeds.taxonomy import Taxonomy

DISTRICT = "110102"
TOTAL = 48_000
"""Components in the modelled Xicheng inventory."""
STATE_SHARES = (0.93, 0.05, 0.01, 0.01)
"""Shares of the states ok, damaged, missing, occupied (``feeds.supervision.codes.STATES``)."""
INVENTORY_SEED = 0
"""The inventory is one: the demo stores it with this seed and the simulator reports against it."""


def component_code(district: str, subclass: str, serial: int) -> str:
    """GB/T 30428.2: 6-digit district + 4-digit subclass (major + minor) + 6-digit serial."""
    return f"{district}{subclass}{serial:06d}"


@dataclass(frozen=True)
class ModelledInventory:
    """The inventory as columns, sorted by subclass then grid (one row per component).

    Attributes:
        subclass: Subclass code per component.
        serial: Serial number within the subclass (from 1).
        grid: Index into the district's ``grid_codes``.
        lon, lat: Position (WGS-84).
        state: Index into ``ok, damaged, missing, occupied``.
    """

    subclass: NDArray[np.object_]
    serial: NDArray[np.int64]
    grid: NDArray[np.int64]
    lon: F64
    lat: F64
    state: NDArray[np.int64]

    def __len__(self) -> int:
        return int(self.serial.size)

    def code(self, i: int) -> str:
        """The 16-digit code of component ``i``."""
        return component_code(DISTRICT, str(self.subclass[i]), int(self.serial[i]))


def _counts(taxonomy: Taxonomy, total: int) -> dict[str, int]:
    subs = [s for s in taxonomy.subclasses if s.kind == "component"]
    weights = np.array([s.weight for s in subs], dtype=float) ** 0.6
    counts = np.maximum(20, np.round(weights / weights.sum() * total)).astype(int)
    return {s.code: int(n) for s, n in zip(subs, counts, strict=True)}


def model_inventory(
    district: District, taxonomy: Taxonomy, seed: int = INVENTORY_SEED, total: int = TOTAL
) -> ModelledInventory:
    """The modelled inventory, the same for the same seed, district and taxonomy."""
    n_grids, n_points = district.lon.shape
    share = 0.5 * district.weights + 0.5 / n_grids
    parts: list[tuple[str, NDArray[np.int64], F64, F64, NDArray[np.int64]]] = []
    for sub_index, (code, n) in enumerate(sorted(_counts(taxonomy, total).items())):
        rng = np.random.default_rng([seed, 17, sub_index])
        grid_idx = np.sort(rng.choice(n_grids, size=n, p=share))
        point_idx = rng.integers(0, n_points, size=n)
        jitter = rng.uniform(-4e-5, 4e-5, size=(n, 2))
        lon = np.round(district.lon[grid_idx, point_idx] + jitter[:, 0], 6)
        lat = np.round(district.lat[grid_idx, point_idx] + jitter[:, 1], 6)
        state = rng.choice(len(STATE_SHARES), size=n, p=STATE_SHARES)
        parts.append((code, grid_idx.astype(np.int64), lon, lat, state.astype(np.int64)))
    return ModelledInventory(
        subclass=np.concatenate([np.full(p[1].size, p[0], dtype=object) for p in parts]),
        serial=np.concatenate([np.arange(1, p[1].size + 1, dtype=np.int64) for p in parts]),
        grid=np.concatenate([p[1] for p in parts]),
        lon=np.concatenate([p[2] for p in parts]),
        lat=np.concatenate([p[3] for p in parts]),
        state=np.concatenate([p[4] for p in parts]),
    )


class ComponentIndex:
    """Which component a simulated component case is about: one of its subclass, as near as the units go.

    A case takes a component of its subclass in its own grid; where the grid holds none, one in its
    community, then its subdistrict, then anywhere in the district (every component subclass has
    components). The case then stands at that component, in that component's grid.

    Args:
        inventory: The modelled inventory.
        subclass_codes: The taxonomy's subclass codes in taxonomy order (a case batch's subclass indices).
        grid_codes: The district's grid codes (a case batch's and the inventory's grid indices).
    """

    def __init__(self, inventory: ModelledInventory, subclass_codes: list[str], grid_codes: list[str]) -> None:
        self.inventory = inventory
        self._sub_index = {code: i for i, code in enumerate(subclass_codes)}
        n_grids = len(grid_codes)
        self._levels: list[tuple[NDArray[np.int64], int]] = []  # unit of each grid at a level, units at it
        for width in (15, 12, 9, 6):  # grid, community, subdistrict, district
            names = sorted({code[:width] for code in grid_codes})
            where = {name: i for i, name in enumerate(names)}
            self._levels.append((np.array([where[code[:width]] for code in grid_codes], dtype=np.int64), len(names)))
        sub_idx = np.array([self._sub_index.get(str(s), -1) for s in inventory.subclass], dtype=np.int64)
        self._keys: list[tuple[NDArray[np.int64], NDArray[np.int64]]] = []
        for unit_of_grid, n_units in self._levels:
            keys = sub_idx * n_units + unit_of_grid[inventory.grid]
            order = np.argsort(keys, kind="stable")
            self._keys.append((keys[order], order))
        assert n_grids == self._levels[0][1]

    def pick(self, subclass: NDArray[np.int64], grid: NDArray[np.int64], u: F64) -> NDArray[np.int64]:
        """For cases given as subclass indices, grid indices and draws ``u`` in [0, 1): the inventory row
        each is about, ``-1`` for a subclass without components (an event subclass)."""
        rows = np.full(subclass.size, -1, dtype=np.int64)
        open_ = np.ones(subclass.size, dtype=bool)
        for (unit_of_grid, n_units), (keys, order) in zip(self._levels, self._keys, strict=True):
            want = subclass[open_].astype(np.int64) * n_units + unit_of_grid[grid[open_].astype(np.int64)]
            lo = np.searchsorted(keys, want, side="left")
            hi = np.searchsorted(keys, want, side="right")
            has = hi > lo
            at = np.minimum(lo + np.floor(u[open_] * (hi - lo)).astype(np.int64), np.maximum(hi - 1, 0))
            found = np.flatnonzero(open_)[has]
            rows[found] = order[at[has]]
            open_[found] = False
            if not open_.any():
                break
        return rows

    def pick_one(self, subclass_code: str, grid: int, u: float) -> tuple[str, int, float, float] | None:
        """:meth:`pick` for one case: ``(code, grid index, lon, lat)`` of its component, or ``None``."""
        sub = self._sub_index.get(subclass_code)
        if sub is None:
            return None
        row = int(self.pick(np.array([sub]), np.array([grid]), np.array([u]))[0])
        if row < 0:
            return None
        inv = self.inventory
        return inv.code(row), int(inv.grid[row]), float(inv.lon[row]), float(inv.lat[row])

    def codes(self, rows: NDArray[np.int64]) -> list[str | None]:
        """The codes of inventory ``rows`` (``None`` for ``-1``)."""
        inv = self.inventory
        return [inv.code(int(r)) if r >= 0 else None for r in rows.tolist()]


def component_index(district: District, taxonomy: Taxonomy) -> ComponentIndex:
    """The index of the modelled inventory (:data:`INVENTORY_SEED`) over ``taxonomy``'s subclass order."""
    return ComponentIndex(
        model_inventory(district, taxonomy), [s.code for s in taxonomy.subclasses], list(district.grid_codes)
    )
