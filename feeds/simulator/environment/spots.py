"""Which crowd profile and capacity each hot spot gets (西单 shopping, 金融街 business, 后海 nightlife ...)."""

from __future__ import annotations

from dataclasses import dataclass

from feeds.geo.units import Hotspot, load_hotspots
from feeds.simulator.environment.crowd import CrowdSpot

HOTSPOT_CROWDS: dict[str, tuple[str, int]] = {
    "xidan-shopping-district": ("shopping", 30_000),
    "financial-street": ("business", 25_000),
    "shichahai-yinding-bridge-houhai": ("nightlife", 15_000),
    "houhai-lake-centre": ("scenic", 8_000),
    "prince-gongs-mansion": ("scenic", 6_000),
    "beihai-park": ("scenic", 20_000),
    "dashilan-street-w-of-qianmen-st": ("scenic", 20_000),
    "tianqiao-performing-arts-area": ("nightlife", 8_000),
    "beijing-zoo-gate-zoo-wholesale-market": ("scenic", 30_000),
    "beijing-exhibition-center": ("business", 10_000),
    "beijing-north-railway-station": ("transport", 12_000),
    "niujie-mosque": ("scenic", 3_000),
    "national-centre-for-the-performing-arts": ("nightlife", 6_000),
    "deshengmen-arrow-tower": ("scenic", 2_000),
    "taoranting-park": ("scenic", 15_000),
    "maliandao-tea-street": ("shopping", 8_000),
}
"""Profile and safe capacity (people) per hot-spot id (modelled)."""
_KEYWORDS = (
    ("站", "transport"), ("公园", "scenic"), ("商业", "shopping"), ("街", "shopping"),
    ("海", "nightlife"), ("剧", "nightlife"),
)  # fmt: skip


@dataclass(frozen=True)
class WatchedSpot:
    """A hot spot with its crowd model.

    Attributes:
        hotspot: Position and names.
        crowd: Id, capacity and profile for :func:`~feeds.simulator.environment.crowd.crowd_at`.
    """

    hotspot: Hotspot
    crowd: CrowdSpot


def profile_for(hotspot: Hotspot) -> tuple[str, int]:
    """Profile and capacity of a hot spot: from :data:`HOTSPOT_CROWDS`, else guessed from its name."""
    known = HOTSPOT_CROWDS.get(hotspot.id)
    if known is not None:
        return known
    profile = next((p for word, p in _KEYWORDS if word in hotspot.name_zh), "scenic")
    return profile, 10_000


def watched_spots() -> list[WatchedSpot]:
    """Every packaged hot spot with its crowd model, in file order."""
    spots = []
    for h in load_hotspots():
        profile, capacity = profile_for(h)
        spots.append(WatchedSpot(h, CrowdSpot(h.id[:64], capacity, profile)))
    return spots
