"""Session messages: hello/welcome, snapshot, heartbeats, acks, errors, actions, queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from feeds.protocol import fields as f
from feeds.protocol import vocab as v
from feeds.protocol.alarms import AlarmInfo, PlanRun
from feeds.protocol.alerts import CrowdFlow, Kpis, SensorReading, StaffPosition, WeatherWarning
from feeds.protocol.messages import CaseInfo, Message


@dataclass(frozen=True, slots=True)
class Hello(Message):
    """First client message: who it is, what it holds (``last_seq`` of ``store_id``)."""

    TYPE: ClassVar[str] = "hello"
    token: str
    last_seq: int | None = None
    store_id: str | None = None
    client: str = ""

    def body(self) -> dict[str, Any]:
        return f.drop_none(
            {"token": self.token, "last_seq": self.last_seq, "store_id": self.store_id, "client": self.client or None}
        )

    @classmethod
    def parse(cls, d: dict[str, Any]) -> Hello:
        return cls(
            f.req_text(d, "token", max_len=200),
            f.integer(d, "last_seq", required=False),
            f.text(d, "store_id", required=False, pattern=v.PLAIN_ID),
            f.text(d, "client", required=False, max_len=100) or "",
            **cls._head(d),
        )


@dataclass(frozen=True, slots=True)
class Welcome(Message):
    """Server's answer to ``hello``: the role granted and how it will catch the client up.

    ``flood_count`` / ``flood_window_s`` (wire: ``flood {count, window_s}``, optional): the
    server's alarm-flood rule, which walls group floods by; ``None`` from a server without
    an alarm engine (or one from before the field), and the wall keeps its own settings.
    """

    TYPE: ClassVar[str] = "welcome"
    role: str
    store_id: str
    head: int
    resume: str  # "snapshot" or "backfill"
    heartbeat_s: float = 5.0
    server_id: str = ""
    flood_count: int | None = None
    flood_window_s: float | None = None

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "role": self.role,
            "store_id": self.store_id,
            "head": self.head,
            "resume": self.resume,
            "heartbeat_s": self.heartbeat_s,
            "server_id": self.server_id,
        }
        if self.flood_count is not None and self.flood_window_s is not None:
            body["flood"] = {"count": self.flood_count, "window_s": self.flood_window_s}
        return body

    @classmethod
    def parse(cls, d: dict[str, Any]) -> Welcome:
        flood = f.obj(d, "flood", required=False)
        count = window = None
        if flood is not None:
            count = f.req_int(flood, "count", "flood", lo=1)
            window = f.req_num(flood, "window_s", "flood", lo=1)
        return cls(
            f.req_text(d, "role", choices=v.ROLES),
            f.req_text(d, "store_id", pattern=v.PLAIN_ID),
            f.req_int(d, "head"),
            f.req_text(d, "resume", choices=frozenset({"snapshot", "backfill"})),
            f.req_num(d, "heartbeat_s", lo=0.1, hi=3600),
            f.text(d, "server_id", required=False, max_len=100) or "",
            count,
            window,
            **cls._head(d),
        )


@dataclass(frozen=True, slots=True)
class Snapshot(Message):
    """Current state up to and including event ``head``."""

    TYPE: ClassVar[str] = "snapshot"
    head: int
    store_id: str
    cases: tuple[CaseInfo, ...] = ()
    weather: tuple[WeatherWarning, ...] = ()
    crowd: tuple[CrowdFlow, ...] = ()
    sensors: tuple[SensorReading, ...] = ()
    staff: tuple[StaffPosition, ...] = ()
    kpi: Kpis | None = None
    alarms: tuple[AlarmInfo, ...] = ()  # every alarm not cleared
    plans: tuple[PlanRun, ...] = ()  # linkage plans running

    def body(self) -> dict[str, Any]:
        return {
            "head": self.head,
            "store_id": self.store_id,
            "cases": [c.to_wire() for c in self.cases],
            "weather": [w.to_wire() for w in self.weather],
            "crowd": [c.to_wire() for c in self.crowd],
            "sensors": [s.to_wire() for s in self.sensors],
            "staff": [s.to_wire() for s in self.staff],
            "kpi": self.kpi.to_wire() if self.kpi else None,
            "alarms": [a.to_wire() for a in self.alarms],
            "plans": [p.to_wire() for p in self.plans],
        }

    @classmethod
    def parse(cls, d: dict[str, Any]) -> Snapshot:
        def objs(name: str) -> list[tuple[str, dict[str, Any]]]:
            out = []
            for i, item in enumerate(f.lst(d, name, max_items=200_000)):
                if not isinstance(item, dict):
                    raise f.ProtocolError("bad_field", f"field '{name}[{i}]' must be an object", f"{name}[{i}]")
                out.append((f"{name}[{i}]", item))
            return out

        kpi = f.obj(d, "kpi", required=False)
        return cls(
            f.req_int(d, "head"),
            f.req_text(d, "store_id", pattern=v.PLAIN_ID),
            tuple(CaseInfo.from_wire(x, p) for p, x in objs("cases")),
            tuple(WeatherWarning.parse(x) for _, x in objs("weather")),
            tuple(CrowdFlow.parse(x) for _, x in objs("crowd")),
            tuple(SensorReading.parse(x) for _, x in objs("sensors")),
            tuple(StaffPosition.from_wire(x, p) for p, x in objs("staff")),
            Kpis.parse(kpi) if kpi else None,
            tuple(AlarmInfo.from_wire(x, p) for p, x in objs("alarms")),
            tuple(PlanRun.from_wire(x, p) for p, x in objs("plans")),
            **cls._head(d),
        )


@dataclass(frozen=True, slots=True)
class CaughtUp(Message):
    """Sent after a snapshot or backfill: everything up to ``head`` has been sent."""

    TYPE: ClassVar[str] = "caught_up"
    head: int

    def body(self) -> dict[str, Any]:
        return {"head": self.head}

    @classmethod
    def parse(cls, d: dict[str, Any]) -> CaughtUp:
        return cls(f.req_int(d, "head"), **cls._head(d))


@dataclass(frozen=True, slots=True)
class Heartbeat(Message):
    """Periodic server heartbeat with the latest event ``head`` and the store's health.

    ``store`` is ``"ok"`` (left out on the wire) or ``"down"``: the server cannot
    reach its store, ``store_error`` says why; its ``head`` may then be behind.
    """

    TYPE: ClassVar[str] = "heartbeat"
    head: int
    store: str = "ok"
    store_error: str | None = None

    def body(self) -> dict[str, Any]:
        if self.store == "ok":
            return {"head": self.head}
        return f.drop_none({"head": self.head, "store": self.store, "store_error": self.store_error})

    @classmethod
    def parse(cls, d: dict[str, Any]) -> Heartbeat:
        return cls(
            f.req_int(d, "head"),
            f.text(d, "store", required=False, choices=v.STORE_HEALTH) or "ok",
            f.text(d, "store_error", required=False, max_len=500),
            **cls._head(d),
        )


@dataclass(frozen=True, slots=True)
class Ping(Message):
    """Client heartbeat; the server answers with :class:`Pong` echoing ``t``."""

    TYPE: ClassVar[str] = "ping"
    t: float = 0.0

    def body(self) -> dict[str, Any]:
        return {"t": self.t}

    @classmethod
    def parse(cls, d: dict[str, Any]) -> Ping:
        return cls(f.number(d, "t", required=False) or 0.0, **cls._head(d))


@dataclass(frozen=True, slots=True)
class Pong(Ping):
    """Answer to :class:`Ping`."""

    TYPE: ClassVar[str] = "pong"


@dataclass(frozen=True, slots=True)
class Ack(Message):
    """A client message ``id`` was accepted; ``event_seq`` is the event it produced."""

    TYPE: ClassVar[str] = "ack"
    event_seq: int | None = None

    def body(self) -> dict[str, Any]:
        return f.drop_none({"event_seq": self.event_seq})

    @classmethod
    def parse(cls, d: dict[str, Any]) -> Ack:
        return cls(f.integer(d, "event_seq", required=False), **cls._head(d))


@dataclass(frozen=True, slots=True)
class Error(Message):
    """A request was refused; ``field`` names the offending field when there is one."""

    TYPE: ClassVar[str] = "error"
    code: str
    message: str
    field: str | None = None

    def body(self) -> dict[str, Any]:
        return f.drop_none({"code": self.code, "message": self.message, "field": self.field})

    @classmethod
    def parse(cls, d: dict[str, Any]) -> Error:
        return cls(
            f.req_text(d, "code", max_len=40),
            f.req_text(d, "message", max_len=1000),
            f.text(d, "field", required=False, max_len=200),
            **cls._head(d),
        )


@dataclass(frozen=True, slots=True)
class Action(Message):
    """Operator action on a case: ``urge``, ``difficult``, ``undifficult`` or ``note``."""

    TYPE: ClassVar[str] = "action"
    action: str
    case_id: str
    text: str = ""

    def body(self) -> dict[str, Any]:
        return f.drop_none({"action": self.action, "case_id": self.case_id, "text": self.text or None})

    @classmethod
    def parse(cls, d: dict[str, Any]) -> Action:
        action = f.req_text(d, "action", choices=v.ACTIONS)
        text = f.text(d, "text", required=action == "note", max_len=2000) or ""
        return cls(action, f.req_text(d, "case_id", pattern=v.CASE_ID), text, **cls._head(d))


@dataclass(frozen=True, slots=True)
class Query(Message):
    """A read-only question to the server (drill-down, indicators); answered by :class:`Result`."""

    TYPE: ClassVar[str] = "query"
    name: str
    params: dict[str, Any]

    def body(self) -> dict[str, Any]:
        return {"name": self.name, "params": self.params}

    @classmethod
    def parse(cls, d: dict[str, Any]) -> Query:
        return cls(f.req_text(d, "name", pattern=v.PLAIN_ID), f.obj(d, "params", required=False) or {}, **cls._head(d))


@dataclass(frozen=True, slots=True)
class Result(Message):
    """Answer to :class:`Query` with the same ``id``."""

    TYPE: ClassVar[str] = "result"
    data: Any = None

    def body(self) -> dict[str, Any]:
        return {"data": self.data}

    @classmethod
    def parse(cls, d: dict[str, Any]) -> Result:
        return cls(d.get("data"), **cls._head(d))
