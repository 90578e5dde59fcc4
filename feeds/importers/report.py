"""The import report every importer returns: taken, updated, skipped with reasons, unmapped."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

#: How many example records are kept per skip reason.
EXAMPLES_PER_REASON = 3


@dataclass
class ImportReport:
    """What one import (or one poll) did.

    Attributes:
        source: What was read (a file name or URL).
        read: Records read from the source.
        taken: Records stored as new cases (or alerts).
        updated: Records that replaced a case (or alert) already in the store.
        unchanged: Records that said nothing new (a case already at that stage: a re-import).
        skipped: Records not stored, by reason (``missing_id``, ``bad_time``, ``outside_units`` …).
        examples: A few record references (row numbers, ids) per skip reason.
        unmapped: Records stored under the "unmapped" type, by their external type.
        errors: Failures of the source itself (HTTP errors, a server that went away), one line each.
        seconds: Wall time the import took (informational, never asserted).
        dropped: Values left out of records that were stored, by field (``component_code``: a code
            that is not 16 digits of the row's component subclass; the case links by place; ``reporter``:
            a reporter on a row that is not a patrol case, or not a well-formed staff id).
    """

    source: str
    read: int = 0
    taken: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    unmapped: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    dropped: Counter[str] = field(default_factory=Counter)

    def skip(self, reason: str, where: str = "") -> None:
        """Count one skipped record, keeping ``where`` as an example for the first few."""
        self.skipped[reason] += 1
        if where:
            kept = self.examples.setdefault(reason, [])
            if len(kept) < EXAMPLES_PER_REASON:
                kept.append(where)

    def skip_many(self, reason: str, count: int, wheres: Iterable[str]) -> None:
        """Count ``count`` skipped records at once, keeping the first few of ``wheres`` (read lazily) as examples."""
        if count <= 0:
            return
        self.skipped[reason] += count
        kept = self.examples.setdefault(reason, [])
        kept.extend(islice(wheres, max(EXAMPLES_PER_REASON - len(kept), 0)))
        if not kept:
            del self.examples[reason]

    def merge(self, other: ImportReport) -> None:
        """Add another report's counts to this one (e.g. successive polls)."""
        self.read += other.read
        self.taken += other.taken
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.skipped.update(other.skipped)
        self.unmapped.update(other.unmapped)
        self.dropped.update(other.dropped)
        self.seconds += other.seconds
        self.errors.extend(other.errors)
        for reason, where in other.examples.items():
            kept = self.examples.setdefault(reason, [])
            kept.extend(where[: EXAMPLES_PER_REASON - len(kept)])

    @property
    def skipped_total(self) -> int:
        """Records skipped for any reason."""
        return sum(self.skipped.values())

    def as_dict(self) -> dict[str, Any]:
        """The report as plain JSON-able data (the ``--json`` output)."""
        return {
            "source": self.source,
            "read": self.read,
            "taken": self.taken,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": dict(sorted(self.skipped.items())),
            "skipped_total": self.skipped_total,
            "skip_examples": {k: v for k, v in sorted(self.examples.items())},
            "unmapped": dict(self.unmapped.most_common()),
            "unmapped_total": sum(self.unmapped.values()),
            "errors": list(self.errors),
            "seconds": round(self.seconds, 3),
            "dropped": dict(sorted(self.dropped.items())),
        }

    def to_json(self) -> str:
        """:meth:`as_dict` as one JSON document."""
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2)

    def summary(self) -> str:
        """A human summary, a few lines."""
        rate = f", {self.read / self.seconds:,.0f} records/s" if self.seconds > 0 else ""
        lines = [
            f"{self.source}: read {self.read:,}, taken {self.taken:,} new, updated {self.updated:,}, "
            f"unchanged {self.unchanged:,}, "
            f"skipped {self.skipped_total:,} ({self.seconds:.1f} s{rate})"
        ]
        for reason, n in self.skipped.most_common():
            example = self.examples.get(reason)
            lines.append(f"  skipped {n:,} {reason}" + (f" (e.g. {', '.join(example)})" if example else ""))
        if self.unmapped:
            top = ", ".join(f"{name or '(blank)'} {n:,}" for name, n in self.unmapped.most_common(5))
            more = len(self.unmapped) - 5
            lines.append(
                f"  unmapped types: {sum(self.unmapped.values()):,} records in {len(self.unmapped)} types: {top}"
                + (f" … and {more} more" if more > 0 else "")
            )
        lines.extend(f"  dropped {n:,} {name} (the records were kept)" for name, n in self.dropped.most_common())
        lines.extend(f"  error: {e}" for e in self.errors)
        return "\n".join(lines)
