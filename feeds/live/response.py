"""The 全响应 (12345) half of the live state: today's requests and the panel's figures.

Folded from the same events as the rest of :class:`~feeds.live.state.LiveState`: a
snapshot recounts today's requests from its cases (its last 24 hours hold all of
today), each ``case.created`` of platform ``response`` adds one. The three rates
come from the server's KPI message (``today.response_rate``, ``resolution_rate``,
``satisfaction_rate`` over ``today.response_window_s``; definitions in
``docs/indicators.md``): the wall never computes a rate of its own.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from feeds.live.names import NameLookup
from feeds.live.records import CaseView, Ranked
from feeds.live.today import beijing_day
from feeds.protocol import CaseInfo, Kpis

PLATFORM = "response"
CHANNELS = ("hotline_12345", "online", "grid_member")
"""The 全响应 channels, in the panel's order."""
RATE_KEYS = ("response_rate", "resolution_rate", "satisfaction_rate")
_DISPATCHED = frozenset({"dispatched", "handling", "closure_requested", "verifying"})


@dataclass(frozen=True, slots=True)
class OverdueRequest:
    """An open request past its response deadline (not yet responded) or its handling deadline."""

    case_id: str
    type: Any  # Label
    subdistrict: Any  # Label
    department: Any  # Label
    what: str  # "response" or "handling"
    deadline: float


@dataclass(frozen=True, slots=True)
class ResponseView:
    """What the 全响应 panel shows.

    Attributes:
        today: Requests received today (Beijing day).
        by_channel: Today's requests per channel (:data:`CHANNELS` order, zeros kept).
        answered: Of today's requests, those already closed without dispatch (answered on the line).
        rates: ``response_rate``/``resolution_rate``/``satisfaction_rate`` (fractions) from the server.
        rate_window_s: The window of those rates (``None`` before the first KPI message).
        overdue: Open requests past a deadline (the first few in ``overdue_rows``, oldest first).
        top_types: Today's most frequent request types.
    """

    today: int
    by_channel: tuple[Ranked, ...]
    answered: int
    rates: dict[str, float]
    rate_window_s: float | None
    overdue: int
    overdue_rows: tuple[OverdueRequest, ...]
    top_types: tuple[Ranked, ...]


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


class ResponseToday:
    """Today's 全响应 counts (by channel, by type) and the server's three rates."""

    def __init__(self) -> None:
        self.day = -1
        self.channels: dict[str, int] = {}
        self.types: dict[str, int] = {}
        self.answered: set[str] = set()
        self._today_ids: set[str] = set()
        self.rates: dict[str, float] = {}
        self.rate_window_s: float | None = None

    def roll(self, now: float) -> bool:
        """Start a new day after Beijing midnight; True if it did."""
        day = beijing_day(now)
        if day <= self.day:
            return False
        self.day = day
        self.channels, self.types, self.answered, self._today_ids = {}, {}, set(), set()
        return True

    def recount(self, cases: Iterable[CaseInfo], now: float) -> None:
        """Count today's requests again from a snapshot's cases."""
        self.day = -1
        self.roll(now)
        for case in cases:
            self.on_created(case)

    def on_created(self, case: CaseInfo) -> bool:
        """Count a new request; True if today's figures changed."""
        if case.platform != PLATFORM or beijing_day(case.reported_at) != self.day or case.id in self._today_ids:
            return False
        self._today_ids.add(case.id)
        self.channels[case.source] = self.channels.get(case.source, 0) + 1
        self.types[case.subclass] = self.types.get(case.subclass, 0) + 1
        if case.stage == "closed":
            self.answered.add(case.id)
        return True

    def on_closed(self, case_id: str, dispatched: bool) -> bool:
        """A request of today closed: answered on the line when it was never dispatched."""
        if case_id not in self._today_ids or dispatched:
            return False
        self.answered.add(case_id)
        return True

    def on_kpis(self, kpis: Kpis) -> bool:
        """Take the server's three rates; True if they changed."""
        today = kpis.today or {}
        rates = {k: n for k in RATE_KEYS if (n := _num(today.get(k))) is not None}
        window = _num(today.get("response_window_s"))
        changed = rates != self.rates or window != self.rate_window_s
        self.rates, self.rate_window_s = rates, window
        return changed

    def view(self, open_cases: Iterable[CaseView], names: NameLookup, now: float, top_n: int = 5) -> ResponseView:
        """The panel's figures at ``now`` (overdue from the open requests the wall holds)."""
        overdue: list[OverdueRequest] = []
        for v in open_cases:
            if v.platform != PLATFORM or v.stage not in _DISPATCHED:
                continue
            if v.stage == "dispatched" and v.response_deadline is not None and v.response_deadline < now:
                what, deadline = "response", v.response_deadline
            elif v.handle_deadline is not None and v.handle_deadline < now:
                what, deadline = "handling", v.handle_deadline
            else:
                continue
            overdue.append(OverdueRequest(v.id, v.type, v.subdistrict, v.department, what, deadline))
        overdue.sort(key=lambda r: (r.deadline, r.case_id))
        types = sorted(self.types.items(), key=lambda kv: (-kv[1], kv[0]))[:top_n]
        return ResponseView(
            today=len(self._today_ids),
            by_channel=tuple(Ranked(c, names.source(c), self.channels.get(c, 0)) for c in CHANNELS),
            answered=len(self.answered),
            rates=dict(self.rates),
            rate_window_s=self.rate_window_s,
            overdue=len(overdue),
            overdue_rows=tuple(overdue[:8]),
            top_types=tuple(Ranked(code, names.case_type(code), n) for code, n in types),
        )
