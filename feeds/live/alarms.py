"""The wall's alarms and linkage plans: folded from ``alarm.*`` and ``plan.*`` events.

Flood grouping (ISA-18.2: more than 10 new alarms in 10 minutes): while more than
``flood_count`` alarms were raised within ``flood_window_s``, the unacknowledged ones raised
in that window collapse into one :class:`~feeds.live.records.FloodLine` with their count;
older alarms, and those already acknowledged, stay listed. Shelved alarms are counted, never
listed. Cleared alarms leave at once.
"""

from __future__ import annotations

from collections import deque

from feeds.live.names import Label, NameLookup
from feeds.live.records import AlarmRow, AlarmView, FloodLine, PlanStepView, PlanView
from feeds.protocol import PRIORITIES, AlarmChanged, AlarmInfo, PlanClosed, PlanRun, PlanStepDone

MAX_ALARMS = 5000
"""Most alarms held (the oldest acknowledged ones give way first)."""
_RANK = {p: i for i, p in enumerate(PRIORITIES)}


class AlarmBook:
    """Alarms not cleared, recent raise times, and the running linkage plans.

    Args:
        names: Resolves spots, sensors, case types and units to bilingual names.
        flood_count: More than this many raises within ``flood_window_s`` is a flood.
        flood_window_s: The flood window in seconds.
    """

    def __init__(self, names: NameLookup, flood_count: int = 10, flood_window_s: float = 600.0) -> None:
        self.names = names
        self.flood_count = flood_count
        self.flood_window_s = flood_window_s
        self.own_flood = (flood_count, flood_window_s)
        """The wall's own flood rule: used while its server sends none."""
        self._alarms: dict[str, AlarmInfo] = {}
        self._raised: deque[float] = deque()
        self._plans: dict[str, PlanRun] = {}
        self._flooding = False

    def clear(self) -> None:
        """Forget everything (before a snapshot)."""
        self._alarms.clear()
        self._raised.clear()
        self._plans.clear()

    def reset(self, alarms: tuple[AlarmInfo, ...], plans: tuple[PlanRun, ...], now: float) -> None:
        """Take the snapshot's alarms and plans (the flood window refills from their raise times)."""
        self.clear()
        for alarm in sorted(alarms, key=lambda a: a.raised_at):
            self.raised(alarm, now)
        for run in plans:
            self._plans[run.id] = run

    def set_flood(self, count: int | None, window_s: float | None, now: float) -> bool:
        """The server's flood rule (``None``: the server sends none, the wall's own applies).

        The window refills from the raise times of the alarms held; returns whether the rule changed.
        """
        rule = (count, window_s) if count is not None and window_s is not None else self.own_flood
        if rule == (self.flood_count, self.flood_window_s):
            return False
        self.flood_count, self.flood_window_s = rule
        cut = now - self.flood_window_s
        self._raised = deque(sorted(a.raised_at for a in self._alarms.values() if a.raised_at > cut))
        return True

    def raised(self, alarm: AlarmInfo, now: float) -> None:
        """A new alarm."""
        if alarm.cleared_at is not None:
            return
        self._alarms[alarm.id] = alarm
        if alarm.raised_at > now - self.flood_window_s:
            self._raised.append(alarm.raised_at)
        if len(self._alarms) > MAX_ALARMS:
            oldest = min(self._alarms.values(), key=lambda a: (a.acked_at is None, a.raised_at))
            del self._alarms[oldest.id]

    def changed(self, change: AlarmChanged, at: float) -> bool:
        """An alarm changed state; returns whether the wall held it."""
        alarm = self._alarms.get(change.alarm_id)
        if alarm is None:
            return False
        after = alarm.changed(change, at)
        if after.cleared_at is not None:
            del self._alarms[alarm.id]
        else:
            self._alarms[alarm.id] = after
        return True

    def advance(self, now: float) -> bool:
        """Drop raise times that left the flood window; returns whether the flood state changed."""
        cut = now - self.flood_window_s
        while self._raised and self._raised[0] <= cut:
            self._raised.popleft()
        flooding = len(self._raised) > self.flood_count
        changed = flooding != self._flooding
        self._flooding = flooding
        return changed

    # ------------------------------------------------------------------ plans
    def plan_started(self, run: PlanRun) -> None:
        """A linkage plan opened."""
        self._plans[run.id] = run

    def plan_step(self, step: PlanStepDone, at: float) -> bool:
        """A step was ticked; returns whether the wall holds the plan."""
        run = self._plans.get(step.run_id)
        if run is None:
            return False
        self._plans[run.id] = run.ticked(step, at)
        return True

    def plan_closed(self, msg: PlanClosed) -> bool:
        """A linkage plan closed."""
        return self._plans.pop(msg.run_id, None) is not None

    # ------------------------------------------------------------------ views
    def view(self, now: float) -> AlarmView:
        """What the alarm panel shows at ``now``."""
        cut = now - self.flood_window_s
        recent = sum(1 for t in self._raised if t > cut)
        shown = [a for a in self._alarms.values() if a.state != "shelved"]
        unacked = [a for a in shown if a.acked_at is None]
        flood: FloodLine | None = None
        grouped: set[str] = set()
        if recent > self.flood_count:
            members = [a for a in unacked if a.raised_at > cut]
            if members:
                grouped = {a.id for a in members}
                counts = [sum(1 for a in members if a.priority == p) for p in PRIORITIES]
                ordered = sorted(members, key=_order)
                flood = FloodLine(
                    len(members),
                    counts[0],
                    counts[1],
                    counts[2],
                    min(a.raised_at for a in members),
                    tuple(a.id for a in ordered),
                    recent,
                )
        rows = sorted((a for a in shown if a.id not in grouped), key=_order)
        per_priority = [sum(1 for a in unacked if a.priority == p) for p in PRIORITIES]
        return AlarmView(
            rows=tuple(alarm_row(a, self.names) for a in rows),
            flood=flood,
            unacked=(per_priority[0], per_priority[1], per_priority[2]),
            acked=sum(1 for a in shown if a.acked_at is not None),
            shelved=len(self._alarms) - len(shown),
            recent=recent,
            flood_window_s=self.flood_window_s,
        )

    def plans(self) -> list[PlanView]:
        """Running linkage plans, newest first."""
        names = self.names
        out = []
        for run in sorted(self._plans.values(), key=lambda r: -r.started_at):
            steps = tuple(
                PlanStepView(
                    s.id, Label(s.text, s.text_en or s.text), names.department(s.department), s.done, s.by, s.at
                )
                for s in run.steps
            )
            title = Label(run.title, run.title_en or run.title)
            out.append(PlanView(run.id, run.plan_id, title, run.hazard, run.level, run.started_at, run.layers, steps))
        return out

    @property
    def sizes(self) -> dict[str, int]:
        """Sizes of the growing structures."""
        return {"alarms": len(self._alarms), "alarm_raises": len(self._raised), "plans": len(self._plans)}


def _order(a: AlarmInfo) -> tuple[bool, int, float]:
    """Unacknowledged first, then by priority, newest first."""
    return (a.acked_at is not None, _RANK.get(a.priority, 3), -a.raised_at)


def alarm_row(a: AlarmInfo, names: NameLookup) -> AlarmRow:
    """An alarm as a view record, with the name of what raised it."""
    return AlarmRow(
        a.id,
        a.kind,
        a.priority,
        a.state,
        a.level,
        a.hazard,
        _subject(a, names),
        a.text,
        a.source,
        a.raised_at,
        a.acked_by,
        a.deadline,
        a.shelved_until,
        a.shelve_reason,
    )


def _subject(a: AlarmInfo, names: NameLookup) -> Label:
    if a.kind == "crowd":
        return names.spot(a.source)
    if a.kind == "sensor":
        return names.sensor(a.source, a.text)
    if a.kind in ("due_soon", "overdue") and a.subclass:
        kind = names.case_type(a.subclass)
        place = names.unit(a.grid[:9]) if a.grid else Label("", "")
        return Label(f"{kind.zh} · {place.zh}".strip(" ·"), f"{kind.en} · {place.en}".strip(" ·"))
    if a.kind == "anomaly" and a.subclass:  # source: <unit code>.<subclass code>
        kind = names.case_type(a.subclass)
        place = names.unit(a.source.split(".", 1)[0])
        return Label(f"{place.zh} · {kind.zh}", f"{place.en} · {kind.en}")
    return Label("", "")
