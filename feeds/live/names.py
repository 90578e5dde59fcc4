"""Bilingual display names for codes (case types, departments, units, sources, spots).

:class:`LiveState` never formats a name itself: it asks a :class:`NameLookup`
for a :class:`Label` holding both languages, and widgets pick ``zh`` or ``en``
at paint time, so switching language needs no refold of the state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from feeds.romanize import english_name
from feeds.taxonomy import GENERIC_SOURCE_NAMES as _GENERIC_SOURCES


@dataclass(frozen=True, slots=True)
class Label:
    """A display name in Chinese and English."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        """Return the name for ``lang`` (``"en"``, anything else means Chinese)."""
        return self.en if lang == "en" else self.zh

    @classmethod
    def plain(cls, text: str) -> Label:
        """A label that reads the same in both languages (e.g. an unknown code)."""
        return cls(text, text)


class NameLookup(Protocol):
    """Resolves codes to bilingual labels; unknown codes come back as the code itself."""

    def case_type(self, subclass: str) -> Label:
        """Name of a case subclass (``"1201"`` → 非法小广告)."""
        ...

    def department(self, code: str) -> Label:
        """Name of a responsible department."""
        ...

    def unit(self, code: str) -> Label:
        """Name of a subdistrict (9 digits), community (12) or grid (15)."""
        ...

    def source(self, code: str) -> Label:
        """Name of a report source (``"patrol"`` → 监督员巡查)."""
        ...

    def spot(self, spot_id: str) -> Label:
        """Name of a crowd hot spot."""
        ...

    def sensor(self, sensor_id: str, name: str) -> Label:
        """Name of a sensor that calls itself ``name`` (producers send one language only)."""
        ...


SOURCE_NAMES: Mapping[str, Label] = {
    "patrol": Label("监督员巡查", "supervisor patrol"),
    "hotline_12345": Label("12345热线", "12345 hotline"),
    "hotline_12341": Label("12341热线", "12341 hotline"),
    "mailbox": Label("政务信箱", "government mailbox"),
    "app": Label("西城随手拍", "Xicheng Snap app"),
    "city_platform": Label("市级平台", "city platform"),
    "sensor": Label("物联感知", "IoT sensor"),
    "online": Label("网络渠道", "online"),
    "grid_member": Label("网格员", "grid member"),
}
"""Short source names used when no taxonomy supplies them."""

GENERIC_SOURCE_NAMES: Mapping[str, Label] = {
    **SOURCE_NAMES,
    **{code: Label(zh, en) for code, (zh, en) in _GENERIC_SOURCES.items()},
}
"""Source names on the wall of an imported city (its units adopted from the server):
:data:`feeds.taxonomy.GENERIC_SOURCE_NAMES`."""


class TableNames:
    """A :class:`NameLookup` over plain dictionaries (also handy as a test fake).

    Args:
        types: Subclass code → label.
        departments: Department code → label.
        units: Unit code (any level) → label.
        sources: Source code → label (defaults to :data:`SOURCE_NAMES`).
        spots: Hot-spot id → label.
    """

    def __init__(
        self,
        types: Mapping[str, Label] | None = None,
        departments: Mapping[str, Label] | None = None,
        units: Mapping[str, Label] | None = None,
        sources: Mapping[str, Label] | None = None,
        spots: Mapping[str, Label] | None = None,
    ) -> None:
        self._types = dict(types or {})
        self._departments = dict(departments or {})
        self._units = dict(units or {})
        self._sources = dict(SOURCE_NAMES if sources is None else sources)
        self._spots = dict(spots or {})

    def case_type(self, subclass: str) -> Label:
        """Name of a case subclass."""
        return self._types.get(subclass) or Label.plain(subclass)

    def department(self, code: str) -> Label:
        """Name of a department."""
        return self._departments.get(code) or Label.plain(code)

    def unit(self, code: str) -> Label:
        """Name of a unit at any level."""
        return self._units.get(code) or Label.plain(code)

    def source(self, code: str) -> Label:
        """Name of a report source."""
        return self._sources.get(code) or Label.plain(code)

    def spot(self, spot_id: str) -> Label:
        """Name of a crowd hot spot."""
        return self._spots.get(spot_id) or Label.plain(spot_id)

    def sensor(self, sensor_id: str, name: str) -> Label:
        """A sensor's name with its English form (:func:`feeds.romanize.english_name`)."""
        text = name or sensor_id
        return Label(text, english_name(text))


def _table(items: Iterable[Any], key: str = "code") -> dict[str, Label]:
    """Map ``item.<key>`` to ``Label(item.name_zh, item.name_en)`` for records with those attributes."""
    return {str(getattr(it, key)): Label(str(it.name_zh), str(it.name_en)) for it in items}


def load_names(*, short_sources: bool = True) -> TableNames:
    """Build the production lookup from the packaged taxonomy, unit registry and hot spots.

    Args:
        short_sources: Use the short wall names of :data:`SOURCE_NAMES` for
            sources (the taxonomy's full names are long for a feed column).

    An imported city's wall (:func:`feeds.geo.units.adopted_units` set) names the sources
    by :data:`GENERIC_SOURCE_NAMES` whatever ``short_sources`` says.

    Returns:
        A :class:`TableNames` covering subclasses, departments, the district,
        its subdistricts and communities (grids fall back to their code), and
        hot spots.
    """
    from feeds.geo.hotspots import load_hotspots
    from feeds.geo.units import adopted_units, load_units
    from feeds.response.taxonomy import load_response_taxonomy
    from feeds.taxonomy import UNMAPPED, load_taxonomy

    taxonomy = load_taxonomy()
    response = load_response_taxonomy()
    registry = load_units()
    units = _table([registry.district, *registry.subdistricts, *registry.communities])
    if adopted_units() is not None:  # an imported city: its channels by generic names
        sources = dict(GENERIC_SOURCE_NAMES)
    else:
        sources = dict(SOURCE_NAMES) if short_sources else _table(taxonomy.sources)
    return TableNames(
        types=_table([*taxonomy.subclasses, UNMAPPED, *response.types]),
        departments=_table([*taxonomy.departments, *response.departments]),
        units=units,
        sources=sources,
        spots=_table(load_hotspots(), key="id"),
    )
