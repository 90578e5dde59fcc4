# Replaces PyInstaller's hook for PySide6.QtQml: QtWebEngine links the Qt QML and Quick
# libraries, so the module is imported, but GridWall has no QML of its own. The stock hook
# would also collect every QML module (Qt/qml, ~30 MB) and, through their plugins, the
# 3D/Charts/Multimedia/Quick3D libraries (~100 MB) that nothing here ever loads.
from PyInstaller.utils.hooks.qt import add_qt6_dependencies

hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
