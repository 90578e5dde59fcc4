"""The bundle's trimmed ICU data library (packaging/trim_icu.py) still serves an en/zh wall."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _trim_icu() -> ModuleType:
    spec = importlib.util.spec_from_file_location("trim_icu", ROOT / "packaging" / "trim_icu.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


trim_icu = _trim_icu()


@pytest.mark.parametrize(
    ("item", "kept"),
    [
        ("uprops.icu", True),
        ("supplementalData.res", True),
        ("zoneinfo64.res", True),
        ("res_index.res", True),
        ("coll/pool.res", True),
        ("zh_Hans_CN.res", True),
        ("coll/zh.res", True),
        ("curr/en_GB.res", True),
        ("brkitr/thaidict.dict", True),
        ("gb18030.cnv", True),
        ("de.res", False),
        ("coll/de_.res", False),
        ("ja_JP_TRADITIONAL.res", False),
        ("zone/fr_CA.res", False),
        ("translit/root.res", False),
        ("ibm-1047_P100-1995.cnv", False),
    ],
)
def test_the_rules_keep_core_data_and_en_zh_locales_only(item: str, kept: bool) -> None:
    assert trim_icu.keep(item) is kept


def _qt_icudata() -> Path:
    import PySide6

    found = sorted((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"))
    if not found:
        pytest.skip("this PySide6 does not ship its own ICU data library")
    return found[0]


CHECK = """
from PySide6.QtCore import QCollator, QDate, QLocale, QStringDecoder, QTimeZone
import os
zh = QLocale("zh_CN")
print([line.split()[-1] for line in open(f"/proc/{os.getpid()}/maps") if "libicudata" in line][0])
print(sorted(["西城", "北京", "广安门", "德胜"], key=QCollator(zh).sortKey))
print(QTimeZone(b"Asia/Shanghai").displayName(QTimeZone.StandardTime, QTimeZone.LongName, zh))
print(QLocale("tr_TR").toUpper("i"))
print([QStringDecoder(name).isValid() for name in ("GB18030", "GBK", "Big5", "windows-1252", "Shift_JIS")])
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF libraries only")
def test_qt_runs_on_the_trimmed_library_with_chinese_collation_time_zones_and_converters(tmp_path: Path) -> None:
    missing = [tool for tool in ("icupkg", "genccode", "cc", "readelf") if shutil.which(tool) is None]
    assert not missing, f"packaging tools missing (./run installs icu-devtools, gcc, binutils): {missing}"
    library = tmp_path / _qt_icudata().name
    shutil.copy(_qt_icudata(), library)
    before, after, kept, total = trim_icu.trim(library)
    assert after < before / 2 and 0 < kept < total
    env = {**os.environ, "LD_LIBRARY_PATH": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    run = [sys.executable, "-c", CHECK]
    out = subprocess.run(run, env=env, capture_output=True, text=True, check=True, timeout=120)
    loaded, order, zone, upper, decoders = out.stdout.splitlines()
    assert loaded == str(library)  # the trimmed copy, not the wheel's
    assert order == str(["北京", "德胜", "广安门", "西城"])  # pinyin order needs the zh collation data
    assert zone == "中国标准时间"
    assert upper == "İ"
    assert decoders == str([True, True, True, True, False])  # Shift_JIS is one of the dropped converters
