"""Name lookups: the packaged taxonomy, units and hot spots; fallbacks to the code."""

from __future__ import annotations

from feeds.live import Label, TableNames, load_names


def test_load_names_resolves_packaged_data() -> None:
    """Subclasses, departments, subdistricts, communities, sources and hot spots resolve in both languages."""
    names = load_names()
    assert names.case_type("1201") == Label("非法小广告", "illegal small ads")
    assert names.unit("110102001").zh == "西长安街街道"
    assert names.unit("110102001004").zh.endswith("社区")
    assert names.department("D01").en == "Subdistrict offices"
    assert names.source("patrol").get("zh") == "监督员巡查"
    assert names.spot("financial-street").zh == "金融街"


def test_unknown_codes_come_back_as_themselves() -> None:
    """Unknown codes are shown as the code in both languages."""
    names = TableNames()
    assert names.unit("110102999") == Label.plain("110102999")
    assert names.source("app").en == "Xicheng Snap app"
    assert Label("甲", "A").get("en") == "A" and Label("甲", "A").get("fr") == "甲"
