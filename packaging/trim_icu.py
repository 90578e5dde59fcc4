"""Trim the ICU data library Qt links (libicudata.so.NN) to what an en/zh wall uses.

PySide6's Qt links ICU; its data library carries every locale, converter and
transliterator of ICU (32 MB). GridWall runs in Chinese and English only and
converts text with Python's codecs, so the bundle keeps:

* every non-locale item (core properties, normalisation, time-zone and
  supplemental data, collation base, break-iterator rules);
* locale items (top-level and in every tree: coll, curr, lang, region, unit,
  zone, rbnf, brkitr, ...) for root, en, en_001, en_US, en_US_POSIX, en_GB and
  zh, zh_CN, zh_Hans, zh_Hans_CN, plus each tree's pool and index;
* the CJK break dictionary (Chinese and Japanese word segmentation), and the
  converters for GB18030, GBK, Big5 and windows-1252 (UTF-8/16/32 and Latin-1
  are built into ICU's code);

and drops the other locales, converters, the transliterators and the Thai, Lao,
Khmer and Burmese break dictionaries (1.4 MB in the two files). A locale outside
the kept set falls back to root, as ICU does for any locale it lacks; text in a
script whose dictionary is gone is not split into words (ICU loads a dictionary
only when it meets its script, and goes on without it when it is missing).

Usage: ``python packaging/trim_icu.py BUNDLE/.../libicudata.so.73`` (in place).
Needs ``genccode`` (Debian: icu-devtools), ``readelf`` and a C compiler.

``python packaging/trim_icu.py BUNDLE/.../resources/icudtl.dat`` trims QtWebEngine's own ICU
data (Chromium's, a plain ICU package file: 10.5 MB) the same way, keeping the same items. The
page shows Chinese and English text and formats nothing in other locales. Chromium's file is
already filtered and its items refer to some it does not carry (``brkitr/title.brk``,
``rbnf/root.res``), so ``icupkg`` refuses to write it; the kept items are copied, byte for
byte, into a new package by :func:`repack` instead. Qt's library is repacked the same way
(``icupkg -r`` refuses to drop the dictionaries ``brkitr/root.res`` names).
"""

from __future__ import annotations

import re
import struct
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

KEEP_LOCALES = {"root", "en", "en_001", "en_US", "en_US_POSIX", "en_GB", "zh", "zh_CN", "zh_Hans", "zh_Hans_CN"}
KEEP_ALWAYS = {"pool", "res_index"}
KEEP_CONVERTERS = {
    "gb18030.cnv",
    "windows-936-2000.cnv",  # GBK, an extension of ...
    "ibm-1386_P100-2001.cnv",
    "windows-950-2000.cnv",  # Big5, an extension of ...
    "ibm-1373_P100-2002.cnv",
    "ibm-5348_P100-1997.cnv",  # windows-1252
}
DROP_TREES = {"translit"}
# dictionaries of scripts an en/zh wall does not show; cjdict.dict (Han, kana) stays
DROP_DICTIONARIES = {"thaidict.dict", "laodict.dict", "khmerdict.dict", "burmesedict.dict"}
_LOCALE = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9]*)*$")  # de, zh_Hans_CN, de_ (a collation variant), ja_JP_TRADITIONAL


def keep(item: str) -> bool:
    """Whether the data item (a path inside the package, e.g. ``coll/de.res``) stays."""
    tree, _, name = item.rpartition("/")
    if tree in DROP_TREES:
        return False
    stem, _, suffix = name.rpartition(".")
    if tree == "brkitr" and name in DROP_DICTIONARIES:
        return False
    if suffix == "cnv":
        return name in KEEP_CONVERTERS
    if suffix != "res" or stem in KEEP_ALWAYS or stem in KEEP_LOCALES:
        return True
    return not _LOCALE.match(stem)


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def _data_symbol(library: Path) -> tuple[str, int, int]:
    """(name, file offset, size) of the library's one exported data symbol (``icudtNN_dat``)."""
    sections = {}
    for line in _run("readelf", "-S", "-W", str(library)).splitlines():
        found = re.match(r"\s*\[\s*(\d+)\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)", line)
        if found:
            sections[found.group(1)] = (int(found.group(3), 16), int(found.group(4), 16))
    for line in _run("readelf", "--dyn-syms", "-W", str(library)).splitlines():
        fields = line.split()
        if len(fields) == 8 and fields[7].startswith("icudt") and fields[7].endswith("_dat"):
            address, size, index = int(fields[1], 16), int(fields[2], 0), fields[6]
            section_address, section_offset = sections[index]
            return fields[7], section_offset + address - section_address, size
    raise SystemExit(f"trim_icu: no icudtNN_dat symbol in {library}")


def trim(library: Path) -> tuple[int, int, int, int]:
    """Rewrite ``library`` with the kept items; return (bytes before, after, items kept, items)."""
    symbol, offset, size = _data_symbol(library)
    entry = symbol.removesuffix("_dat")  # icudt73
    before = library.stat().st_size
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        full = work / f"{entry}l.dat"
        with library.open("rb") as stream:
            stream.seek(offset)
            full.write_bytes(stream.read(size))
        small = work / "small" / full.name
        small.parent.mkdir()
        packed, kept, total = repack(full.read_bytes(), keep)
        small.write_bytes(packed)
        _run("genccode", "-a", "gcc", "-e", entry, "-d", str(work), str(small))
        assembly = work / f"{full.stem}_dat.S"
        rebuilt = work / library.name
        soname = re.search(r"\(SONAME\)\s+Library soname: \[(.+?)\]", _run("readelf", "-d", str(library)))
        name = soname.group(1) if soname else library.name
        _run("cc", "-shared", "-nostdlib", f"-Wl,-soname,{name}", "-o", str(rebuilt), str(assembly))
        if _data_symbol(rebuilt)[0] != symbol:
            raise SystemExit(f"trim_icu: rebuilt library does not export {symbol}")
        library.write_bytes(rebuilt.read_bytes())
    return before, library.stat().st_size, kept, total


def repack(data: bytes, wanted: Callable[[str], bool]) -> tuple[bytes, int, int]:
    """An ICU common-data package (``CmnD``, little-endian, offset table of contents) with
    only the items ``wanted`` accepts (called with names like ``coll/zh.res``); returns
    (package, items kept, items). The header is kept as it is; items stay in the table's
    (sorted) order, each starting on a 16-byte boundary, as ``icupkg`` writes them."""
    header_size, magic1, magic2 = struct.unpack_from("<HBB", data, 0)
    if (magic1, magic2) != (0xDA, 0x27) or data[12:16] != b"CmnD" or data[8] != 0:
        raise SystemExit("trim_icu: not a little-endian ICU common data package")
    count = struct.unpack_from("<I", data, header_size)[0]
    entries = [struct.unpack_from("<II", data, header_size + 4 + 8 * i) for i in range(count)]
    ends = [offset for _, offset in entries[1:]] + [len(data) - header_size]
    items = []
    for (name_offset, data_offset), end in zip(entries, ends, strict=True):
        start = header_size + name_offset
        item = data[start : data.index(b"\0", start)]  # icudt74l/coll/zh.res
        if wanted(item.decode("ascii").partition("/")[2]):
            items.append((item + b"\0", data[header_size + data_offset : header_size + end]))
    names_at = 4 + 8 * len(items)
    name_offsets, at = [], names_at
    for entry, _ in items:
        name_offsets.append(at)
        at += len(entry)
    at = -(-at // 16) * 16
    table = struct.pack("<I", len(items))
    body = b""
    for (_, blob), name_offset in zip(items, name_offsets, strict=True):
        table += struct.pack("<II", name_offset, at + len(body))
        body += blob + b"\0" * (-len(blob) % 16)
    names = b"".join(entry for entry, _ in items)
    names += b"\0" * (-(names_at + len(names)) % 16)
    return data[:header_size] + table + names + body, len(items), count


def trim_package(path: Path) -> tuple[int, int, int, int]:
    """Rewrite the ICU package file ``path`` with the kept items (as :func:`trim`)."""
    before = path.stat().st_size
    small, kept, total = repack(path.read_bytes(), keep)
    path.write_bytes(small)
    return before, len(small), kept, total


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.split("\n\n")[-1].strip(), file=sys.stderr)
        return 2
    path = Path(argv[0])
    before, after, kept, total = (trim_package if path.suffix == ".dat" else trim)(path)
    sizes = f"{before / 1e6:.1f} MB -> {after / 1e6:.1f} MB"
    print(f"[icu] {Path(argv[0]).name}: {sizes} ({kept} of {total} data items kept)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
