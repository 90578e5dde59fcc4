"""Every UI string has a Chinese translation and the compiled .qm is current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator

ROOT = Path(__file__).resolve().parent.parent


def test_every_ui_string_is_translated_and_qm_is_current() -> None:
    """lupdate over widgets/ and desktop/ finds no untranslated string; lrelease output matches the .qm."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "update_translations.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_chinese_translation_loads(qapp: object) -> None:
    """The packaged .qm loads and translates a title bar string."""
    translator = QTranslator()
    assert translator.load(str(ROOT / "resources" / "i18n" / "gridwall_zh_CN.qm"))
    QCoreApplication.installTranslator(translator)
    try:
        text = QCoreApplication.translate("TitleBar", "Xicheng District City Management Supervision and Command Centre")
        assert text == "西城区城市管理监督指挥中心"
    finally:
        QCoreApplication.removeTranslator(translator)
