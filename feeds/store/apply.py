"""Apply durable events to the state tables, checking each against the store first.

:class:`EventApplier` runs inside the append transaction. It reads the state of
every case a batch names in one query (:meth:`EventApplier.prefetch`), checks
and applies the events in order against that state held in memory (so an event
sees the effects of earlier events of its batch), and writes the result with a
few ``executemany`` statements per table in :meth:`EventApplier.flush`: new
cases, changed cases (one row per case, whatever number of its events the batch
held), history rows, alerts, sensor readings. A batch costs the same number of
statements — and on PostgreSQL of round trips — whether it holds one event or
hundreds. A :class:`~feeds.protocol.ProtocolError` raised here rolls the whole
batch back (nothing of it is written).

Writes to ``cases``, ``case_history``, ``alerts`` and ``sensor_readings`` are
deferred until :meth:`~EventApplier.flush`: code that reads those tables inside
the append transaction must flush first.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Insert, Table, Update, bindparam, insert, select, update

from feeds.protocol import (
    FINAL_STAGES,
    STAGES,
    CaseClosed,
    CaseCreated,
    CaseDifficultChanged,
    CaseEvaluated,
    CaseNoted,
    CaseStageChanged,
    CaseUrged,
    CrowdFlow,
    Message,
    ProtocolError,
    SensorReading,
    WeatherWarning,
)
from feeds.protocol.vocab import NEXT_STAGES, REWORK_FROM, STAGE_NAMES_ZH, evaluation_note
from feeds.store.alarm_state import ALARM_EVENTS, AlarmApplier
from feeds.store.counters import KpiDeltas
from feeds.store.driver_sql import executemany
from feeds.store.reference import Reference
from feeds.store.schema import alerts, case_history, cases, sensor_readings

_STAGE_INDEX = {s: i for i, s in enumerate(STAGES)}
_CASE_STATE = (
    cases.c.stage,
    cases.c.reported_at,
    cases.c.filed_at,
    cases.c.dispatched_at,
    cases.c.urges,
    cases.c.reworks,
    cases.c.responded_at,
    cases.c.platform,
)
_IN_CHUNK = 500
"""Case ids per ``IN (…)`` of the prefetch query."""
_STATES = select(cases.c.id, *_CASE_STATE).where(cases.c.id.in_(bindparam("ids", expanding=True)))
_ALERT_IDS = select(alerts.c.id).where(alerts.c.id.in_(bindparam("ids", expanding=True)))
_UPDATES: dict[tuple[Table, tuple[str, ...]], Update] = {}
_INSERTS: dict[Table, Insert] = {}
RESPONSE_CODE_LEN = 6
"""全响应 request types have six-digit codes (``feeds.response.taxonomy``), city subclasses four."""
ANSWERED_FROM = frozenset({"reported", "filed"})
"""Stages from which a 全响应 request may be closed at once: answered on the line, never dispatched."""
EVALUATED_AT = frozenset({"closure_requested", "verifying", "closed"})
"""Stages at which a 全响应 request may be evaluated (回访: after the department's reply)."""


def _stage_name(stage: str) -> str:
    return f"'{stage}' ({STAGE_NAMES_ZH.get(stage, stage)})"


def stage_columns(
    stage: str, t: float, state: dict[str, Any], on_time: bool | None = None, *, answered: bool = False
) -> dict[str, Any]:
    """Column values for a case entering ``stage`` at ``t`` (first-reached times are kept).

    Reaching a stage past ``filed``/``dispatched`` fills those times if the case skipped them
    (``handling`` also fills ``responded_at``). ``answered``: a 全响应 request closed on the
    line, accepted but never dispatched.
    """
    values: dict[str, Any] = {"stage": stage}
    at = int(t)
    index = _STAGE_INDEX[stage]
    if stage != "cancelled":
        if index >= _STAGE_INDEX["filed"] and state.get("filed_at") is None:
            values["filed_at"] = at
        if not answered and index >= _STAGE_INDEX["dispatched"] and state.get("dispatched_at") is None:
            values["dispatched_at"] = at
        if not answered and index >= _STAGE_INDEX["handling"] and state.get("responded_at") is None:
            values["responded_at"] = at
    if stage == "closure_requested":
        values["handled_at"] = at
    elif stage == "closed":
        values.update(closed_at=at, on_time=bool(on_time) if on_time is not None else True, deadline_at=None)
    elif stage == "cancelled":
        values.update(cancelled_at=at, deadline_at=None)
    return values


def count_stage(deltas: KpiDeltas, values: dict[str, Any], reported_at: float) -> None:
    """KPI increments implied by :func:`stage_columns` output."""
    if "filed_at" in values:
        deltas.add("filed", values["filed_at"])
        deltas.add("cohort_filed", reported_at)
    if "dispatched_at" in values:
        deltas.add("dispatched", values["dispatched_at"])
    if "closed_at" in values:
        deltas.add("closed", values["closed_at"])
        if values.get("on_time"):
            deltas.add("closed_on_time", values["closed_at"])
        deltas.add("cohort_closed", reported_at)
    if "cancelled_at" in values:
        deltas.add("cohort_cancelled", reported_at)


class EventApplier:
    """Checks and applies events to ``cases``, ``case_history``, ``alerts`` and ``sensor_readings``.

    Args:
        conn: Connection inside the append transaction.
        reference: Known grid and subclass codes.
        deltas: Where KPI increments are collected.
    """

    def __init__(self, conn: Connection, reference: Reference, deltas: KpiDeltas) -> None:
        self._conn = conn
        self._ref = reference
        self._deltas = deltas
        self._state: dict[str, dict[str, Any] | None] = {}  # case id -> state columns (None: no such case)
        self._new_cases: dict[str, dict[str, Any]] = {}  # rows to insert
        self._changed: dict[str, dict[str, Any]] = {}  # case id -> columns to set
        self._history_rows: list[dict[str, Any]] = []
        self._alerts: dict[str, dict[str, Any]] = {}  # alert id -> latest values
        self._readings: list[dict[str, Any]] = []
        self._alarms = AlarmApplier(conn)  # alarm tables: written at once (the case checks never read them)

    def prefetch(self, msgs: Iterable[Message]) -> None:
        """Read the state of every case the events name, in one query per 500 ids."""
        wanted: set[str] = set()
        for msg in msgs:
            if isinstance(msg, CaseCreated):
                wanted.add(msg.case.id)
            elif isinstance(case_id := getattr(msg, "case_id", None), str):
                wanted.add(case_id)
        self._load(wanted - self._state.keys())

    def _load(self, ids: set[str]) -> None:
        ordered = sorted(ids)
        for i in range(0, len(ordered), _IN_CHUNK):
            part = ordered[i : i + _IN_CHUNK]
            self._state.update(dict.fromkeys(part))
            for row in self._conn.execute(_STATES, {"ids": part}).mappings():
                state = dict(row)
                self._state[state.pop("id")] = state

    def flush(self) -> None:
        """Write what the events applied so far changed (a few ``executemany`` statements)."""
        conn = self._conn
        if self._new_cases:
            _insert_grouped(conn, cases, self._new_cases.values())
            self._new_cases.clear()
        if self._changed:
            groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
            for case_id, values in self._changed.items():
                keys = tuple(sorted(values))
                groups.setdefault(keys, []).append({"_id": case_id, **{f"v_{k}": values[k] for k in keys}})
            for keys, rows in groups.items():
                executemany(conn, _update_statement(cases, keys), rows)
            self._changed.clear()
        if self._history_rows:
            executemany(conn, _insert_statement(case_history), self._history_rows)
            self._history_rows = []
        if self._readings:
            conn.execute(_insert_statement(sensor_readings), self._readings)
            self._readings = []
        if self._alerts:
            self._flush_alerts()

    def apply(self, msg: Message, seq: int, ts: float, frame: str) -> None:
        """Apply one event (``msg`` carries its ``seq`` and ``ts``; ``frame`` is its encoding)."""
        if isinstance(msg, CaseCreated):
            self._created(msg, seq, ts)
        elif isinstance(msg, CaseStageChanged):
            self._stage(msg, seq, ts)
        elif isinstance(msg, CaseClosed):
            self._closed(msg, seq, ts)
        elif isinstance(msg, CaseUrged):
            state = self._open_case(msg.case_id, "case_id", "urge")
            self._update(msg.case_id, seq, urges=state["urges"] + 1)
            self._history(msg.case_id, ts, "urge", seq, actor=msg.by, note=msg.note or "")
        elif isinstance(msg, CaseDifficultChanged):
            self._open_case(msg.case_id, "case_id", "change its difficult mark")
            self._update(msg.case_id, seq, difficult=msg.difficult)
            self._history(msg.case_id, ts, "difficult" if msg.difficult else "undifficult", seq, actor=msg.by)
        elif isinstance(msg, CaseEvaluated):
            self._evaluated(msg, seq, ts)
        elif isinstance(msg, CaseNoted):
            self._case(msg.case_id)
            self._update(msg.case_id, seq)
            self._history(msg.case_id, ts, "note", seq, actor=msg.by, note=msg.text)
        elif isinstance(msg, WeatherWarning):
            self._alert(msg.alert_id, "weather", msg.active, msg.level, ts, frame)
        elif isinstance(msg, CrowdFlow):
            self._alert(f"crowd:{msg.spot_id}", "crowd", msg.level != "normal", msg.level, ts, frame)
        elif isinstance(msg, SensorReading):
            self._readings.append(
                {
                    "sensor_id": msg.sensor_id,
                    "kind": msg.sensor_kind,
                    "at": int(ts),
                    "value": msg.value,
                    "alarm": msg.alarm,
                }
            )
            level = "alarm" if msg.alarm else "normal"
            self._alert(f"sensor:{msg.sensor_id}", "sensor", msg.alarm, level, ts, frame)
        elif isinstance(msg, ALARM_EVENTS):
            self._alarms.apply(msg, seq, ts)
        else:
            raise ProtocolError("unknown_type", f"'{msg.TYPE}' is not an event", "type")

    # -- cases ---------------------------------------------------------------

    def _created(self, msg: CaseCreated, seq: int, ts: float) -> None:
        c = msg.case
        if self._known(c.id) is not None:
            raise ProtocolError("conflict", f"case '{c.id}' already exists", "case.id")
        if self._ref.grids and c.grid not in self._ref.grids:
            raise ProtocolError("bad_field", f"unknown grid '{c.grid}'", "case.grid")
        if self._ref.subclasses:
            known = self._ref.subclasses.get(c.subclass)
            if known is None:
                raise ProtocolError("bad_field", f"unknown subclass '{c.subclass}'", "case.subclass")
            if known[0] != c.kind:
                raise ProtocolError("bad_field", f"subclass '{c.subclass}' is of kind '{known[0]}'", "case.kind")
            if (len(c.subclass) == RESPONSE_CODE_LEN) != (c.platform == "response"):
                raise ProtocolError(
                    "bad_field",
                    f"subclass '{c.subclass}' does not belong to platform '{c.platform}' "
                    "(全响应 request types have six digits, city-management subclasses four)",
                    "case.platform",
                )
        reported = int(c.reported_at)
        row: dict[str, Any] = {
            "id": c.id,
            "kind": c.kind,
            "subclass": c.subclass,
            "source": c.source,
            "grid": c.grid,
            "community": c.community,
            "subdistrict": c.subdistrict,
            "department": c.department,
            "lon": c.lon,
            "lat": c.lat,
            "address": c.address,
            "description": c.description,
            "reported_at": reported,
            "deadline_at": int(c.deadline) if c.deadline is not None else None,
            "handle_deadline_at": int(c.handle_deadline) if c.handle_deadline is not None else None,
            "difficult": c.difficult,
            "urges": c.urges,
            "reworks": c.reworks,
            "updated_seq": seq,
            "platform": c.platform,
            "response_deadline_at": int(c.response_deadline) if c.response_deadline is not None else None,
            "component": c.component,
            "reporter": c.reporter,
        }
        if c.component is not None and (c.kind != "component" or c.component[6:10] != c.subclass):
            raise ProtocolError(
                "bad_field",
                f"component {c.component} is not of the case's subclass {c.subclass} (digits 7-10 of the code)",
                "case.component",
            )
        if c.reporter is not None and c.source != "patrol":
            raise ProtocolError(
                "bad_field", f"only a patrol case names its reporter (source is '{c.source}')", "case.reporter"
            )
        if c.satisfaction is not None:
            if c.platform != "response":
                raise ProtocolError("bad_field", "only a 全响应 request carries an evaluation", "case.satisfaction")
            row.update(evaluated_at=int(ts), resolved=bool(c.resolved), satisfaction=c.satisfaction)
        stage_values = stage_columns(c.stage, ts, {}, on_time=True)
        row.update(stage_values)
        self._new_cases[c.id] = row
        self._state[c.id] = {col.name: row.get(col.name) for col in _CASE_STATE}
        if c.platform != "response":  # kpi_daily counts city management; 全响应 has its own rates
            self._deltas.add("reported", reported)
            count_stage(self._deltas, stage_values, reported)
        self._history(c.id, reported, "reported", seq, deadline=c.deadline)
        if c.stage != "reported":
            self._history(c.id, ts, c.stage, seq, deadline=c.deadline)

    def _stage(self, msg: CaseStageChanged, seq: int, ts: float) -> None:
        state = self._open_case(msg.case_id, "stage", f"move to '{msg.stage}'")
        self._check_move(msg.case_id, state["stage"], msg.stage, "stage")
        if msg.rework and state["stage"] not in REWORK_FROM:
            raise ProtocolError(
                "conflict",
                f"case '{msg.case_id}' is at stage {_stage_name(state['stage'])}: "
                "a rework goes back to handling from closure_requested or verifying only",
                "rework",
            )
        values = stage_columns(msg.stage, ts, state)
        if msg.stage not in FINAL_STAGES:
            values["deadline_at"] = int(msg.deadline) if msg.deadline is not None else None
        if msg.stage == "handling" and msg.deadline is not None:
            values["handle_deadline_at"] = int(msg.deadline)
        if msg.department is not None:
            values["department"] = msg.department
        if msg.response_deadline is not None:
            values["response_deadline_at"] = int(msg.response_deadline)
        if msg.rework:
            values["reworks"] = state["reworks"] + 1
        self._update(msg.case_id, seq, **values)
        if state["platform"] != "response":
            count_stage(self._deltas, values, state["reported_at"])
        action = "rework" if msg.rework else msg.stage
        self._history(msg.case_id, ts, action, seq, deadline=msg.deadline, note=msg.note or "")

    def _closed(self, msg: CaseClosed, seq: int, ts: float) -> None:
        state = self._open_case(msg.case_id, "case_id", "close")
        answered = state["platform"] == "response" and state["stage"] in ANSWERED_FROM
        if not answered:
            self._check_move(msg.case_id, state["stage"], "closed", "case_id")
        values = stage_columns("closed", ts, state, on_time=msg.on_time, answered=answered)
        self._update(msg.case_id, seq, **values)
        if state["platform"] != "response":
            count_stage(self._deltas, values, state["reported_at"])
        self._history(msg.case_id, ts, "closed", seq)

    def _known(self, case_id: str) -> dict[str, Any] | None:
        """The case's state as of the events applied so far (``None``: no such case)."""
        if case_id not in self._state:
            self._load({case_id})
        return self._state[case_id]

    def _evaluated(self, msg: CaseEvaluated, seq: int, ts: float) -> None:
        state = self._case(msg.case_id)
        if state["platform"] != "response":
            raise ProtocolError("conflict", f"case '{msg.case_id}' is not a 全响应 request: no evaluation", "case_id")
        if state["stage"] not in EVALUATED_AT or state["dispatched_at"] is None:
            raise ProtocolError(
                "conflict",
                f"case '{msg.case_id}' is at stage {_stage_name(state['stage'])}: a request is evaluated (回访) "
                "after the department's reply (closure_requested, verifying or closed)",
                "case_id",
            )
        self._update(msg.case_id, seq, evaluated_at=int(ts), resolved=msg.resolved, satisfaction=msg.satisfaction)
        note = evaluation_note(msg.resolved, msg.satisfaction)  # a code the views translate
        self._history(msg.case_id, ts, "evaluated", seq, actor=msg.by, note=note)

    def _case(self, case_id: str) -> dict[str, Any]:
        state = self._known(case_id)
        if state is None:
            raise ProtocolError("not_found", f"unknown case '{case_id}'", "case_id")
        return dict(state)

    def _open_case(self, case_id: str, field: str, what: str) -> dict[str, Any]:
        state = self._case(case_id)
        if state["stage"] in FINAL_STAGES:
            raise ProtocolError("conflict", f"case '{case_id}' is {state['stage']}: cannot {what}", field)
        return state

    @staticmethod
    def _check_move(case_id: str, current: str, target: str, field: str) -> None:
        """Refuse a move the workflow does not allow (``conflict`` naming the case's stage)."""
        allowed = NEXT_STAGES.get(current, frozenset())
        if target not in allowed:
            nexts = ", ".join(s for s in STAGES if s in allowed) or "none"
            raise ProtocolError(
                "conflict",
                f"case '{case_id}' is at stage {_stage_name(current)}: cannot move to {_stage_name(target)} "
                f"(allowed next: {nexts})",
                field,
            )

    def _update(self, case_id: str, seq: int, **values: Any) -> None:
        values["updated_seq"] = seq
        state = self._state[case_id]
        assert state is not None
        for key in state.keys() & values.keys():
            state[key] = values[key]
        new = self._new_cases.get(case_id)
        if new is not None:  # created in this batch: still one INSERT
            new.update(values)
        else:
            self._changed.setdefault(case_id, {}).update(values)

    def _history(
        self,
        case_id: str,
        t: float,
        action: str,
        seq: int,
        *,
        deadline: float | None = None,
        actor: str = "",
        note: str = "",
    ) -> None:
        self._history_rows.append(
            {
                "case_id": case_id,
                "at": int(t),
                "action": action,
                "deadline_at": int(deadline) if deadline is not None else None,
                "actor": actor,
                "note": note,
                "seq": seq,
            }
        )

    # -- alerts --------------------------------------------------------------

    def _alert(self, alert_id: str, kind: str, active: bool, level: str, ts: float, frame: str) -> None:
        self._alerts[alert_id] = {"kind": kind, "active": active, "level": level, "updated_at": int(ts), "frame": frame}

    def _flush_alerts(self) -> None:
        """The latest values of each alert: UPDATE those that exist, INSERT the others."""
        ids = sorted(self._alerts)
        existing: set[str] = set()
        for i in range(0, len(ids), _IN_CHUNK):
            part = ids[i : i + _IN_CHUNK]
            existing.update(self._conn.execute(_ALERT_IDS, {"ids": part}).scalars())
        rows = [{"id": alert_id, **self._alerts[alert_id]} for alert_id in ids]
        changed = [
            {"_id": r["id"], **{f"v_{k}": v for k, v in r.items() if k != "id"}} for r in rows if r["id"] in existing
        ]
        if changed:
            keys = tuple(k for k in rows[0] if k != "id")
            self._conn.execute(_update_statement(alerts, keys), changed)
        new = [r for r in rows if r["id"] not in existing]
        if new:
            self._conn.execute(_insert_statement(alerts), new)
        self._alerts.clear()


def _update_statement(table: Table, keys: tuple[str, ...]) -> Update:
    """``UPDATE table SET k = :v_k, … WHERE id = :_id``, built once per set of columns.

    Reusing one statement object spares SQLAlchemy building and hashing it again
    on every execution (that was most of an event's cost).
    """
    stmt = _UPDATES.get((table, keys))
    if stmt is None:
        stmt = _UPDATES[(table, keys)] = (
            update(table).where(table.c.id == bindparam("_id")).values({k: bindparam(f"v_{k}") for k in keys})
        )
    return stmt


def _insert_statement(table: Table) -> Insert:
    """``INSERT INTO table``, built once (the rows of one ``executemany`` share their keys)."""
    stmt = _INSERTS.get(table)
    if stmt is None:
        stmt = _INSERTS[table] = insert(table)
    return stmt


def _insert_grouped(conn: Connection, table: Table, rows: Iterable[dict[str, Any]]) -> None:
    """One ``executemany`` INSERT per distinct set of columns among ``rows``."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(row), []).append(row)
    for group in groups.values():
        executemany(conn, _insert_statement(table), group)
