"""Refresh the translation files: lupdate (keeps existing translations) then lrelease.

Usage: ``python packaging/update_translations.py [--check]``. With ``--check`` nothing is
written; it exits 1 if a source string lacks a Chinese translation or the ``.qm`` is stale.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "resources" / "i18n" / "gridwall_zh_CN.ts"
QM = TS.with_suffix(".qm")


def sources() -> list[str]:
    """Python files whose strings are translated."""
    return sorted(str(p) for folder in ("widgets", "desktop") for p in (ROOT / folder).rglob("*.py"))


def tool(name: str) -> str:
    """Path of a PySide6 tool next to the running interpreter."""
    found = shutil.which(f"pyside6-{name}", path=str(Path(sys.executable).parent)) or shutil.which(f"pyside6-{name}")
    if found is None:
        raise SystemExit(f"pyside6-{name} not found; install PySide6")
    return found


def unfinished(ts: Path) -> list[str]:
    """Source strings without a finished translation."""
    missing = []
    for message in ET.parse(ts).getroot().iter("message"):
        translation = message.find("translation")
        obsolete = translation is not None and translation.get("type") in ("obsolete", "vanished")
        if obsolete:
            continue
        if translation is None or translation.get("type") == "unfinished" or not (translation.text or "").strip():
            missing.append(message.findtext("source") or "")
    return missing


def update(ts: Path) -> None:
    """Run lupdate into ``ts`` (existing translations are kept; vanished ones dropped)."""
    subprocess.run(
        [
            tool("lupdate"),
            *sources(),
            "-ts",
            str(ts),
            "-no-obsolete",
            "-source-language",
            "en",
            "-target-language",
            "zh_CN",
        ],
        check=True,
        capture_output=True,
    )


def release(ts: Path, qm: Path) -> None:
    """Compile ``ts`` into ``qm``."""
    subprocess.run([tool("lrelease"), str(ts), "-qm", str(qm)], check=True, capture_output=True)


def main(argv: list[str] | None = None) -> int:
    """Update or check the translation files."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="only check, write nothing")
    args = parser.parse_args(argv)
    if not args.check:
        update(TS)
        release(TS, QM)
        missing = unfinished(TS)
        for text in missing:
            print(f"untranslated: {text}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        ts, qm = Path(tmp) / TS.name, Path(tmp) / QM.name
        shutil.copy(TS, ts)
        update(ts)
        release(ts, qm)
        problems = [f"untranslated: {t}" for t in unfinished(ts)]
        if not QM.exists() or qm.read_bytes() != QM.read_bytes():
            problems.append(f"{QM.name} is stale: run python packaging/update_translations.py")
    for line in problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
