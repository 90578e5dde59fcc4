"""List the files of a bundle that its self-test never opens (Linux, needs strace).

Usage::

    python packaging/unused_files.py dist/gridwall [--min-kb 100]

Runs ``dist/gridwall/gridwall self-test`` under ``strace -f`` (every process: the wall,
QtWebEngine's helper processes) with an empty environment, as ``build.sh`` does, collects
every path opened or executed, and prints the bundle's regular files that were never opened,
largest first, with their size. Shared libraries are opened when they are loaded (linked or
``dlopen``-ed), so an unopened library was not loaded. What one run of the self-test does not
open may still be needed by something it does not exercise (another platform plugin, an
image format, a dialog, a PostgreSQL store): this is a list of candidates to check, not a
list of files to delete.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

_OPENED = re.compile(r'(?:openat|open|execve)\((?:AT_FDCWD, )?"([^"]+)"')


def opened_paths(trace_file: Path) -> set[str]:
    """Absolute paths named in successful open/exec calls of an strace log."""
    paths: set[str] = set()
    for line in trace_file.read_text(errors="replace").splitlines():
        if "= -1 " in line:  # failed (an unfinished call counts as opened: errs on keeping)
            continue
        match = _OPENED.search(line)
        if match:
            paths.add(os.path.realpath(match.group(1)))
    return paths


def trace_self_test(bundle: Path, trace_file: Path) -> int:
    """Run the bundle's self-test under strace; returns its exit status."""
    empty = tempfile.mkdtemp()
    try:
        command = [
            "strace", "-f", "-qq", "-e", "trace=open,openat,execve", "-o", str(trace_file),
            "env", "-i", f"PATH={empty}", "TMPDIR=/tmp",
            str(bundle / "gridwall"), "self-test", "--screenshot", str(trace_file.with_suffix(".png")),
        ]  # fmt: skip
        return subprocess.run(command, check=False).returncode
    finally:
        os.rmdir(empty)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--min-kb", type=int, default=100, help="list only files of at least this size")
    args = parser.parse_args(argv)
    bundle = args.bundle.resolve()
    with tempfile.TemporaryDirectory() as folder:
        trace_file = Path(folder) / "trace.log"
        status = trace_self_test(bundle, trace_file)
        if status != 0:
            print(f"the self-test failed (exit {status}); no list", file=sys.stderr)
            return 1
        opened = opened_paths(trace_file)
    unused = []
    for path in bundle.rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        if os.path.realpath(path) not in opened:
            unused.append((path.stat().st_size, path.relative_to(bundle).as_posix()))
    unused.sort(reverse=True)
    total = sum(size for size, _ in unused)
    for size, name in unused:
        if size >= args.min_kb * 1024:
            print(f"{size / 1e6:8.2f} MB  {name}")
    print(f"{len(unused)} files, {total / 1e6:.1f} MB never opened by the self-test")
    return 0


if __name__ == "__main__":
    sys.exit(main())
