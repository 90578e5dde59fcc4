"""The common shape of an imported case and the mapping of external types onto the taxonomy."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from feeds.protocol import STAGES
from feeds.taxonomy import UNMAPPED, Taxonomy

_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
_ID_CLEAN = re.compile(r"[A-Za-z0-9_-]+")
ID_MAX = 40
"""The protocol's case id: ``[A-Za-z0-9_-]{1,40}`` (``feeds.protocol.vocab.CASE_ID``)."""
PREFIX_MAX = 16
"""The longest ``id_prefix`` a mapping may set: it leaves room for a hashed id's readable part."""
ID_HASH_HEX = 16
"""Hex digits of the hash an unclean or over-long external id carries (64 bits of BLAKE2b)."""


class MappingError(ValueError):
    """A mapping file is unreadable or names something that does not exist."""


def check_prefix(value: object, where: str) -> str:
    """A mapping's ``id_prefix``: text of at most :data:`PREFIX_MAX` letters, digits, ``_`` or ``-``.

    Raises:
        MappingError: naming the file and the value (one line).
    """
    if value is None:
        return ""
    if isinstance(value, str) and len(value) <= PREFIX_MAX and (not value or _ID_CLEAN.fullmatch(value)):
        return value
    raise MappingError(
        f"{where}: id_prefix must be text of at most {PREFIX_MAX} ASCII letters, digits, '_' or '-' "
        f"(case ids are [A-Za-z0-9_-], at most {ID_MAX} characters), not {value!r}"
    )


def case_id(prefix: str, external_id: str) -> str | None:
    """The store id of an external record: ``prefix`` + the external id, or None if blank.

    The external id is trimmed of surrounding blanks. One made only of ASCII letters, digits,
    ``_`` and ``-`` that fits the protocol's 40 characters with the prefix is kept as it is.
    Any other id (other characters, or too long) becomes a readable part (its unsafe runs
    replaced by ``-``, the tail kept) plus ``_`` and :data:`ID_HASH_HEX` hex digits of the
    BLAKE2b hash of the whole id: distinct external ids never share a case id (``X/1``,
    ``X 1`` and ``X-1``; ``西城2026001`` and ``东城2026001``), and the same id always gives the
    same case id, on any machine, so a re-import updates. ``prefix`` must be clean
    (:func:`check_prefix`).
    """
    text = external_id.strip()
    if not text:
        return None
    if len(prefix) + len(text) <= ID_MAX and _ID_CLEAN.fullmatch(text):
        return prefix + text
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=ID_HASH_HEX // 2).hexdigest()
    room = ID_MAX - len(prefix) - 1 - ID_HASH_HEX
    readable = _ID_UNSAFE.sub("-", text).strip("-")
    readable = readable[len(readable) - room :].lstrip("-") if room > 0 and len(readable) > room else readable
    return f"{prefix}{readable if room > 0 else ''}_{digest}"


@dataclass(frozen=True, slots=True)
class TypeMapping:
    """External type names/codes → taxonomy subclass codes; anything else is "unmapped".

    Args:
        types: External value (compared case-insensitively, trimmed) → subclass code.
        taxonomy: The taxonomy the codes must exist in (kind and department come from it).
    """

    types: Mapping[str, str]
    kinds: Mapping[str, tuple[str, str]]  # subclass code -> (kind, department)

    @classmethod
    def build(cls, types: Mapping[str, str], taxonomy: Taxonomy) -> TypeMapping:
        """Check every target code against ``taxonomy`` and normalise the keys."""
        kinds = {s.code: (s.kind, s.department) for s in (*taxonomy.subclasses, UNMAPPED)}
        unknown = sorted({code for code in types.values() if code not in kinds})
        if unknown:
            raise MappingError(f"unknown subclass code(s) in the type mapping: {', '.join(unknown)}")
        return cls({k.strip().casefold(): v for k, v in types.items()}, kinds)

    def subclass(self, external: str) -> str | None:
        """The subclass of an external type, or None when it is not mapped."""
        return self.types.get(external.strip().casefold())

    def kind_and_department(self, subclass: str) -> tuple[str, str]:
        """``(kind, department)`` of a subclass code the mapping knows."""
        return self.kinds[subclass]


STAGE_NAMES = frozenset(STAGES)


def check_statuses(statuses: Mapping[str, str], where: str) -> dict[str, str]:
    """Normalise a status → stage table, refusing stages GridWall does not have."""
    bad = sorted({v for v in statuses.values() if v not in STAGE_NAMES})
    if bad:
        raise MappingError(f"{where}: unknown stage(s) {', '.join(bad)} (known: {', '.join(STAGES)})")
    return {k.strip().casefold(): v for k, v in statuses.items()}


def case_row(
    *,
    id: str,
    subclass: str,
    kind: str,
    department: str,
    source: str,
    grid: str,
    lon: float,
    lat: float,
    stage: str,
    reported_at: int,
    closed_at: int | None = None,
    deadline_at: int | None = None,
    address: str = "",
    description: str = "",
) -> dict[str, Any]:
    """A ``cases`` row for the store's bulk path.

    Stages past ``reported`` get ``filed_at``/``dispatched_at`` at the report time
    (an external system rarely records them; the live path fills skipped stages
    the same way). A closed case is on time when it closed by its deadline (unknown
    deadline: on time).
    """
    row: dict[str, Any] = {
        "id": id,
        "kind": kind,
        "subclass": subclass,
        "source": source,
        "grid": grid,
        "department": department,
        "lon": lon,
        "lat": lat,
        "stage": stage,
        "reported_at": reported_at,
        "address": address[:200],
        "description": description[:1000],
        "deadline_at": deadline_at,
        "handle_deadline_at": deadline_at,
    }
    if stage not in ("reported", "cancelled"):
        row["filed_at"] = reported_at
    if stage not in ("reported", "filed", "cancelled"):
        row["dispatched_at"] = reported_at
    if stage == "closed":
        closed = closed_at if closed_at is not None else reported_at
        row["closed_at"] = closed
        row["on_time"] = deadline_at is None or closed <= deadline_at
        row["deadline_at"] = None
    elif stage == "cancelled":
        row["cancelled_at"] = closed_at if closed_at is not None else reported_at
        row["deadline_at"] = None
    return row
