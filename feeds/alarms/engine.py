"""The alarm engine: compares what the store says is going on with the alarms it holds.

One :meth:`AlarmEngine.scan` reads the store (active alerts, open alarms, cases near or
past their deadline, running linkage plans) and returns the events that bring the alarms
in line, in groups that are appended one transaction each:

- an active weather warning, a crowded hot spot or a sensor beyond its threshold has an
  active alarm of the configured priority; when its level changes the alarm is cleared
  and a new one raised; when the condition ends the alarm is cleared;
- a dispatched or handling case whose deadline is within the lead time raises a
  ``due_soon`` alarm; once the deadline has passed by the urge delay the case is urged
  (``case.urged`` by :data:`AUTO_ACTOR`, so it shows in its history and timeline) and an
  ``overdue`` alarm is raised in the same transaction; both clear when the case moves on;
- a shelved alarm whose shelving ran out is unshelved;
- a weather warning with a linkage plan opens the plan; the plan closes with the warning;
- an early-warning anomaly (a case type far above its baseline in a unit today, from the
  :data:`~feeds.alarms.anomalies.AnomalySource` the server gives) has one alarm while it
  stands; it is evaluated at most every ``anomaly_every_s``, and cleared when it ends.

Level-based, not edge-based: a restart, a missed event or a second server on the same
store ends in the same alarms, and the store refuses a duplicate (``conflict``), so two
engines cannot raise one alarm twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace

from sqlalchemy import Connection, and_, select

from feeds.alarms.anomalies import Anomaly, AnomalySource, anomalies_from_rows
from feeds.alarms.config import AlarmConfig
from feeds.alarms.plans import LinkagePlan, plan_for
from feeds.protocol import (
    AlarmChanged,
    AlarmInfo,
    AlarmRaised,
    CaseUrged,
    CrowdFlow,
    Message,
    PlanClosed,
    PlanRun,
    PlanStarted,
    SensorReading,
    WeatherWarning,
    from_dict,
)
from feeds.store import Store
from feeds.store.alarm_state import open_alarms, open_runs
from feeds.store.schema import alarms, alerts, cases, departments

AUTO_ACTOR = "系统自动催办"
"""``by`` of the urges the engine sends (shown in the case's history and timeline)."""
SYSTEM_ACTOR = "system"
"""``by`` of the alarm changes the engine makes (cleared, shelving ran out)."""
UNHANDLED = ("dispatched", "handling")
"""Stages in which a case's deadline is its department's to meet: these escalate."""
ALERT_KINDS = ("weather", "crowd", "sensor")
CONDITION_KINDS = (*ALERT_KINDS, "anomaly")
"""Alarms that stand while a condition holds (cleared by the engine when it ends)."""


@dataclass(frozen=True)
class CaseRow:
    id: str
    stage: str
    deadline: float | None
    subclass: str
    department: str
    grid: str
    lon: float
    lat: float


CASE_COLS = (
    cases.c.id,
    cases.c.stage,
    cases.c.deadline_at,
    cases.c.subclass,
    cases.c.department,
    cases.c.grid,
    cases.c.lon,
    cases.c.lat,
)


def case_row(row: object) -> CaseRow:
    r = row._mapping  # type: ignore[attr-defined]
    deadline = float(r["deadline_at"]) if r["deadline_at"] is not None else None
    return CaseRow(r["id"], r["stage"], deadline, r["subclass"], r["department"], r["grid"], r["lon"], r["lat"])


class AlarmEngine:
    """Raises, clears and escalates alarms; opens and closes linkage plans.

    Args:
        config: Priorities and escalation times.
        plans: Linkage plans per warning type and colour.
        anomalies: Today's early-warning anomalies of a store (``None``: no anomaly alarms).
    """

    def __init__(
        self, config: AlarmConfig, plans: tuple[LinkagePlan, ...] = (), anomalies: AnomalySource | None = None
    ) -> None:
        self.config = config
        self.plans = plans
        self.anomalies = anomalies
        self._anomalies: tuple[float, list[Anomaly]] | None = None  # (evaluated at, found)

    def scan(self, store: Store, now: float) -> list[list[Message]]:
        """The event groups that bring the store's alarms and plans in line at ``now``."""
        found = self.standing_anomalies(store, now)  # before the transaction: it may take a while
        with store.engine.connect() as conn, conn.begin():
            held = open_alarms(conn)
            conditions = self._conditions(conn, now)
            groups = self._alert_alarms(held, {**conditions, **self._anomaly_conditions(found, held, now)}, now)
            groups += self._case_alarms(conn, held, now)
            groups += self._expired_shelving(held, now)
            groups += self._plans(open_runs(conn), conditions, now)
        return groups

    # ------------------------------------------------------------- alerts
    def _conditions(self, conn: Connection, now: float) -> dict[tuple[str, str], AlarmInfo]:
        """The alarm each active alert calls for, by ``(kind, source)``."""
        want: dict[tuple[str, str], AlarmInfo] = {}
        rows = conn.execute(select(alerts.c.frame).where(alerts.c.active.is_(True), alerts.c.kind.in_(ALERT_KINDS)))
        for frame in rows.scalars():
            alarm = self._alarm_for(from_dict(json.loads(frame)), now)
            if alarm is not None:
                want[(alarm.kind, alarm.source)] = alarm
        return want

    def _alarm_for(self, msg: Message, now: float) -> AlarmInfo | None:
        if isinstance(msg, WeatherWarning):
            kind, source, level = "weather", msg.alert_id, msg.level
        elif isinstance(msg, CrowdFlow):
            kind, source, level = "crowd", msg.spot_id, msg.level
        elif isinstance(msg, SensorReading) and msg.alarm:
            kind, source, level = "sensor", msg.sensor_id, msg.sensor_kind
        else:
            return None
        priority = self.config.priority_of(kind, level)
        if priority is None:
            return None
        alarm = AlarmInfo(f"{kind}:{source}:{int(now)}", kind, source, priority, now, level=level)
        if isinstance(msg, WeatherWarning):
            return replace(alarm, hazard=msg.hazard, text=msg.text)
        if isinstance(msg, SensorReading):
            return replace(alarm, lon=msg.lon, lat=msg.lat, text=msg.name)
        return alarm

    def standing_anomalies(self, store: Store, now: float) -> list[Anomaly] | None:
        """Today's anomalies, evaluated again once ``anomaly_every_s`` has passed (``None``: not known)."""
        if self.anomalies is None:
            return []
        last = self._anomalies
        if last is None or not 0 <= now - last[0] < self.config.anomaly_every_s:
            rows = self.anomalies(store, now, self.config)
            if rows is None:
                return last[1] if last is not None else None
            last = self._anomalies = (now, anomalies_from_rows(rows))
        return last[1]

    def _anomaly_conditions(
        self, found: list[Anomaly] | None, held: list[AlarmInfo], now: float
    ) -> dict[tuple[str, str], AlarmInfo]:
        if found is None:  # not evaluated yet (the analytics is loading): keep what stands
            return {("anomaly", a.source): a for a in held if a.kind == "anomaly"}
        want: dict[tuple[str, str], AlarmInfo] = {}
        for anomaly in found:
            alarm = anomaly.alarm(self.config, now)
            if alarm is not None:
                want[("anomaly", alarm.source)] = alarm
        return want

    def _alert_alarms(
        self, held: list[AlarmInfo], want: dict[tuple[str, str], AlarmInfo], now: float
    ) -> list[list[Message]]:
        groups: list[list[Message]] = []
        have: dict[tuple[str, str], AlarmInfo] = {}
        for alarm in held:
            if alarm.kind not in CONDITION_KINDS:
                continue
            key = (alarm.kind, alarm.source)
            wanted = want.get(key)
            if wanted is None or wanted.level != alarm.level or key in have:
                reason = "condition cleared" if wanted is None else f"level now {wanted.level}"
                groups.append([AlarmChanged(alarm.id, "clear", SYSTEM_ACTOR, reason=reason, ts=now)])
            else:
                have[key] = alarm
        for key, wanted in sorted(want.items()):
            if key not in have:
                groups.append([AlarmRaised(wanted, ts=now)])
        return groups

    # -------------------------------------------------------------- cases
    def _case_alarms(self, conn: Connection, held: list[AlarmInfo], now: float) -> list[list[Message]]:
        cfg = self.config
        groups: list[list[Message]] = []
        tracked = [a for a in held if a.kind in ("due_soon", "overdue")]
        states = self._cases(conn, (a.source for a in tracked))
        for alarm in tracked:
            case = states.get(alarm.source)
            reason = _case_clear_reason(alarm, case, now)
            if reason:
                groups.append([AlarmChanged(alarm.id, "clear", SYSTEM_ACTOR, reason=reason, ts=now)])
        soon = self._unhandled(conn, and_(cases.c.deadline_at > int(now), cases.c.deadline_at <= int(now + cfg.lead_s)))
        late = self._unhandled(
            conn,
            and_(cases.c.deadline_at <= int(now - cfg.urge_delay_s), cases.c.deadline_at >= int(now - cfg.window_s)),
        )
        candidates = [("due_soon", c) for c in soon] + [("overdue", c) for c in late]
        ids = {f"{kind}:{c.id}:{int(c.deadline or 0)}": (kind, c) for kind, c in candidates}
        known = self._known(conn, ids)
        urged = department_names(conn, (c.department for k, c in ids.values() if k == "overdue"))
        budget = cfg.max_per_scan
        for alarm_id, (kind, case) in ids.items():
            if alarm_id in known or budget <= 0:
                continue
            priority = cfg.priority_of(kind)
            if priority is None:
                continue
            budget -= 1
            alarm = case_alarm(kind, case, priority, now)
            if kind == "overdue":
                note = urge_note(int((now - (case.deadline or now)) // 60), urged.get(case.department))
                groups.append([CaseUrged(case.id, AUTO_ACTOR, note, ts=now), AlarmRaised(alarm, ts=now)])
            else:
                groups.append([AlarmRaised(alarm, ts=now)])
        return groups

    @staticmethod
    def _unhandled(conn: Connection, condition: object) -> list[CaseRow]:
        query = (
            select(*CASE_COLS)
            .where(cases.c.stage.in_(UNHANDLED), condition)  # type: ignore[arg-type]
            .order_by(cases.c.deadline_at, cases.c.id)
        )
        return [case_row(r) for r in conn.execute(query)]

    @staticmethod
    def _cases(conn: Connection, ids: Iterable[str]) -> dict[str, CaseRow]:
        wanted = sorted(set(ids))
        found: dict[str, CaseRow] = {}
        for i in range(0, len(wanted), 500):
            for row in conn.execute(select(*CASE_COLS).where(cases.c.id.in_(wanted[i : i + 500]))):
                case = case_row(row)
                found[case.id] = case
        return found

    @staticmethod
    def _known(conn: Connection, ids: Iterable[str]) -> set[str]:
        wanted = sorted(ids)
        known: set[str] = set()
        for i in range(0, len(wanted), 500):
            known.update(conn.execute(select(alarms.c.id).where(alarms.c.id.in_(wanted[i : i + 500]))).scalars())
        return known

    # ------------------------------------------------------------ shelving
    @staticmethod
    def _expired_shelving(held: list[AlarmInfo], now: float) -> list[list[Message]]:
        return [
            [AlarmChanged(a.id, "unshelve", SYSTEM_ACTOR, reason="shelving ran out", ts=now)]
            for a in held
            if a.shelved_until is not None and a.shelved_until <= now
        ]

    # -------------------------------------------------------------- plans
    def _plans(self, runs: list[PlanRun], want: dict[tuple[str, str], AlarmInfo], now: float) -> list[list[Message]]:
        groups: list[list[Message]] = []
        wanted: dict[str, tuple[LinkagePlan, AlarmInfo]] = {}
        for (kind, alert_id), alarm in want.items():
            plan = plan_for(self.plans, alarm.hazard, alarm.level) if kind == "weather" else None
            if plan is not None:
                wanted[alert_id] = (plan, alarm)
        running: set[str] = set()
        for run in runs:
            match = wanted.get(run.alert_id)
            if match is None:
                groups.append([PlanClosed(run.id, "warning lifted", ts=now)])
            elif match[0].id != run.plan_id or match[1].level != run.level or run.alert_id in running:
                groups.append([PlanClosed(run.id, f"warning now {match[1].level}", ts=now)])
            else:
                running.add(run.alert_id)
        for alert_id, (plan, alarm) in sorted(wanted.items()):
            if alert_id not in running:
                groups.append([PlanStarted(plan.run_for(alert_id, alarm.level, now), ts=now)])
        return groups


def case_alarm(kind: str, case: CaseRow, priority: str, at: float) -> AlarmInfo:
    """The ``due_soon`` or ``overdue`` alarm of ``case`` raised at ``at`` (id: kind, case, deadline)."""
    return AlarmInfo(
        f"{kind}:{case.id}:{int(case.deadline or 0)}", kind, case.id, priority, at,
        level=case.stage, subclass=case.subclass, department=case.department, grid=case.grid,
        lon=case.lon, lat=case.lat, deadline=case.deadline,
    )  # fmt: skip


def urge_note(late_min: int, department: tuple[str, str] | None = None) -> str:
    """The note of an auto-urge (催办) ``late_min`` minutes after the deadline, naming the
    department urged (``(name_zh, name_en)``), as the case's history and timeline show it."""
    if department is None:
        return f"超期{late_min}分钟，系统自动催办 · auto-urged {late_min} min after the deadline"
    zh, en = department
    return f"超期{late_min}分钟，向{zh}催办 · auto-urged {en}, {late_min} min after the deadline"


def department_names(conn: Connection, codes: Iterable[str]) -> dict[str, tuple[str, str]]:
    """``(name_zh, name_en)`` of departments by code from the store (a code it lacks names itself)."""
    wanted = sorted(set(codes))
    names = {code: (code, code) for code in wanted}
    if wanted:
        rows = conn.execute(
            select(departments.c.code, departments.c.name_zh, departments.c.name_en).where(
                departments.c.code.in_(wanted)
            )
        )
        names.update({r.code: (r.name_zh or r.code, r.name_en or r.name_zh or r.code) for r in rows})
    return names


def _case_clear_reason(alarm: AlarmInfo, case: CaseRow | None, now: float) -> str:
    """Why a case alarm no longer holds (``""``: it still does)."""
    if case is None or case.stage not in UNHANDLED:
        return "case moved on" if case is not None else "case gone"
    if case.deadline != alarm.deadline:
        return "deadline changed"
    if alarm.kind == "due_soon" and case.deadline is not None and case.deadline <= now:
        return "deadline passed"
    return ""
