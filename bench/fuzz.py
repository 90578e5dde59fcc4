"""Fuzz benchmark: the CI fuzz tests of the decoder and the live server, with more inputs.

Usage: PYTHONPATH=. python bench/fuzz.py [--scale 10]

Runs ``tests/protocol/test_fuzz_decoder.py`` and ``tests/server/test_server_fuzz.py`` with
``GRIDWALL_FUZZ_SCALE`` set (scale 1 = the CI run: 6,000 decoder inputs and 4,500 frames
through a live server) and prints what each reported: inputs, accepted frames, error codes,
events a healthy wall received without a gap, and the time taken.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ("tests/protocol/test_fuzz_decoder.py", "tests/server/test_server_fuzz.py")


def main() -> int:
    """Run the fuzz tests at ``--scale`` and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=10.0, help="multiple of the CI input count")
    args = parser.parse_args()
    env = {**os.environ, "GRIDWALL_FUZZ_SCALE": str(args.scale)}
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", *TESTS, "-q", "-s", "-p", "no:cacheprovider", "--timeout", "3600"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    for line in result.stdout.splitlines():
        if "fuzz" in line or "passed" in line or "failed" in line:
            print(line.strip())
    print(f"scale {args.scale:g}: {time.monotonic() - started:.0f} s, exit code {result.returncode}")
    if result.returncode:
        print(result.stdout[-4000:], result.stderr[-2000:], sep="\n")
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main())
