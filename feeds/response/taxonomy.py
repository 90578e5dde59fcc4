"""The 全响应 taxonomy: 5 categories → 21 majors → 109 subs → 571 request types.

Read from ``resources/response_taxonomy.json`` (``resources/RESPONSE_TAXONOMY_SOURCES.md``
says what is real and what is generated). Codes: a category is ``Q1``-``Q5``, a major
``Q`` + category digit + major digit (``Q21``), a sub the major plus two digits
(``Q2101``); a leaf type is six digits, the sub's digits plus two for its nature
(``210103`` = 室温不达标·投诉). Six digits never clash with the four-digit
city-management subclasses, so one ``subclass`` column holds both platforms.

Example:
    >>> tax = load_response_taxonomy()
    >>> tax.type("210103").name_zh
    '室温不达标·投诉'
    >>> tax.major_of("210103").name_zh
    '供暖'
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from feeds.taxonomy import Department, StageDeadlines, Subclass, TaxonomyError

KIND = "event"
"""The ``kind`` a 全响应 request carries on the wire and in the store (the platform tells them apart)."""

ACCEPT_H = 0.5
"""Hours from a call's receipt to its acceptance (受理) or being answered on the line."""
DISPATCH_H = 2.0
"""Hours from acceptance to dispatch (派单)."""
EVALUATE_H = 72.0
"""Hours from the department's reply (办结反馈) to the return visit (回访) and evaluation."""


@dataclass(frozen=True)
class Named:
    """A category, major or sub: code, parent code and names."""

    code: str
    parent: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class Channel:
    """How requests arrive: the 12345 hotline (phone), online, or a grid member."""

    code: str
    name_zh: str
    name_en: str
    share: float


@dataclass(frozen=True)
class RequestType:
    """A leaf request type (the level a request is classified at).

    Attributes:
        code: Six digits (sub digits + nature).
        sub: Code of its sub (``Q2101``).
        nature: ``1`` 咨询 … ``5`` 建议, ``6`` 紧急求助.
        department: Department it is dispatched to.
        response_h: Hours from dispatch within which the department must contact the caller (响应时限).
        deadline_h: Hours from dispatch within which it must be handled (办理时限).
        answered_on_line: Share of such calls answered on the line, never dispatched.
        weight: Expected requests in ten years.
        season: Twelve monthly multipliers (January first).
    """

    code: str
    sub: str
    nature: str
    name_zh: str
    name_en: str
    department: str
    response_h: float
    deadline_h: float
    answered_on_line: float
    weight: float
    season: tuple[float, ...]

    @property
    def major(self) -> str:
        """Code of the major class."""
        return self.sub[:3]

    @property
    def category(self) -> str:
        """Code of the category."""
        return self.sub[:2]


@dataclass(frozen=True, eq=False)
class ResponseTaxonomy:
    """The whole tree with lookups (compared by identity)."""

    categories: tuple[Named, ...]
    majors: tuple[Named, ...]
    subs: tuple[Named, ...]
    types: tuple[RequestType, ...]
    departments: tuple[Department, ...]
    channels: tuple[Channel, ...]
    natures: tuple[Named, ...]
    _index: Mapping[str, RequestType] = field(default_factory=dict, repr=False)
    _named: Mapping[str, Named] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {t.code: t for t in self.types})
        object.__setattr__(self, "_named", {n.code: n for n in (*self.categories, *self.majors, *self.subs)})

    def type(self, code: str) -> RequestType:
        """The leaf type with this code (KeyError if unknown)."""
        return self._index[code]

    def is_type(self, code: str) -> bool:
        """Whether ``code`` is a 全响应 leaf type."""
        return code in self._index

    def node(self, code: str) -> Named:
        """A category, major or sub by code (KeyError if unknown)."""
        return self._named[code]

    def major_of(self, code: str) -> Named:
        """The major class of a leaf type."""
        return self._named[self._index[code].major]

    def as_subclasses(self) -> tuple[Subclass, ...]:
        """Every leaf as a :class:`~feeds.taxonomy.Subclass` (store reference, names, filters).

        Its ``class_code`` is the major, ``deadlines_h`` the four stage deadlines
        (accept, dispatch, handle, evaluate).
        """
        return tuple(
            Subclass(
                code=t.code,
                kind=KIND,
                class_code=t.major,
                name_zh=t.name_zh,
                name_en=t.name_en,
                weight=t.weight,
                season=t.season,
                department=t.department,
                deadlines_h=StageDeadlines(ACCEPT_H, DISPATCH_H, t.deadline_h, EVALUATE_H),
            )
            for t in self.types
        )


def _require(cond: bool, message: str) -> None:
    if not cond:
        raise TaxonomyError(message)


def _named(items: Sequence[Mapping[str, Any]], parent: str) -> tuple[Named, ...]:
    return tuple(Named(str(i["code"]), str(i.get(parent, "")), str(i["name_zh"]), str(i["name_en"])) for i in items)


def _season(seasons: Mapping[str, Any], name: str) -> tuple[float, ...]:
    _require(name in seasons, f"unknown season profile {name!r}")
    values = tuple(float(v) for v in seasons[name])
    _require(len(values) == 12 and all(v >= 0 for v in values) and sum(values) > 0, f"season {name!r} is bad")
    return values


def parse_response_taxonomy(data: Mapping[str, Any], known_departments: Sequence[str] = ()) -> ResponseTaxonomy:
    """Build and check the taxonomy from its JSON structure.

    Args:
        data: The decoded ``response_taxonomy.json``.
        known_departments: Department codes defined elsewhere (the shared city-management ones).

    Raises:
        TaxonomyError: On a malformed tree: duplicate codes, a child whose code does not
            start with its parent's, an unknown department or season, non-positive
            weights or deadlines, a response deadline after the handling deadline,
            a share outside 0..1, or channel shares that do not sum to 1.
    """
    try:
        categories = _named(data["categories"], "")
        majors = _named(data["majors"], "category")
        subs = _named(data["subs"], "major")
        seasons = data["seasons"]
        sub_season = {str(s["code"]): _season(seasons, str(s["season"])) for s in data["subs"]}
        departments = tuple(
            Department(str(d["code"]), str(d["name_zh"]), str(d["name_en"])) for d in data["departments"]
        )
        channels = tuple(
            Channel(str(c["code"]), str(c["name_zh"]), str(c["name_en"]), float(c["share"])) for c in data["channels"]
        )
        natures = _named(data["natures"], "")
        types = tuple(
            RequestType(
                code=str(t["code"]),
                sub=str(t["sub"]),
                nature=str(t["nature"]),
                name_zh=str(t["name_zh"]),
                name_en=str(t["name_en"]),
                department=str(t["department"]),
                response_h=float(t["response_h"]),
                deadline_h=float(t["deadline_h"]),
                answered_on_line=float(t["answered_on_line"]),
                weight=float(t["weight"]),
                season=sub_season.get(str(t["sub"]), ()),
            )
            for t in data["types"]
        )
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, TaxonomyError):
            raise
        raise TaxonomyError(f"malformed response taxonomy: {exc!r}") from exc
    for level, items in (("category", categories), ("major", majors), ("sub", subs), ("type", types)):
        listed = [i.code for i in items]
        _require(len(listed) == len(set(listed)), f"duplicate {level} code")
    for child, parents in ((majors, categories), (subs, majors)):
        codes = {p.code for p in parents}
        for node in child:
            _require(node.parent in codes and node.code.startswith(node.parent), f"{node.code}: bad parent")
    depts = {d.code for d in departments} | set(known_departments)
    sub_codes = {s.code for s in subs}
    nature_codes = {n.code for n in natures}
    for t in types:
        _require(t.sub in sub_codes, f"type {t.code}: unknown sub {t.sub!r}")
        _require(len(t.code) == 6 and t.code.isdigit() and t.code[:4] == t.sub[1:], f"type {t.code}: bad code")
        _require(t.nature in nature_codes, f"type {t.code}: unknown nature {t.nature!r}")
        _require(t.department in depts, f"type {t.code}: unknown department {t.department!r}")
        _require(t.weight > 0 and math.isfinite(t.weight), f"type {t.code}: weight must be positive")
        _require(0 < t.response_h <= t.deadline_h, f"type {t.code}: deadlines must be 0 < response <= handling")
        _require(0.0 <= t.answered_on_line <= 1.0, f"type {t.code}: answered_on_line outside 0..1")
    _require(abs(sum(c.share for c in channels) - 1.0) < 1e-6, "channel shares must sum to 1")
    return ResponseTaxonomy(categories, majors, subs, types, departments, channels, natures)


@cache
def load_response_taxonomy() -> ResponseTaxonomy:
    """Load and check the packaged 全响应 taxonomy (cached)."""
    from feeds.taxonomy import load_taxonomy

    text = resources.files("resources").joinpath("response_taxonomy.json").read_text(encoding="utf-8")
    shared = [d.code for d in load_taxonomy().departments]
    return parse_response_taxonomy(json.loads(text), shared)
