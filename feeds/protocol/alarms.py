"""Alarm and linkage-plan messages: the duty room's alarm lifecycle on the wire.

Alarms are raised and changed by the server only (``feeds.alarms``); operators act on
them with :class:`AlarmAction` and tick plan steps with :class:`PlanAction`; the server
turns those into the events below, signed with the token's name. See
``docs/protocol.md#alarms`` for the lifecycle and examples.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from feeds.protocol import fields as f
from feeds.protocol import vocab as v
from feeds.protocol.messages import Message

ALARM_KINDS = frozenset({"weather", "crowd", "sensor", "due_soon", "overdue", "anomaly"})
"""What raised an alarm: a weather warning, a crowded hot spot, a sensor beyond its threshold,
a case about to pass its deadline, an overdue case that was auto-urged (催办), an
early-warning anomaly (预警: a case type far above its baseline in a unit today)."""
PRIORITIES: tuple[str, ...] = ("high", "medium", "low")
"""The three alarm priorities, most urgent first (ISA-18.2 / EEMUA 191 use three or four)."""
ALARM_STATES: tuple[str, ...] = ("active", "acknowledged", "shelved", "cleared")
ALARM_CHANGES = frozenset({"ack", "shelve", "unshelve", "clear"})
OPERATOR_ALARM_ACTIONS = frozenset({"ack", "shelve", "unshelve"})
ALARM_ID = re.compile(r"[A-Za-z0-9_.:-]{1,100}")
MAX_SHELVE_MIN = 24 * 60
"""Longest shelving an operator may ask for (minutes); the server's own limit may be lower."""


@dataclass(frozen=True, slots=True)
class AlarmInfo:
    """One alarm: what raised it, its priority, and where it is in its lifecycle.

    ``state`` follows from the times: ``cleared`` once ``cleared_at`` is set, else
    ``shelved`` while ``shelved_until`` is set, else ``acknowledged`` once ``acked_at`` is
    set, else ``active`` (unacknowledged).
    """

    id: str
    kind: str
    source: str  # alert id, spot id, sensor id or case id
    priority: str
    raised_at: float
    level: str = ""  # warning colour, crowd level or sensor kind
    hazard: str = ""  # weather alarms
    subclass: str = ""  # case alarms: the case type
    department: str = ""  # case alarms: who owes the work
    grid: str = ""
    lon: float | None = None
    lat: float | None = None
    deadline: float | None = None  # case alarms: the deadline at stake
    text: str = ""  # warning text or sensor name (untrusted: shown as plain text)
    acked_at: float | None = None
    acked_by: str = ""
    shelved_until: float | None = None
    shelved_by: str = ""
    shelve_reason: str = ""
    cleared_at: float | None = None

    @property
    def state(self) -> str:
        """``active``, ``acknowledged``, ``shelved`` or ``cleared``."""
        if self.cleared_at is not None:
            return "cleared"
        if self.shelved_until is not None:
            return "shelved"
        return "acknowledged" if self.acked_at is not None else "active"

    def changed(self, change: AlarmChanged, at: float) -> AlarmInfo:
        """This alarm after ``change`` (already checked with :func:`check_change`) at ``at``."""
        if change.action == "ack":
            return replace(self, acked_at=at, acked_by=change.by)
        if change.action == "shelve":
            return replace(self, shelved_until=change.until, shelved_by=change.by, shelve_reason=change.reason)
        if change.action == "unshelve":
            return replace(self, shelved_until=None, shelved_by="", shelve_reason="")
        return replace(self, cleared_at=at)

    @classmethod
    def from_wire(cls, d: dict[str, Any], path: str = "alarm") -> AlarmInfo:
        return cls(
            id=f.req_text(d, "id", path, pattern=ALARM_ID),
            kind=f.req_text(d, "kind", path, choices=ALARM_KINDS),
            source=f.req_text(d, "source", path, pattern=v.PLAIN_ID),
            priority=f.req_text(d, "priority", path, choices=frozenset(PRIORITIES)),
            raised_at=f.req_ts(d, "raised_at", path),
            level=f.text(d, "level", path, required=False, max_len=32) or "",
            hazard=f.text(d, "hazard", path, required=False, max_len=32) or "",
            subclass=f.text(d, "subclass", path, required=False, pattern=v.SUBCLASS_CODE) or "",
            department=f.text(d, "department", path, required=False, pattern=v.DEPT_CODE) or "",
            grid=f.text(d, "grid", path, required=False, pattern=v.GRID_CODE) or "",
            lon=f.number(d, "lon", path, required=False, lo=-180.0, hi=180.0),
            lat=f.number(d, "lat", path, required=False, lo=-90.0, hi=90.0),
            deadline=f.timestamp(d, "deadline", path, required=False),
            text=f.text(d, "text", path, required=False, max_len=500) or "",
            acked_at=f.timestamp(d, "acked_at", path, required=False),
            acked_by=f.text(d, "acked_by", path, required=False, max_len=64) or "",
            shelved_until=f.timestamp(d, "shelved_until", path, required=False),
            shelved_by=f.text(d, "shelved_by", path, required=False, max_len=64) or "",
            shelve_reason=f.text(d, "shelve_reason", path, required=False, max_len=200) or "",
            cleared_at=f.timestamp(d, "cleared_at", path, required=False),
        )

    def to_wire(self) -> dict[str, Any]:
        return f.drop_none(
            {
                "id": self.id,
                "kind": self.kind,
                "source": self.source,
                "priority": self.priority,
                "state": self.state,
                "raised_at": f.iso(self.raised_at),
                "level": self.level or None,
                "hazard": self.hazard or None,
                "subclass": self.subclass or None,
                "department": self.department or None,
                "grid": self.grid or None,
                "lon": round(self.lon, 6) if self.lon is not None else None,
                "lat": round(self.lat, 6) if self.lat is not None else None,
                "deadline": f.iso(self.deadline),
                "text": self.text or None,
                "acked_at": f.iso(self.acked_at),
                "acked_by": self.acked_by or None,
                "shelved_until": f.iso(self.shelved_until),
                "shelved_by": self.shelved_by or None,
                "shelve_reason": self.shelve_reason or None,
                "cleared_at": f.iso(self.cleared_at),
            }
        )


@dataclass(frozen=True, slots=True)
class AlarmRaised(Message):
    """A new alarm (server-generated)."""

    TYPE: ClassVar[str] = "alarm.raised"
    IS_EVENT: ClassVar[bool] = True
    alarm: AlarmInfo

    def body(self) -> dict[str, Any]:
        return {"alarm": self.alarm.to_wire()}

    @classmethod
    def parse(cls, d: dict[str, Any]) -> AlarmRaised:
        data = f.obj(d, "alarm")
        assert data is not None
        return cls(AlarmInfo.from_wire(data), **cls._head(d))


@dataclass(frozen=True, slots=True)
class AlarmChanged(Message):
    """An alarm was acknowledged, shelved, unshelved or cleared at ``ts`` by ``by``."""

    TYPE: ClassVar[str] = "alarm.changed"
    IS_EVENT: ClassVar[bool] = True
    alarm_id: str
    action: str
    by: str
    until: float | None = None  # shelve: when it comes back by itself
    reason: str = ""  # shelve: why (required); other actions: a note

    def body(self) -> dict[str, Any]:
        return f.drop_none(
            {
                "alarm_id": self.alarm_id,
                "action": self.action,
                "by": self.by,
                "until": f.iso(self.until),
                "reason": self.reason or None,
            }
        )

    @classmethod
    def parse(cls, d: dict[str, Any]) -> AlarmChanged:
        action = f.req_text(d, "action", choices=ALARM_CHANGES)
        return cls(
            f.req_text(d, "alarm_id", pattern=ALARM_ID),
            action,
            f.req_text(d, "by", max_len=64),
            f.timestamp(d, "until", required=action == "shelve"),
            f.text(d, "reason", required=action == "shelve", max_len=200) or "",
            **cls._head(d),
        )


def check_change(alarm: AlarmInfo, change: AlarmChanged) -> str | None:
    """Why ``change`` cannot apply to ``alarm`` now (``None``: it can)."""
    state = alarm.state
    if state == "cleared":
        return f"alarm '{alarm.id}' is cleared: cannot {change.action} it"
    if change.action == "ack" and alarm.acked_at is not None:
        return f"alarm '{alarm.id}' was already acknowledged by {alarm.acked_by or 'someone'}"
    if change.action == "shelve" and state == "shelved":
        return f"alarm '{alarm.id}' is already shelved"
    if change.action == "unshelve" and state != "shelved":
        return f"alarm '{alarm.id}' is not shelved"
    return None


@dataclass(frozen=True, slots=True)
class AlarmAction(Message):
    """Operator → server: acknowledge, shelve (for ``minutes``, with a ``reason``) or unshelve alarms."""

    TYPE: ClassVar[str] = "alarm.action"
    action: str
    alarm_ids: tuple[str, ...]
    minutes: int | None = None
    reason: str = ""

    def body(self) -> dict[str, Any]:
        return f.drop_none(
            {
                "action": self.action,
                "alarm_ids": list(self.alarm_ids),
                "minutes": self.minutes,
                "reason": self.reason or None,
            }
        )

    @classmethod
    def parse(cls, d: dict[str, Any]) -> AlarmAction:
        action = f.req_text(d, "action", choices=OPERATOR_ALARM_ACTIONS)
        raw = f.lst(d, "alarm_ids", max_items=200)
        if not raw:
            raise f.ProtocolError("bad_field", "field 'alarm_ids' must name at least one alarm", "alarm_ids")
        ids = []
        for i, item in enumerate(raw):
            if not isinstance(item, str) or not ALARM_ID.fullmatch(item):
                raise f.ProtocolError("bad_field", f"field 'alarm_ids[{i}]' is not an alarm id", f"alarm_ids[{i}]")
            ids.append(item)
        shelve = action == "shelve"
        minutes = f.integer(d, "minutes", required=shelve, lo=1, hi=MAX_SHELVE_MIN)
        reason = f.text(d, "reason", required=shelve, max_len=200) or ""
        if shelve and not reason.strip():
            raise f.ProtocolError("bad_field", "a shelved alarm needs a reason", "reason")
        return cls(action, tuple(dict.fromkeys(ids)), minutes, reason, **cls._head(d))


# ------------------------------------------------------------------ linkage plans
@dataclass(frozen=True, slots=True)
class PlanStep:
    """One step of a running linkage plan: what to do, which department, done or not."""

    id: str
    text: str
    text_en: str
    department: str
    done: bool = False
    by: str = ""
    at: float | None = None
    note: str = ""

    @classmethod
    def from_wire(cls, d: Any, path: str) -> PlanStep:
        if not isinstance(d, dict):
            raise f.ProtocolError("bad_field", f"field '{path}' must be an object", path)
        return cls(
            f.req_text(d, "id", path, pattern=v.PLAIN_ID),
            f.req_text(d, "text", path, max_len=200),
            f.text(d, "text_en", path, required=False, max_len=200) or "",
            f.req_text(d, "department", path, pattern=v.DEPT_CODE),
            f.flag(d, "done", path),
            f.text(d, "by", path, required=False, max_len=64) or "",
            f.timestamp(d, "at", path, required=False),
            f.text(d, "note", path, required=False, max_len=500) or "",
        )

    def to_wire(self) -> dict[str, Any]:
        return f.drop_none(
            {
                "id": self.id,
                "text": self.text,
                "text_en": self.text_en or None,
                "department": self.department,
                "done": self.done,
                "by": self.by or None,
                "at": f.iso(self.at),
                "note": self.note or None,
            }
        )


@dataclass(frozen=True, slots=True)
class PlanRun:
    """A linkage plan started by a weather warning, with its checklist's current state."""

    id: str
    plan_id: str
    alert_id: str
    hazard: str
    level: str
    title: str
    title_en: str
    started_at: float
    layers: tuple[str, ...] = ()
    steps: tuple[PlanStep, ...] = ()
    closed_at: float | None = None
    close_reason: str = ""

    def ticked(self, step: PlanStepDone, at: float) -> PlanRun:
        """This run with ``step`` applied (already checked)."""
        steps = tuple(
            replace(s, done=step.done, by=step.by if step.done else "", at=at if step.done else None, note=step.note)
            if s.id == step.step_id
            else s
            for s in self.steps
        )
        return replace(self, steps=steps)

    @classmethod
    def from_wire(cls, d: dict[str, Any], path: str = "run") -> PlanRun:
        layers = f.lst(d, "layers", path, max_items=20)
        if not all(isinstance(x, str) and v.PLAIN_ID.fullmatch(x) for x in layers):
            raise f.ProtocolError("bad_field", f"field '{path}.layers' must list layer names", f"{path}.layers")
        steps = f.lst(d, "steps", path, max_items=100)
        return cls(
            id=f.req_text(d, "id", path, pattern=ALARM_ID),
            plan_id=f.req_text(d, "plan_id", path, pattern=v.PLAIN_ID),
            alert_id=f.req_text(d, "alert_id", path, pattern=v.PLAIN_ID),
            hazard=f.req_text(d, "hazard", path, choices=v.HAZARDS),
            level=f.req_text(d, "level", path, choices=frozenset(v.WARNING_LEVELS)),
            title=f.req_text(d, "title", path, max_len=200),
            title_en=f.text(d, "title_en", path, required=False, max_len=200) or "",
            started_at=f.req_ts(d, "started_at", path),
            layers=tuple(layers),
            steps=tuple(PlanStep.from_wire(x, f"{path}.steps[{i}]") for i, x in enumerate(steps)),
            closed_at=f.timestamp(d, "closed_at", path, required=False),
            close_reason=f.text(d, "close_reason", path, required=False, max_len=200) or "",
        )

    def to_wire(self) -> dict[str, Any]:
        return f.drop_none(
            {
                "id": self.id,
                "plan_id": self.plan_id,
                "alert_id": self.alert_id,
                "hazard": self.hazard,
                "level": self.level,
                "title": self.title,
                "title_en": self.title_en or None,
                "started_at": f.iso(self.started_at),
                "layers": list(self.layers),
                "steps": [s.to_wire() for s in self.steps],
                "closed_at": f.iso(self.closed_at),
                "close_reason": self.close_reason or None,
            }
        )


@dataclass(frozen=True, slots=True)
class PlanStarted(Message):
    """A weather warning started a linkage plan (server-generated)."""

    TYPE: ClassVar[str] = "plan.started"
    IS_EVENT: ClassVar[bool] = True
    run: PlanRun

    def body(self) -> dict[str, Any]:
        return {"run": self.run.to_wire()}

    @classmethod
    def parse(cls, d: dict[str, Any]) -> PlanStarted:
        data = f.obj(d, "run")
        assert data is not None
        return cls(PlanRun.from_wire(data), **cls._head(d))


@dataclass(frozen=True, slots=True)
class PlanStepDone(Message):
    """An operator ticked (or un-ticked, ``done: false``) a step of a running plan."""

    TYPE: ClassVar[str] = "plan.step"
    IS_EVENT: ClassVar[bool] = True
    run_id: str
    step_id: str
    done: bool
    by: str
    note: str = ""

    def body(self) -> dict[str, Any]:
        return f.drop_none(
            {
                "run_id": self.run_id,
                "step_id": self.step_id,
                "done": self.done,
                "by": self.by,
                "note": self.note or None,
            }
        )

    @classmethod
    def parse(cls, d: dict[str, Any]) -> PlanStepDone:
        return cls(
            f.req_text(d, "run_id", pattern=ALARM_ID),
            f.req_text(d, "step_id", pattern=v.PLAIN_ID),
            f.flag(d, "done", default=True),
            f.req_text(d, "by", max_len=64),
            f.text(d, "note", required=False, max_len=500) or "",
            **cls._head(d),
        )


@dataclass(frozen=True, slots=True)
class PlanClosed(Message):
    """A linkage plan ended: its warning was lifted or changed level (server-generated)."""

    TYPE: ClassVar[str] = "plan.closed"
    IS_EVENT: ClassVar[bool] = True
    run_id: str
    reason: str = ""

    def body(self) -> dict[str, Any]:
        return f.drop_none({"run_id": self.run_id, "reason": self.reason or None})

    @classmethod
    def parse(cls, d: dict[str, Any]) -> PlanClosed:
        return cls(
            f.req_text(d, "run_id", pattern=ALARM_ID),
            f.text(d, "reason", required=False, max_len=200) or "",
            **cls._head(d),
        )


@dataclass(frozen=True, slots=True)
class PlanAction(Message):
    """Operator → server: tick (``done: true``) or un-tick a step of a running plan."""

    TYPE: ClassVar[str] = "plan.action"
    run_id: str
    step_id: str
    done: bool = True
    note: str = ""

    def body(self) -> dict[str, Any]:
        return f.drop_none(
            {"run_id": self.run_id, "step_id": self.step_id, "done": self.done, "note": self.note or None}
        )

    @classmethod
    def parse(cls, d: dict[str, Any]) -> PlanAction:
        return cls(
            f.req_text(d, "run_id", pattern=ALARM_ID),
            f.req_text(d, "step_id", pattern=v.PLAIN_ID),
            f.flag(d, "done", default=True),
            f.text(d, "note", required=False, max_len=500) or "",
            **cls._head(d),
        )


SERVER_ONLY_EVENTS = frozenset(
    {AlarmRaised.TYPE, AlarmChanged.TYPE, PlanStarted.TYPE, PlanStepDone.TYPE, PlanClosed.TYPE}
)
"""Events only the server appends (from its alarm engine or from operators' requests): no producer sends them."""
