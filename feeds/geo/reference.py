"""Real reference data: the district, its subdistricts and NBS communities.

Sources (see ``resources/geo/README.md``): OpenStreetMap subdistrict
boundaries (ODbL) and the national statistics bureau's 2023 division codes.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from resources import resource_path

DISTRICT_CODE: Final = "110102"
DISTRICT_NAME_ZH: Final = "西城区"
DISTRICT_NAME_EN: Final = "Xicheng District"

#: Code length per level (Beijing: 6 district + 3 subdistrict + 3 community + 3 grid).
CODE_LENGTH: Final[dict[str, int]] = {"district": 6, "subdistrict": 9, "community": 12, "grid": 15}
#: The level directly above each level.
PARENT_LEVEL: Final[dict[str, str]] = {"subdistrict": "district", "community": "subdistrict", "grid": "community"}

#: English names of the 15 subdistricts, by official code.
SUBDISTRICT_NAME_EN: Final[dict[str, str]] = {
    "110102001": "Xichang'anjie",
    "110102003": "Xinjiekou",
    "110102007": "Yuetan",
    "110102009": "Zhanlanlu",
    "110102010": "Desheng",
    "110102011": "Financial Street",
    "110102012": "Shichahai",
    "110102013": "Dashilar",
    "110102014": "Tianqiao",
    "110102015": "Chunshu",
    "110102016": "Taoranting",
    "110102017": "Guang'anmennei",
    "110102018": "Niujie",
    "110102019": "Baizhifang",
    "110102020": "Guang'anmenwai",
}

GEO_DIR: Final = resource_path("geo")
SUBDISTRICTS_FILE: Final = GEO_DIR / "subdistricts_osm.geojson"
COMMUNITIES_CSV: Final = GEO_DIR / "communities_nbs2023.csv"
HOTSPOTS_CSV: Final = GEO_DIR / "hotspots.csv"
COMMUNITIES_GENERATED_FILE: Final = GEO_DIR / "communities_generated.geojson"
GRIDS_GENERATED_FILE: Final = GEO_DIR / "grids_generated.geojson"


@dataclass(frozen=True)
class CommunityRecord:
    """One community committee row of the NBS 2023 division codes.

    Attributes:
        code: 12-digit statistical code.
        name_zh: Official name, e.g. ``府右街南社区居委会``.
        subdistrict_code: 9-digit code of the subdistrict.
        subdistrict_name_zh: Subdistrict name, e.g. ``西长安街街道``.
    """

    code: str
    name_zh: str
    subdistrict_code: str
    subdistrict_name_zh: str

    @property
    def short_name_zh(self) -> str:
        """Name without the committee suffix, e.g. ``府右街南社区``."""
        return self.name_zh.removesuffix("居委会").removesuffix("居民委员会")


def read_communities(path: Path = COMMUNITIES_CSV) -> list[CommunityRecord]:
    """Read the NBS community table, sorted by code.

    Args:
        path: CSV with columns ``code,name,streetCode,streetName``.

    Returns:
        One record per community committee.
    """
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [
            CommunityRecord(r["code"].strip(), r["name"].strip(), r["streetCode"].strip(), r["streetName"].strip())
            for r in csv.DictReader(handle)
        ]
    return sorted(rows, key=lambda r: r.code)


def parent_code(code: str) -> str | None:
    """Return the parent unit code implied by the Beijing code scheme.

    Args:
        code: A 6-, 9-, 12- or 15-digit unit code.

    Returns:
        The code with its last 3 digits removed, or None for the district.
    """
    return None if len(code) <= CODE_LENGTH["district"] else code[:-3]


def level_of(code: str) -> str:
    """Return the level name for a unit code, by its length.

    Raises:
        KeyError: If the length matches no level.
    """
    for level, length in CODE_LENGTH.items():
        if len(code) == length:
            return level
    raise KeyError(f"unit code {code!r} has {len(code)} digits; expected 6, 9, 12 or 15")
