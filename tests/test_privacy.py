"""feeds.privacy: what the wall must never show is masked, and the rest of the text is kept."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feeds import privacy
from feeds.privacy import has_personal_data, mask_frame, mask_text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("来电人张先生（13812345678）反映幸福里3号楼502室门口垃圾", "来电人*（1**********）反映幸福里*号楼*室门口垃圾"),
        ("市民王小明来电反映：东四北大街12号院门口", "市民*来电反映：东四北大街*号院门口"),
        ("联系人：李四，电话010-65123456", "联系人：*，电话0**********"),
        ("手机 138 1234 5678，座机 6512-3456", "手机 1**********，座机 6*******"),
        ("居民反映3-2号楼漏水", "居民反映*号楼漏水"),
        ("堆放垃圾，影响居民通行 ，业主委员会已通知", "堆放垃圾，影响居民通行 ，业主委员会已通知"),
        ("业主刘女士反映", "业主*反映"),
        ("市民来电反映：某路段井盖缺失，请尽快处理。", "市民来电反映：某路段井盖缺失，请尽快处理。"),
        ("网格 110102001004001 于 2026-12-04 21:38 上报", "网格 110102001004001 于 2026-12-04 21:38 上报"),
        # the hotline's other phrasings
        ("诉求人张三反映：楼道堆物", "诉求人*反映：楼道堆物"),
        ("王先生反映路灯不亮", "*反映路灯不亮"),
        ("张女士来电称楼道堆物", "*来电称楼道堆物"),
        ("欧阳先生反映", "*反映"),
        ("幸福里小区王师傅家门口", "幸福里小区*家门口"),
        ("姓名：王五", "姓名：*"),
        ("姓名:王五，电话13812345678", "姓名:*，电话1**********"),
        ("联系人李四", "联系人*"),
        ("来电者赵六称", "来电者*称"),
        ("3单元401门口", "*单元*门口"),
        ("5号楼3-401漏水", "*号楼*漏水"),
        ("幸福里小区10栋1201", "幸福里小区*栋*"),
        ("幸福里3号401，科技楼302", "幸福里*号*，科技楼*"),
        ("12月3号15:30，3号10辆车", "12月*号15:30，*号10辆车"),
        ("东四北大街107号院3号楼2单元502室", "东四北大街*号院*号楼*单元*室"),
        ("身份证号110101199003074512", "身份证号1*****************"),
        ("身份证号11010119900307451X，", "身份证号1*****************，"),
        ("老身份证110101900307451", "老身份证1**************"),
        ("座机010-12345678", "座机0**********"),
        ("(010)12345678", "(**********"),
        # English
        ("Mr. Wang called about the lamp", "Mr. * called about the lamp"),
        ("Mrs Li Na reported", "Mrs * reported"),
        ("name: John Smith, phone 13812345678", "name: *, phone 1**********"),
        ("Caller Zhang Wei says", "Caller * says"),
        ("Apt 4B, Room 502, No. 12 Dongsi North Street", "Apt *, Room *, No. * Dongsi North Street"),
        ("flat #502, room 12", "flat #*, room *"),
        # kept: places, case types, counts, dates, 先生/女士 inside other words
        ("陶然亭路东侧人行道有暴露垃圾", "陶然亭路东侧人行道有暴露垃圾"),
        ("幸福里社区月坛北街小区门口", "幸福里社区月坛北街小区门口"),
        ("首先生活垃圾要分类，原先生产的", "首先生活垃圾要分类，原先生产的"),
        ("维修师傅说学生上学不便", "维修师傅说学生上学不便"),
        ("环卫师傅已清理，门卫大爷和保安师傅说宿管阿姨知道", "环卫师傅已清理，门卫大爷和保安师傅说宿管阿姨知道"),
        ("修车师傅占道，园林师傅修剪", "修车师傅占道，园林师傅修剪"),
        ("3栋12户居民受影响", "*栋12户居民受影响"),
        ("办公楼2019年建成", "办公楼2019年建成"),
        ("市民网上反映占道经营，居民多次来电称，业主近日反映", "市民网上反映占道经营，居民多次来电称，业主近日反映"),
        ("No 3 trucks, the caller said the unit price is high", "No 3 trucks, the caller said the unit price is high"),
        ("Unit price 3 yuan at Xidan North Street", "Unit price 3 yuan at Xidan North Street"),
    ],
)
def test_mask_text(text: str, masked: str) -> None:
    """ID and phone numbers, names and house numbers go; places, grid codes, counts, dates and the rest stay."""
    assert mask_text(text) == masked
    assert has_personal_data(text) == (text != masked)
    assert mask_text(text) == _every_pattern(text)


def _every_pattern(text: str) -> str:
    """``mask_text`` without its gates: every pattern tried, in order."""
    for pattern, replacement, _ in privacy._MASKS:
        text = pattern.sub(replacement, text)
    return text


_CHINESE = (
    "来电人 诉求人 联系人 姓名 市民 居民 业主 来电 反映 称 电话 先生 女士 师傅 阿姨 大爷 王 张 欧阳 环卫 首 原 "
    "生活 号 号院 号楼 栋 幢 单元 室 层 楼 年 月 户 幸福里 路灯不亮 1381234 5678 010- 6512 110101199003074512"
)
_ENGLISH = "Mr. |Mrs |Ms|name: |Caller |reported by |Wang|Li Na|apt |Room |No. |flat|unit"
_FRAGMENTS = st.sampled_from([*"0123456789 -:：（）()#.,，Xx", *_CHINESE.split(), *_ENGLISH.split("|")])


@settings(max_examples=400, deadline=None)
@given(st.lists(_FRAGMENTS, max_size=14).map("".join))
def test_gates_change_no_result(text: str) -> None:
    """A pattern is skipped only when its gate shows it cannot match: the same text as trying every pattern."""
    assert mask_text(text) == _every_pattern(text)


def test_mask_frame_touches_only_free_text_fields() -> None:
    """Codes and times in a frame are kept byte for byte; a frame with nothing to mask is the same string."""
    frame = json.dumps(
        {"type": "case.created", "seq": 13812345678, "case": {"id": "C1", "description": "电话13812345678"}},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    out = json.loads(mask_frame(frame))
    assert out["seq"] == 13812345678 and out["case"] == {"id": "C1", "description": "电话1**********"}
    plain = '{"type":"ping","t":12}'
    assert mask_frame(plain) is plain
