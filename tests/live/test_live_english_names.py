"""English forms of every name: pinyin, established names, and no Chinese left in English mode."""

from __future__ import annotations

from pathlib import Path

from feeds.geo.hotspots import load_hotspots
from feeds.geo.units import load_units
from feeds.live import load_names
from feeds.romanize import english_name, has_cjk, pinyin
from feeds.simulator.environment.sensors import SENSORS
from feeds.taxonomy import load_taxonomy


def test_pinyin_runs_syllables_together_with_apostrophes() -> None:
    """Syllables join into one capitalised word; a, o, e after a syllable take an apostrophe."""
    assert pinyin("广安门外") == "Guang'anmenwai"
    assert pinyin("西长安街") == "Xichang'anjie"  # 长 is read chang in place names
    assert pinyin("石头") == "Shitou"
    assert pinyin("西里2区") == "Xili2qu"  # digits stay, and break the syllable run
    assert pinyin("吕") == "Lü"


def test_pinyin_never_leaves_a_chinese_character() -> None:
    """A character outside the table becomes its code point, never itself."""
    rare = "\u3400"  # CJK extension A, beyond GB 2312
    assert pinyin(rare) == "U+3400" and not has_cjk(pinyin("什刹海" + rare))


def test_english_name_prefers_established_names_then_translates_generic_parts() -> None:
    """Established names win; 社区 / 街道 / 雨量站 / 桥下凹桥区 are translated, the rest is pinyin."""
    assert english_name("大栅栏") == "Dashilar"
    assert english_name("金融街雨量站") == "Financial Street rain gauge"
    assert english_name("什刹海雨量站") == "Shichahai rain gauge"
    assert english_name("石头社区") == "Shitou Community"
    assert english_name("府右街南社区居委会") == "Fuyoujienan Community"
    assert english_name("西便门桥下凹桥区") == "Xibianmen underpass"
    assert english_name("Beijing North") == "Beijing North"


def test_simulated_sensors_get_the_same_english_name_a_real_one_would() -> None:
    """The generic rule reproduces every hand-written sensor name, so a centre's own sensors read alike."""
    assert [english_name(s.name_zh) for s in SENSORS] == [s.name_en for s in SENSORS]


def test_communities_have_their_own_english_names() -> None:
    """石头社区 reads Shitou Community, not a subdistrict name with a number."""
    registry = load_units(Path("/nonexistent-override"))
    shitou = registry.get("110102013005")
    assert shitou is not None and (shitou.name_zh, shitou.name_en) == ("石头社区", "Shitou Community")
    assert len({u.name_en for u in registry.communities}) == len(registry.communities)


def test_no_chinese_character_in_any_english_name() -> None:
    """Units of every level, sensors, hot spots, departments, types, classes and sources: English mode is English."""
    names = load_names()
    registry = load_units(Path("/nonexistent-override"))
    taxonomy = load_taxonomy()
    units = [registry.district, *registry.subdistricts, *registry.communities, *registry.grids]
    found = {f"unit {u.code}": u.name_en for u in units}
    found |= {f"unit label {u.code}": names.unit(u.code).en for u in units}
    found |= {f"sensor {s.sensor_id}": names.sensor(s.sensor_id, s.name_zh).en for s in SENSORS}
    found |= {f"spot {s.id}": names.spot(s.id).en for s in load_hotspots()}
    found |= {f"department {d.code}": names.department(d.code).en for d in taxonomy.departments}
    found |= {f"type {t.code}": names.case_type(t.code).en for t in taxonomy.subclasses}
    found |= {f"class {c.code}": c.name_en for c in taxonomy.classes}
    found |= {f"source {s.code}": names.source(s.code).en for s in taxonomy.sources}
    assert len(found) > 3000
    assert all(text.strip() for text in found.values())
    assert {key: text for key, text in found.items() if has_cjk(text)} == {}
