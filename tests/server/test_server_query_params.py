"""Every query of ``gridwall server`` refuses out-of-range numbers in params as ``bad_field``, never ``internal``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from server_helpers import Wire

from feeds.alarms import load_alarm_config
from feeds.alarms.queries import alarm_queries
from feeds.analytics.server_queries import analytics_queries
from feeds.protocol import Error, Query, Result
from feeds.server import ServerThread
from feeds.server.queries import BUILTIN_QUERIES
from feeds.supervision.queries import make_queries

NUMERIC_PARAMS = (
    "start",
    "end",
    "as_of",
    "until",
    "hours",
    "days",
    "limit",
    "offset",
    "top",
    "operators",
    "lon",
    "lat",
    "count_limit",
    "history_days",
    "hotspot_days",
    "hotspot_min",
    "anomaly_min",
    "anomaly_weeks",
    "anomaly_alpha",
)
"""Every number a query handler reads from ``params`` (feeds/analytics, feeds/alarms, feeds/supervision, built-ins)."""
BAD_NUMBERS: tuple[Any, ...] = (10**400, 10**30, -(10**30), 1e308, 0.5)
"""Beyond a float, beyond SQLite's INTEGER, negative, the largest float, and a fraction."""
CUSTOM_RANGE = {"range": "custom", "start": 0, "end": 86_400}


def _all_queries() -> dict[str, Any]:
    """The queries ``gridwall server`` registers (desktop/startup.py) beside the built-in ones."""
    return {**analytics_queries(), **alarm_queries(load_alarm_config()), **make_queries()}


def test_weather_log_refuses_an_end_beyond_sqlite_integers(server: ServerThread) -> None:
    """``weather_log`` with ``params.end`` = 10**30 is ``bad_field`` naming it (it was an OverflowError: internal)."""
    wall = Wire(server.url, "wall-token")
    wall.hello()
    wall.send(Query("weather_log", {"start": 0, "end": 10**30}, id="w"))
    reply = wall.reply("w")
    assert isinstance(reply, Error) and (reply.code, reply.field) == ("bad_field", "params.end")
    assert "must be between 0 and" in reply.message
    wall.send(Query("weather_log", {"start": 0, "end": 86_400}, id="ok"))
    assert isinstance(wall.reply("ok"), Result)
    wall.close()


def test_no_query_fails_on_a_huge_negative_or_fractional_number(
    start_server: Callable[..., ServerThread], caplog: pytest.LogCaptureFixture
) -> None:
    """Each query × numeric param × huge/negative/fractional value: a result or a ``params`` error, no traceback."""
    queries = _all_queries()
    server = start_server(queries=queries)
    operator = Wire(server.url, "op-token")
    operator.hello()
    failures = []
    for name in sorted({*BUILTIN_QUERIES, *queries}):
        for param in NUMERIC_PARAMS:
            for value in BAD_NUMBERS:
                params = {**CUSTOM_RANGE, param: value} if param in ("start", "end") else {param: value}
                operator.send(Query(name, params, id="q"))
                reply = operator.reply("q")
                refused = isinstance(reply, Error) and not (
                    reply.code == "not_found"
                    or (reply.code == "bad_field" and (reply.field or "").startswith("params"))
                )
                if refused or not isinstance(reply, Result | Error):
                    failures.append((name, param, value, reply))
    assert not failures, failures[:5]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], "a query logged an error"
    operator.close()
