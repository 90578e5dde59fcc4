"""Start-up check that a font able to show Chinese is installed."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase

PREFERRED_CJK = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
)
SAMPLE = "西城区城市管理指挥中心"
INSTALL_HINT = "sudo apt-get install -y fonts-wqy-microhei   (or fonts-noto-cjk)"


def find_cjk_font() -> str | None:
    """Name of an installed font family that covers Simplified Chinese, or ``None``."""
    families = QFontDatabase.families()
    for name in PREFERRED_CJK:
        if name in families:
            return name
    for name in families:
        if QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(name):
            return name
    return None


def cjk_missing_message() -> str:
    """The message shown when no CJK font is installed."""
    return (
        "No Chinese font is installed, so Chinese text would show as empty boxes.\n"
        f"Install one with:\n  {INSTALL_HINT}\nor start the wall in English with --lang en."
    )
