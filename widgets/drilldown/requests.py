"""Request ids for views that ask for data by signal and take answers by id, dropping stale ones.

A view keeps one current request per *slot* (``drill``, ``ranking``,
``cases``...). Asking again in a slot supersedes the earlier request: its
answer, when it comes, is dropped. Ids are unique across every view of the
process, so one runner can hand every answer to every view; a view ignores
ids it never issued.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

_ids = itertools.count(1)
_MAX_STALE = 1000


def next_request_id() -> int:
    """A process-wide unique request id (GUI thread)."""
    return next(_ids)


@dataclass
class RequestBook:
    """The current request of each slot of one view.

    Attributes:
        pending: Slot → id of the request whose answer is awaited.
        dropped: Answers dropped because their request had been superseded.
    """

    pending: dict[str, int] = field(default_factory=dict)
    dropped: int = 0
    _stale: set[int] = field(default_factory=set)

    def start(self, slot: str) -> int:
        """A new request in ``slot`` (superseding the previous one); returns its id."""
        request_id = next_request_id()
        self._retire(self.pending.get(slot))
        self.pending[slot] = request_id
        return request_id

    def accept(self, request_id: int) -> str | None:
        """The slot a current request answers (now no longer pending); ``None`` for stale or foreign ids."""
        for slot, rid in self.pending.items():
            if rid == request_id:
                del self.pending[slot]
                return slot
        if request_id in self._stale:
            self._stale.discard(request_id)
            self.dropped += 1
        return None

    def forget(self, *slots: str) -> None:
        """Supersede the requests of ``slots`` (all when none given) without asking again."""
        for slot in slots or tuple(self.pending):
            self._retire(self.pending.pop(slot, None))

    def is_pending(self, slot: str) -> bool:
        """Whether ``slot`` awaits an answer."""
        return slot in self.pending

    @property
    def busy(self) -> bool:
        """Whether any answer is awaited."""
        return bool(self.pending)

    def _retire(self, request_id: int | None) -> None:
        if request_id is None:
            return
        if len(self._stale) >= _MAX_STALE:  # answers that never came (runner stopped): forget them
            self._stale.clear()
        self._stale.add(request_id)
