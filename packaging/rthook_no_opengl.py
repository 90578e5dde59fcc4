# Runtime hook of the GridWall bundle: stand-ins for PySide6.QtOpenGL and PySide6.QtOpenGLWidgets,
# whose Python bindings the spec leaves out (QtOpenGL.abi3.so alone is 8.5 MB: a wrapper for the
# function table of every OpenGL version). The Qt *libraries* stay (libQt6OpenGL: QtQuick and so
# QtWebEngine link it; the spec keeps whatever kept code links).
#
# pyqtgraph imports both modules when it is imported (pyqtgraph/Qt/OpenGLHelpers.py,
# graphicsItems/PlotCurveItem.py and PColorMeshItem.py, widgets/RawImageWidget.py:
# importlib.import_module, not guarded) and subclasses QOpenGLWidget at module level
# (GraphicsViewGLWidget, RawImageGLWidget), but calls into them only when a plot is drawn with
# OpenGL: pg.setConfigOptions(useOpenGL=True), GraphicsView.useOpenGL(), RawImageGLWidget. GridWall
# asks for none of these: its charts are pyqtgraph's QPainter-drawn 2D plots (widgets/charts.py).
#
# The stand-ins come from a finder placed last on sys.meta_path, so they are used only when the
# real modules cannot be found (a bundle that carries the bindings uses them). QOpenGLWidget is a
# plain QWidget subclass of its own (pyqtgraph's isinstance(viewport, QOpenGLWidget) tests stay
# False, as with the real class); creating one, or using anything of QtOpenGL, fails with a
# message naming this file. tests/test_packaging_hooks.py imports pyqtgraph and draws the wall's
# charts with the bindings hidden and this hook installed.
import importlib.abc
import importlib.machinery
import sys

_STAND_INS = ("PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets")
_WHY = (
    "is left out of the GridWall bundle (packaging/rthook_no_opengl.py): "
    "OpenGL drawing in pyqtgraph (useOpenGL) is not available"
)


class _StandInLoader(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path=None, target=None):
        return importlib.machinery.ModuleSpec(name, self) if name in _STAND_INS else None

    def create_module(self, spec):
        return None  # the default module object

    def exec_module(self, module):
        name = module.__name__

        def missing(attribute):
            raise AttributeError(f"{name}.{attribute}: {name} {_WHY}")

        module.__getattr__ = missing  # PEP 562: anything not defined below
        if name == "PySide6.QtOpenGLWidgets":
            from PySide6.QtWidgets import QWidget

            class QOpenGLWidget(QWidget):
                def __init__(self, *args, **kwargs):
                    raise RuntimeError(f"{name}.QOpenGLWidget: {name} {_WHY}")

            QOpenGLWidget.__module__ = name
            module.QOpenGLWidget = QOpenGLWidget


sys.meta_path.append(_StandInLoader())
