"""Basemap and display configuration of the grid map."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

TileCrs = Literal["wgs84", "gcj02"]

LOCAL_TILES_URL = "gridwall://tiles/{z}/{x}/{y}.png"
"""Where a local tile archive is served to the page."""


@dataclass(frozen=True, slots=True)
class MapConfig:
    """How the map is drawn underneath the live overlays.

    Attributes:
        tiles: A tile URL template (``https://.../{z}/{x}/{y}.png``) or None for
            no basemap (styled boundaries on dark, the default). A template is
            the user's explicit choice: only its host is let through the
            request blocker.
        tiles_crs: ``"gcj02"`` when the tiles come from a Chinese source
            (Amap, Tencent...): the overlays are then shifted from WGS-84 to
            GCJ-02 at the edge so they sit on the tiles. Data stays WGS-84.
        attribution: Attribution text of the tile source (plain text).
        local_tiles_dir: A local ``z/x/y.png`` directory or ``.mbtiles`` file,
            served through the custom scheme; used when ``tiles`` is None.
        min_zoom: Lowest zoom the user may reach.
        max_zoom: Highest zoom the user may reach.
        tms: The local directory uses TMS row numbering (y flipped).
    """

    tiles: str | None = None
    tiles_crs: TileCrs = "wgs84"
    attribution: str = ""
    local_tiles_dir: Path | None = None
    min_zoom: int = 11
    max_zoom: int = 19
    tms: bool = False

    def __post_init__(self) -> None:
        if self.tiles_crs not in ("wgs84", "gcj02"):
            raise ValueError(f"tiles_crs must be 'wgs84' or 'gcj02', not {self.tiles_crs!r}")
        if self.tiles is not None and not re.match(r"^https?://", self.tiles):
            raise ValueError("tiles must be an http(s) URL template with {z}/{x}/{y}")
        if not 0 <= self.min_zoom <= self.max_zoom <= 22:
            raise ValueError("need 0 <= min_zoom <= max_zoom <= 22")

    @property
    def tile_url(self) -> str | None:
        """The URL template the page uses, or None for no basemap."""
        if self.tiles is not None:
            return self.tiles
        if self.local_tiles_dir is not None:
            return LOCAL_TILES_URL
        return None

    @property
    def is_gcj02(self) -> bool:
        """True when overlays must be shifted to GCJ-02 to match the tiles."""
        return self.tile_url is not None and self.tiles_crs == "gcj02"

    def allowed_host_pattern(self) -> re.Pattern[str] | None:
        """A regex matching the tile template's host(s), or None without remote tiles.

        ``{s}`` subdomain placeholders match any single DNS label.
        """
        if self.tiles is None:
            return None
        host = urlsplit(self.tiles).netloc.rsplit("@", 1)[-1].split(":")[0].lower()
        parts = [re.escape(p) for p in host.split("{s}")]
        return re.compile("^" + "[a-z0-9-]+".join(parts) + "$")
