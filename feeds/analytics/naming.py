"""Names of units, case types, departments and sources for query answers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from feeds.analytics.selection import LEVELS
from feeds.geo.reference import DISTRICT_CODE
from feeds.geo.units import UnitRegistry
from feeds.taxonomy import GENERIC_SOURCE_NAMES, Subclass, Taxonomy


@dataclass(frozen=True)
class _Named:
    name_zh: str
    name_en: str


class Names:
    """Looks up display names; unknown codes are named by their code.

    Args:
        units: The unit registry (``None``: no names, every well-formed code accepted).
        taxonomy: The case taxonomy (``None``: codes only).
    """

    def __init__(self, units: UnitRegistry | None, taxonomy: Taxonomy | None) -> None:
        self.units = units
        self.taxonomy = taxonomy
        self._subclasses = {s.code: s for s in taxonomy.subclasses} if taxonomy else {}
        self._departments = {d.code: d for d in taxonomy.departments} if taxonomy else {}
        self._sources: dict[str, Any] = {s.code: s for s in taxonomy.sources} if taxonomy else {}
        self._city_departments = list(self._departments)
        if units is not None and units.district.code != DISTRICT_CODE:  # an imported city: generic channel names
            self._sources.update((code, _Named(zh, en)) for code, (zh, en) in GENERIC_SOURCE_NAMES.items())
        if taxonomy is not None:  # the 全响应 platform shares the names tables (its types, departments, channels)
            from feeds.response.taxonomy import load_response_taxonomy

            response = load_response_taxonomy()
            self._subclasses.update((s.code, s) for s in response.as_subclasses())
            self._departments.update((d.code, d) for d in response.departments)
            self._sources.update((c.code, c) for c in response.channels if c.code not in self._sources)

    def known_unit(self, code: str) -> bool:
        """Whether ``code`` is a unit of the registry (any code when there is none)."""
        return self.units is None or code in self.units

    def unit(self, code: str) -> dict[str, Any]:
        """``{code, level, name_zh, name_en}`` of a unit."""
        level = LEVELS.get(len(code), "unit")
        if self.units is not None and code in self.units:
            u = self.units.get(code)
            return {"code": code, "level": level, "name_zh": u.name_zh, "name_en": u.name_en}
        return {"code": code, "level": level, "name_zh": code, "name_en": code}

    def children(self, code: str) -> list[str]:
        """Codes of a unit's children in the registry (empty without one)."""
        if self.units is None or code not in self.units:
            return []
        return [u.code for u in self.units.children(code)]

    def units_at(self, level: str, within: str) -> list[str]:
        """Codes of every unit of ``level`` under ``within`` in the registry."""
        if self.units is None:
            return []
        pools = {"subdistrict": self.units.subdistricts, "community": self.units.communities, "grid": self.units.grids}
        return [u.code for u in pools.get(level, []) if u.code.startswith(within)]

    def subclass_info(self, code: str) -> Subclass | None:
        """The taxonomy entry of a subclass, if known."""
        return self._subclasses.get(code)

    def subclass(self, code: str) -> dict[str, Any]:
        """``{code, name_zh, name_en, class, kind}`` of a subclass."""
        s = self._subclasses.get(code)
        if s is None:
            return {"code": code, "name_zh": code, "name_en": code, "class": code[:2], "kind": None}
        return {"code": code, "name_zh": s.name_zh, "name_en": s.name_en, "class": s.class_code, "kind": s.kind}

    def department(self, code: str) -> dict[str, Any]:
        """``{code, name_zh, name_en}`` of a department."""
        d = self._departments.get(code)
        return {"code": code, "name_zh": d.name_zh if d else code, "name_en": d.name_en if d else code}

    def departments(self) -> list[str]:
        """Every department code of the city-management taxonomy (rankings list them, zeros included)."""
        return list(self._city_departments)

    def source(self, code: str) -> dict[str, Any]:
        """``{code, name_zh, name_en}`` of a source."""
        s = self._sources.get(code)
        return {"code": code, "name_zh": s.name_zh if s else code, "name_en": s.name_en if s else code}
