"""Write ``resources/response_taxonomy.json``: the 全响应 taxonomy (5 / 21 / 109 / 571).

Usage: ``python packaging/make_response_taxonomy.py`` (writes the file; ``--check`` exits 1
if the file differs from what this script would write).

What is real and what is made here is said in ``resources/RESPONSE_TAXONOMY_SOURCES.md``.
In short: the counts 5 / 21 / 109 / 571 and the five request natures (咨询、求助、投诉、举报、建议)
are facts; the category, major and sub names are modelled on the themes Beijing's 12345
hotline reports publish; every leaf is generated as "sub · nature" (plus an urgent leaf
for 26 subs), and weights, departments and deadlines are our assumptions.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "response_taxonomy.json"

# Extra departments of the 全响应 platform (the shared D01-D16 are in taxonomy.json).
DEPARTMENTS = [
    ("D17", "区市场监督管理局", "District market regulation bureau"),
    ("D18", "区人力资源和社会保障局", "District human resources and social security bureau"),
    ("D19", "区教育委员会", "District education commission"),
    ("D20", "区卫生健康委员会", "District health commission"),
    ("D21", "区民政局", "District civil affairs bureau"),
    ("D22", "区房屋管理局", "District housing administration bureau"),
    ("D23", "区生态环境局", "District ecology and environment bureau"),
    ("D24", "区文化和旅游局", "District culture and tourism bureau"),
    ("D25", "区医疗保障局", "District medical insurance bureau"),
    ("D26", "区政务服务管理局", "District government services bureau"),
]

# Request natures (诉求类型) named by the Beijing regulation on 接诉即办 (2021), art. 2.
# (code, zh, en, share of a sub's requests, share answered on the line)
NATURES = [
    ("1", "咨询", "enquiry", 0.57, 0.95),
    ("2", "求助", "request for help", 0.19, 0.15),
    ("3", "投诉", "complaint", 0.14, 0.05),
    ("4", "举报", "report of wrongdoing", 0.05, 0.0),
    ("5", "建议", "suggestion", 0.05, 0.60),
]
URGENT = ("6", "紧急求助", "urgent request", 0.0, 0.0)

# Deadline profiles: (response hours, handling hours). The 2 h / 24 h / 7 d / 15 d steps
# follow published summaries of the 12345 rules; their assignment here is ours.
PROFILES = {
    "urgent": (0.5, 2.0),
    "utility": (2.0, 24.0),
    "general": (24.0, 168.0),
    "complex": (24.0, 360.0),
}

# Seasonal profiles (January first), normalised to mean 1 by the simulator.
SEASONS = {
    "flat": [1.0] * 12,
    "heating": [1.6, 1.2, 1.0, 0.5, 0.3, 0.3, 0.3, 0.3, 0.4, 0.9, 2.6, 2.0],
    "summer": [0.6, 0.6, 0.8, 1.0, 1.2, 1.4, 1.6, 1.6, 1.2, 0.9, 0.7, 0.6],
    "storm": [0.4, 0.4, 0.5, 0.6, 0.8, 1.4, 2.8, 2.6, 1.0, 0.6, 0.5, 0.4],
    "winter": [1.6, 1.4, 1.0, 0.7, 0.6, 0.6, 0.6, 0.6, 0.7, 0.9, 1.2, 1.5],
    "school": [0.8, 1.1, 1.0, 0.9, 1.0, 1.2, 1.4, 1.5, 1.3, 0.8, 0.7, 0.8],
    "spring": [0.7, 0.8, 1.4, 1.6, 1.3, 1.1, 0.9, 0.9, 0.9, 1.0, 0.8, 0.6],
}

# fmt: off
# Category → majors → subs: (zh, en, department, deadline profile, season, weight, has urgent leaf)
TREE: list[tuple[str, str, list[tuple[str, str, list[tuple[str, str, str, str, str, float, bool]]]]]] = [
    ("城市管理", "City management", [
        ("市容环卫", "Cityscape and sanitation", [
            ("生活垃圾清运", "Household waste collection", "D03", "general", "summer", 14, False),
            ("道路清扫保洁", "Street cleaning", "D03", "general", "spring", 8, False),
            ("公共厕所", "Public toilets", "D03", "general", "summer", 6, False),
            ("垃圾分类", "Waste sorting", "D03", "general", "flat", 7, False),
            ("建筑垃圾渣土", "Construction waste and spoil", "D02", "general", "spring", 4, False),
            ("违规广告牌匾", "Unauthorised signs and billboards", "D02", "general", "flat", 3, False),
        ]),
        ("市政设施", "Municipal facilities", [
            ("道路破损", "Damaged roads", "D04", "utility", "spring", 7, True),
            ("井盖缺损", "Missing or broken manhole covers", "D04", "urgent", "flat", 4, True),
            ("路灯照明", "Street lighting", "D04", "utility", "winter", 6, False),
            ("雨污水管线", "Storm and foul sewers", "D15", "utility", "storm", 6, True),
            ("道路积水", "Water-logged roads", "D15", "urgent", "storm", 5, True),
            ("桥梁地下通道", "Bridges and underpasses", "D04", "general", "storm", 2, True),
        ]),
        ("园林绿化", "Landscaping and greening", [
            ("树木修剪", "Tree pruning", "D06", "general", "summer", 6, False),
            ("倒伏树木", "Fallen trees", "D06", "urgent", "storm", 3, True),
            ("绿地养护", "Green space upkeep", "D06", "general", "spring", 4, False),
            ("病虫害防治", "Pests and plant disease", "D06", "general", "summer", 3, False),
            ("公园管理", "Parks", "D06", "general", "summer", 3, False),
        ]),
        ("交通出行", "Traffic and transport", [
            ("机动车停放", "Vehicle parking", "D07", "general", "flat", 16, False),
            ("非机动车停放", "Bicycle parking", "D07", "general", "summer", 6, False),
            ("交通信号设施", "Traffic signals and signs", "D07", "utility", "flat", 4, True),
            ("公交地铁服务", "Bus and metro services", "D26", "general", "flat", 6, False),
            ("出租网约车", "Taxis and ride hailing", "D26", "general", "flat", 4, False),
            ("道路施工占道", "Road works taking road space", "D05", "general", "spring", 4, False),
        ]),
        ("违法建设", "Unauthorised construction", [
            ("私搭乱建", "Illegal structures", "D02", "complex", "spring", 6, False),
            ("开墙打洞", "Holes knocked through walls", "D02", "complex", "flat", 2, False),
            ("地桩地锁", "Private parking posts and locks", "D02", "general", "flat", 3, False),
            ("违规装修", "Unauthorised renovation", "D08", "complex", "spring", 4, False),
            ("占用公共空间", "Occupied public space", "D01", "general", "flat", 4, False),
        ]),
    ]),
    ("公共服务", "Public services", [
        ("供暖", "Heating", [
            ("室温不达标", "Room temperature below standard", "D14", "utility", "heating", 14, True),
            ("供暖设施故障", "Heating equipment faults", "D14", "utility", "heating", 8, True),
            ("供暖收费", "Heating charges", "D14", "general", "heating", 5, False),
            ("停供报停", "Opting out of heating", "D14", "general", "heating", 3, False),
        ]),
        ("水电气", "Water, power and gas", [
            ("停水", "Water outages", "D12", "utility", "summer", 7, True),
            ("水质水压", "Water quality and pressure", "D12", "utility", "summer", 4, True),
            ("停电", "Power outages", "D10", "utility", "summer", 7, True),
            ("燃气安全", "Gas safety", "D13", "urgent", "winter", 4, True),
            ("水电气缴费", "Utility bills", "D26", "general", "flat", 5, False),
            ("通信网络", "Telephone and internet service", "D11", "general", "flat", 4, False),
        ]),
        ("物业服务", "Property management", [
            ("物业服务质量", "Property service quality", "D22", "general", "flat", 14, False),
            ("物业收费", "Property fees", "D22", "general", "flat", 6, False),
            ("电梯运行", "Lifts", "D22", "utility", "flat", 5, True),
            ("小区环境", "Estate surroundings", "D01", "general", "summer", 6, False),
            ("房屋漏水", "Leaking roofs and pipes", "D22", "utility", "storm", 6, True),
            ("老旧小区改造", "Old estate renovation", "D08", "complex", "spring", 4, False),
        ]),
        ("房屋管理", "Housing", [
            ("公房管理", "Public housing", "D22", "general", "flat", 4, False),
            ("房屋租赁", "Renting", "D22", "general", "flat", 5, False),
            ("房屋安全", "Building safety", "D08", "utility", "storm", 3, True),
            ("保障性住房", "Subsidised housing", "D22", "complex", "flat", 4, False),
            ("不动产登记", "Property registration", "D26", "general", "flat", 3, False),
        ]),
        ("教育", "Education", [
            ("入学入园", "School and kindergarten places", "D19", "general", "school", 6, False),
            ("校外培训", "After-school tutoring", "D19", "general", "school", 3, False),
            ("学校管理", "School management", "D19", "general", "school", 3, False),
            ("校园周边", "Around schools", "D01", "general", "school", 2, False),
            ("托育服务", "Childcare", "D20", "general", "flat", 2, False),
        ]),
        ("医疗卫生", "Health", [
            ("医疗服务", "Medical services", "D20", "general", "winter", 5, True),
            ("医保报销", "Medical insurance claims", "D25", "general", "flat", 5, False),
            ("疫苗接种", "Vaccination", "D20", "general", "winter", 3, False),
            ("食品卫生", "Food hygiene", "D17", "general", "summer", 3, False),
            ("病媒生物防制", "Pest control (rats, mosquitoes)", "D20", "general", "summer", 3, False),
        ]),
    ]),
    ("社会管理", "Social administration", [
        ("噪声扰民", "Noise", [
            ("施工噪声", "Construction noise", "D23", "general", "summer", 7, True),
            ("商业噪声", "Commercial noise", "D23", "general", "summer", 4, False),
            ("生活噪声", "Neighbourhood noise", "D01", "general", "summer", 5, False),
            ("广场舞噪声", "Square-dance noise", "D01", "general", "summer", 2, False),
        ]),
        ("市场监管", "Market regulation", [
            ("消费纠纷", "Consumer disputes", "D17", "general", "flat", 10, False),
            ("预付卡退费", "Prepaid card refunds", "D17", "complex", "flat", 5, False),
            ("价格收费", "Prices and charges", "D17", "general", "flat", 3, False),
            ("无照经营", "Unlicensed business", "D17", "general", "summer", 3, False),
            ("产品质量", "Product quality", "D17", "general", "flat", 3, False),
            ("食品安全", "Food safety", "D17", "utility", "summer", 3, True),
        ]),
        ("社会治安", "Public order", [
            ("治安秩序", "Public order", "D16", "utility", "summer", 4, True),
            ("流动人口管理", "Migrant population registration", "D16", "general", "flat", 2, False),
            ("消防安全", "Fire safety", "D01", "urgent", "winter", 3, True),
            ("群租房", "Overcrowded rentals", "D01", "complex", "flat", 3, True),
            ("养犬管理", "Dog keeping", "D16", "general", "spring", 3, True),
        ]),
        ("生态环境", "Environment", [
            ("大气污染", "Air pollution", "D23", "general", "winter", 4, False),
            ("油烟污染", "Cooking fumes", "D23", "general", "summer", 4, False),
            ("水体污染", "Water pollution", "D23", "general", "summer", 2, False),
            ("异味扰民", "Odour nuisance", "D23", "general", "summer", 2, False),
            ("露天烧烤", "Open-air barbecues", "D02", "general", "summer", 1, False),
        ]),
    ]),
    ("民生保障", "Livelihood and welfare", [
        ("劳动就业", "Jobs and labour", [
            ("拖欠工资", "Unpaid wages", "D18", "complex", "winter", 7, True),
            ("劳动合同", "Employment contracts", "D18", "complex", "flat", 4, False),
            ("就业服务", "Employment services", "D18", "general", "flat", 3, False),
            ("职业培训", "Vocational training", "D18", "general", "flat", 2, False),
            ("工伤认定", "Work injury recognition", "D18", "complex", "flat", 2, False),
        ]),
        ("社会保险", "Social insurance", [
            ("养老保险", "Pension insurance", "D18", "general", "flat", 5, False),
            ("医疗保险", "Health insurance", "D25", "general", "flat", 4, False),
            ("失业保险", "Unemployment insurance", "D18", "general", "flat", 2, False),
            ("社保卡", "Social security card", "D18", "general", "flat", 3, False),
            ("公积金", "Housing provident fund", "D26", "general", "flat", 3, False),
        ]),
        ("民政服务", "Civil affairs", [
            ("养老服务", "Elderly care", "D21", "general", "winter", 5, True),
            ("残疾人服务", "Services for disabled people", "D21", "general", "flat", 3, False),
            ("社会救助", "Social assistance", "D21", "complex", "winter", 3, True),
            ("婚姻登记", "Marriage registration", "D21", "general", "flat", 2, False),
            ("殡葬服务", "Funeral services", "D21", "general", "spring", 1, False),
            ("社区服务", "Community services", "D01", "general", "flat", 4, False),
        ]),
    ]),
    ("咨询建议", "Enquiries and suggestions", [
        ("政策咨询", "Policy questions", [
            ("户籍政策", "Household registration policy", "D16", "general", "school", 5, False),
            ("住房政策", "Housing policy", "D08", "general", "flat", 4, False),
            ("社保政策", "Social security policy", "D18", "general", "flat", 4, False),
            ("税费政策", "Tax and fee policy", "D26", "general", "flat", 3, False),
            ("交通政策", "Traffic policy", "D07", "general", "flat", 3, False),
        ]),
        ("办事指南", "How to get things done", [
            ("证照办理", "Licences and certificates", "D26", "general", "flat", 5, False),
            ("政务服务中心", "Government service centres", "D26", "general", "flat", 3, False),
            ("网上办事", "Online services", "D26", "general", "flat", 3, False),
            ("文化旅游", "Culture and tourism", "D24", "general", "summer", 3, False),
            ("便民设施查询", "Finding local facilities", "D01", "general", "flat", 2, False),
        ]),
        ("意见建议", "Opinions and suggestions", [
            ("城市规划建议", "City planning suggestions", "D05", "complex", "flat", 2, False),
            ("公共服务建议", "Public service suggestions", "D26", "general", "flat", 2, False),
            ("营商环境", "Business environment", "D17", "general", "flat", 2, False),
            ("表扬感谢", "Praise and thanks", "D26", "general", "flat", 2, False),
        ]),
    ]),
]
# fmt: on

TOTAL_CASES = 600_000
"""Expected cases in ten years (the document's figure); leaf weights sum to it."""


def build() -> dict[str, object]:
    """The taxonomy as a JSON-ready structure."""
    categories, majors, subs, types = [], [], [], []
    sub_weight_total = sum(s[5] for _, _, ms in TREE for _, _, ss in ms for s in ss)
    for ci, (c_zh, c_en, ms) in enumerate(TREE, start=1):
        categories.append({"code": f"Q{ci}", "name_zh": c_zh, "name_en": c_en})
        for mi, (m_zh, m_en, ss) in enumerate(ms, start=1):
            major = f"Q{ci}{mi}"
            majors.append({"code": major, "category": f"Q{ci}", "name_zh": m_zh, "name_en": m_en})
            for si, (s_zh, s_en, dept, profile, season, weight, urgent) in enumerate(ss, start=1):
                sub = f"{major}{si:02d}"
                subs.append({"code": sub, "major": major, "name_zh": s_zh, "name_en": s_en, "season": season})
                natures = [*NATURES, URGENT] if urgent else NATURES
                share_sum = sum(n[3] for n in natures) + (0.04 if urgent else 0.0)
                for code, n_zh, n_en, share, direct in natures:
                    if code == "6":
                        share, prof = 0.04, PROFILES["urgent"]
                    else:
                        prof = PROFILES[profile]
                    w = TOTAL_CASES * weight / sub_weight_total * share / share_sum
                    types.append(
                        {
                            "code": f"{sub[1:]}{code.zfill(2)}",
                            "sub": sub,
                            "nature": code,
                            "name_zh": f"{s_zh}·{n_zh}",
                            "name_en": f"{s_en}: {n_en}",
                            "department": dept,
                            "response_h": prof[0],
                            "deadline_h": prof[1],
                            "answered_on_line": direct,
                            "weight": round(w, 1),
                        }
                    )
    return {
        "version": 1,
        "note": (
            "全响应 (12345 接诉即办) taxonomy for GridWall; counts 5/21/109/571 from the source document, "
            "the tree itself modelled and partly generated: see RESPONSE_TAXONOMY_SOURCES.md."
        ),
        "platform": "response",
        "natures": [{"code": n[0], "name_zh": n[1], "name_en": n[2]} for n in [*NATURES, URGENT]],
        "channels": [
            {"code": "hotline_12345", "name_zh": "12345热线", "name_en": "12345 hotline", "share": 0.90},
            {"code": "online", "name_zh": "网络渠道", "name_en": "online", "share": 0.08},
            {"code": "grid_member", "name_zh": "网格员", "name_en": "grid member", "share": 0.02},
        ],
        "seasons": SEASONS,
        "departments": [{"code": c, "name_zh": zh, "name_en": en} for c, zh, en in DEPARTMENTS],
        "categories": categories,
        "majors": majors,
        "subs": subs,
        "types": types,
    }


def render() -> str:
    """The file's text: one leaf per line so diffs stay readable."""
    data = build()
    lines = ["{"]
    keys = list(data)
    for i, key in enumerate(keys):
        value = data[key]
        end = "," if i < len(keys) - 1 else ""
        if isinstance(value, list):
            lines.append(f' "{key}": [')
            lines += [f"  {json.dumps(item, ensure_ascii=False)}," for item in value]
            lines[-1] = lines[-1].rstrip(",")
            lines.append(f" ]{end}")
        else:
            lines.append(f' "{key}": {json.dumps(value, ensure_ascii=False)}{end}')
    lines.append("}")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is not what this script writes")
    args = parser.parse_args()
    text = render()
    if args.check:
        return 0 if OUT.read_text(encoding="utf-8") == text else 1
    OUT.write_text(text, encoding="utf-8")
    data = build()
    print(f"{OUT}: {len(data['categories'])} / {len(data['majors'])} / {len(data['subs'])} / {len(data['types'])}")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    sys.exit(main())
