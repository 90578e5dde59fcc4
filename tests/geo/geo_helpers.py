"""Constants shared by the geodata tests (a uniquely named module, unlike conftest)."""

from __future__ import annotations

from pathlib import Path

from feeds.geo.projection import XICHENG_FRAME

DATA_DIR = Path(__file__).parent / "data"
#: Square metres per square degree at the district centre.
M2_PER_DEG2 = XICHENG_FRAME.kx * XICHENG_FRAME.ky
