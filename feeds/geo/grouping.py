"""Group a subdistrict's grid cells into contiguous communities.

Cells are split by recursive balanced bisection: the cell centroids are cut
across their principal axis so that each side gets an area share
proportional to the number of communities it must hold. Then contiguity is
enforced on the cell adjacency graph (shared borders): any detached group of
cells is handed to the adjacent community it shares the most border with.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely

from feeds.geo.projection import LocalFrame, area_m2

_MAX_FIX_ROUNDS = 50


def _principal_order(points: np.ndarray, indices: list[int]) -> list[int]:
    """Return ``indices`` ordered along the principal axis of their points."""
    pts = points[indices]
    centred = pts - pts.mean(axis=0)
    _, vectors = np.linalg.eigh(centred.T @ centred)
    axis = vectors[:, -1]
    if axis[0] < 0 or (axis[0] == 0 and axis[1] < 0):
        axis = -axis
    key = centred @ axis
    return [indices[i] for i in sorted(range(len(indices)), key=lambda i: (float(key[i]), indices[i]))]


def bisect(points: np.ndarray, weights: np.ndarray, indices: list[int], parts: int) -> list[list[int]]:
    """Split ``indices`` into ``parts`` spatially compact groups of similar weight.

    Args:
        points: ``(n, 2)`` metric centroids of all cells.
        weights: Cell areas.
        indices: Cells to split.
        parts: Number of groups wanted (``<= len(indices)``).

    Returns:
        ``parts`` non-empty lists of cell indices.
    """
    if parts == 1:
        return [indices]
    first_parts = parts // 2
    ordered = _principal_order(points, indices)
    cumulative = np.cumsum(weights[ordered])
    share = cumulative[-1] * first_parts / parts
    cut = int(np.searchsorted(cumulative, share)) + 1
    if cut > 1 and abs(cumulative[cut - 2] - share) < abs(cumulative[cut - 1] - share):
        cut -= 1
    cut = min(max(cut, first_parts), len(ordered) - (parts - first_parts))
    return bisect(points, weights, ordered[:cut], first_parts) + bisect(
        points, weights, ordered[cut:], parts - first_parts
    )


def adjacency(cells: list[Any], frame: LocalFrame) -> dict[tuple[int, int], float]:
    """Return shared-border lengths (m) for every pair ``(i, j)``, ``i < j``, that shares a border."""
    array = np.array(cells, dtype=object)
    tree = shapely.STRtree(array)
    left, right = tree.query(array, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    common = shapely.intersection(shapely.boundary(array[left]), shapely.boundary(array[right]))
    lengths = shapely.length(frame.to_metric(common))
    return {(int(i), int(j)): float(d) for i, j, d in zip(left, right, lengths, strict=True) if d > 0.0}


def _components(members: list[int], links: dict[int, dict[int, float]]) -> list[list[int]]:
    """Connected components of ``members`` in the adjacency graph, largest first."""
    member_set, seen, result = set(members), set(), []
    for start in members:
        if start in seen:
            continue
        stack, group = [start], []
        seen.add(start)
        while stack:
            node = stack.pop()
            group.append(node)
            for other in sorted(links.get(node, {})):
                if other in member_set and other not in seen:
                    seen.add(other)
                    stack.append(other)
        result.append(sorted(group))
    return sorted(result, key=lambda g: (-len(g), g[0]))


def make_contiguous(labels: list[int], links: dict[int, dict[int, float]]) -> tuple[list[int], int]:
    """Reassign detached cell groups to a bordering community.

    Args:
        labels: Community index per cell (modified copy is returned).
        links: ``links[i][j]`` = border length between cells i and j.

    Returns:
        The new labels and the number of communities still split.
    """
    labels = list(labels)
    for _ in range(_MAX_FIX_ROUNDS):
        changed = False
        for label in sorted(set(labels)):
            members = [i for i, lab in enumerate(labels) if lab == label]
            for group in _components(members, links)[1:]:
                border: dict[int, float] = {}
                for cell in group:
                    for other, length in links.get(cell, {}).items():
                        if labels[other] != label:
                            border[labels[other]] = border.get(labels[other], 0.0) + length
                if border:
                    target = max(sorted(border), key=lambda lab: border[lab])
                    for cell in group:
                        labels[cell] = target
                    changed = True
        if not changed:
            break
    split = sum(
        1 for label in set(labels) if len(_components([i for i, lab in enumerate(labels) if lab == label], links)) > 1
    )
    return labels, split


def group_cells(cells: list[Any], communities: int, frame: LocalFrame) -> tuple[list[int], int]:
    """Assign each cell a community index ``0..communities-1``.

    Args:
        cells: Cell polygons of one subdistrict (at least ``communities``).
        communities: Number of communities in the subdistrict.
        frame: Metric frame.

    Returns:
        The community index per cell and the number of non-contiguous communities left.
    """
    centroids = shapely.get_coordinates(frame.to_metric(shapely.centroid(np.array(cells, dtype=object))))
    weights = np.array([area_m2(c) for c in cells])
    groups = bisect(centroids, weights, list(range(len(cells))), communities)
    labels = [0] * len(cells)
    for label, group in enumerate(groups):
        for cell in group:
            labels[cell] = label
    links: dict[int, dict[int, float]] = {}
    for (i, j), length in adjacency(cells, frame).items():
        links.setdefault(i, {})[j] = length
        links.setdefault(j, {})[i] = length
    return make_contiguous(labels, links)
