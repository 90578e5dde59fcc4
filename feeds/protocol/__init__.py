"""GridWall wire protocol v1: typed messages and a Sans-I/O codec (no sockets here).

See ``docs/protocol.md``.
"""

from __future__ import annotations

from feeds.protocol.alerts import CrowdFlow, Kpis, SensorReading, StaffPosition, StaffPositions, WeatherWarning
from feeds.protocol.cases import (
    CaseClosed,
    CaseCreated,
    CaseDifficultChanged,
    CaseNoted,
    CaseStageChanged,
    CaseUrged,
)
from feeds.protocol.codec import (
    EVENT_TYPES,
    MAX_CLIENT_FRAME,
    MAX_PRODUCER_FRAME,
    MESSAGE_TYPES,
    decode,
    encode,
    error_for,
    from_dict,
    max_frame,
    may_send,
)
from feeds.protocol.control import (
    Ack,
    Action,
    CaughtUp,
    Error,
    Heartbeat,
    Hello,
    Ping,
    Pong,
    Query,
    Result,
    Snapshot,
    Welcome,
)
from feeds.protocol.fields import BEIJING, ProtocolError, iso
from feeds.protocol.messages import CaseInfo, Message
from feeds.protocol.replay import ReplayControl, ReplayStatus, TourControl
from feeds.protocol.vocab import (
    CROWD_LEVELS,
    FINAL_STAGES,
    NEXT_STAGES,
    OPEN_STAGES,
    PROTOCOL_VERSION,
    SOURCES,
    STAGES,
    WARNING_LEVELS,
)

__all__ = [
    "BEIJING",
    "CROWD_LEVELS",
    "EVENT_TYPES",
    "FINAL_STAGES",
    "MAX_CLIENT_FRAME",
    "MAX_PRODUCER_FRAME",
    "MESSAGE_TYPES",
    "NEXT_STAGES",
    "OPEN_STAGES",
    "PROTOCOL_VERSION",
    "SOURCES",
    "STAGES",
    "WARNING_LEVELS",
    "Ack",
    "Action",
    "CaseClosed",
    "CaseCreated",
    "CaseDifficultChanged",
    "CaseInfo",
    "CaseNoted",
    "CaseStageChanged",
    "CaseUrged",
    "CaughtUp",
    "CrowdFlow",
    "Error",
    "Heartbeat",
    "Hello",
    "Kpis",
    "Message",
    "Ping",
    "Pong",
    "ProtocolError",
    "Query",
    "ReplayControl",
    "ReplayStatus",
    "Result",
    "SensorReading",
    "Snapshot",
    "StaffPosition",
    "StaffPositions",
    "TourControl",
    "WeatherWarning",
    "Welcome",
    "decode",
    "encode",
    "error_for",
    "from_dict",
    "iso",
    "max_frame",
    "may_send",
]
