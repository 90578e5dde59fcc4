"""Environment for the Python subprocesses tests start."""

from __future__ import annotations

import os
from pathlib import Path


def python_path(*folders: Path) -> str:
    """``PYTHONPATH`` with ``folders`` first and the inherited entries kept after them.

    Kept because the clock runs (``./run tests-clock``) load ``tests/clock_run/sitecustomize.py``
    through the inherited ``PYTHONPATH`` in every Python process, subprocesses included.
    """
    inherited = [entry for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep) if entry]
    return os.pathsep.join([*map(str, folders), *inherited])
