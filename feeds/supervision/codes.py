"""Component codes as GB/T 30428.2 defines them: 6-digit district + 2 major + 2 minor + 6 serial.

``110102 01 19 000123`` is street light (路灯: major 01 公用设施, minor 19) number 123 of
Xicheng (110102). Major + minor is the component subclass code of the taxonomy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from feeds.simulator.model.components import component_code
from feeds.taxonomy import Taxonomy

CODE_RE = re.compile(r"\d{16}")
STATES = ("ok", "damaged", "missing", "occupied")
"""Component states: 完好, 破损, 丢失, 占用."""
STATE_NAMES_ZH = {"ok": "完好", "damaged": "破损", "missing": "丢失", "occupied": "占用"}


class ComponentCodeError(ValueError):
    """A component code that is not valid; the message says why."""


@dataclass(frozen=True, slots=True)
class ComponentCode:
    """A parsed 16-digit component code."""

    district: str
    major: str
    minor: str
    serial: int

    @property
    def subclass(self) -> str:
        """Major + minor: the taxonomy's component subclass code."""
        return self.major + self.minor

    def __str__(self) -> str:
        return f"{self.district}{self.major}{self.minor}{self.serial:06d}"


def format_code(district: str, subclass: str, serial: int) -> str:
    """The 16-digit code of component ``serial`` of ``subclass`` (4 digits) in ``district`` (6 digits)."""
    if not re.fullmatch(r"\d{6}", district):
        raise ComponentCodeError(f"district code {district!r} must be 6 digits")
    if not re.fullmatch(r"\d{4}", subclass):
        raise ComponentCodeError(f"subclass code {subclass!r} must be 4 digits (major + minor)")
    if not 0 < serial <= 999_999:
        raise ComponentCodeError(f"serial {serial} must be 1..999999")
    return component_code(district, subclass, serial)


def parse_code(code: str, taxonomy: Taxonomy | None = None) -> ComponentCode:
    """Split a 16-digit code; with ``taxonomy``, major + minor must be a component subclass.

    Raises:
        ComponentCodeError: naming what is wrong.
    """
    text = code.strip()
    if not CODE_RE.fullmatch(text):
        raise ComponentCodeError(f"component code {code!r} must be 16 digits")
    parsed = ComponentCode(text[:6], text[6:8], text[8:10], int(text[10:]))
    if parsed.serial == 0:
        raise ComponentCodeError(f"component code {code!r}: serial 000000 is not allowed")
    if taxonomy is not None:
        try:
            sub = taxonomy.subclass(parsed.subclass)
        except KeyError:
            raise ComponentCodeError(f"component code {code!r}: no component subclass {parsed.subclass}") from None
        if sub.kind != "component":
            raise ComponentCodeError(f"component code {code!r}: {parsed.subclass} is an event subclass")
    return parsed
