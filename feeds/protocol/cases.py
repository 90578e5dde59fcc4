"""Case events: created, stage changed, urged, difficult, noted, closed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from feeds.protocol import fields as f
from feeds.protocol import vocab as v
from feeds.protocol.messages import CaseInfo, Message

_MOVE_STAGES = frozenset(v.STAGES) - {"reported", "closed"}
"""Stages a ``case.stage`` may name (a case is reported by ``case.created`` and closed by ``case.closed``)."""
_SATISFACTION = frozenset(v.SATISFACTION)


@dataclass(frozen=True, slots=True)
class CaseCreated(Message):
    """A new case entered the system (上报)."""

    TYPE: ClassVar[str] = "case.created"
    IS_EVENT: ClassVar[bool] = True
    case: CaseInfo

    def body(self) -> dict[str, Any]:
        return {"case": self.case.to_wire()}

    @classmethod
    def parse(cls, d: dict[str, Any]) -> CaseCreated:
        case = f.obj(d, "case")
        assert case is not None
        return cls(CaseInfo.from_wire(case), **cls._head(d))


@dataclass(frozen=True, slots=True)
class CaseStageChanged(Message):
    """A case moved to another workflow stage (``rework`` when sent back to handling)."""

    TYPE: ClassVar[str] = "case.stage"
    IS_EVENT: ClassVar[bool] = True
    case_id: str
    stage: str
    deadline: float | None = None
    department: str | None = None
    rework: bool = False
    note: str | None = None
    response_deadline: float | None = None  # 全响应, with ``dispatched``: contact the caller by then

    def body(self) -> dict[str, Any]:
        return f.drop_none(
            {
                "case_id": self.case_id,
                "stage": self.stage,
                "deadline": f.iso(self.deadline),
                "department": self.department,
                "rework": self.rework or None,
                "note": self.note,
                "response_deadline": f.iso(self.response_deadline),
            }
        )

    @classmethod
    def parse(cls, d: dict[str, Any]) -> CaseStageChanged:
        stage = f.req_text(d, "stage", choices=_MOVE_STAGES)
        return cls(
            f.req_text(d, "case_id", pattern=v.CASE_ID),
            stage,
            deadline=f.timestamp(d, "deadline", required=False),
            department=f.text(d, "department", required=False, pattern=v.DEPT_CODE),
            rework=f.flag(d, "rework"),
            note=f.text(d, "note", required=False, max_len=500),
            response_deadline=f.timestamp(d, "response_deadline", required=False),
            **cls._head(d),
        )


@dataclass(frozen=True, slots=True)
class CaseClosed(Message):
    """A case was closed (结案); ``on_time`` if within its handling deadline."""

    TYPE: ClassVar[str] = "case.closed"
    IS_EVENT: ClassVar[bool] = True
    case_id: str
    on_time: bool = True

    def body(self) -> dict[str, Any]:
        return {"case_id": self.case_id, "on_time": self.on_time}

    @classmethod
    def parse(cls, d: dict[str, Any]) -> CaseClosed:
        return cls(f.req_text(d, "case_id", pattern=v.CASE_ID), f.flag(d, "on_time", default=True), **cls._head(d))


@dataclass(frozen=True, slots=True)
class CaseUrged(Message):
    """Someone urged (催办) the department responsible for a case."""

    TYPE: ClassVar[str] = "case.urged"
    IS_EVENT: ClassVar[bool] = True
    case_id: str
    by: str
    note: str | None = None

    def body(self) -> dict[str, Any]:
        return f.drop_none({"case_id": self.case_id, "by": self.by, "note": self.note})

    @classmethod
    def parse(cls, d: dict[str, Any]) -> CaseUrged:
        return cls(
            f.req_text(d, "case_id", pattern=v.CASE_ID),
            f.req_text(d, "by", max_len=64),
            f.text(d, "note", required=False, max_len=500),
            **cls._head(d),
        )


@dataclass(frozen=True, slots=True)
class CaseDifficultChanged(Message):
    """A case was marked (or unmarked) as difficult (疑难)."""

    TYPE: ClassVar[str] = "case.difficult"
    IS_EVENT: ClassVar[bool] = True
    case_id: str
    difficult: bool
    by: str

    def body(self) -> dict[str, Any]:
        return {"case_id": self.case_id, "difficult": self.difficult, "by": self.by}

    @classmethod
    def parse(cls, d: dict[str, Any]) -> CaseDifficultChanged:
        if "difficult" not in d:
            raise f.ProtocolError("bad_field", "missing field 'difficult'", "difficult")
        return cls(
            f.req_text(d, "case_id", pattern=v.CASE_ID),
            f.flag(d, "difficult"),
            f.req_text(d, "by", max_len=64),
            **cls._head(d),
        )


@dataclass(frozen=True, slots=True)
class CaseNoted(Message):
    """An operator added a note to a case."""

    TYPE: ClassVar[str] = "case.noted"
    IS_EVENT: ClassVar[bool] = True
    case_id: str
    by: str
    text: str

    def body(self) -> dict[str, Any]:
        return {"case_id": self.case_id, "by": self.by, "text": self.text}

    @classmethod
    def parse(cls, d: dict[str, Any]) -> CaseNoted:
        return cls(
            f.req_text(d, "case_id", pattern=v.CASE_ID),
            f.req_text(d, "by", max_len=64),
            f.req_text(d, "text", max_len=2000),
            **cls._head(d),
        )


@dataclass(frozen=True, slots=True)
class CaseEvaluated(Message):
    """The return visit (回访) of a 全响应 request: was it resolved, was the caller satisfied (评)."""

    TYPE: ClassVar[str] = "case.evaluated"
    IS_EVENT: ClassVar[bool] = True
    case_id: str
    resolved: bool
    satisfaction: str
    by: str = ""

    def body(self) -> dict[str, Any]:
        return f.drop_none(
            {
                "case_id": self.case_id,
                "resolved": self.resolved,
                "satisfaction": self.satisfaction,
                "by": self.by or None,
            }
        )

    @classmethod
    def parse(cls, d: dict[str, Any]) -> CaseEvaluated:
        if "resolved" not in d:
            raise f.ProtocolError("bad_field", "missing field 'resolved'", "resolved")
        satisfaction = f.req_text(d, "satisfaction", choices=_SATISFACTION)
        return cls(
            f.req_text(d, "case_id", pattern=v.CASE_ID),
            f.flag(d, "resolved"),
            satisfaction,
            f.text(d, "by", required=False, max_len=64) or "",
            **cls._head(d),
        )
