"""Case taxonomy of grid-based city management: kinds, classes, subclasses.

The taxonomy is read from the packaged resource ``resources/taxonomy.json``
(see ``resources/TAXONOMY_SOURCES.md`` for what is official and what is
modelled). Codes follow GB/T 30428.2 in spirit: a subclass code is its class
code plus two digits (``"0101"`` 上水井盖). Component (部件) classes are
numbered ``01``-``06`` as in the standard; event (事件) classes are numbered
``11``-``16`` here so that a four-digit subclass code is unique on its own.

Example:
    >>> taxonomy = load_taxonomy()
    >>> taxonomy.subclass("1201").name_zh
    '非法小广告'
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

STAGE_DEADLINE_KEYS = ("filed", "dispatched", "handling", "verifying")
"""Stages that carry a deadline, in workflow order."""


class TaxonomyError(ValueError):
    """Raised when taxonomy data is malformed or inconsistent."""


@dataclass(frozen=True)
class Kind:
    """部件 (component) or 事件 (event)."""

    code: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class CaseClass:
    """A major class (大类) such as 公用设施 or 街面秩序."""

    code: str
    kind: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class StageDeadlines:
    """Hours allowed for each stage, counted from the stage's start.

    Attributes:
        filed: report received → filed (立案) or rejected.
        dispatched: filed → dispatched (派发) to a department.
        handling: dispatched → closure requested (处置时限).
        verifying: closure requested → verified (核查).
    """

    filed: float
    dispatched: float
    handling: float
    verifying: float


@dataclass(frozen=True)
class Subclass:
    """A case subclass (小类) with its modelled frequency and deadlines.

    Attributes:
        code: Four-digit code, class code plus two digits.
        kind: ``"component"`` or ``"event"``.
        class_code: Code of the owning class.
        name_zh: Chinese name as shown on the wall.
        name_en: English name.
        weight: Relative frequency (expected cases in ten years).
        season: Twelve monthly multipliers (January first).
        department: Code of the responsible department.
        deadlines_h: Stage deadlines in hours.
        sensor_linked: Whether IoT sensors can raise this subclass.
    """

    code: str
    kind: str
    class_code: str
    name_zh: str
    name_en: str
    weight: float
    season: tuple[float, ...]
    department: str
    deadlines_h: StageDeadlines
    sensor_linked: bool = False


@dataclass(frozen=True)
class Department:
    """A department (专业部门) that handles dispatched cases."""

    code: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class Source:
    """A channel through which cases are reported.

    Attributes:
        code: Stable identifier such as ``"patrol"``.
        name_zh: Chinese name.
        name_en: English name.
        share: Present-day share of reports (all shares sum to 1).
        share_historical: Share in the early years (patrol > 99 %).
    """

    code: str
    name_zh: str
    name_en: str
    share: float
    share_historical: float


@dataclass(frozen=True, eq=False)
class Taxonomy:
    """The whole taxonomy with lookup helpers (compared and hashed by identity).

    Attributes:
        kinds: The two kinds.
        classes: Major classes of both kinds.
        subclasses: All subclasses, in code order.
        departments: Responsible departments.
        sources: Report channels.
        source_share_years: Years at which ``share_historical`` and
            ``share`` hold, keys ``"historical"`` and ``"present"``.
    """

    kinds: tuple[Kind, ...]
    classes: tuple[CaseClass, ...]
    subclasses: tuple[Subclass, ...]
    departments: tuple[Department, ...]
    sources: tuple[Source, ...]
    source_share_years: Mapping[str, int]
    _index: Mapping[str, int] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {s.code: i for i, s in enumerate(self.subclasses)})

    def subclass(self, code: str) -> Subclass:
        """Return the subclass with this code (KeyError if unknown)."""
        return self.subclasses[self._index[code]]

    def subclass_index(self, code: str) -> int:
        """Return the position of a subclass in :attr:`subclasses`."""
        return self._index[code]

    def subclass_by_name(self, name_zh: str) -> Subclass:
        """Return the subclass with this Chinese name (KeyError if unknown)."""
        for sub in self.subclasses:
            if sub.name_zh == name_zh:
                return sub
        raise KeyError(name_zh)

    def case_class(self, code: str) -> CaseClass:
        """Return the class with this code (KeyError if unknown)."""
        for cls in self.classes:
            if cls.code == code:
                return cls
        raise KeyError(code)

    def department(self, code: str) -> Department:
        """Return the department with this code (KeyError if unknown)."""
        for dept in self.departments:
            if dept.code == code:
                return dept
        raise KeyError(code)

    def source_index(self, code: str) -> int:
        """Return the position of a source in :attr:`sources`."""
        for i, src in enumerate(self.sources):
            if src.code == code:
                return i
        raise KeyError(code)


UNMAPPED = Subclass(
    code="1699",
    kind="event",
    class_code="16",
    name_zh="未归类（导入）",
    name_en="unmapped (imported)",
    weight=1.0,
    season=(1.0,) * 12,
    department="D01",
    deadlines_h=StageDeadlines(filed=1, dispatched=1, handling=24, verifying=4),
)
"""Where importers put a case whose external type no mapping names (counted, never dropped).

Not one of Xicheng's 179 subclasses: the simulator never draws it; the store and the
wall's names know it.
"""


def _require(cond: bool, message: str) -> None:
    if not cond:
        raise TaxonomyError(message)


def _unique(codes: Sequence[str], what: str) -> None:
    seen: set[str] = set()
    for code in codes:
        _require(code not in seen, f"duplicate {what} code {code!r}")
        seen.add(code)


def _parse_subclass(raw: Mapping[str, Any]) -> Subclass:
    code = str(raw["code"])
    deadlines = raw["deadlines_h"]
    missing = [k for k in STAGE_DEADLINE_KEYS if k not in deadlines]
    _require(not missing, f"subclass {code}: deadlines_h lacks {missing}")
    hours = [float(deadlines[k]) for k in STAGE_DEADLINE_KEYS]
    _require(all(h > 0 for h in hours), f"subclass {code}: deadlines must be positive")
    season = tuple(float(v) for v in raw["season"])
    _require(len(season) == 12, f"subclass {code}: season needs 12 monthly values")
    _require(
        all(v >= 0 for v in season) and sum(season) > 0,
        f"subclass {code}: season values must be >= 0 and not all zero",
    )
    weight = float(raw["weight"])
    _require(weight > 0 and math.isfinite(weight), f"subclass {code}: weight must be positive")
    return Subclass(
        code=code,
        kind=str(raw["kind"]),
        class_code=str(raw["class_code"]),
        name_zh=str(raw["name_zh"]),
        name_en=str(raw["name_en"]),
        weight=weight,
        season=season,
        department=str(raw["department"]),
        deadlines_h=StageDeadlines(*hours),
        sensor_linked=bool(raw.get("sensor_linked", False)),
    )


def _check_shares(sources: Sequence[Source]) -> None:
    for attr in ("share", "share_historical"):
        values = [float(getattr(s, attr)) for s in sources]
        _require(all(v >= 0 for v in values), f"source {attr} values must be >= 0")
        _require(abs(sum(values) - 1.0) < 1e-6, f"source {attr} values sum to {sum(values):.6f}, not 1")


def parse_taxonomy(data: Mapping[str, Any]) -> Taxonomy:
    """Build and validate a taxonomy from its JSON structure.

    Args:
        data: The decoded content of ``taxonomy.json``.

    Returns:
        The validated taxonomy.

    Raises:
        TaxonomyError: On duplicate codes, non-positive weights, unknown
            kinds/classes/departments, bad seasons or deadlines, or source
            shares that do not sum to 1.
    """
    try:
        kinds = tuple(Kind(str(k["code"]), str(k["name_zh"]), str(k["name_en"])) for k in data["kinds"])
        classes = tuple(
            CaseClass(str(c["code"]), str(c["kind"]), str(c["name_zh"]), str(c["name_en"])) for c in data["classes"]
        )
        departments = tuple(
            Department(str(d["code"]), str(d["name_zh"]), str(d["name_en"])) for d in data["departments"]
        )
        sources = tuple(
            Source(
                str(s["code"]),
                str(s["name_zh"]),
                str(s["name_en"]),
                float(s["share"]),
                float(s.get("share_historical", s["share"])),
            )
            for s in data["sources"]
        )
        subclasses = tuple(_parse_subclass(s) for s in data["subclasses"])
        years = {str(k): int(v) for k, v in data.get("source_share_years", {}).items()}
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, TaxonomyError):
            raise
        raise TaxonomyError(f"malformed taxonomy: {exc!r}") from exc
    _unique([k.code for k in kinds], "kind")
    _unique([c.code for c in classes], "class")
    _unique([d.code for d in departments], "department")
    _unique([s.code for s in sources], "source")
    _unique([s.code for s in subclasses], "subclass")
    kind_codes = {k.code for k in kinds}
    class_kinds = {c.code: c.kind for c in classes}
    dept_codes = {d.code for d in departments}
    for cls in classes:
        _require(cls.kind in kind_codes, f"class {cls.code}: unknown kind {cls.kind!r}")
    for sub in subclasses:
        _require(sub.class_code in class_kinds, f"subclass {sub.code}: unknown class {sub.class_code!r}")
        _require(sub.kind == class_kinds[sub.class_code], f"subclass {sub.code}: kind differs from its class")
        _require(
            sub.code.startswith(sub.class_code) and len(sub.code) == 4,
            f"subclass {sub.code}: code must be class code + 2 digits",
        )
        _require(sub.department in dept_codes, f"subclass {sub.code}: unknown department {sub.department!r}")
    _require(bool(subclasses) and bool(sources), "taxonomy needs subclasses and sources")
    _check_shares(sources)
    years.setdefault("historical", 2010)
    years.setdefault("present", 2023)
    return Taxonomy(kinds, classes, tuple(sorted(subclasses, key=lambda s: s.code)), departments, sources, years)


@cache
def load_taxonomy() -> Taxonomy:
    """Load and validate the packaged taxonomy (cached after the first call).

    Raises:
        TaxonomyError: If the packaged file is inconsistent.
    """
    text = resources.files("resources").joinpath("taxonomy.json").read_text(encoding="utf-8")
    return parse_taxonomy(json.loads(text))


GENERIC_SOURCE_NAMES: dict[str, tuple[str, str]] = {
    "patrol": ("巡查上报", "field inspection"),
    "hotline_12345": ("电话热线", "phone hotline"),
    "hotline_12341": ("服务热线", "service hotline"),
    "mailbox": ("网上受理", "online form"),
    "app": ("手机应用", "mobile app"),
    "city_platform": ("市级平台", "city platform"),
    "sensor": ("物联感知", "IoT sensor"),
}
"""``(zh, en)`` names of the sources for an imported city (units other than Xicheng's): the channels
an import maps its own into (NYC's PHONE → ``hotline_12345``, ONLINE → ``mailbox``, MOBILE →
``app``) named for what they are anywhere, not Xicheng's 12345 hotline, government mailbox and
"Xicheng Snap" app (the wall's panels and the drill-down's answers alike)."""
