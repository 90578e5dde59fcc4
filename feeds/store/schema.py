"""Relational schema of the case store (SQLAlchemy 2 Core).

Times are integer epoch seconds (UTC) so that range scans and GROUP BY stay
fast on SQLite and PostgreSQL alike. Case stage times are columns on
``cases`` (first time each stage was reached) so that ten years of history
need no per-stage rows; ``case_history`` keeps the full step-by-step
workflow (rework loops, urges, notes) for every case that went through the
live server, and for seeded cases with rework or urges.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    text,
)

from feeds.protocol import OPEN_STAGES

_OPEN_STAGE_LIST = ", ".join(f"'{stage}'" for stage in sorted(OPEN_STAGES))

SCHEMA_VERSION = 9
"""Bumped on every schema change; recorded in ``meta``; older stores are brought forward by ``migrations``.

History: 1 = first layout; 2 = ``kpi_daily`` counters, indexes on ``cases`` closed_at,
(community, reported_at) and updated_seq; 3 = the text index of case search (``cases_fts``, FTS5
trigram, on SQLite; ``pg_trgm`` indexes on PostgreSQL; :mod:`feeds.store.search`); 4 = ``alarms``,
``alarm_log`` and ``plan_runs`` (the duty room's alarm lifecycle and linkage plans);
5 = the 全响应 platform on ``cases`` (platform, response deadline, responded, evaluation);
6 = the supervision tables ``components``, ``supervisors``, ``staff_tracks`` and ``cameras`` (new tables only);
7 = ``cases.component`` (a component case's component code) with its partial index ``ix_cases_component``;
8 = ``cases.reporter`` (the supervisor who reported a patrol case) with its partial index ``ix_cases_reporter``;
9 = ``cap_messages`` (the CAP weather messages imported; new table only).
"""

metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
"""Key/value facts: ``schema_version``, ``store_id``, ``created_at``."""

units = Table(
    "units",
    metadata,
    Column("code", String(15), primary_key=True),
    Column("level", String(12), nullable=False),  # district/subdistrict/community/grid
    Column("parent", String(15), nullable=True),
    Column("name_zh", String(100), nullable=False),
    Column("name_en", String(100), nullable=False),
    Column("lon", Float, nullable=False),  # centroid, WGS-84
    Column("lat", Float, nullable=False),
    Column("area_m2", Float, nullable=False),
    Column("generated", Boolean, nullable=False),
    Column("geometry", JSON, nullable=False),  # GeoJSON geometry, WGS-84
    Index("ix_units_level_parent", "level", "parent"),
)

departments = Table(
    "departments",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("name_zh", String(100), nullable=False),
    Column("name_en", String(100), nullable=False),
)

case_classes = Table(
    "case_classes",
    metadata,
    Column("code", String(8), primary_key=True),
    Column("kind", String(12), nullable=False),  # component / event
    Column("name_zh", String(100), nullable=False),
    Column("name_en", String(100), nullable=False),
)

case_subclasses = Table(
    "case_subclasses",
    metadata,
    Column("code", String(8), primary_key=True),
    Column("class_code", String(8), ForeignKey("case_classes.code"), nullable=False),
    Column("kind", String(12), nullable=False),
    Column("name_zh", String(100), nullable=False),
    Column("name_en", String(100), nullable=False),
    Column("department", String(32), ForeignKey("departments.code"), nullable=False),
    Column("weight", Float, nullable=False),
    Column("deadlines", JSON, nullable=False),  # {"filed": h, "dispatched": h, "handling": h, "verifying": h}
)

cases = Table(
    "cases",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("kind", String(12), nullable=False),
    Column("subclass", String(8), nullable=False),
    Column("source", String(16), nullable=False),
    Column("grid", String(15), nullable=False),
    Column("community", String(12), nullable=False),
    Column("subdistrict", String(9), nullable=False),
    Column("department", String(32), nullable=False),
    Column("lon", Float, nullable=False),
    Column("lat", Float, nullable=False),
    Column("address", String(200), nullable=False, default=""),
    Column("description", Text, nullable=False, default=""),
    Column("stage", String(20), nullable=False),
    Column("reported_at", BigInteger, nullable=False),
    Column("filed_at", BigInteger),
    Column("dispatched_at", BigInteger),
    Column("handled_at", BigInteger),  # closure requested (申结) the last time
    Column("closed_at", BigInteger),
    Column("cancelled_at", BigInteger),
    Column("deadline_at", BigInteger),  # deadline of the current stage
    Column("handle_deadline_at", BigInteger),  # 处置时限
    Column("on_time", Boolean),  # set at closing
    Column("difficult", Boolean, nullable=False, default=False),
    Column("urges", SmallInteger, nullable=False, default=0),
    Column("reworks", SmallInteger, nullable=False, default=0),
    Column("updated_seq", BigInteger, nullable=False, default=0),
    # 全响应 (schema 3): the platform, and the 接-派-办-评 facts the three rates are counted from
    Column("platform", String(12), nullable=False, default="city", server_default="city"),  # city / response
    Column("response_deadline_at", BigInteger),  # contact the caller by then (响应时限), set at dispatch
    Column("responded_at", BigInteger),  # first time the case reached handling (the department responded)
    Column("evaluated_at", BigInteger),  # return visit (回访) done
    Column("resolved", Boolean),  # the caller's answer at the return visit
    Column("satisfaction", String(20)),  # satisfied / basically_satisfied / unsatisfied
    Column("component", String(16)),  # 部件 case: its component's code when the case names one (schema 7)
    Column("reporter", String(64)),  # patrol case: the supervisor's staff id who reported it, when known (schema 8)
    Index("ix_cases_reported", "reported_at"),  # B-tree: case lists page through it in order
    # PostgreSQL: partial, the open cases only (tens of thousands of a city's 32M rows, not all
    # of them); SQLite ignores the option and indexes every row as before.
    Index("ix_cases_open", "stage", "deadline_at", postgresql_where=text(f"stage IN ({_OPEN_STAGE_LIST})")),
    Index("ix_cases_grid_reported", "grid", "reported_at"),
    Index("ix_cases_subdistrict_reported", "subdistrict", "reported_at"),
    Index("ix_cases_closed", "closed_at"),
    Index("ix_cases_community_reported", "community", "reported_at"),
    Index("ix_cases_updated_seq", "updated_seq"),  # incremental sync of analytics caches
    Index(  # a component's case history; only cases that name a component are indexed
        "ix_cases_component",
        "component",
        postgresql_where=text("component IS NOT NULL"),
        sqlite_where=text("component IS NOT NULL"),
    ),
    Index(  # a supervisor's reports over a period; only cases that name a reporter are indexed
        "ix_cases_reporter",
        "reporter",
        "reported_at",
        postgresql_where=text("reporter IS NOT NULL"),
        sqlite_where=text("reporter IS NOT NULL"),
    ),
)

case_history = Table(
    "case_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(40), nullable=False),
    Column("at", BigInteger, nullable=False),
    Column("action", String(20), nullable=False),  # a stage name, rework, urge, difficult, undifficult or note
    Column("deadline_at", BigInteger),
    Column("actor", String(64), nullable=False, default=""),
    Column("note", Text, nullable=False, default=""),
    Column("seq", BigInteger),  # event that recorded it (NULL for seeded history)
    Index("ix_case_history_case", "case_id", "at"),
)

events = Table(
    "events",
    metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("type", String(32), nullable=False),
    Column("ts", BigInteger, nullable=False),
    Column("frame", Text, nullable=False),  # the encoded wire frame, seq included
)
"""The durable event log: one row per event, ``seq`` strictly increasing."""

alerts = Table(
    "alerts",
    metadata,
    Column("id", String(64), primary_key=True),  # weather alert_id, "crowd:<spot>", "sensor:<id>"
    Column("kind", String(16), nullable=False),  # weather / crowd / sensor
    Column("active", Boolean, nullable=False),
    Column("level", String(16), nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("frame", Text, nullable=False),  # latest encoded wire frame
)
"""Latest state of every alert source (for snapshots)."""

cap_messages = Table(
    "cap_messages",
    metadata,
    Column("identifier", Text, primary_key=True),  # the CAP message's own identifier
    Column("alert_id", String(64), nullable=False),  # its warning: the first identifier of its Update/Cancel chain
    Column("sent", BigInteger, nullable=False),
    Column("expires", BigInteger),  # the validity an Alert/Update gave (NULL: open-ended, or a Cancel)
    Column("shown", Boolean, nullable=False),  # it changed the warning shown (read again, it changes nothing)
)
"""CAP messages read by ``import-cap`` and ``poll-cap`` (``feeds.importers.cap_ledger``): every later run rebuilds
the Update/Cancel chains, the validity of the warnings shown and what was already shown from them."""

sensor_readings = Table(
    "sensor_readings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sensor_id", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("at", BigInteger, nullable=False),
    Column("value", Float, nullable=False),
    Column("alarm", Boolean, nullable=False),
    Index("ix_sensor_readings_sensor_at", "sensor_id", "at"),
)

staff_positions = Table(
    "staff_positions",
    metadata,
    Column("staff_id", String(64), primary_key=True),
    Column("grid", String(15), nullable=False),
    Column("lon", Float, nullable=False),
    Column("lat", Float, nullable=False),
    Column("on_duty", Boolean, nullable=False),
    Column("at", BigInteger, nullable=False),
)
"""Latest known position of each supervisor (volatile data, not in the event log)."""

kpi_daily = Table(
    "kpi_daily",
    metadata,
    Column("day", Integer, primary_key=True),  # Beijing calendar day: (epoch + 8 h) // 86400
    Column("reported", Integer, nullable=False, default=0),  # cases reported that day
    Column("filed", Integer, nullable=False, default=0),  # filings (立案) that happened that day
    Column("dispatched", Integer, nullable=False, default=0),  # dispatches that happened that day
    Column("closed", Integer, nullable=False, default=0),  # closings that happened that day
    Column("closed_on_time", Integer, nullable=False, default=0),
    Column("cohort_filed", Integer, nullable=False, default=0),  # cases reported that day, since filed
    Column("cohort_closed", Integer, nullable=False, default=0),  # cases reported that day, since closed
    Column("cohort_cancelled", Integer, nullable=False, default=0),  # cases reported that day, since cancelled
)
"""Incremental per-day counters kept in step with ``cases`` (KPIs without scanning millions of rows).

City-management cases only: 全响应 requests have their own figures (the three rates)."""

alarms = Table(
    "alarms",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("kind", String(16), nullable=False),  # weather / crowd / sensor / due_soon / overdue
    Column("source", String(64), nullable=False),  # alert id, spot id, sensor id or case id
    Column("priority", String(8), nullable=False),  # high / medium / low
    Column("raised_at", BigInteger, nullable=False),
    Column("acked_at", BigInteger),
    Column("acked_by", String(64), nullable=False, default=""),
    Column("shelved_until", BigInteger),
    Column("shelved_by", String(64), nullable=False, default=""),
    Column("shelve_reason", String(200), nullable=False, default=""),
    Column("cleared_at", BigInteger),
    Column("record", Text, nullable=False),  # the alarm as raised (wire JSON of AlarmInfo)
    Column("updated_seq", BigInteger, nullable=False),
    Index("ix_alarms_open", "cleared_at", "kind"),
    Index("ix_alarms_source", "source"),
    Index("ix_alarms_raised", "raised_at"),
)
"""Every alarm and where it is in its lifecycle (active → acknowledged → cleared; shelved)."""

alarm_log = Table(
    "alarm_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("alarm_id", String(100), nullable=False),
    Column("at", BigInteger, nullable=False),
    Column("action", String(12), nullable=False),  # raise / ack / shelve / unshelve / clear
    Column("actor", String(64), nullable=False, default=""),
    Column("note", String(200), nullable=False, default=""),
    Column("seq", BigInteger, nullable=False),
    Index("ix_alarm_log_alarm", "alarm_id", "at"),
    Index("ix_alarm_log_at", "at"),
)
"""Every step of every alarm: the workstation's alarm history and the alarm metrics."""

plan_runs = Table(
    "plan_runs",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("plan_id", String(64), nullable=False),
    Column("alert_id", String(64), nullable=False),
    Column("started_at", BigInteger, nullable=False),
    Column("closed_at", BigInteger),
    Column("record", Text, nullable=False),  # the run with its checklist's current state (wire JSON of PlanRun)
    Column("updated_seq", BigInteger, nullable=False),
    Index("ix_plan_runs_open", "closed_at", "alert_id"),
    Index("ix_plan_runs_started", "started_at"),
)
"""Bad-weather linkage plans (恶劣天气联动) run by weather warnings: open ones and the record for briefings."""


components = Table(
    "components",
    metadata,
    Column("code", String(16), primary_key=True),  # GB/T 30428.2: district(6) + major(2) + minor(2) + serial(6)
    Column("subclass", String(4), nullable=False),  # major + minor: the component subclass of the taxonomy
    Column("grid", String(15), nullable=False),
    Column("lon", Float, nullable=False),
    Column("lat", Float, nullable=False),
    Column("state", String(12), nullable=False),  # ok / damaged / missing / occupied
    Column("department", String(32), nullable=False),  # owning department (主管部门)
    Column("name", String(100), nullable=False, default=""),
    Column("generated", Boolean, nullable=False, default=False),
    Index("ix_components_subclass_lon", "subclass", "lon"),
    Index("ix_components_grid", "grid"),
)
"""The city-component (部件) inventory."""

supervisors = Table(
    "supervisors",
    metadata,
    Column("staff_id", String(64), primary_key=True),
    Column("name_zh", String(40), nullable=False),
    Column("name_en", String(80), nullable=False),
    Column("shift", String(12), nullable=False),  # early / late / night
    Column("grids", JSON, nullable=False),  # the beat: unit-grid codes
)
"""City-management supervisors (监督员) with their beats and shifts."""

staff_tracks = Table(
    "staff_tracks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("staff_id", String(64), nullable=False),
    Column("at", BigInteger, nullable=False),
    Column("lon", Float, nullable=False),
    Column("lat", Float, nullable=False),
    Column("grid", String(15), nullable=False),
    Index("ix_staff_tracks_staff_at", "staff_id", "at"),
    Index("ix_staff_tracks_at", "at"),
)
"""Supervisors' GPS tracks: thinned ``staff.positions`` (one point a minute at most) and seeded patrols."""

cameras = Table(
    "cameras",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name_zh", String(100), nullable=False),
    Column("name_en", String(100), nullable=False),
    Column("lon", Float, nullable=False),
    Column("lat", Float, nullable=False),
    Column("url", Text, nullable=False, default=""),  # rtsp://, http(s):// (HLS .m3u8 or a plain stream), file://
    Column("grid", String(15), nullable=False, default=""),
)
"""Video cameras for case linkage (视频联动)."""

operator_presence = Table(
    "operator_presence",
    metadata,
    Column("operator", String(64), primary_key=True),  # the operator token's name (``by`` of its actions)
    Column("window_start", BigInteger, primary_key=True),  # epoch seconds, a multiple of 600
)
"""Which operators were connected in each 10-minute window (alarm metrics: alarms per operator)."""
