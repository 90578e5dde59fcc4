"""Closed vocabularies of the wire protocol (stages, sources, levels...)."""

from __future__ import annotations

import re

PROTOCOL_VERSION = 1
"""Version carried in every message's ``v`` field."""

STAGES: tuple[str, ...] = (
    "reported",  # 信息收集 / 上报
    "filed",  # 立案
    "dispatched",  # 派发
    "handling",  # 处置
    "closure_requested",  # 申结
    "verifying",  # 核查
    "closed",  # 结案
    "cancelled",  # 不予立案 / 作废
)
OPEN_STAGES = frozenset(STAGES[:6])
FINAL_STAGES = frozenset({"closed", "cancelled"})
NEXT_STAGES: dict[str, frozenset[str]] = {
    "reported": frozenset({"filed", "cancelled"}),
    "filed": frozenset({"dispatched", "cancelled"}),
    "dispatched": frozenset({"dispatched", "handling", "cancelled"}),  # dispatched again: reassigned
    "handling": frozenset({"closure_requested", "dispatched", "cancelled"}),  # dispatched: sent back for reassignment
    "closure_requested": frozenset({"verifying", "handling", "cancelled"}),  # handling: closure refused (rework)
    "verifying": frozenset({"closed", "handling", "cancelled"}),  # handling: verification failed (rework)
    "closed": frozenset(),
    "cancelled": frozenset(),
}
"""The workflow 立案→派发→处置→申结→核查→结案: the stages a case may move to from each stage."""
REWORK_FROM = frozenset({"closure_requested", "verifying"})
"""Stages from which a move back to ``handling`` is a rework (返工)."""
STAGE_NAMES_ZH = {
    "reported": "上报",
    "filed": "立案",
    "dispatched": "派发",
    "handling": "处置",
    "closure_requested": "申结",
    "verifying": "核查",
    "closed": "结案",
    "cancelled": "作废",
}
"""Chinese stage names, for error messages."""

KINDS = frozenset({"component", "event"})  # 部件 / 事件
SOURCES: tuple[str, ...] = (
    "patrol",  # 监督员巡查
    "hotline_12345",
    "hotline_12341",
    "mailbox",  # 政务信箱
    "app",  # 西城随手拍
    "city_platform",  # 市级平台
    "sensor",  # 物联感知
    "online",  # 全响应: 网络渠道 (web, app, mini-program)
    "grid_member",  # 全响应: 网格员上报
)
PLATFORMS: tuple[str, ...] = ("city", "response")
"""A case belongs to one platform: ``city`` 城市管理 (when absent) or ``response`` 全响应 (12345 接诉即办)."""
SATISFACTION: tuple[str, ...] = ("satisfied", "basically_satisfied", "unsatisfied")
"""A 全响应 caller's rating at the return visit (回访): 满意 / 基本满意 / 不满意."""
WARNING_LEVELS: tuple[str, ...] = ("blue", "yellow", "orange", "red")
HAZARDS = frozenset(
    {"rainstorm", "snowstorm", "gale", "haze", "heat", "cold_wave", "thunder", "road_icing", "sandstorm", "fog"}
)
CROWD_LEVELS: tuple[str, ...] = ("normal", "busy", "crowded", "critical")
SENSOR_KINDS = frozenset({"rain_gauge", "water_level", "manhole", "rfid"})
ROLES = frozenset({"wall", "operator", "producer"})
ACTIONS = frozenset({"urge", "difficult", "undifficult", "note"})

CASE_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")
COMPONENT_CODE = re.compile(r"[0-9]{16}")
"""A component's code (GB/T 30428.2): 6-digit district + 2 major + 2 minor + 6 serial."""
GRID_CODE = re.compile(r"\d{15}")  # 6 district + 3 subdistrict + 3 community + 3 grid digits; any city
UNIT_CODE = re.compile(r"\d{6}(\d{3}(\d{3}(\d{3})?)?)?")  # any city: the store's units say which exist
PLAIN_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
SUBCLASS_CODE = re.compile(r"\d{4,6}")
DEPT_CODE = re.compile(r"[A-Za-z0-9_-]{1,32}")

STORE_HEALTH = frozenset({"ok", "down"})
"""``heartbeat.store``: whether the server reaches its store."""

# ---------------------------------------------------------------- case_history codes
# Words a producer or the seeder stores in ``case_history`` (``actor``, ``note``) are
# language-neutral codes; the views translate them (widgets/timeline.py) and show any
# other text as it was written.
SEEDED_ACTOR = "history"
"""``actor`` of the rows the history seeder writes (reworks, urges, difficult registrations,
a request's first return visit and re-opening): shown as "seeded history" / 历史数据."""
SEEDED_OPERATOR = "值班员"
"""``by`` of the acknowledgements recorded for seeded escalations (the duty officer); views
show it in their language."""
RETURN_VISITOR = "return_visitor"
"""``by`` of the simulator's return visits (``case.evaluated``): shown as "return visitor" / 回访员."""
REOPENED_NOTE = "reopened_unresolved"
"""Note of a 全响应 request re-opened after an unresolved return visit (回访未解决，重新办理)."""
LEGACY_CODES = {"回访员": RETURN_VISITOR, "回访未解决，重新办理": REOPENED_NOTE}
"""Words stores written before the codes hold, read as their code."""
_EVALUATION_NOTE = re.compile(r"(resolved|unresolved)(?::|, )(satisfied|basically_satisfied|unsatisfied)")


def evaluation_note(resolved: bool, satisfaction: str) -> str:
    """The ``note`` of an ``evaluated`` history row: ``resolved:satisfied``, ``unresolved:unsatisfied``..."""
    return f"{'resolved' if resolved else 'unresolved'}:{satisfaction}"


def parse_evaluation_note(note: str) -> tuple[bool, str] | None:
    """``(resolved, satisfaction)`` of an :func:`evaluation_note` (also the older ``unresolved, unsatisfied``)."""
    m = _EVALUATION_NOTE.fullmatch(note.strip())
    return (m.group(1) == "resolved", m.group(2)) if m else None
