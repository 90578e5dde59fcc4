"""How active weather warnings shift the case mix (积水 in a rainstorm, 积雪 after snow ...)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import replace

from feeds.simulator.environment.weather import Weather, WeatherWarning
from feeds.taxonomy import Taxonomy, load_taxonomy

_BOOSTS = {
    "rainstorm": {"积水": 8.0, "下凹桥区积水": 10.0, "下水道堵塞或破损": 3.0, "路面塌陷": 3.0,
                  "树木倒伏": 3.0, "雨水箅子": 3.0, "雨水井盖": 2.0},
    "snowstorm": {"雪后道路积雪": 6.0, "道路结冰": 4.0, "树木倒伏": 2.0},
    "gale": {"广告牌匾坠落隐患": 5.0, "树木倒伏": 4.0, "架空线缆坠落": 4.0, "高空坠物隐患": 4.0,
             "施工围挡破损": 3.0, "非装饰性树挂": 2.0},
    "haze": {"工地扬尘": 3.0, "道路扬尘": 3.0, "焚烧垃圾树叶": 2.0, "渣土车未苫盖": 2.0},
    "heat": {"供电线路故障": 2.0, "露天烧烤": 1.5, "沿街晾挂": 1.3},
    "cold_wave": {"自来水管破裂": 3.0, "热力管道破裂": 3.0, "道路结冰": 2.0},
    "thunder": {"供电线路故障": 2.0, "树木倒伏": 2.0},
    "fog": {"交通事故": 2.0},
    "road_icing": {"道路结冰": 6.0},
    "sandstorm": {"道路不洁": 2.0, "道路扬尘": 3.0},
}  # fmt: skip
_LEVEL_SCALE = {"blue": 0.6, "yellow": 1.0, "orange": 1.5, "red": 2.0}


def case_boost(warnings: Sequence[WeatherWarning], taxonomy: Taxonomy | None = None) -> dict[str, float]:
    """Multipliers per subclass code while these warnings are in force.

    A warning shifts the case mix towards environment-type cases (积水 in a
    rainstorm, 积雪 after a snowstorm ...); the effect grows with the colour
    level. Pass the result as ``subclass_boost`` to the case model.
    """
    tax = taxonomy or load_taxonomy()
    boost: dict[str, float] = {}
    for w in warnings:
        for name, factor in _BOOSTS.get(w.kind, {}).items():
            code = tax.subclass_by_name(name).code
            boost[code] = boost.get(code, 1.0) * (1.0 + (factor - 1.0) * _LEVEL_SCALE[w.level])
    return boost


def boost_spans(
    weather: Weather, start: float, end: float, taxonomy: Taxonomy | None = None
) -> list[tuple[float, float, dict[str, float]]]:
    """The case-mix boosts of ``[start, end)`` as spans of constant boost (for seeding history).

    A span starts and ends at every issue, level change and lifting of a
    warning; inside it the boost is :func:`case_boost` of the warnings in force
    at their current level, as the live simulator applies them.
    """
    tax = taxonomy or load_taxonomy()
    warnings = weather.warnings_between(start, end)
    cuts = sorted({start, end, *(t for w in warnings for t, _, _ in w.phases() if start < t < end)})
    spans = []
    for a, b in itertools.pairwise(cuts):
        active = [replace(w, level=w.level_at(a)) for w in warnings if w.active(a)]
        boost = case_boost(active, tax) if active else {}
        if boost:
            spans.append((a, b, boost))
    return spans
