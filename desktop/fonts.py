"""Start-up check that a font able to show Chinese is installed."""

from __future__ import annotations

from widgets.theme import find_cjk_family

INSTALL_HINT = "sudo apt-get install -y fonts-wqy-microhei   (or fonts-noto-cjk)"


def find_cjk_font() -> str | None:
    """Name of an installed font family that covers Simplified Chinese, or ``None``."""
    return find_cjk_family()


def cjk_missing_message() -> str:
    """The message shown when no CJK font is installed."""
    return (
        "No Chinese font is installed, so Chinese text would show as empty boxes.\n"
        f"Install one with:\n  {INSTALL_HINT}\nor start the wall in English with --lang en."
    )
