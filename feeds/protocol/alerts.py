"""Environment messages: weather warnings, crowd flow, sensor readings, staff, KPIs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from feeds.protocol import fields as f
from feeds.protocol import vocab as v
from feeds.protocol.messages import Message


@dataclass(frozen=True, slots=True)
class WeatherWarning(Message):
    """A weather warning was issued, changed level, or lifted."""

    TYPE: ClassVar[str] = "alert.weather"
    IS_EVENT: ClassVar[bool] = True
    alert_id: str
    hazard: str
    level: str
    active: bool = True
    text: str = ""

    def body(self) -> dict[str, Any]:
        return {
            "alert_id": self.alert_id,
            "hazard": self.hazard,
            "level": self.level,
            "active": self.active,
            "text": self.text,
        }

    @classmethod
    def parse(cls, d: dict[str, Any]) -> WeatherWarning:
        return cls(
            f.req_text(d, "alert_id", pattern=v.PLAIN_ID),
            f.req_text(d, "hazard", choices=v.HAZARDS),
            f.req_text(d, "level", choices=frozenset(v.WARNING_LEVELS)),
            f.flag(d, "active", default=True),
            f.text(d, "text", required=False, max_len=500) or "",
            **cls._head(d),
        )


@dataclass(frozen=True, slots=True)
class CrowdFlow(Message):
    """Visitor count at a crowd hot spot against its capacity."""

    TYPE: ClassVar[str] = "alert.crowd"
    IS_EVENT: ClassVar[bool] = True
    spot_id: str
    count: int
    capacity: int
    level: str

    def body(self) -> dict[str, Any]:
        return {"spot_id": self.spot_id, "count": self.count, "capacity": self.capacity, "level": self.level}

    @classmethod
    def parse(cls, d: dict[str, Any]) -> CrowdFlow:
        return cls(
            f.req_text(d, "spot_id", pattern=v.PLAIN_ID),
            f.req_int(d, "count", hi=10_000_000),
            f.req_int(d, "capacity", lo=1, hi=10_000_000),
            f.req_text(d, "level", choices=frozenset(v.CROWD_LEVELS)),
            **cls._head(d),
        )


@dataclass(frozen=True, slots=True)
class SensorReading(Message):
    """A sensor reading; ``alarm`` when beyond its threshold."""

    TYPE: ClassVar[str] = "alert.sensor"
    IS_EVENT: ClassVar[bool] = True
    sensor_id: str
    sensor_kind: str
    value: float
    unit: str
    threshold: float
    alarm: bool
    lon: float
    lat: float
    name: str = ""

    def body(self) -> dict[str, Any]:
        return {
            "sensor_id": self.sensor_id,
            "sensor_kind": self.sensor_kind,
            "value": round(self.value, 3),
            "unit": self.unit,
            "threshold": self.threshold,
            "alarm": self.alarm,
            "lon": round(self.lon, 6),
            "lat": round(self.lat, 6),
            "name": self.name,
        }

    @classmethod
    def parse(cls, d: dict[str, Any]) -> SensorReading:
        return cls(
            f.req_text(d, "sensor_id", pattern=v.PLAIN_ID),
            f.req_text(d, "sensor_kind", choices=v.SENSOR_KINDS),
            f.req_num(d, "value"),
            f.req_text(d, "unit", max_len=16),
            f.req_num(d, "threshold"),
            f.flag(d, "alarm"),
            f.req_num(d, "lon", lo=-180.0, hi=180.0),  # any city (imports), as a case's position
            f.req_num(d, "lat", lo=-90.0, hi=90.0),
            f.text(d, "name", required=False, max_len=100) or "",
            **cls._head(d),
        )


@dataclass(frozen=True, slots=True)
class StaffPosition:
    """Where one patrol supervisor is."""

    staff_id: str
    grid: str
    lon: float
    lat: float
    on_duty: bool = True

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.staff_id,
            "grid": self.grid,
            "lon": round(self.lon, 6),
            "lat": round(self.lat, 6),
            "on_duty": self.on_duty,
        }

    @classmethod
    def from_wire(cls, d: Any, path: str) -> StaffPosition:
        if not isinstance(d, dict):
            raise f.ProtocolError("bad_field", f"field '{path}' must be an object", path)
        return cls(
            f.req_text(d, "id", path, pattern=v.PLAIN_ID),
            f.req_text(d, "grid", path, pattern=v.GRID_CODE),
            f.req_num(d, "lon", path, lo=-180.0, hi=180.0),  # any city (imports), as a case's position
            f.req_num(d, "lat", path, lo=-90.0, hi=90.0),
            f.flag(d, "on_duty", path, default=True),
        )


@dataclass(frozen=True, slots=True)
class StaffPositions(Message):
    """Latest positions of moving supervisors (volatile: no ``seq``, not replayed)."""

    TYPE: ClassVar[str] = "staff.positions"
    positions: tuple[StaffPosition, ...] = ()

    def body(self) -> dict[str, Any]:
        return {"positions": [p.to_wire() for p in self.positions]}

    @classmethod
    def parse(cls, d: dict[str, Any]) -> StaffPositions:
        items = f.lst(d, "positions", max_items=5000)
        return cls(tuple(StaffPosition.from_wire(x, f"positions[{i}]") for i, x in enumerate(items)), **cls._head(d))


@dataclass(frozen=True, slots=True)
class Kpis(Message):
    """Key figures computed by the server (volatile: no ``seq``).

    ``today`` holds ``reported, filed, dispatched, closed, closure_rate,
    on_time_rate``; ``totals`` holds ``cases, closed, closure_rate, since``.
    """

    TYPE: ClassVar[str] = "kpi"
    today: dict[str, float] | None = None
    totals: dict[str, Any] | None = None

    def body(self) -> dict[str, Any]:
        return {"today": self.today or {}, "totals": self.totals or {}}

    @classmethod
    def parse(cls, d: dict[str, Any]) -> Kpis:
        return cls(f.obj(d, "today", required=False) or {}, f.obj(d, "totals", required=False) or {}, **cls._head(d))
