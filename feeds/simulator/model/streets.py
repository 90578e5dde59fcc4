"""Street names per subdistrict, so a case's description and address name a street near its grid.

The streets are real Xicheng streets grouped by the subdistrict they run
through (hand-compiled, approximate at the borders). Each unit grid is given
one of its subdistrict's streets by a stable hash of its code, so all cases of
a grid name the same street.
"""

from __future__ import annotations

import zlib

from feeds.simulator.model.descriptions import DEFAULT_PLACES

STREETS_BY_SUBDISTRICT: dict[str, tuple[str, ...]] = {
    "110102001": ("西单北大街", "府右街", "西长安街", "南长街", "灵境胡同", "西安门大街"),
    "110102003": ("新街口南大街", "西直门内大街", "赵登禹路", "平安里西大街", "护国寺街", "西四北大街"),
    "110102007": ("月坛北街", "三里河路", "南礼士路", "复兴门外大街", "月坛南街", "木樨地北里"),
    "110102009": ("展览馆路", "车公庄大街", "百万庄大街", "阜成门外大街", "西直门外大街", "三里河路"),
    "110102010": ("德胜门外大街", "新街口外大街", "六铺炕街", "黄寺大街", "安德路", "裕中西里"),
    "110102011": ("金融大街", "阜成门内大街", "太平桥大街", "武定侯街", "丰盛胡同", "西四南大街"),
    "110102012": ("地安门西大街", "鼓楼西大街", "烟袋斜街", "德胜门内大街", "前海西街", "西什库大街"),
    "110102013": ("大栅栏西街", "煤市街", "前门大街", "廊房头条", "珠宝市街", "铁树斜街"),
    "110102014": ("天桥南大街", "永安路", "福长街", "北纬路", "天坛西里", "东经路"),
    "110102015": ("琉璃厂西街", "南新华街", "椿树胡同", "宣武门外大街", "虎坊路", "骡马市大街"),
    "110102016": ("陶然亭路", "太平街", "黑窑厂街", "永定门西街", "南纬路", "龙泉胡同"),
    "110102017": ("广安门内大街", "报国寺前街", "长椿街", "宣武门西大街", "校场口街", "槐柏树街"),
    "110102018": ("牛街", "南横西街", "教子胡同", "枣林前街", "广安门内大街", "法源寺后街"),
    "110102019": ("白纸坊东街", "右安门内大街", "白纸坊西街", "菜园街", "右内西街", "半步桥街"),
    "110102020": ("广安门外大街", "马连道路", "红莲南路", "湾子路", "莲花池东路", "广外南街"),
}
"""Streets of each subdistrict, by 9-digit code (modelled grouping of real street names)."""


def street_of_grid(grid_code: str) -> str:
    """The street a grid's cases are described on (stable for a code).

    Grids of unknown subdistricts take one of :data:`DEFAULT_PLACES`.
    """
    streets = STREETS_BY_SUBDISTRICT.get(grid_code[:9], DEFAULT_PLACES)
    return streets[zlib.crc32(grid_code.encode()) % len(streets)]
