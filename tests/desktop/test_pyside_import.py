"""PySide6's per-import source scan is turned off for the windowed commands (desktop/pyside_import.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from subprocesses import python_path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import inspect, pathlib, sys, tempfile
if sys.argv[1] == "skip":
    from desktop.pyside_import import skip_feature_scan
    assert skip_feature_scan()
else:
    import PySide6.QtCore
read = []
real = inspect.getsource
inspect.getsource = lambda obj: (read.append(getattr(obj, "__name__", "?")), real(obj))[1]
folder = pathlib.Path(tempfile.mkdtemp())
(folder / "gw_probe_module.py").write_text(
    "from PySide6.QtCore import QCoreApplication, QObject, Signal\\n"
    "class Box(QObject):\\n"
    "    changed = Signal(int)\\n"
    "app = QCoreApplication([])\\n"
    "box, got = Box(), []\\n"
    "box.changed.connect(got.append)\\n"
    "box.changed.emit(7)\\n"
    "box.setObjectName('named')\\n"
)
sys.path.insert(0, str(folder))
import gw_probe_module as probe
selected = sys.modules["shibokensupport.feature"].pyside_feature_dict.get("gw_probe_module")
print(read.count("gw_probe_module"), selected, probe.got, probe.box.objectName())
"""


@pytest.mark.parametrize(("mode", "expected"), [("skip", "0 -1 [7] named"), ("plain", "1 0 [7] named")])
def test_a_module_imported_after_pyside6_is_not_read(mode: str, expected: str) -> None:
    """With the scan off, a module that uses PySide6 is not read when imported, and its Qt code works as before.

    The plain run is the control: PySide6 as shipped reads the module's source to find "PySide6" in it.
    """
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode],
        env={"PYTHONPATH": python_path(ROOT), "QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == expected
