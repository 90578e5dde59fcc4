"""The bundle's runtime hooks (packaging/rthook_*.py) as the bundle runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from subprocesses import python_path

ROOT = Path(__file__).resolve().parents[1]

# The bundle without PySide6's OpenGL bindings: PathFinder does not find them (as in the bundle,
# which does not carry them), then the hook's stand-ins serve pyqtgraph.
WITHOUT_OPENGL_BINDINGS = """
import importlib.machinery, json, runpy, sys

HIDDEN = ("PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets")


class Hiding:
    @staticmethod
    def find_spec(name, path=None, target=None):
        return None if name in HIDDEN else importlib.machinery.PathFinder.find_spec(name, path, target)

    @staticmethod
    def invalidate_caches():
        importlib.machinery.PathFinder.invalidate_caches()


sys.meta_path[:] = [Hiding if f is importlib.machinery.PathFinder else f for f in sys.meta_path]
runpy.run_path(sys.argv[1])

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from feeds.live import ChartView, Label, Ranked
from widgets.charts import HourlyTrendChart, TopTypesChart
from widgets.theme import PANEL, Scale, configure_pyqtgraph

app = QApplication([])
configure_pyqtgraph()
types = tuple(Ranked(f"12{i:02d}", Label(f"类型{i}", f"type {i}"), 100 - 10 * i) for i in range(6))
view = ChartView(tuple(range(24)), tuple(float(h) for h in range(24)), "server", 15, types, 0.75, 450, (), ())
painted = {}
for chart in (HourlyTrendChart(scale=Scale(1080)), TopTypesChart(scale=Scale(1080))):
    chart.resize(480, 300)
    chart.show()
    chart.update_charts(view)
    app.processEvents()
    image = chart.plot.grab().toImage()
    background = QColor(PANEL).rgb()
    pixels = [image.pixel(x, y) for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)]
    painted[type(chart).__name__] = sum(p != background for p in pixels) / len(pixels)
try:
    pg.GraphicsView(useOpenGL=True)
    opengl = "created"
except RuntimeError as error:
    opengl = str(error)
print(json.dumps({
    "stand_ins": [getattr(sys.modules[name], "__file__", None) is None for name in HIDDEN],
    "opengl_viewport": isinstance(chart.plot.viewport(), pg.Qt.QtWidgets.QOpenGLWidget),
    "painted": painted,
    "opengl": opengl,
}))
"""


def test_pyqtgraph_draws_the_wall_charts_without_the_opengl_bindings() -> None:
    hook = ROOT / "packaging" / "rthook_no_opengl.py"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": python_path(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", WITHOUT_OPENGL_BINDINGS, str(hook)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr[-3000:]
    result = json.loads(out.stdout.splitlines()[-1])
    assert result["stand_ins"] == [True, True]  # the real bindings were not loaded
    assert result["opengl_viewport"] is False  # the plots draw with QPainter, as in the venv
    assert all(share > 0.02 for share in result["painted"].values()), result["painted"]
    assert "rthook_no_opengl.py" in result["opengl"]  # asking for OpenGL fails with the reason
