"""Names of weather warnings (hazard + CMA colour level) in Chinese and English, and the text under a warning.

A ``alert.weather`` message carries one free ``text``: the simulator sends the warning's
Chinese name (``寒潮蓝色预警``), a CAP feed the alert's description, a drill a Chinese
sentence. :func:`warning_text` gives what a view in a language shows of it: the text itself
in Chinese; in English the text with every Chinese warning name (``寒潮蓝色预警``,
``暴雨橙色预警信号``) replaced by its English name (``Blue cold wave warning``), or, when
other Chinese words remain, the English name of the message's own hazard and level instead.
No Qt here: the panels, the tour and the briefing use it.
"""

from __future__ import annotations

import re

HAZARD_NAMES: dict[str, tuple[str, str]] = {
    "rainstorm": ("暴雨", "Rainstorm"),
    "snowstorm": ("暴雪", "Snowstorm"),
    "gale": ("大风", "Gale"),
    "haze": ("霾", "Haze"),
    "heat": ("高温", "Heat"),
    "cold_wave": ("寒潮", "Cold wave"),
    "thunder": ("雷电", "Thunderstorm"),
    "road_icing": ("道路结冰", "Road icing"),
    "sandstorm": ("沙尘暴", "Sandstorm"),
    "fog": ("大雾", "Fog"),
}
"""``hazard`` (protocol vocabulary) → (Chinese, English) name; English as the wall's ``Vocab`` words."""

LEVEL_NAMES: dict[str, tuple[str, str]] = {
    "blue": ("蓝色", "Blue"),
    "yellow": ("黄色", "Yellow"),
    "orange": ("橙色", "Orange"),
    "red": ("红色", "Red"),
}
"""``level`` → (Chinese, English) colour."""

_ZH_HAZARDS = {zh: code for code, (zh, _) in HAZARD_NAMES.items()} | {"雷暴": "thunder"}
_ZH_LEVELS = {zh: code for code, (zh, _) in LEVEL_NAMES.items()}
_ZH_WARNING = re.compile(
    "({})({})预警(?:信号)?".format("|".join(sorted(_ZH_HAZARDS, key=len, reverse=True)), "|".join(_ZH_LEVELS))
)
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def warning_name(hazard: str, level: str, lang: str) -> str:
    """``寒潮蓝色预警`` / ``Blue cold wave warning`` (unknown codes as they are)."""
    hazard_zh, hazard_en = HAZARD_NAMES.get(hazard, (hazard, hazard))
    level_zh, level_en = LEVEL_NAMES.get(level, (level, level))
    if lang == "en":
        return f"{level_en} {hazard_en[:1].lower()}{hazard_en[1:]} warning"
    return f"{hazard_zh}{level_zh}预警"


def warning_text(text: str, hazard: str, level: str, lang: str) -> str:
    """What a view in ``lang`` shows of a warning's ``text`` (white space collapsed); see the module."""
    plain = " ".join(text.split())
    if lang != "en" or not _CJK.search(plain):
        return plain
    english = _ZH_WARNING.sub(lambda m: warning_name(_ZH_HAZARDS[m[1]], _ZH_LEVELS[m[2]], "en"), plain)
    return english if not _CJK.search(english) else warning_name(hazard, level, "en")
