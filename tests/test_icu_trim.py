"""The bundle's trimmed ICU data library (packaging/trim_icu.py) still serves an en/zh wall."""

from __future__ import annotations

import importlib.util
import json
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
        ("brkitr/cjdict.dict", True),
        ("brkitr/line.brk", True),
        ("brkitr/thaidict.dict", False),
        ("brkitr/khmerdict.dict", False),
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
    missing = [tool for tool in ("genccode", "cc", "readelf") if shutil.which(tool) is None]
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


def _webengine_icudtl() -> Path:
    import PySide6

    found = sorted((Path(PySide6.__file__).parent / "Qt" / "resources").glob("icudtl.dat"))
    if not found:
        pytest.skip("this PySide6 keeps QtWebEngine's ICU data elsewhere")
    return found[0]


def test_repacking_every_item_gives_chromiums_file_back_byte_for_byte() -> None:
    data = _webengine_icudtl().read_bytes()
    packed, kept, total = trim_icu.repack(data, lambda item: True)
    assert (kept, total) == (total, total) and total > 1000
    assert packed == data


PAGE_CHECK = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWebEngineCore import QWebEnginePage
from PySide6.QtWidgets import QApplication

PROBE = '''JSON.stringify([
  new Intl.DateTimeFormat('zh-CN', {dateStyle: 'full', timeZone: 'Asia/Shanghai'}).format(new Date(0)),
  ['西城', '北京', '广安门', '德胜'].sort(new Intl.Collator('zh-CN').compare).join(),
  new Intl.NumberFormat('en-US', {style: 'currency', currency: 'CNY'}).format(1234.5),
  [...new Intl.Segmenter('zh', {granularity: 'word'}).segment('北京市西城区广安门街道')].map(s => s.segment).join('|'),
  new Intl.DateTimeFormat('zh-CN', {timeZoneName: 'long', timeZone: 'Asia/Shanghai'}).format(new Date(0)),
  new Intl.DateTimeFormat('de-DE', {month: 'long', timeZone: 'UTC'}).format(new Date(0)),
  [...new Intl.Segmenter('th', {granularity: 'word'}).segment('สวัสดีครับ')].map(s => s.segment).join('|'),
])'''
app = QApplication(sys.argv)
page = QWebEnginePage()
page.loadFinished.connect(lambda ok: page.runJavaScript(PROBE, 0, lambda result: (print(result), app.quit())))
page.setHtml("<html><body></body></html>")
QTimer.singleShot(90000, lambda: (print("no answer from the page"), app.exit(1)))
sys.exit(app.exec())
"""


def test_the_page_formats_collates_and_segments_chinese_on_chromiums_trimmed_data(tmp_path: Path) -> None:
    """QtWebEngine reads icudtl.dat from QTWEBENGINE_RESOURCES_PATH: a folder with the trimmed
    file and the other resources of the wheel (linked)."""
    original = _webengine_icudtl()
    for resource in original.parent.iterdir():
        (tmp_path / resource.name).symlink_to(resource)
    trimmed = tmp_path / original.name
    trimmed.unlink()
    shutil.copy(original, trimmed)
    before, after, kept, total = trim_icu.trim_package(trimmed)
    assert after < before * 0.6 and 0 < kept < total
    env = {**os.environ, "QTWEBENGINE_RESOURCES_PATH": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    env.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    out = subprocess.run([sys.executable, "-c", PAGE_CHECK], env=env, capture_output=True, text=True, timeout=150)
    assert out.returncode == 0, out.stdout + out.stderr[-2000:]
    # the same answers as with the whole file (checked side by side when this was written) ...
    assert json.loads(out.stdout.splitlines()[-1])[:5] == [
        "1970年1月1日星期四",
        "北京,德胜,广安门,西城",  # pinyin order: the zh collation data
        "CN¥1,234.50",
        "北京市|西|城区|广安|门|街道",  # the CJK word dictionary
        "1970/1/1 中国标准时间",
    ]
    # ... and proof the trimmed file was the one read: German month names are gone (the whole
    # file says "Januar"; a dropped locale falls back)
    assert json.loads(out.stdout.splitlines()[-1])[5] != "Januar"
    # the Thai dictionary is gone: the whole file splits "สวัสดี|ครับ"; without it ICU goes on and
    # keeps the run as one word
    assert json.loads(out.stdout.splitlines()[-1])[6] == "สวัสดีครับ"
