"""Plain-data adapters from loaded geodata and taxonomy to what the drill-down widgets take (no I/O)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from feeds.geo.units import UnitRegistry
from feeds.live import Label
from feeds.taxonomy import Taxonomy
from widgets.drilldown.filters import FilterChoices


class RegistryShapes:
    """:class:`~widgets.drilldown.minimap.UnitShapes` over a loaded :class:`UnitRegistry`."""

    def __init__(self, registry: UnitRegistry) -> None:
        self.registry = registry

    def geometry(self, code: str) -> Mapping[str, Any] | None:
        """The unit's GeoJSON geometry, or ``None`` for an unknown code."""
        return self.registry.get(code).geometry if code in self.registry else None

    def children(self, code: str) -> Sequence[str]:
        """Codes of the unit's children."""
        return [u.code for u in self.registry.children(code)] if code in self.registry else []

    def generated(self, code: str) -> bool:
        """Whether the outline is generated."""
        return code in self.registry and self.registry.get(code).generated


def filter_choices(taxonomy: Taxonomy, registry: UnitRegistry) -> FilterChoices:
    """Combo-box choices: every subclass, source, department and subdistrict."""
    return FilterChoices(
        types=[(s.code, Label(s.name_zh, s.name_en)) for s in taxonomy.subclasses],
        sources=[(s.code, Label(s.name_zh, s.name_en)) for s in taxonomy.sources],
        departments=[(d.code, Label(d.name_zh, d.name_en)) for d in taxonomy.departments],
        units=[(u.code, Label(u.name_zh, u.name_en)) for u in registry.subdistricts],
    )
