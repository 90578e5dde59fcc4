"""Print what a GridWall bundle is made of, by component, in MB.

Usage::

    python packaging/sizes.py dist/gridwall                   # one bundle
    python packaging/sizes.py OLD/dist/gridwall dist/gridwall   # before/after, side by side

Sizes are of regular files (symbolic links count nothing), as ``du --apparent-size``
would add them up. Works for Linux and Windows bundle layouts.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from pathlib import Path

# (component, pattern on the '/'-separated path inside the bundle); the first match wins.
COMPONENTS: list[tuple[str, str]] = [
    ("QtWebEngineCore library", r"(^|/)(lib)?Qt6WebEngineCore[^/]*$"),
    ("ICU for Qt (libicu*)", r"(^|/)(lib)?icu(data|i18n|uc)[^/]*$"),
    ("QML modules", r"(^|/)qml/"),
    ("Chromium locales", r"(^|/)qtwebengine_locales/"),
    ("Qt translations", r"(^|/)translations/"),
    ("Chromium resources and helper", r"(^|/)(resources/(icudtl|qtwebengine|v8_)|libexec/|QtWebEngineProcess)"),
    ("Qt plugins", r"(^|/)plugins/"),
    ("FFmpeg for QtMultimedia", r"(^|/)(lib)?(av(codec|format|util)|sw(scale|resample))[^/]*\.(so[.0-9]*|dll)$"),
    ("other Qt libraries", r"(^|/)(lib)?Qt6[^/]*\.(so[.0-9]*|dll)$"),
    ("PySide6/shiboken6 bindings", r"^(_internal/)?(PySide6|shiboken6)/"),
    ("numpy and OpenBLAS", r"^(_internal/)?numpy(\.libs)?/"),
    ("shapely and GEOS", r"^(_internal/)?shapely(\.libs)?/"),
    ("Python runtime", r"^(_internal/)?(lib)?python3|^(_internal/)?base_library\.zip$|^[^/]*$"),
    ("GridWall resources", r"^(_internal/)?resources/"),
    ("system libraries", r"^(_internal/)?[^/]+\.(so[.0-9]*|dll)$"),
]
_COMPILED = [(name, re.compile(pattern)) for name, pattern in COMPONENTS]
OTHER = "other Python packages"


def component(relative: str) -> str:
    """The component a file of the bundle belongs to."""
    for name, pattern in _COMPILED:
        if pattern.search(relative):
            return name
    return OTHER


def breakdown(bundle: Path) -> dict[str, int]:
    """Bytes per component of the bundle folder ``bundle``."""
    sizes: dict[str, int] = {}
    for path in bundle.rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        name = component(path.relative_to(bundle).as_posix())
        sizes[name] = sizes.get(name, 0) + path.stat().st_size
    return sizes


def table(bundles: Iterable[Path]) -> str:
    """A Markdown table: one row per component, one column per bundle."""
    folders = list(bundles)
    data = [breakdown(b) for b in folders]
    names = [n for n, _ in COMPONENTS] + [OTHER]
    mb = 1024 * 1024
    head = "| component | " + " | ".join(f"{b} MB" for b in folders) + " |"
    lines = [head, "|---|" + "---:|" * len(folders)]
    for name in sorted(names, key=lambda n: -data[-1].get(n, 0)):
        if any(d.get(name) for d in data):
            lines.append(f"| {name} | " + " | ".join(f"{d.get(name, 0) / mb:.1f}" for d in data) + " |")
    lines.append("| **total** | " + " | ".join(f"**{sum(d.values()) / mb:.1f}**" for d in data) + " |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if not argv:
        sys.stderr.write(__doc__ or "")
        return 2
    folders = [Path(a) for a in argv]
    missing = [str(f) for f in folders if not f.is_dir()]
    if missing:
        sys.stderr.write(f"not a folder: {', '.join(missing)}\n")
        return 2
    print(table(folders))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
