"""Personal data kept off the wall: callers' names and phone numbers, exact house numbers.

Hotline (12345) and app requests arrive with the caller's words: a description
such as ``来电人张先生（13812345678）反映幸福里3号楼502室门口垃圾堆放``. The
protocol has no separate contact fields, so the personal data lives inside the
free texts (``description``, ``address``, notes). :func:`mask_text` replaces

* resident ID numbers (18 digits, the last may be ``X``; the old 15-digit ones)
  with ``1*****************``,
* mobile numbers (``1[3-9]`` + 9 digits) and landlines (``010-6512 3456``,
  ``010-12345678``, ``(010)65123456``, 8-digit local numbers) with
  ``1**********`` style stars,
* the name after 来电人 / 来电者 / 诉求人 / 求助人 / 联系人 / 举报人 / 反映人 /
  投诉人 / 报件人 / 当事人 / 姓名 / 名字 (a surname + 先生/女士/…, or two or three
  characters before a pause), after 市民 / 居民 / 业主 when 来电, 反映, 称, 电话,
  手机 or a bracket follows it, and a common surname + 先生/女士/小姐/师傅/阿姨/
  大爷/大妈 anywhere (``王先生反映``; not a trade such as 环卫师傅), with ``*``,
* house, building, unit and room numbers (``12号``, ``3号楼``, ``2单元``,
  ``502室``, and a room number right after 单元/号/楼/栋/幢 without 室:
  ``3单元401``) with ``*号`` and the like, keeping the street and the community,
* in English texts, the name after Mr/Mrs/Ms/Miss or "name:", "caller",
  "contact", … (``Mr. *``, ``name: *``) and the number after Apt/Flat/Room/Unit/
  Building/…/No./# (``Apt *``),

so a wall shows ``来电人*（1**********）反映幸福里*号楼*室门口垃圾堆放``. The
server applies :func:`mask_frame` to every frame a ``wall``-role client
receives (``docs/protocol.md``, "Privacy"); the wall's views apply
:func:`mask_text` again before they draw a case's text (defence in depth).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

_ID18 = r"(?<![\dA-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![\dA-Za-z])"
_ID15 = r"(?<![\dA-Za-z])[1-9]\d{5}[2-9]\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{2}[\dXx](?![\dA-Za-z])"
RESIDENT_ID = re.compile(f"{_ID18}|{_ID15}")
"""Resident ID numbers: 18 digits (the last may be X) with a birth date 18xx–20xx, and the old
15-digit ones with a birth year 20–99 (grid codes such as 110102001004001 have 00 there)."""

_MOBILE = r"(?<!\d)1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)"
_LANDLINE = r"(?:(?<!\d)0\d{2,3}[- ]?|[(（]0\d{2,3}[)）]\s?)\d{3,4}[- ]?\d{4}(?!\d)"
_LOCAL = r"(?<![\d.:-])[2-9]\d{3}[- ]?\d{4}(?![\d.:])"
PHONE = re.compile(f"{_MOBILE}|{_LANDLINE}|{_LOCAL}")
"""Mobile, landline with area code, and 8-digit local numbers."""

_LEADS = "来电人|来电者|诉求人|求助人|联系人|举报人|反映人|投诉人|报件人|当事人|姓名|名字"
_TITLES = "先生|女士|小姐|师傅|阿姨|大爷|大妈"
_SURNAMES = (
    "欧阳|司马|诸葛|上官|东方|慕容|令狐|皇甫|尉迟|公孙|夏侯|长孙|宇文|司徒|端木|"
    "[王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍"
    "涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党"
    "宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝]"
)
_TRADES = (
    "环卫",
    "门卫",
    "保安",
    "修车",
    "开车",
    "货车",
    "公交车",
    "出租车",
    "水管",
    "城管",
    "宿管",
    "楼管",
    "网管",
    "园林",
)
"""Trades ending in a surname character: 环卫师傅, 门卫大爷, 保安师傅, 宿管阿姨 are no names."""
_NOT_A_TRADE = "(?!{})".format("|".join(f"(?<={t[:-1]}){t[-1]}" for t in _TRADES))
NAME = re.compile(
    rf"(?P<lead>{_LEADS})(?P<sep>[:：\s]*)"
    rf"(?P<name>[\u4e00-\u9fff](?:{_TITLES})|[\u4e00-\u9fff]{{2,3}}?(?=[（(，,：:;；。\s]|来电|反映|称|电话|手机|$))"
    r"|(?P<lead2>来电市民|市民|居民|业主)(?P<sep2>[:：]?)"
    rf"(?P<name2>[\u4e00-\u9fff](?:{_TITLES})|[\u4e00-\u9fff]{{2,3}}?(?=[（(]|[，,]?(?:来电|反映|称|电话|手机)))"
    rf"|{_NOT_A_TRADE}(?P<titled>(?:{_SURNAMES})(?:{_TITLES}))(?!活|产|成|长|态|效|命|物|意|存|育)"
)
"""A name after a caller word (来电人/诉求人/联系人/姓名/…): a surname + title, or two to three
characters before a pause (after 市民/居民/业主 only before a bracket or [，]来电/反映/称/电话/手机:
"居民通行" is no name); and anywhere a common surname + 先生/女士/… ("王先生反映"; not 首先生活,
whose 首 is no common surname, nor 原先生活, where 生 begins 生活, nor a trade such as 环卫师傅)."""

HOUSE = re.compile(
    r"(?<![\d*])\d{1,5}(?:-\d{1,5})?\s?(?=号院|号楼|号|栋|幢|单元|室|层|楼)"
    r"|(?:(?<=单元)|(?<=号)|(?<=楼)|(?<=栋)|(?<=幢))\s?(?:\d{1,5}-\d{1,5}|\d{2,5})[A-Za-z]?"
    r"(?![\d:：.年月日时点分秒米个人户元平吨辆次天条家只台处%])"
)
"""A house, building, unit, floor or room number: the digits before 号/号楼/单元/室/…, and a room
number right after 单元/号/楼/栋/幢 without 室 ("3单元401", "5号楼3-401", "3号401"), unless a time,
a date or a unit follows it ("3号15:30", "办公楼2019年", "3栋12户")."""

EN_NAME = re.compile(
    r"(?P<lead>\b(?:Mr|Mrs|Ms|Miss|Mx|Madam)\.?\s+"
    r"|(?i:\b(?:name|caller|contact|complainant|reporter|reported by))(?:\s*[:：]\s*|\s+))"
    r"[A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+){0,2}"
)
"""An English name after Mr/Mrs/Ms/Miss, or after "name:", "caller", "contact", …"""

EN_HOUSE = re.compile(
    r"(?P<lead>\b(?i:(?:Apt|Apartment|Flat|Room|Rm|Unit|Suite|Ste|Bldg|Building|Block|Blk|Floor)\.?|No\.)\s*#?)"
    r"\d+(?:-\d+)?[A-Za-z]?\b"
    r"|(?<![\w#])#\d+[A-Za-z]?\b"
)
"""An English house, apartment or room number ("Apt 4B", "room 502", "No. 12", "#502"), any case."""

_WORDS = frozenset(
    {"反映", "来电", "称", "电话", "投诉", "举报", "报告"}
    # how and when a caller reached out, not who ("市民网上反映", "居民多次来电称")
    | {"网上", "线上", "致电", "拨打", "来信", "留言", "多次", "再次", "近日", "日前", "今日", "今天", "昨日", "昨天"}
    | {"集体", "多人", "联名", "本人", "群众", "们", "等人", "通过"}
)


def _stars(match: re.Match[str]) -> str:
    text = match.group(0)
    return text[0] + "*" * (sum(c.isdigit() for c in text) - 1)


def _id_stars(match: re.Match[str]) -> str:
    text = match.group(0)
    return text[0] + "*" * (len(text) - 1)


def _name(match: re.Match[str]) -> str:
    if match.group("titled") is not None:
        return "*"
    second = match.group("lead") is None
    name = match.group("name2" if second else "name")
    if name in _WORDS:
        return match.group(0)
    return match.group("lead2" if second else "lead") + match.group("sep2" if second else "sep") + "*"


def _lead_star(match: re.Match[str]) -> str:
    return (match.group("lead") or match.group(0)[0]) + "*"


_DIGIT = re.compile(r"\d")
_LATIN = re.compile(r"[A-Za-z]")
_NAME_WORDS = re.compile("|".join([*_LEADS.split("|"), "市民", "居民", "业主", *_TITLES.split("|")]))
"""Every match of :data:`NAME` holds one of these: a caller word, 市民/居民/业主 (来电市民 holds 市民), or a title."""
_HOUSE_WORDS = re.compile("号|栋|幢|单元|室|层|楼")
"""Every match of :data:`HOUSE` is next to one of these (号院 and 号楼 hold 号)."""
_MASKS: tuple[tuple[re.Pattern[str], Any, tuple[re.Pattern[str], ...]], ...] = (
    (RESIDENT_ID, _id_stars, (_DIGIT,)),
    (PHONE, _stars, (_DIGIT,)),
    (NAME, _name, (_NAME_WORDS,)),
    (HOUSE, "*", (_DIGIT, _HOUSE_WORDS)),
    (EN_NAME, _lead_star, (_LATIN,)),
    (EN_HOUSE, _lead_star, (_DIGIT,)),
)
"""Pattern, replacement, and what a text must contain for the pattern to be tried at all (a
digit, a Latin letter, one of the words every match holds): most texts are Chinese words
without digits and without a caller word or a title, so most patterns are skipped. Each gate
is a necessary condition of a match, so skipping changes no result (``tests/test_privacy.py``
checks that against every pattern tried). The English patterns have no word gate: a
case-insensitive search for their words cost more than the patterns themselves. Gates are
read on the text as given: the replacements only put ``*`` or kept text in place, so they
never create a gate word."""


def _masks(text: str) -> Iterator[tuple[re.Pattern[str], Any]]:
    seen: dict[re.Pattern[str], bool] = {}
    for pattern, replacement, needs in _MASKS:
        for gate in needs:
            found = seen.get(gate)
            if found is None:
                found = seen[gate] = gate.search(text) is not None
            if not found:
                break
        else:
            yield pattern, replacement


def mask_text(text: str) -> str:
    """``text`` with ID and phone numbers, callers' names and house numbers replaced by ``*``."""
    if not text:
        return text
    for pattern, replacement in _masks(text):
        text = pattern.sub(replacement, text)
    return text


def has_personal_data(text: str) -> bool:
    """Whether ``text`` still contains something :func:`mask_text` would mask."""
    return mask_text(text) != text


def _mask_value(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, list):
        return [_mask_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _mask_value(v) for k, v in value.items()}
    return value


_FIELDS = frozenset({"description", "address", "note", "text"})


def mask_fields(value: Any) -> Any:
    """A copy of a decoded message with every free-text field (description, address, note, text) masked."""
    if isinstance(value, list):
        return [mask_fields(v) for v in value]
    if isinstance(value, dict):
        return {k: _mask_value(v) if k in _FIELDS else mask_fields(v) for k, v in value.items()}
    return value


_FREE_TEXT_KEYS = tuple(f'"{key}":' for key in sorted(_FIELDS))


def _free_text_values(frame: str) -> Iterator[str | None]:
    """The encoded value of every free-text key in ``frame`` (``None`` when it is not a string).

    Inside a JSON string every ``"`` is escaped, so ``"key":`` is found only as a real key.
    """
    for key in _FREE_TEXT_KEYS:
        at = frame.find(key)
        while at >= 0:
            start = at + len(key)
            if not frame.startswith('"', start):
                yield None
                at = frame.find(key, start)
                continue
            end = frame.find('"', start + 1)
            while end > 0 and _escaped(frame, end):
                end = frame.find('"', end + 1)
            if end < 0:
                yield None  # not valid JSON: the full path decides
                return
            yield frame[start + 1 : end]
            at = frame.find(key, end)


def _escaped(frame: str, quote: int) -> bool:
    """Whether the ``"`` at ``quote`` is preceded by an odd number of backslashes."""
    n = 0
    while frame[quote - 1 - n] == "\\":
        n += 1
    return n % 2 == 1


def _may_hold_personal_data(frame: str) -> bool:
    """Whether any free-text value of ``frame`` matches a pattern (or is not a plain string)."""
    for value in _free_text_values(frame):
        if value is None:
            return True  # let the full path decide
        text = json.loads(f'"{value}"') if "\\" in value else value
        if any(pattern.search(text) for pattern, _ in _masks(text)):
            return True
    return False


def mask_frame(frame: str) -> str:
    """An encoded JSON frame with its free-text fields masked (the same string when nothing changes).

    Only the free-text values are scanned (one pass over the frame to find them,
    then the patterns over each value): a frame none of whose values matches is
    returned as it is without decoding. Scanning the whole frame instead cost
    ~100 µs per event, mostly the phone pattern trying every digit of grid codes
    and times.
    """
    if not _may_hold_personal_data(frame):
        return frame
    try:
        data = json.loads(frame)
    except ValueError:
        return frame
    masked = mask_fields(data)
    if masked == data:
        return frame
    return json.dumps(masked, ensure_ascii=False, separators=(",", ":"))
