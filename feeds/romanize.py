"""English forms of Chinese place names: established names first, else Hanyu Pinyin.

Every name shown in English mode needs an English form, also names that
arrive from outside (an imported community, a sensor a centre installs).
:func:`english_name` gives one for any Chinese name:

1. an established English name from ``resources/names/established_en.csv``
   (大栅栏 → Dashilar, 金融街 → Financial Street, 什刹海 → Shichahai);
2. else the name is split into a specific part and a generic part
   (社区 → Community, 雨量站 → rain gauge, 桥下凹桥区 → underpass, …): the
   generic part is translated and the specific part is written in pinyin as
   one word, as Chinese place names are romanised (GB/T 17693):
   广安门外雨量站 → Guang'anmenwai rain gauge.

Pinyin comes from ``resources/names/pinyin_chars.csv`` (one common reading
per character, toneless); polyphonic characters in real names are settled by
the established-names table. ``python -m feeds.romanize`` rebuilds the
character table with the ``pypinyin`` package (MIT), which is needed only then.
"""

from __future__ import annotations

import csv
import importlib
import re
import sys
from functools import lru_cache
from pathlib import Path
from typing import Final

from resources import resource_path

PINYIN_FILE: Final = resource_path("names", "pinyin_chars.csv")
ESTABLISHED_FILE: Final = resource_path("names", "established_en.csv")

#: Generic parts at the end of a name and their English, longest first.
GENERIC_SUFFIXES: Final[tuple[tuple[str, str], ...]] = (
    ("社区居民委员会", "Community"),
    ("社区居委会", "Community"),
    ("街道办事处", "Subdistrict"),
    ("桥下凹桥区", "underpass"),
    ("桥下穿水位", "underpass water level"),
    ("桥下凹水位", "underpass water level"),
    ("下凹桥区", "underpass"),
    ("雨量站", "rain gauge"),
    ("水位", "water level"),
    ("积水点", "waterlogging point"),
    ("社区", "Community"),
    ("街道", "Subdistrict"),
    ("公园", "Park"),
)
#: Readings that place names use, where the most common reading is another (长安 chang'an, 什刹海 shi).
PLACE_READINGS: Final[dict[str, str]] = {"长": "chang", "什": "shi"}
_CJK: Final = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_VOWEL_START: Final = ("a", "o", "e")


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds a Chinese character."""
    return _CJK.search(text) is not None


@lru_cache(maxsize=1)
def _readings() -> dict[str, str]:
    """Character → toneless pinyin syllable, from the packaged table."""
    out: dict[str, str] = {}
    with PINYIN_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            if row and not row[0].startswith("#"):
                out.update(dict.fromkeys(row[1], row[0]))
    return out


@lru_cache(maxsize=1)
def _established() -> dict[str, str]:
    """Chinese name → established English name."""
    with ESTABLISHED_FILE.open(encoding="utf-8", newline="") as handle:
        return {r["name_zh"].strip(): r["name_en"].strip() for r in csv.DictReader(handle)}


def pinyin(text: str) -> str:
    """Write ``text`` in toneless pinyin as one word: 广安门外 → ``Guang'anmenwai``.

    Syllables run together; an apostrophe goes before a syllable starting with
    a, o or e that follows another one. Characters that are not Chinese (digits,
    Latin letters) stay as they are; a Chinese character missing from the table
    becomes its ``U+XXXX`` code, so the result never holds a Chinese character.
    """
    table = _readings()
    parts: list[str] = []
    after_syllable = False
    for char in text:
        syllable = table.get(char)
        if syllable is None and has_cjk(char):
            syllable = f"U+{ord(char):04X}"
        if syllable is None:
            parts.append(char)
            after_syllable = False
            continue
        if after_syllable and syllable.startswith(_VOWEL_START):
            parts.append("'")
        parts.append(syllable)
        after_syllable = True
    word = "".join(parts)
    return word[:1].upper() + word[1:]


@lru_cache(maxsize=4096)
def english_name(name_zh: str) -> str:
    """The English form of a Chinese name (see the module docstring); text without Chinese is returned as is."""
    name = name_zh.strip()
    if not has_cjk(name):
        return name
    known = _established()
    if name in known:
        return known[name]
    for suffix, generic in GENERIC_SUFFIXES:
        stem = name.removesuffix(suffix)
        if stem != name and stem:
            return f"{known.get(stem) or pinyin(stem)} {generic}"
    return pinyin(name)


def build_table(path: Path = PINYIN_FILE) -> int:
    """Rewrite the character table from ``pypinyin`` for every GB 2312 hanzi; returns the characters written."""
    pypinyin = importlib.import_module("pypinyin")
    by_syllable: dict[str, list[str]] = {}
    for high in range(0xB0, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                char = bytes((high, low)).decode("gb2312")
            except UnicodeDecodeError:
                continue
            reading = pypinyin.lazy_pinyin(char, style=pypinyin.Style.NORMAL, v_to_u=True, errors="ignore")
            syllable = PLACE_READINGS.get(char) or (reading[0] if reading else "")
            if syllable.isalpha():
                by_syllable.setdefault(syllable, []).append(char)
    lines = [
        "# toneless Hanyu Pinyin, one common reading per GB 2312 character: syllable,characters",
        "# generated by `python -m feeds.romanize` from pypinyin (MIT licence), place-name readings for 长 什;",
        "# see resources/names/README.md",
    ]
    lines += [f"{syllable},{''.join(chars)}" for syllable, chars in sorted(by_syllable.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return sum(len(c) for c in by_syllable.values())


if __name__ == "__main__":  # pragma: no cover - a maintenance tool
    print(f"{build_table()} characters written to {PINYIN_FILE}", file=sys.stderr)
