"""Short plausible Chinese case descriptions, in the register's style or a citizen's words.

Descriptions are untrusted text downstream like any citizen text: escape them.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from feeds.taxonomy import Subclass

DEFAULT_PLACES = (
    "西单北大街", "金融大街", "阜成门内大街", "西四北大街", "新街口南大街", "德胜门内大街",
    "地安门西大街", "平安里西大街", "广安门内大街", "菜市口大街", "宣武门外大街", "牛街",
    "南新华街", "琉璃厂西街", "大栅栏西街", "西直门南大街", "车公庄大街", "展览馆路",
    "三里河路", "月坛北街", "南礼士路", "白纸坊东街", "右安门内大街", "陶然亭路",
    "天桥南大街", "虎坊路", "珠市口西大街", "护国寺街", "烟袋斜街", "鼓楼西大街",
    "新街口外大街", "德胜门外大街", "马连道路", "广安门外大街", "百万庄大街", "西什库大街",
)  # fmt: skip
"""Real Xicheng street names used when the caller gives no place."""
_SPOTS = (
    "东侧人行道", "西侧人行道", "南侧便道", "北侧便道", "路口东北角", "路口西南角", "公交站旁",
    "小区门口", "胡同口", "地铁站出口附近", "辅路", "沿街商铺门前",
)  # fmt: skip
_PROBLEMS = (
    ("井盖", ("破损", "缺失", "移位", "松动异响")), ("箅子", ("破损", "缺失", "堵塞")),
    ("灯", ("不亮", "损坏", "灯杆倾斜")), ("树", ("倾斜", "枝杈折断", "受损")),
    ("栓", ("漏水", "损坏")), ("", ("损坏", "污损", "倾斜", "缺失")),
)  # fmt: skip
_COLLOQUIAL = {
    "非法小广告": "电线杆和墙上贴满了小广告", "机动车乱停放": "有车乱停在便道上，行人都过不去",
    "暴露垃圾": "路边垃圾堆着没人清，味道很大", "沿街晾挂": "有人在树上和护栏上晾衣服被子",
    "无照经营游商": "有流动摊贩摆摊卖东西", "露天烧烤": "晚上有人在路边露天烧烤，烟很大",
    "开墙打洞": "有商户把临街的墙打开开了个门", "积水": "路面积水很深，车都过不去",
    "道路结冰": "路面结冰了特别滑", "施工扰民": "工地夜里还在施工，吵得睡不着",
    "雪后道路积雪": "路上的雪一直没人扫",
}  # fmt: skip


def _problem(sub: Subclass, rng: random.Random) -> str:
    for suffix, problems in _PROBLEMS:
        if suffix in sub.name_zh:
            return rng.choice(problems)
    return "损坏"


def describe(sub: Subclass, place: str, source: str, rng: random.Random) -> str:
    """Return a short plausible Chinese description of a case.

    Supervisors and machines write in the register's formal style
    ("西单北大街东侧人行道有非法小广告"); hotline, mailbox and app reports
    are colloquial.

    Args:
        sub: The case subclass.
        place: Street or landmark name.
        source: Source code of the report.
        rng: Generator for the choice of wording.
    """
    spot = rng.choice(_SPOTS)
    thing = f"{sub.name_zh}{_problem(sub, rng)}" if sub.kind == "component" else sub.name_zh
    if source == "sensor":
        return f"物联感知设备报警：{place}{spot}{thing}"
    if source in ("patrol", "city_platform"):
        pattern = "{p}{s}{t}" if sub.kind == "component" else rng.choice(("{p}{s}有{t}", "{p}{s}存在{t}问题"))
        return pattern.format(p=place, s=spot, t=thing)
    said = _COLLOQUIAL.get(sub.name_zh) or (
        f"{thing}，好几天了没人管" if sub.kind == "component" else f"{thing}问题挺严重的，影响出行"
    )
    if source == "mailbox":
        return f"来信反映：{place}附近{said}，希望有关部门尽快处理。"
    if source == "app":
        return f"{place}{spot}{said}，已拍照，请尽快处理"
    return f"市民来电反映：{place}{spot}{said}，请尽快处理。"


PLACE_MARK = "\x00"
"""Stands for the place in a description template."""


class DescriptionTable:
    """Pre-worded description templates per subclass and source, for describing millions of cases fast.

    Each ``(subclass, source)`` pair gets ``variants`` wordings from
    :func:`describe` (with the place left open); a case picks one by index and
    fills in its street, so a seeded history reads like the live feed.

    Args:
        subclasses: Subclasses in taxonomy order.
        sources: Source codes in taxonomy order.
        variants: Wordings per pair.
        seed: Seed of the wording choices.
    """

    def __init__(self, subclasses: Sequence[Subclass], sources: Sequence[str], variants: int = 6, seed: int = 0):
        self.variants = variants
        self._per_sub = len(sources) * variants
        self._templates = tuple(
            describe(sub, PLACE_MARK, src, random.Random(f"{seed}:{sub.code}:{src}:{k}"))
            for sub in subclasses
            for src in sources
            for k in range(variants)
        )

    def fill(
        self, subclass: Sequence[int], source: Sequence[int], variant: Sequence[int], place: Sequence[str]
    ) -> list[str]:
        """Descriptions for cases given their subclass, source and variant indices and their places."""
        per_sub, per_src, templates = self._per_sub, self.variants, self._templates
        return [
            templates[s * per_sub + r * per_src + k].replace(PLACE_MARK, p)
            for s, r, k, p in zip(subclass, source, variant, place, strict=True)
        ]
