"""The clock runs' shift (``tests/clock_run/sitecustomize.py``) reaches a Python subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from subprocesses import python_path

CLOCK_RUN = Path(__file__).resolve().parent / "clock_run"
PROBE = (
    "import datetime, json, time; "
    "print(json.dumps([time.time(), datetime.datetime.now().timestamp(), time.monotonic()]))"
)


def test_a_subprocess_sees_the_wall_clock_shifted_and_the_monotonic_clock_real() -> None:
    """Five hours more than this process's shift: the child's wall clock is 5 h ahead, its monotonic clock is not."""
    ours = float(os.environ.get("GRIDWALL_CLOCK_OFFSET_S", "0"))
    env = dict(os.environ, GRIDWALL_CLOCK_OFFSET_S=str(ours + 5 * 3600), PYTHONPATH=python_path(CLOCK_RUN))
    command = [sys.executable, "-c", PROBE]
    out = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, check=True)
    wall, now, monotonic = json.loads(out.stdout)
    assert abs((wall - time.time()) - 5 * 3600) < 120
    assert abs(now - wall) < 5
    assert abs(monotonic - time.monotonic()) < 120
