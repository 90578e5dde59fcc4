"""Tests of the packaged taxonomy and its loader's validation."""

from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any

import pytest

from feeds.taxonomy import TaxonomyError, load_taxonomy, parse_taxonomy

TOP5 = ("非法小广告", "机动车乱停放", "暴露垃圾", "沿街晾挂", "无照经营游商")


def raw_taxonomy() -> dict[str, Any]:
    """Return a fresh copy of the packaged taxonomy JSON."""
    text = resources.files("resources").joinpath("taxonomy.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return copy.deepcopy(data)


def test_taxonomy_has_179_subclasses_in_twelve_classes() -> None:
    """Xicheng's 179 subclasses fall into 6 component and 6 event classes."""
    tax = load_taxonomy()
    assert len(tax.subclasses) == 179
    assert [c.name_zh for c in tax.classes if c.kind == "component"] == [
        "公用设施",
        "道路交通",
        "市容环境",
        "园林绿化",
        "房屋土地",
        "其他设施",
    ]
    assert [c.name_zh for c in tax.classes if c.kind == "event"] == [
        "市容环境",
        "宣传广告",
        "施工管理",
        "突发事件",
        "街面秩序",
        "其他事件",
    ]
    assert {s.kind for s in tax.subclasses} == {"component", "event"}


def test_load_taxonomy_is_cached() -> None:
    """Loading twice returns the very same object."""
    assert load_taxonomy() is load_taxonomy()


def test_top_five_make_exactly_7311_per_mille_of_weight() -> None:
    """The five most frequent subclasses hold exactly 73.11 % of the weight."""
    tax = load_taxonomy()
    total = sum(s.weight for s in tax.subclasses)
    ranked = sorted(tax.subclasses, key=lambda s: -s.weight)
    assert {s.name_zh for s in ranked[:5]} == set(TOP5)
    assert sum(s.weight for s in ranked[:5]) / total == pytest.approx(0.7311, abs=1e-9)


def test_rare_subclasses_have_ten_year_weights() -> None:
    """露天烧烤 and 开墙打洞 weigh their ten-year counts out of 3.22M."""
    tax = load_taxonomy()
    total = sum(s.weight for s in tax.subclasses)
    assert total == 3_220_000
    assert tax.subclass_by_name("露天烧烤").weight == 178
    assert tax.subclass_by_name("开墙打洞").weight == 34


def test_named_subclasses_exist_with_sensible_deadlines() -> None:
    """Subclasses named in the brief exist; urgent ones get 2 h handling."""
    tax = load_taxonomy()
    for name in (
        "上水井盖",
        "污水井盖",
        "雨水井盖",
        "路灯",
        "公交站亭",
        "消防栓",
        "道路破损",
        "积存垃圾渣土",
        "店外经营",
        "占道经营",
        "施工扰民",
        "道路不洁",
        "绿地脏乱",
        "树木死亡",
        "积水",
        "道路结冰",
        "雪后道路积雪",
    ):
        assert tax.subclass_by_name(name).code
    assert tax.subclass_by_name("上水井盖").deadlines_h.handling == 2
    handling = [s.deadlines_h.handling for s in tax.subclasses]
    assert min(handling) == 2 and max(handling) == 120


def test_seasons_peak_where_expected() -> None:
    """Barbecues and laundry peak in summer, snow only in winter."""
    tax = load_taxonomy()
    bbq, snow = tax.subclass_by_name("露天烧烤").season, tax.subclass_by_name("雪后道路积雪").season
    assert bbq[6] > 5 * bbq[0]
    assert tax.subclass_by_name("沿街晾挂").season[6] > tax.subclass_by_name("沿街晾挂").season[0]
    assert snow[6] == 0 and snow[0] > 1


def test_codes_and_references_are_consistent() -> None:
    """Subclass codes extend their class code and name a known department."""
    tax = load_taxonomy()
    depts = {d.code for d in tax.departments}
    assert 12 <= len(depts) <= 16
    for sub in tax.subclasses:
        assert sub.code[:2] == sub.class_code and sub.department in depts
    assert tax.subclass(tax.subclasses[5].code) is tax.subclasses[5]


def test_sources_patrol_dominant_and_shares_sum_to_one() -> None:
    """Patrol dominates today (>90 %) and historically (>99 %)."""
    tax = load_taxonomy()
    patrol = tax.sources[tax.source_index("patrol")]
    assert patrol.share > 0.9 and patrol.share_historical > 0.99
    assert sum(s.share for s in tax.sources) == pytest.approx(1.0)
    assert {s.code for s in tax.sources} == {
        "patrol",
        "hotline_12345",
        "hotline_12341",
        "mailbox",
        "app",
        "city_platform",
        "sensor",
    }


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["subclasses"].append(dict(d["subclasses"][0])), "duplicate subclass"),
        (lambda d: d["subclasses"][3].update(weight=0), "weight must be positive"),
        (lambda d: d["subclasses"][3].update(department="D99"), "unknown department"),
        (lambda d: d["sources"][0].update(share=0.5), "sum to"),
        (lambda d: d["subclasses"][3].update(season=[1.0] * 11), "12 monthly"),
        (lambda d: d["subclasses"][3].update(class_code="99"), "unknown class"),
        (lambda d: d["subclasses"][3]["deadlines_h"].pop("handling"), "deadlines_h lacks"),
        (lambda d: d["departments"].append(dict(d["departments"][0])), "duplicate department"),
        (lambda d: d.pop("sources"), "malformed"),
    ],
)
def test_validation_rejects_bad_data(mutate: Any, message: str) -> None:
    """Each kind of inconsistency raises TaxonomyError with a clear message."""
    data = raw_taxonomy()
    mutate(data)
    with pytest.raises(TaxonomyError, match=message):
        parse_taxonomy(data)
