"""feeds.privacy: what the wall must never show is masked, and the rest of the text is kept."""

from __future__ import annotations

import json

import pytest

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
    ],
)
def test_mask_text(text: str, masked: str) -> None:
    """Phones, names after a caller word and house numbers go; grid codes, dates and the rest stay."""
    assert mask_text(text) == masked
    assert has_personal_data(text) == (text != masked)


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
