"""What the live simulator has done so far, as one plain record."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class LiveStats:
    """Snapshot of what the simulator has done (see :attr:`LiveSimulator.stats`).

    Attributes:
        published: Events committed, by type.
        errors: Events refused by the server, by error code.
        conflicts: Duplicates refused as ``conflict`` (counted as committed).
        resent: Events sent again after a lost connection.
        from_stream: Events confirmed by the event stream instead of an ``ack``.
        pending: Events planned and due but not yet committed.
        positions: ``staff.positions`` messages sent.
        taken_over: Open cases of the snapshot given the rest of their workflow.
        taken_over_closed: Of those, closed so far.
        created: New cases released.
        sim_time: The simulated clock, epoch seconds.
    """

    published: dict[str, int]
    errors: dict[str, int]
    conflicts: int
    resent: int
    from_stream: int
    pending: int
    positions: int
    taken_over: int
    taken_over_closed: int
    created: int
    sim_time: float

    @property
    def total(self) -> int:
        """All events committed."""
        return sum(self.published.values())
