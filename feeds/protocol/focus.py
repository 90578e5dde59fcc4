"""The look-at message: an operator's look-up steers every wall's map to one target."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar

from feeds.protocol import fields as f
from feeds.protocol.messages import Message

FOCUS_KINDS = frozenset({"district", "subdistrict", "community", "grid", "case", "component", "supervisor", "camera"})
"""What a look-up can name (the ``kind`` of a ``lookup`` match)."""
FOCUS_ZOOM = {"district": 12, "subdistrict": 14, "community": 15, "grid": 17}
"""The zoom a look-up sends per kind of target; anything else: 18 (street level)."""
FOCUS_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
"""A target id: unit and component codes, case ids, ``S007``, camera ids."""


@dataclass(frozen=True, slots=True)
class Focus(Message):
    """Fly every wall's map to one target and highlight it: an operator sends it (answered by ``ack``),
    the server passes it on to every client (volatile, no ``seq``); walls obey, workstations ignore it."""

    TYPE: ClassVar[str] = "focus"
    kind: str
    target: str
    lon: float
    lat: float
    zoom: int = 17
    label: str = ""

    def body(self) -> dict[str, Any]:
        return f.drop_none(
            {
                "kind": self.kind,
                "target": self.target,
                "lon": round(self.lon, 6),
                "lat": round(self.lat, 6),
                "zoom": self.zoom,
                "label": self.label or None,
            }
        )

    @classmethod
    def parse(cls, d: dict[str, Any]) -> Focus:
        return cls(
            f.req_text(d, "kind", choices=FOCUS_KINDS),
            f.req_text(d, "target", max_len=64, pattern=FOCUS_ID),
            f.req_num(d, "lon", lo=-180.0, hi=180.0),
            f.req_num(d, "lat", lo=-90.0, hi=90.0),
            f.integer(d, "zoom", required=False, lo=8, hi=19) or 17,
            f.text(d, "label", required=False, max_len=100) or "",
            **cls._head(d),
        )


def focus_zoom(kind: str) -> int:
    """The map zoom for a target of ``kind`` (see :data:`FOCUS_ZOOM`)."""
    return FOCUS_ZOOM.get(kind, 18)
