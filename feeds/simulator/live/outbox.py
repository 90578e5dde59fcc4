"""Delivery bookkeeping of the live simulator: every planned event is published once, in order.

Each message waits here, numbered in publishing order, until it is known to
be committed: by the server's ``ack``, by seeing it come back in the event
stream (the stream is the source of truth after a reconnect: the client
resumes from its last ``seq`` and receives every event committed meanwhile,
its own included), or by a ``conflict`` refusal of a case the server already
holds. A message whose request failed with the connection is *lost* and is
sent again, in its original order, once the connection is back and the
stream has caught up.
"""

from __future__ import annotations

import itertools
from collections import Counter, deque
from collections.abc import Hashable
from dataclasses import dataclass, field

from feeds.protocol import (
    CaseClosed,
    CaseCreated,
    CaseDifficultChanged,
    CaseNoted,
    CaseStageChanged,
    CaseUrged,
    CrowdFlow,
    Message,
    SensorReading,
    WeatherWarning,
)


def delivery_key(msg: Message) -> Hashable:
    """What identifies an event of the simulator once committed (the server drops the message ``id``)."""
    t = int(msg.ts or 0)
    if isinstance(msg, CaseCreated):
        return ("case.created", msg.case.id)
    if isinstance(msg, CaseClosed):
        return ("case.closed", msg.case_id)
    if isinstance(msg, CaseStageChanged):
        return ("case.stage", msg.case_id, msg.stage, msg.rework, t)
    if isinstance(msg, CaseDifficultChanged):
        return ("case.difficult", msg.case_id, msg.difficult, t)
    if isinstance(msg, (CaseUrged, CaseNoted)):
        return (msg.TYPE, msg.case_id, t)
    if isinstance(msg, WeatherWarning):
        return ("alert.weather", msg.alert_id, msg.level, msg.active, t)
    if isinstance(msg, CrowdFlow):
        return ("alert.crowd", msg.spot_id, t)
    if isinstance(msg, SensorReading):
        return ("alert.sensor", msg.sensor_id, t)
    return (msg.TYPE, t)


@dataclass
class Entry:
    """One message on its way.

    Attributes:
        number: Position in publishing order.
        message: The event (``ts`` set).
        key: Its :func:`delivery_key`.
        sending: A request for it is in flight.
    """

    number: int
    message: Message
    key: Hashable
    sending: bool = False


@dataclass
class DeliveryStats:
    """Counters of the outbox.

    Attributes:
        published: Events known committed, by type.
        from_stream: Of which confirmed by the event stream rather than an ``ack``.
        conflicts: Refused as ``conflict`` (already there) and counted as committed.
        errors: Refused for another reason, by error code (dropped).
        resent: Sent again after a lost connection.
    """

    published: Counter[str] = field(default_factory=Counter)
    from_stream: int = 0
    conflicts: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    resent: int = 0


class Outbox:
    """Messages not yet known committed, in publishing order."""

    def __init__(self) -> None:
        self._entries: dict[int, Entry] = {}
        self._by_key: dict[Hashable, int] = {}
        self._queue: deque[int] = deque()
        self._numbers = itertools.count()
        self.stats = DeliveryStats()

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def queued(self) -> int:
        """Messages waiting to be sent."""
        return len(self._queue)

    def add(self, msg: Message) -> None:
        """Queue a message behind the others."""
        entry = Entry(next(self._numbers), msg, delivery_key(msg))
        self._entries[entry.number] = entry
        self._by_key[entry.key] = entry.number
        self._queue.append(entry.number)

    def next_to_send(self) -> Entry | None:
        """The next queued message, marked as in flight."""
        while self._queue:
            entry = self._entries.get(self._queue.popleft())
            if entry is not None:
                entry.sending = True
                return entry
        return None

    def committed(self, entry: Entry, *, via_stream: bool = False) -> bool:
        """Record that a message is committed; ``False`` if it already was."""
        if self._entries.pop(entry.number, None) is None:
            return False
        self._by_key.pop(entry.key, None)
        self.stats.published[entry.message.TYPE] += 1
        self.stats.from_stream += via_stream
        return True

    def refused(self, entry: Entry, code: str) -> None:
        """The server refused a message: a ``conflict`` counts as committed, anything else is dropped."""
        if code == "conflict":
            if self.committed(entry):
                self.stats.conflicts += 1
            return
        if self._entries.pop(entry.number, None) is not None:
            self._by_key.pop(entry.key, None)
            self.stats.errors[code] += 1

    def lost(self, entry: Entry) -> None:
        """The request failed with the connection: send it again after the reconnect."""
        if entry.number in self._entries:
            entry.sending = False

    def seen(self, event: Message) -> bool:
        """An event came back in the stream: if it is one of ours, it is committed."""
        number = self._by_key.get(delivery_key(event))
        entry = self._entries.get(number) if number is not None else None
        return entry is not None and self.committed(entry, via_stream=True)

    def seen_case(self, case_id: str) -> bool:
        """A snapshot holds this case: its ``case.created`` is committed."""
        number = self._by_key.get(("case.created", case_id))
        entry = self._entries.get(number) if number is not None else None
        return entry is not None and self.committed(entry, via_stream=True)

    def resume(self) -> int:
        """Queue again, in original order, everything not committed and not in flight; returns how many were lost."""
        queued = set(self._queue)
        waiting = sorted(n for n, e in self._entries.items() if not e.sending)
        lost = sum(1 for n in waiting if n not in queued)
        self._queue = deque(waiting)
        self.stats.resent += lost
        return lost
