"""Generate placeholder community and unit-grid polygons for Xicheng.

No public polygons exist for Xicheng's 263 communities or its ~2,432 unit
grids, so this module derives them deterministically from the real OSM
subdistrict boundaries and the real NBS community codes:

1. clean the 15 subdistricts into a partition (:mod:`feeds.geo.partition`);
2. give each subdistrict a grid count proportional to its area (largest
   remainder, 2,432 in total) and tessellate it (:mod:`feeds.geo.tessellate`);
3. group each subdistrict's cells into its real communities
   (:mod:`feeds.geo.grouping`); a community polygon is the union of its cells;
4. number grids 001… per community in north-west to south-east reading order.

Run ``python -m feeds.geo.generate`` to rewrite
``resources/geo/communities_generated.geojson`` and
``resources/geo/grids_generated.geojson``.
"""

from __future__ import annotations

import argparse
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape

from feeds.geo.geojson_io import Feature, dumps_collection, feature, geometry_to_geojson, read_collection, write_atomic
from feeds.geo.grouping import group_cells
from feeds.geo.noding import node_coverage
from feeds.geo.partition import PartitionReport, clean_partition
from feeds.geo.projection import GRID_SIZE, XICHENG_FRAME, LocalFrame, area_m2
from feeds.geo.reference import (
    COMMUNITIES_GENERATED_FILE,
    GRIDS_GENERATED_FILE,
    SUBDISTRICTS_FILE,
    CommunityRecord,
    read_communities,
)
from feeds.geo.tessellate import tessellate
from feeds.romanize import english_name

TARGET_GRID_COUNT = 2432
_GENERATOR = "python -m feeds.geo.generate"


@dataclass
class GeneratedLayers:
    """Result of :func:`build`.

    Attributes:
        communities: Community features, sorted by code.
        grids: Grid features, sorted by code.
        partition: What cleaning the subdistricts changed.
        split_communities: Communities whose cells are not one contiguous block.
    """

    communities: list[Feature] = field(default_factory=list)
    grids: list[Feature] = field(default_factory=list)
    partition: PartitionReport | None = None
    split_communities: list[str] = field(default_factory=list)


def load_subdistrict_partition(path: Path = SUBDISTRICTS_FILE) -> list[tuple[str, Any]]:
    """Read the OSM subdistricts and clean them into a partition.

    Args:
        path: GeoJSON with an ``adcode`` (or ``code``) property per feature.

    Returns:
        ``(code, geometry)`` pairs sorted by code, on the 1e-6 degree grid.
    """
    data = read_collection(path)
    pairs = sorted(
        (str(f["properties"].get("code") or f["properties"]["adcode"]), shape(f["geometry"])) for f in data["features"]
    )
    cleaned, _ = clean_partition([g for _, g in pairs], XICHENG_FRAME)
    return [(code, geom) for (code, _), geom in zip(pairs, cleaned, strict=True)]


def allocate(areas: list[float], total: int, minimums: list[int]) -> list[int]:
    """Split ``total`` proportionally to ``areas`` (largest remainder method).

    Args:
        areas: Weight per bucket.
        total: Integer total to distribute.
        minimums: Lower bound per bucket.

    Returns:
        Integer counts summing to ``total`` (or more if minimums force it).
    """
    whole = sum(areas)
    exact = [total * a / whole for a in areas]
    counts = [max(math.floor(e), m) for e, m in zip(exact, minimums, strict=True)]
    order = sorted(range(len(areas)), key=lambda i: (-(exact[i] - math.floor(exact[i])), i))
    for i in order[: max(0, total - sum(counts))]:
        counts[i] += 1
    return counts


def _reading_order(cells: list[Any], frame: LocalFrame, band_m: float) -> list[Any]:
    """Sort cells north-west to south-east in rows of ``band_m``."""
    points = shapely.get_coordinates(frame.to_metric(shapely.centroid(np.array(cells, dtype=object))))
    order = sorted(range(len(cells)), key=lambda i: (-math.floor(points[i][1] / band_m), points[i][0]))
    return [cells[i] for i in order]


def _community_cells(
    poly: Any, grid_count: int, records: list[CommunityRecord]
) -> list[tuple[CommunityRecord, list[Any]]]:
    """Tessellate one subdistrict and return each community's cells in reading order."""
    frame = XICHENG_FRAME
    cells = tessellate(poly, grid_count, frame)
    labels, _ = group_cells(cells, len(records), frame)
    band = math.sqrt(area_m2(poly) / grid_count)
    return [
        (record, _reading_order([c for c, lab in zip(cells, labels, strict=True) if lab == label], frame, band))
        for label, record in enumerate(records)
    ]


def _features(code: str, record: CommunityRecord, members: list[Any], out: GeneratedLayers) -> None:
    """Append one community's feature and its grid features to ``out``."""
    union = shapely.union_all(members, grid_size=GRID_SIZE)
    if union.geom_type != "Polygon":
        out.split_communities.append(record.code)
    short = record.short_name_zh
    out.communities.append(
        feature(
            {
                "code": record.code,
                "level": "community",
                "name_zh": short,
                "name_en": english_name(short),
                "parent": code,
                "area_m2": round(area_m2(union), 1),
                "generated": True,
            },
            geometry_to_geojson(union),
        )
    )
    for seq, cell in enumerate(members, start=1):
        out.grids.append(
            feature(
                {
                    "code": f"{record.code}{seq:03d}",
                    "level": "grid",
                    "name_zh": f"{short}第{seq}网格",
                    "name_en": f"Grid {seq}",
                    "parent": record.code,
                    "subdistrict": code,
                    "area_m2": round(area_m2(cell), 1),
                    "generated": True,
                },
                geometry_to_geojson(cell),
            )
        )


def build(target: int = TARGET_GRID_COUNT) -> GeneratedLayers:
    """Generate community and grid features from the packaged real data.

    Args:
        target: Total number of unit grids for the district.

    Returns:
        The generated layers (nothing is written).
    """
    subdistricts = load_subdistrict_partition()
    by_subdistrict: dict[str, list[CommunityRecord]] = defaultdict(list)
    for record in read_communities():
        by_subdistrict[record.subdistrict_code].append(record)
    areas = [area_m2(geom) for _, geom in subdistricts]
    counts = allocate(areas, target, [len(by_subdistrict[code]) for code, _ in subdistricts])
    out = GeneratedLayers(partition=clean_partition([g for _, g in subdistricts], XICHENG_FRAME)[1])
    groups = [
        (code, record, cells)
        for (code, poly), count in zip(subdistricts, counts, strict=True)
        if by_subdistrict[code]
        for record, cells in _community_cells(poly, count, by_subdistrict[code])
    ]
    # Node all cells together so grids of neighbouring subdistricts share exact borders.
    flat, _ = node_coverage([cell for _, _, cells in groups for cell in cells])
    position = 0
    for code, record, cells in groups:
        _features(code, record, flat[position : position + len(cells)], out)
        position += len(cells)
    out.communities.sort(key=lambda f: f["properties"]["code"])
    out.grids.sort(key=lambda f: f["properties"]["code"])
    return out


def write(layers: GeneratedLayers, communities_path: Path, grids_path: Path) -> None:
    """Write both generated layers as compact GeoJSON (6 decimals)."""
    note = "GENERATED placeholder polygons (no public boundaries exist); codes and names are real (NBS 2023)."
    meta = {"generated": True, "generator": _GENERATOR, "note": note}
    write_atomic(communities_path, dumps_collection(layers.communities, {"name": "communities_generated", **meta}))
    write_atomic(grids_path, dumps_collection(layers.grids, {"name": "grids_generated", **meta}))


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: generate and write the two GeoJSON files.

    Args:
        argv: Arguments (default: ``sys.argv[1:]``).

    Returns:
        Process exit status.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--target", type=int, default=TARGET_GRID_COUNT, help="district grid count")
    parser.add_argument("--communities", type=Path, default=COMMUNITIES_GENERATED_FILE)
    parser.add_argument("--grids", type=Path, default=GRIDS_GENERATED_FILE)
    args = parser.parse_args(argv)
    layers = build(args.target)
    write(layers, args.communities, args.grids)
    grid_areas = sorted(f["properties"]["area_m2"] for f in layers.grids)
    print(
        f"{len(layers.communities)} communities -> {args.communities}\n"
        f"{len(layers.grids)} grids -> {args.grids}\n"
        f"grid area m2: min {grid_areas[0]:.0f}, median {grid_areas[len(grid_areas) // 2]:.0f}, "
        f"max {grid_areas[-1]:.0f}; non-contiguous communities: {len(layers.split_communities)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
