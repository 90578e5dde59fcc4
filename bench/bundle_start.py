"""Start-up time of a GridWall bundle (or any ``gridwall`` command), median of N runs.

Usage::

    python bench/bundle_start.py dist/gridwall/gridwall [--runs 5]

Each run starts the program under ``env -i`` (as the build's self-test does) twice:

* ``gridwall --help``: the bootloader, Python and the command line, no Qt;
* ``gridwall self-test``: the time from exec to each of its ``ok`` lines, read as they are
  printed: Qt up, history seeded (two days), wall live, map painted, screenshot saved.

Runs one after another, so the page cache is warm after the first (a true cold start after
boot is slower by the disk's read time of ~400 MB).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

STEPS = ("qt", "store", "connect", "map", "screenshot")


def _env(folder: str) -> dict[str, str]:
    return {"PATH": folder, "TMPDIR": "/tmp"}


def time_help(program: Path, folder: str) -> float:
    start = time.perf_counter()
    subprocess.run([str(program), "--help"], env=_env(folder), capture_output=True, check=True)
    return time.perf_counter() - start


def time_self_test(program: Path, folder: str) -> dict[str, float]:
    marks: dict[str, float] = {}
    last = ""
    start = time.perf_counter()
    with subprocess.Popen(
        [str(program), "self-test", "--screenshot", f"{folder}/shot.png"],
        env=_env(folder),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            last = line.strip()
            words = line.split()
            if len(words) > 1 and words[0] == "ok" and words[1] in STEPS:
                marks[words[1]] = time.perf_counter() - start
        if proc.wait() != 0:
            raise SystemExit(f"the self-test failed: {last}")
    marks["exit"] = time.perf_counter() - start
    return marks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("program", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    helps: list[float] = []
    tests: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(args.runs):
            helps.append(time_help(args.program, folder))
            tests.append(time_self_test(args.program, folder))
    print(f"{args.program}: median of {args.runs} runs (min-max), seconds from exec")
    print(f"  --help                {statistics.median(helps):5.2f}  ({min(helps):.2f}-{max(helps):.2f})")
    for step in (*STEPS, "exit"):
        values = [t[step] for t in tests]
        print(f"  self-test {step:<11} {statistics.median(values):5.2f}  ({min(values):.2f}-{max(values):.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
