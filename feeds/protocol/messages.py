"""Typed messages of the GridWall wire protocol, version 1.

Every message is a frozen dataclass with a ``TYPE`` (its wire ``type``),
``from_wire`` (validate a decoded JSON object) and ``to_wire`` (plain dict).
Event messages (:data:`EVENT_TYPES`) carry a server ``seq``; producers send
them without one. See ``docs/protocol.md`` for the wire form and examples.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from feeds.protocol import fields as f
from feeds.protocol import vocab as v

_SOURCES = frozenset(v.SOURCES)
_STAGES = frozenset(v.STAGES)
_PLATFORMS = frozenset(v.PLATFORMS)
_SATISFACTION = frozenset(v.SATISFACTION)


@dataclass(frozen=True, slots=True)
class CaseInfo:
    """One case as the wall sees it (current state)."""

    id: str
    kind: str
    subclass: str
    source: str
    grid: str
    lon: float
    lat: float
    stage: str
    reported_at: float
    department: str
    description: str = ""
    address: str = ""
    deadline: float | None = None  # deadline of the current stage
    handle_deadline: float | None = None  # 处置时限
    difficult: bool = False
    urges: int = 0
    reworks: int = 0
    platform: str = "city"  # city 城市管理 / response 全响应
    response_deadline: float | None = None  # 全响应: contact the caller by then (响应时限)
    resolved: bool | None = None  # 全响应 evaluation (回访): resolved or not
    satisfaction: str | None = None  # 全响应 evaluation: satisfied / basically_satisfied / unsatisfied
    component: str | None = None  # 部件 case: the component's GB/T 30428.2 code (16 digits), when known
    reporter: str | None = None  # patrol case: the id of the supervisor (监督员) who reported it, when known

    @property
    def community(self) -> str:
        """12-digit community code (prefix of the grid code)."""
        return self.grid[:12]

    @property
    def subdistrict(self) -> str:
        """9-digit subdistrict code (prefix of the grid code)."""
        return self.grid[:9]

    @classmethod
    def from_wire(cls, d: dict[str, Any], path: str = "case") -> CaseInfo:
        return cls(
            id=f.req_text(d, "id", path, pattern=v.CASE_ID),
            kind=f.req_text(d, "kind", path, choices=v.KINDS),
            subclass=f.req_text(d, "subclass", path, pattern=v.SUBCLASS_CODE),
            source=f.req_text(d, "source", path, choices=_SOURCES),
            grid=f.req_text(d, "grid", path, pattern=v.GRID_CODE),
            lon=f.req_num(d, "lon", path, lo=-180.0, hi=180.0),  # any city (imports); the grid must exist
            lat=f.req_num(d, "lat", path, lo=-90.0, hi=90.0),
            stage=f.req_text(d, "stage", path, choices=_STAGES),
            reported_at=f.req_ts(d, "reported_at", path),
            department=f.req_text(d, "department", path, pattern=v.DEPT_CODE),
            description=f.text(d, "description", path, required=False, max_len=1000) or "",
            address=f.text(d, "address", path, required=False, max_len=200) or "",
            deadline=f.timestamp(d, "deadline", path, required=False),
            handle_deadline=f.timestamp(d, "handle_deadline", path, required=False),
            difficult=f.flag(d, "difficult", path),
            urges=f.integer(d, "urges", path, required=False, hi=10_000) or 0,
            reworks=f.integer(d, "reworks", path, required=False, hi=10_000) or 0,
            platform=f.text(d, "platform", path, required=False, choices=_PLATFORMS) or "city",
            response_deadline=f.timestamp(d, "response_deadline", path, required=False),
            resolved=f.flag(d, "resolved", path) if d.get("resolved") is not None else None,
            satisfaction=f.text(d, "satisfaction", path, required=False, choices=_SATISFACTION),
            component=f.text(d, "component", path, required=False, max_len=16, pattern=v.COMPONENT_CODE),
            reporter=f.text(d, "reporter", path, required=False, max_len=64, pattern=v.PLAIN_ID),
        )

    def to_wire(self) -> dict[str, Any]:
        return f.drop_none(
            {
                "id": self.id,
                "kind": self.kind,
                "subclass": self.subclass,
                "source": self.source,
                "grid": self.grid,
                "lon": round(self.lon, 6),
                "lat": round(self.lat, 6),
                "stage": self.stage,
                "reported_at": f.iso(self.reported_at),
                "department": self.department,
                "description": self.description or None,
                "address": self.address or None,
                "deadline": f.iso(self.deadline),
                "handle_deadline": f.iso(self.handle_deadline),
                "difficult": self.difficult or None,
                "urges": self.urges or None,
                "reworks": self.reworks or None,
                "platform": self.platform if self.platform != "city" else None,
                "response_deadline": f.iso(self.response_deadline),
                "resolved": self.resolved,
                "satisfaction": self.satisfaction,
                "component": self.component,
                "reporter": self.reporter,
            }
        )


@dataclass(frozen=True, slots=True)
class Message:
    """Base of all messages. ``seq`` is set on events sent by the server."""

    TYPE: ClassVar[str] = ""
    IS_EVENT: ClassVar[bool] = False
    seq: int | None = field(default=None, kw_only=True)
    ts: float | None = field(default=None, kw_only=True)
    id: str | None = field(default=None, kw_only=True)  # client correlation id

    def body(self) -> dict[str, Any]:
        """The type-specific fields (override)."""
        return {}

    def to_wire(self) -> dict[str, Any]:
        head: dict[str, Any] = {"type": self.TYPE, "v": v.PROTOCOL_VERSION}
        if self.seq is not None:
            head["seq"] = self.seq
        if self.ts is not None:
            head["ts"] = f.iso(self.ts)
        if self.id is not None:
            head["id"] = self.id
        head.update(self.body())
        return head

    @classmethod
    def parse(cls, d: dict[str, Any]) -> Message:
        """Build the message from its validated body fields (override)."""
        return cls(**cls._head(d))

    @classmethod
    def _head(cls, d: dict[str, Any]) -> dict[str, Any]:
        return {
            "seq": f.integer(d, "seq", required=False, lo=1),
            "ts": f.timestamp(d, "ts", required=False),
            "id": f.text(d, "id", required=False, pattern=v.PLAIN_ID),
        }
